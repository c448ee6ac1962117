import Foundation
import GRDB
import HistoryV4
import Model
import Testing

@testable import History

/// Stores written by main's v4 code (the frozen `HistoryV4` module) are converted to v5 in place:
/// the timeline reads back as v4 gave it, and the converted store holds what a store made by this
/// version would hold, so recording on top of it goes on the same way.
@Suite struct InlineConversionTests {
  typealias Fixture = CompactStoreTests

  static let api = Fixture.api
  static let worker = Fixture.worker
  static let bob = Fixture.bob
  static let stray = Fixture.stray
  /// Has the same inline document as `api` at first: v4 stored it once for both.
  static let copy = "arn:aws:iam::111122223333:role/api-copy"
  static let newcomer = "arn:aws:iam::111122223333:role/newcomer"

  static let shared = Fixture.managed
  /// `shared` after AWS published a new version of it: same ARN, another document.
  static let sharedV2 = AttachedPolicy(
    name: "Shared", arn: shared.arn,
    document: PolicyDocument(
      version: "2012-10-17", statements: [PolicyStatement(sid: "A", effect: "Allow", actions: ["s3:*"])]))
  static let other = AttachedPolicy(
    name: "Other", arn: "arn:aws:iam::111122223333:policy/Other",
    document: PolicyDocument(
      version: "2012-10-17",
      statements: [
        PolicyStatement(
          sid: nil, effect: "Deny", actions: ["iam:*"],
          otherMembers: [RawMember(key: "Resource", json: "[\"*\"]")])
      ]))
  /// A managed policy the inventory lists without its document.
  static let listed = AttachedPolicy(name: "Listed", arn: "arn:aws:iam::aws:policy/Listed", document: nil)

  static func inline(_ name: String, _ actions: [String]) -> AttachedPolicy {
    AttachedPolicy(
      name: name, arn: nil,
      document: PolicyDocument(
        version: "2012-10-17",
        statements: [
          PolicyStatement(
            sid: "Inline", effect: "Allow", actions: actions,
            otherMembers: [RawMember(key: "Resource", json: "\"*\"")])
        ]))
  }

  static func principal(_ arn: String, _ policies: [AttachedPolicy], lastUsed: String? = nil) -> Principal {
    var principal = Fixture.principal(arn, lastUsed: lastUsed)
    principal.policies = policies
    return principal
  }

  static func observations(_ statuses: [FindingStatus]) -> [Observation] {
    [
      Fixture.permission(api, "s3:GetObject", statuses[0]),
      Fixture.permission(worker, "sqs:SendMessage", statuses[1], finding: "f-2"),
      Fixture.other(bob, .password, status: statuses[2]),
      Fixture.permission(stray, "iam:PassRole", .active),
    ]
  }

  /// What v4 records: inline and managed policies in mixed order, inline documents edited, added
  /// and removed, one inline document shared by two principals, a managed policy's document
  /// replaced, one detached, a snapshot without an inventory, and the newest day recorded again.
  static let v4History: [Snapshot] = [
    Fixture.snapshot(
      "2026-01-31",
      principals: [
        principal(api, [shared, inline("inline", ["s3:GetObject"])], lastUsed: "2026-01-30"),
        principal(
          worker,
          [inline("a", ["sqs:SendMessage"]), shared, other, inline("b", ["kms:Decrypt", "kms:Encrypt"])]),
        principal(bob, [inline("x", ["ec2:*"]), inline("y", ["rds:*"])]),
        principal(copy, [shared, inline("inline", ["s3:GetObject"])]),
        Principal(arnOnly: stray, kind: .role),
      ],
      observations([.active, .active, .active]),
      recommendations: [Fixture.recommendation(api, "s3:GetObject")]),
    Fixture.snapshot(
      "2026-02-28",
      principals: [
        principal(api, [sharedV2, inline("inline", ["s3:ListBucket"])], lastUsed: "2026-02-20"),
        principal(worker, [inline("a", ["sqs:SendMessage"]), sharedV2, inline("b", ["kms:Decrypt"])]),
        principal(bob, [inline("y", ["rds:*"])]),
        principal(copy, [sharedV2, inline("inline", ["s3:GetObject"])]),
      ],
      observations([.active, .resolved, .active]),
      recommendations: [Fixture.recommendation(worker, "sqs:*")]),
    Fixture.snapshot(
      "2026-03-31",
      principals: [Principal(arnOnly: api, kind: .role), Principal(arnOnly: bob, kind: .user)],
      inventory: false, observations([.active, .resolved, .archived])),
    Fixture.snapshot(
      "2026-04-30",
      principals: [
        principal(api, [sharedV2, inline("inline", ["s3:ListBucket"])], lastUsed: "2026-04-29"),
        principal(
          worker, [inline("a", ["sqs:SendMessage"]), sharedV2, inline("b", ["kms:Decrypt", "kms:Encrypt"])]),
        principal(bob, [listed]),
        principal(copy, [sharedV2, inline("inline", ["s3:GetObject"])]),
      ],
      observations([.active, .active, .archived])),
    Fixture.snapshot(
      "2026-04-30",
      principals: [
        principal(
          api, [inline("inline", ["s3:ListBucket", "s3:PutObject"]), sharedV2], lastUsed: "2026-04-29"),
        principal(
          worker, [inline("a", ["sqs:SendMessage"]), sharedV2, inline("b", ["kms:Decrypt", "kms:Encrypt"])]),
        principal(bob, [listed]),
        principal(copy, [sharedV2, inline("inline", ["s3:ListBucket", "s3:PutObject"])]),
      ],
      observations([.active, .active, .resolved])),
  ]

  /// Recorded after converting: inline policies edited, added back and shared with a newcomer, a
  /// principal leaving the inventory, a managed policy attached again, and a day recorded twice.
  static let later: [Snapshot] = [
    Fixture.snapshot(
      "2026-05-31",
      principals: [
        principal(api, [inline("inline", ["s3:PutObject"]), sharedV2], lastUsed: "2026-05-30"),
        principal(
          worker, [inline("a", ["sqs:SendMessage"]), sharedV2, inline("b", ["kms:Decrypt", "kms:Encrypt"])]),
        principal(bob, [listed, inline("x", ["ec2:*"])]),
        principal(newcomer, [inline("a", ["sqs:SendMessage"])]),
      ],
      observations([.active, .active, .resolved])),
    Fixture.snapshot(
      "2026-06-30",
      principals: [
        principal(api, [inline("inline", ["s3:PutObject"]), sharedV2, other], lastUsed: "2026-06-29"),
        principal(
          worker, [inline("a", ["sqs:SendMessage"]), sharedV2, inline("b", ["kms:Decrypt", "kms:Encrypt"])]),
        principal(bob, [listed, inline("x", ["ec2:*"])]),
        principal(newcomer, []),
      ],
      observations([.resolved, .active, .resolved])),
    Fixture.snapshot(
      "2026-06-30",
      principals: [
        principal(api, [inline("inline", ["s3:PutObject"]), sharedV2, other], lastUsed: "2026-06-29"),
        principal(worker, [sharedV2, inline("b", ["kms:Decrypt"])]),
        principal(bob, [listed, inline("x", ["ec2:*"])]),
        principal(newcomer, [other]),
      ],
      observations([.resolved, .active, .resolved])),
  ]

  /// A policy as a description refers to it, whatever id the store gave it.
  enum Reference: Equatable {
    case managed(body: Data)
    case inline(index: Int)
  }

  /// A principal row with its description's managed policy ids replaced by their bodies.
  struct PrincipalRow: Equatable {
    var id: Int64
    var arn: String
    var signature: Int64
    var inlineHash: UInt64
    var references: [Reference]
    /// The description after its head.
    var rest: Data
    var recommendations: Data?
    var recommendationsDay: Int?
  }

  /// What a v5 store holds, in terms that do not depend on the ids given to policy rows (a store
  /// converted from v4 keeps the ids v4 gave managed policies, and v4 gave ids to inline ones too).
  struct Contents: Equatable {
    var principals: [PrincipalRow] = []
    var inlinePolicies: [Row] = []
    var policyBodies: [Data] = []
    var histories: [Row] = []
    var terms: [Row] = []
    var snapshots: [Row] = []
    var counter: [Row] = []

    static func read(_ url: URL) throws -> Contents {
      try DatabaseQueue(path: url.path).read { db in
        var contents = Contents()
        var bodies: [Int64: Data] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, body FROM policy") { bodies[row[0]] = row[1] }
        contents.policyBodies = bodies.values.sorted { $0.lexicographicallyPrecedes($1) }
        for row in try Row.fetchAll(
          db,
          sql: """
            SELECT id, arn, signature, description, recommendations, recommendationsDay
            FROM principal ORDER BY id
            """)
        {
          let description: Data = row[3]
          let (head, rest) = try description.withUnsafeBytes { bytes in
            var reader = ByteReader(bytes)
            let head = try DescriptionCoding.head(&reader)
            return (head, Data(bytes[reader.position...]))
          }
          let references = try head.references.map { reference in
            switch reference {
            case .managed(let id):
              guard let body = bodies[id] else { throw CorruptData("policy \(id) is missing") }
              return Reference.managed(body: body)
            case .inline(let index): return Reference.inline(index: index)
            }
          }
          contents.principals.append(
            PrincipalRow(
              id: row[0], arn: row[1], signature: row[2], inlineHash: head.inlineHash, references: references,
              rest: rest, recommendations: row[4], recommendationsDay: row[5]))
        }
        contents.inlinePolicies = try Row.fetchAll(
          db, sql: "SELECT principal, policies FROM inlinePolicies ORDER BY principal")
        contents.histories = try Row.fetchAll(
          db, sql: "SELECT principal, data FROM history ORDER BY principal")
        contents.terms = try Row.fetchAll(db, sql: "SELECT id, text FROM term ORDER BY id")
        contents.snapshots = try Row.fetchAll(db, sql: "SELECT * FROM snapshot ORDER BY day")
        contents.counter = try Row.fetchAll(db, sql: "SELECT * FROM counter ORDER BY name")
        return contents
      }
    }
  }

  static func tables(_ url: URL) throws -> [String] {
    try DatabaseQueue(path: url.path).read { db in
      try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    }
  }

  static func migrations(_ url: URL) throws -> [String] {
    try DatabaseQueue(path: url.path).read { db in
      try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
    }
  }

  /// Writes `v4History` with main's v4 code, and returns what it gave.
  static func writeV4Store(at url: URL) throws -> (
    timeline: Timeline, snapshots: [HistoryV4.RecordedSnapshot], statistics: [String: Int]
  ) {
    let v4 = try HistoryV4.HistoryStore(url: url)
    for (number, snapshot) in v4History.enumerated() {
      try v4.record(snapshot, fingerprint: "\(number)")
    }
    return (try v4.timeline(), try v4.recordedSnapshots(), try v4.statistics())
  }

  @Test func convertsAV4StoreWithoutLosingAnything() throws {
    let url = try Fixture.temporaryStore()
    let written = try Self.writeV4Store(at: url)
    #expect(try Self.migrations(url).last == "v4: compact")
    #expect(!(try Self.tables(url).contains("inlinePolicies")))
    let untouched = try DatabaseQueue(path: url.path).read { db in
      [
        try Row.fetchAll(db, sql: "SELECT principal, data FROM history ORDER BY principal"),
        try Row.fetchAll(db, sql: "SELECT id, text FROM term ORDER BY id"),
        try Row.fetchAll(db, sql: "SELECT * FROM snapshot ORDER BY day"),
        try Row.fetchAll(db, sql: "SELECT * FROM counter ORDER BY name"),
        try Row.fetchAll(
          db, sql: "SELECT id, recommendations, recommendationsDay FROM principal ORDER BY id"),
      ]
    }
    // v4 stored api's and copy's inline document (the same) once: each must get a copy of its own.
    let v4References = try DatabaseQueue(path: url.path).read { db in
      try Row.fetchAll(db, sql: "SELECT arn, description FROM principal ORDER BY id").map { row in
        let description: Data = row[1]
        return try description.withUnsafeBytes { bytes in
          var reader = ByteReader(bytes)
          return try DescriptionCoding.V4.decode(arn: row[0], &reader).1
        }
      }
    }
    #expect(v4References.count == 5)
    #expect(v4References[0].first == v4References[3].last)

    let converted = try History.HistoryStore(url: url)
    Fixture.expectSame(try converted.timeline(), written.timeline, "converted")
    #expect(
      try converted.recordedSnapshots().map { [$0.day.iso, $0.fingerprint] }
        == written.snapshots.map { [$0.day.iso, $0.fingerprint] })
    #expect(try converted.statistics() == written.statistics)
    #expect(try Self.migrations(url).contains(Schema.v5Identifier))
    #expect(
      try Self.tables(url) == [
        "counter", "grdb_migrations", "history", "inlinePolicies", "policy", "principal", "snapshot", "term",
      ])
    let (pageSize, freePages, indexes) = try DatabaseQueue(path: url.path).read { db in
      (
        try Int.fetchOne(db, sql: "PRAGMA page_size"), try Int.fetchOne(db, sql: "PRAGMA freelist_count"),
        try String.fetchAll(
          db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
      )
    }
    #expect(pageSize == 65_536)
    #expect(freePages == 0)
    #expect(indexes == ["policyHash"])
    let after = try DatabaseQueue(path: url.path).read { db in
      [
        try Row.fetchAll(db, sql: "SELECT principal, data FROM history ORDER BY principal"),
        try Row.fetchAll(db, sql: "SELECT id, text FROM term ORDER BY id"),
        try Row.fetchAll(db, sql: "SELECT * FROM snapshot ORDER BY day"),
        try Row.fetchAll(db, sql: "SELECT * FROM counter ORDER BY name"),
        try Row.fetchAll(
          db, sql: "SELECT id, recommendations, recommendationsDay FROM principal ORDER BY id"),
      ]
    }
    #expect(after == untouched)

    // The converted store holds what one made by this version holds: only managed policies in
    // `policy` (sharedV2 and listed), a row of inline policies for api, worker and copy, and the
    // signatures a recording works out, so the next one rewrites only what changed.
    let freshURL = try Fixture.temporaryStore()
    let fresh = try History.HistoryStore(url: freshURL)
    for (number, snapshot) in Self.v4History.enumerated() {
      try fresh.record(snapshot, fingerprint: "\(number)")
    }
    var expected = try Contents.read(freshURL)
    var found = try Contents.read(url)
    #expect(found.policyBodies.count == 2)
    #expect(found.inlinePolicies.map { $0[0] as Int64 } == [1, 2, 4])
    #expect(found == expected)

    // Recording on top of the converted store goes on exactly as on the fresh one.
    for (number, snapshot) in Self.later.enumerated() {
      let onConverted = try converted.record(snapshot, fingerprint: "later \(number)")
      let onFresh = try fresh.record(snapshot, fingerprint: "later \(number)")
      #expect(onConverted == onFresh, "\(number)")
      Fixture.expectSame(
        try converted.timeline(), try fresh.timeline(), "recorded \(number) after converting")
      expected = try Contents.read(freshURL)
      found = try Contents.read(url)
      #expect(found == expected, "\(number)")
    }
    #expect(try Self.tables(freshURL) == Self.tables(url))
    #expect(try Self.migrations(freshURL) == Self.migrations(url))
  }

  @Test func convertsAV3StoreThroughV4AsMainsCodeDid() throws {
    // The v3 to v4 step is main's, kept byte for byte: a v3 store converted by main's code and
    // one converted by this version's v4 migration alone hold the same rows.
    let byMain = try Fixture.temporaryStore()
    let byThis = try Fixture.temporaryStore()
    for url in [byMain, byThis] {
      let v3 = try V3Store.create(at: url)
      for (number, snapshot) in Fixture.history.enumerated() {
        try V3Store.record(snapshot, fingerprint: "\(number)", in: v3)
      }
    }
    let expected = try HistoryV4.HistoryStore(url: byMain).timeline()
    try Schema.migrator.migrate(DatabaseQueue(path: byThis.path), upTo: Schema.v4Identifier)
    let dump = { (url: URL) throws -> [[Row]] in
      try DatabaseQueue(path: url.path).read { db in
        try ["snapshot", "counter", "term", "policy", "principal", "history", "grdb_migrations"].map {
          try Row.fetchAll(db, sql: "SELECT * FROM \($0) ORDER BY 1")
        }
      }
    }
    #expect(try dump(byThis) == dump(byMain))

    // Then on to v5, with nothing lost on the way.
    Fixture.expectSame(try History.HistoryStore(url: byThis).timeline(), expected, "v3 to v5")
    #expect(try Self.migrations(byThis).contains(Schema.v5Identifier))
  }

  @Test func aV4StoreThatDoesNotDecodeIsLeftAsItWas() throws {
    let url = try Fixture.temporaryStore()
    _ = try Self.writeV4Store(at: url)
    // A description refers to a policy that is gone.
    try DatabaseQueue(path: url.path).write { db in
      try db.execute(sql: "DELETE FROM policy WHERE id = (SELECT MAX(id) FROM policy)")
    }
    #expect(throws: History.HistoryError.self) { try History.HistoryStore(url: url) }
    #expect(try Self.migrations(url).last == "v4: compact")
    #expect(!(try Self.tables(url).contains("inlinePolicies")))
  }

  @Test func aNewStoreIsV5() throws {
    let url = try Fixture.temporaryStore()
    _ = try History.HistoryStore(url: url)
    #expect(try Self.migrations(url).contains(Schema.v5Identifier))
    #expect(try Self.tables(url).contains("inlinePolicies"))
    #expect(
      try DatabaseQueue(path: url.path).read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 65_536)
  }
}
