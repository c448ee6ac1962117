import Foundation
import Model
import Testing

@testable import History

/// The binary format and hashes are stored and compared with values later builds compute, so
/// these tests pin exact bytes and exact hash values.
@Suite struct CodingTests {
  static func bytes(_ body: (inout ByteWriter) -> Void) -> [UInt8] {
    var writer = ByteWriter()
    body(&writer)
    return writer.copy()
  }

  static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

  static func reading(_ bytes: [UInt8], _ body: (inout ByteReader) throws -> Void) throws {
    try bytes.withUnsafeBytes { buffer throws in
      var reader = ByteReader(buffer)
      try body(&reader)
    }
  }

  @Test func itemKeyHashIsFNV1aOfTheKey() {
    let access = UnusedAccess.permission(
      principalARN: "arn:aws:iam::1:role/a", service: "S3", action: "s3:GetObject")
    #expect(access.key == "permission s3:getobject")
    #expect(ItemKeyHash.of(access) == 0x21E3_3717_5A62_5AA5)
    #expect(ItemKeyHash.of(UnusedAccess(principalARN: "x", kind: .role)) == 0xA358_EC1F_F0C8_33B9)
    #expect(
      ItemKeyHash.of(UnusedAccess(principalARN: "x", kind: .accessKey, detail: "AKIAEXAMPLE"))
        == 0x591F_F40B_DE9B_A216)
  }

  @Test func itemKeyHashFollowsTheKeyForEveryKindAndAnyText() {
    let arn = "arn:aws:iam::1:role/a"
    let accesses = [
      UnusedAccess.permission(principalARN: arn, service: "ec2", action: "DescribeInstances"),
      UnusedAccess.permission(principalARN: arn, service: "s3", action: nil),
      UnusedAccess.permission(principalARN: arn, service: "svc", action: "ÄndereDİNGE"),
      UnusedAccess.permission(principalARN: arn, service: "svc", action: "Straße"),
      UnusedAccess(principalARN: arn, kind: .password),
      UnusedAccess(principalARN: arn, kind: .undetailedFinding, detail: "f-1"),
      UnusedAccess(principalARN: arn, kind: .accessKey, detail: "AKIAÜ"),
    ]
    for access in accesses {
      #expect(ItemKeyHash.of(access) == StableHash.fnv1a(access.key.utf8), "\(access.key)")
    }
  }

  @Test func contentHashHasFixedValues() {
    #expect(StableHash.content([]) == 0xEFD0_1F60_BA99_2926)
    #expect(StableHash.content(Array(1...11)) == 0xE8C8_6F48_5BB0_6ADE)
    #expect(StableHash.content(Self.ascii("abcdefgh")) == 0xE449_83D2_9612_8D68)
  }

  @Test func numbersRoundTrip() throws {
    let values = [0, 1, -1, 63, -64, 64, 127, 128, 20_089, -20_089, Int.max, Int.min]
    let encoded = Self.bytes { writer in
      for value in values { writer.signed(value) }
      writer.varint(UInt64.max)
      writer.word(0x0102_0304_0506_0708)
    }
    #expect(Array(encoded.prefix(4)) == [0, 2, 1, 126])
    try Self.reading(encoded) { reader throws in
      for value in values { #expect(try reader.signed() == value) }
      #expect(try reader.varint() == UInt64.max)
      #expect(try reader.word() == 0x0102_0304_0506_0708)
      #expect(reader.isAtEnd)
    }
  }

  @Test func truncatedOrOverlongDataThrows() {
    for bytes: [UInt8] in [[0x80], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], [5, 0x61]] {
      #expect(throws: CorruptData.self) {
        try Self.reading(bytes) { reader throws in
          _ = try bytes.count == 2 ? reader.string().count : Int(reader.varint())
        }
      }
    }
  }

  @Test func policyHasExactBytesAndRoundTrips() throws {
    let policy = AttachedPolicy(
      name: "p", arn: nil,
      document: PolicyDocument(
        version: "2012-10-17",
        statements: [
          PolicyStatement(
            sid: nil, effect: "Allow", actions: ["s3:GetObject"],
            otherMembers: [RawMember(key: "Resource", json: "\"*\"")])
        ]))
    let encoded = Self.bytes { ValueCoding.encode(policy, into: &$0) }
    var expected: [UInt8] = [1, 2, 1] + Self.ascii("p") + [1, 10] + Self.ascii("2012-10-17") + [1, 2, 5]
    expected += Self.ascii("Allow") + [1, 12] + Self.ascii("s3:GetObject") + [1, 8] + Self.ascii("Resource")
    expected += [3] + Self.ascii("\"*\"")
    #expect(encoded == expected)
    try Self.reading(encoded) { reader throws in
      #expect(try ValueCoding.decodePolicy(&reader) == policy)
      #expect(reader.isAtEnd)
    }
  }

  @Test func recommendationsRootAccountsAndDescriptionsRoundTrip() throws {
    let recommendations = PrincipalRecommendations(
      principalARN: "arn:aws:iam::1:role/a", status: "FAILED",
      steps: [
        PolicyRecommendation(existingPolicyID: "inline", action: .detachPolicy, recommendedPolicy: nil),
        PolicyRecommendation(
          existingPolicyID: "arn:aws:iam::aws:policy/X", action: .createPolicy,
          recommendedPolicy: PolicyDocument(version: nil, statements: [])),
      ], errorMessage: "went wrong")
    let accounts = [
      RootAccount(
        accountID: "111122223333", passwordLastUsed: Day(iso: "2026-01-02"), mfaActive: true,
        activeAccessKeys: 2,
        accessKeyLastUsed: nil)
    ]
    var principal = Principal(
      arn: "arn:aws:iam::1:role/a", kind: .role, name: "a", accountID: "1", path: "/x/",
      tags: [Model.Tag(key: "team", value: "é")], createdOn: Day(iso: "1969-12-31"), lastUsedOn: nil)
    principal.isInInventory = false
    let encoded = Self.bytes { writer in
      ValueCoding.encode(recommendations, into: &writer)
      ValueCoding.encode(accounts, into: &writer)
      DescriptionCoding.encode(
        principal, references: [.managed(id: 3), .inline(index: 0), .managed(id: 1 << 40)], inlineHash: 7,
        into: &writer)
    }
    try Self.reading(encoded) { reader throws in
      #expect(try ValueCoding.decodeRecommendations(&reader) == recommendations)
      #expect(try ValueCoding.decodeRootAccounts(&reader) == accounts)
      let (decoded, references) = try DescriptionCoding.decode(arn: principal.arn, &reader)
      #expect(decoded == principal)
      #expect(references == [.managed(id: 3), .inline(index: 0), .managed(id: 1 << 40)])
      #expect(reader.isAtEnd)
    }
  }

  @Test func v4AndV5DescriptionsDifferInTheirHeadOnlyAndAreNotMistakenForEachOther() throws {
    let principal = Principal(
      arn: "arn:aws:iam::1:role/a", kind: .role, name: "a", accountID: "1", path: "/", tags: [],
      createdOn: nil, lastUsedOn: nil)
    let v4 = Self.bytes { DescriptionCoding.V4.encode(principal, policyIDs: [3, 300], into: &$0) }
    let v5 = Self.bytes {
      DescriptionCoding.encode(
        principal, references: [.inline(index: 0), .managed(id: 3)], inlineHash: 9, into: &$0)
    }
    // As main's v4 code wrote it: format 1, two ids, then the rest.
    #expect(Array(v4.prefix(5)) == [1, 2, 3, 0xAC, 0x02])
    #expect(Array(v5.prefix(12)) == [2, 9, 0, 0, 0, 0, 0, 0, 0, 2, 1, 6])
    #expect(v4.dropFirst(5) == v5.dropFirst(12))
    try Self.reading(v4) { reader throws in
      let (decoded, ids) = try DescriptionCoding.V4.decode(arn: principal.arn, &reader)
      #expect(decoded == principal)
      #expect(ids == [3, 300])
      #expect(reader.isAtEnd)
    }
    try Self.reading(v4) { reader throws in
      #expect(throws: CorruptData.self) { try DescriptionCoding.decode(arn: principal.arn, &reader) }
    }
    try Self.reading(v5) { reader throws in
      #expect(throws: CorruptData.self) { try DescriptionCoding.V4.decode(arn: principal.arn, &reader) }
    }
  }

  @Test func historyHasExactBytesAndRoundTrips() throws {
    var history = PrincipalHistory()
    history.findings = ["f"]
    history.runs = [
      PrincipalHistory.Run(status: 1, first: 20_119, last: 20_147),
      PrincipalHistory.Run(status: 3, first: 20_178, last: nil),
    ]
    history.appendItem(
      PrincipalHistory.Item(
        id: 5, keyHash: 0x0102_0304_0506_0708, service: 1, detail: 2, finding: 0, sources: 1, lastUsed: nil,
        created: 20_091, firstRun: 0, runCount: 2, kind: 0))
    history.presence = [PrincipalHistory.Run(status: 0, first: 20_119, last: nil)]
    let encoded = Self.bytes { history.encode(into: &$0) }
    let expected: [UInt8] = [
      1, 1, 8, 7, 6, 5, 4, 3, 2, 1,  // version; one item and its key hash
      1, 1, 0x66,  // the finding "f"
      10, 16, 1, 2, 0, 2, 4,  // id 5, created follows, service 1, detail 2, finding 0, sources 1, created +2
      2, 1, 60, 56, 7, 62,  // two runs: active +30 for 28 days; resolved 31 days later, open
      1, 4, 60,  // presence from +30, open
    ]
    #expect(encoded == expected)
    var decoded = PrincipalHistory()
    try encoded.withUnsafeBytes { buffer throws in try decoded.decode(buffer) }
    #expect(decoded.findings == ["f"])
    #expect(decoded.runs == history.runs)
    #expect(decoded.presence == history.presence)
    #expect(decoded.items.map(\.id) == [5])
    #expect(decoded.items.map(\.created) == [20_091])
    var hashes: [UInt64] = []
    try encoded.withUnsafeBytes { buffer throws in try PrincipalHistory.keyHashes(buffer, into: &hashes) }
    #expect(hashes == [0x0102_0304_0506_0708])
    #expect(Self.bytes { decoded.encode(into: &$0) } == encoded)
  }

  @Test func aNewerFormatIsRefusedNotMisread() {
    #expect(throws: CorruptData.self) {
      var history = PrincipalHistory()
      try [UInt8]([2, 0, 0, 0, 0]).withUnsafeBytes { buffer throws in try history.decode(buffer) }
    }
  }

  @Test func textIndexNumbersTextsFromItsFirstNumber() {
    var index = TextIndex(first: 1)
    for text in ["", "s3", "GetObject", "getobject", "arn:aws:iam::111122223333:role/a-long-enough-name"] {
      index.append(text)
    }
    #expect(index.number(of: "") == 1)
    #expect(index.number(of: "GetObject") == 3)
    #expect(index.number(of: "getobject") == 4)
    #expect(index.number(of: "arn:aws:iam::111122223333:role/a-long-enough-name") == 5)
    #expect(index.number(of: "ec2") == nil)
    #expect(index.next == 6)
  }

  @Test func itemsCopiedFromTheStoredBlobGiveTheBytesEncodingGives() throws {
    var history = PrincipalHistory()
    history.findings = ["f-1", "f-2"]
    for (number, finding) in [(1, 0), (4, 1), (9, 0)] {
      history.runs.append(PrincipalHistory.Run(status: 1, first: 20_119, last: nil))
      history.appendItem(
        PrincipalHistory.Item(
          id: Int64(number), keyHash: UInt64(number), service: 1, detail: Int32(number),
          finding: Int32(finding),
          sources: 1, lastUsed: nil, created: 20_100, firstRun: Int32(history.runs.count - 1), runCount: 1,
          kind: 0))
    }
    let stored = Self.bytes { history.encode(into: &$0) }
    let observation = Observation(
      access: .permission(principalARN: "a", service: "s3", action: "X"), status: .resolved,
      lastUsedOn: Day(iso: "2025-02-01"), findingID: "f-3")
    let days = PrincipalHistory.Days(day: 20_147, previous: 20_119)
    func recorded(copying: Bool) throws -> [UInt8] {
      var decoded = PrincipalHistory()
      try stored.withUnsafeBytes { buffer throws in try decoded.decode(buffer) }
      var changes = PrincipalHistory.Changes()
      // Item 0 is reported unchanged (copied), item 1 changes (and brings a new finding), item 2
      // is no longer reported (its run ends).
      decoded.items[0].observed = true
      try withUnsafePointer(to: observation) { try decoded.observe($0, at: 1, days, changes: &changes) }
      try decoded.closeUnobserved(days, changes: &changes)
      return try stored.withUnsafeBytes { buffer throws in
        Self.bytes { decoded.encode(into: &$0, source: copying ? buffer : nil) }
      }
    }
    #expect(try recorded(copying: true) == recorded(copying: false))
    var unchanged = PrincipalHistory()
    try stored.withUnsafeBytes { buffer throws in try unchanged.decode(buffer) }
    #expect(
      stored.withUnsafeBytes { buffer in Self.bytes { unchanged.encode(into: &$0, source: buffer) } }
        == stored)
  }
}

@Suite struct SourceCodingTests {
  @Test func sourceListsReadBackAsWrittenAndOddLinesAreSkipped() {
    let text = [
      "inventory\t93\tauthorization-details-1.json",
      "",
      "lastAccessed\t7\tlast accessed/with\ttab.json",
      "nonsense line",
      "lastAccessed\tmany\tx.json",
      "unknownKind\t1\ty.json",
      "credentialReport\t0\t✓ report.csv",
    ].joined(separator: "\n")
    #expect(
      SourceCoding.decode(text) == [
        SourceFile(name: "authorization-details-1.json", kind: .inventory, records: 93),
        SourceFile(name: "last accessed/with\ttab.json", kind: .lastAccessed, records: 7),
        SourceFile(name: "✓ report.csv", kind: .credentialReport, records: 0),
      ])
    #expect(SourceCoding.decode("").isEmpty)
  }
}
