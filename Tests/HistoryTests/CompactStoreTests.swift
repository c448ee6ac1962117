import Foundation
import GRDB
import Model
import Testing

@testable import History

/// The compact store (schema v4) against the previous one: the same snapshots give the same
/// timeline and outcomes, and a v3 store is converted without losing anything.
@Suite struct CompactStoreTests {
  static let account = "111122223333"
  static let api = "arn:aws:iam::111122223333:role/api"
  static let worker = "arn:aws:iam::111122223333:role/worker"
  static let bob = "arn:aws:iam::111122223333:user/bob"
  static let stray = "arn:aws:iam::444455556666:role/stray"

  static func day(_ text: String) -> Day { Day(iso: text)! }

  static let managed = AttachedPolicy(
    name: "Shared", arn: "arn:aws:iam::aws:policy/Shared",
    document: PolicyDocument(
      version: "2012-10-17",
      statements: [PolicyStatement(sid: "A", effect: "Allow", actions: ["s3:*", "ec2:Run*"])]))

  static func inline(_ action: String) -> AttachedPolicy {
    AttachedPolicy(
      name: "inline", arn: nil,
      document: PolicyDocument(
        version: "2012-10-17",
        statements: [
          PolicyStatement(
            effect: "Allow", actions: [action], otherMembers: [RawMember(key: "Resource", json: "\"*\"")])
        ]))
  }

  static func principal(
    _ arn: String, tags: [Model.Tag] = [], inline action: String = "s3:GetObject", lastUsed: String?
  )
    -> Principal
  {
    var principal = Principal(
      arn: arn, kind: arn.contains(":user/") ? .user : .role, name: String(arn.split(separator: "/").last!),
      accountID: account, tags: tags, createdOn: day("2024-05-01"), lastUsedOn: lastUsed.map(day))
    principal.policies = [managed, inline(action)]
    return principal
  }

  static func permission(
    _ arn: String, _ action: String, _ status: FindingStatus, finding: String = "f-1",
    lastUsed: String? = nil,
    created: String? = "2025-12-01"
  ) -> Observation {
    let parts = action.split(separator: ":").map(String.init)
    return Observation(
      access: .permission(principalARN: arn, service: parts[0], action: parts[1]), status: status,
      lastUsedOn: lastUsed.map(day), findingID: finding, findingCreatedOn: created.map(day),
      sources: [.analyzer, .lastAccessed])
  }

  static func other(_ arn: String, _ kind: UnusedAccessKind, _ detail: String = "", status: FindingStatus)
    -> Observation
  {
    Observation(
      access: UnusedAccess(principalARN: arn, kind: kind, detail: detail), status: status,
      findingID: "f-\(kind)",
      sources: kind == .password || kind == .accessKey ? .credentialReport : .analyzer)
  }

  static func snapshot(
    _ day: String, principals: [Principal], inventory: Bool = true, _ observations: [Observation],
    recommendations: [PrincipalRecommendations] = []
  ) -> Snapshot {
    var snapshot = Snapshot(
      day: Self.day(day), principals: principals, hasInventory: inventory, observations: observations,
      sources: [
        SourceFile(name: "findings-\(day).json", kind: .analyzerFindings, records: observations.count)
      ])
    snapshot.recommendations = recommendations
    snapshot.rootAccounts = [
      RootAccount(
        accountID: account, passwordLastUsed: Self.day(day), mfaActive: day < "2026-03", activeAccessKeys: 0,
        accessKeyLastUsed: nil)
    ]
    snapshot.notes = ["note for \(day)"]
    snapshot.truncated = day == "2026-02-28" ? ["findings.json"] : []
    return snapshot
  }

  static func recommendation(_ arn: String, _ action: String) -> PrincipalRecommendations {
    PrincipalRecommendations(
      principalARN: arn, status: "SUCCEEDED",
      steps: [
        PolicyRecommendation(
          existingPolicyID: "inline", action: .createPolicy,
          recommendedPolicy: PolicyDocument(
            version: "2012-10-17", statements: [PolicyStatement(effect: "Allow", actions: [action])]))
      ])
  }

  /// Six recordings over five days: status changes, items leaving and coming back, a principal
  /// only findings name, a snapshot without an inventory, a user leaving the inventory,
  /// recommendations changing and stopping, and the newest snapshot recorded again.
  static let history: [Snapshot] = [
    snapshot(
      "2026-01-31",
      principals: [
        principal(api, lastUsed: "2026-01-30"), principal(worker, lastUsed: nil),
        principal(bob, lastUsed: nil),
      ],
      [
        permission(api, "s3:GetObject", .active, lastUsed: "2025-10-01"),
        permission(api, "ec2:RunInstances", .active),
        permission(worker, "s3:PutObject", .active), other(worker, .role, status: .active),
        other(bob, .accessKey, "AKIAONE", status: .active), other(bob, .password, status: .active),
      ], recommendations: [recommendation(api, "s3:GetObject")]),
    snapshot(
      "2026-02-28",
      principals: [
        principal(api, tags: [Model.Tag(key: "team", value: "payments")], lastUsed: "2026-02-20"),
        principal(worker, inline: "sqs:SendMessage", lastUsed: nil), principal(bob, lastUsed: nil),
        Principal(arnOnly: stray, kind: .role),
      ],
      [
        permission(
          api, "s3:GetObject", .active, finding: "f-2", lastUsed: "2025-11-01", created: "2025-11-15"),
        permission(api, "ec2:RunInstances", .resolved), permission(worker, "s3:PutObject", .archived),
        other(bob, .password, status: .active),
        other(worker, .undetailedFinding, "finding-9", status: .active),
        permission(stray, "iam:PassRole", .active),
      ], recommendations: [recommendation(api, "s3:ListBucket"), recommendation(worker, "sqs:*")]),
    snapshot(
      "2026-03-31",
      principals: [
        Principal(arnOnly: api, kind: .role), Principal(arnOnly: worker, kind: .role),
        Principal(arnOnly: stray, kind: .role),
      ],
      inventory: false,
      [
        permission(api, "s3:GetObject", .active), permission(worker, "s3:PutObject", .archived),
        permission(stray, "iam:PassRole", .active),
      ]),
    snapshot(
      "2026-04-30",
      principals: [
        principal(api, lastUsed: "2026-04-29"), principal(worker, inline: "sqs:SendMessage", lastUsed: nil),
      ],
      [
        permission(api, "S3:getobject", .active), permission(api, "ec2:RunInstances", .active),
        permission(worker, "s3:PutObject", .archived),
      ], recommendations: [recommendation(worker, "sqs:*")]),
    snapshot(
      "2026-05-31",
      principals: [
        principal(api, lastUsed: "2026-05-30"), principal(worker, inline: "sqs:SendMessage", lastUsed: nil),
      ],
      [permission(api, "s3:GetObject", .resolved), permission(api, "iam:PassRole", .active)]),
    snapshot(
      "2026-05-31",
      principals: [
        principal(api, lastUsed: "2026-05-30"), principal(worker, inline: "sns:Publish", lastUsed: nil),
      ],
      [
        permission(api, "s3:GetObject", .active), permission(worker, "kms:Decrypt", .active),
        permission(worker, "s3:PutObject", .active),
      ],
      recommendations: [recommendation(api, "kms:*")]),
  ]

  static let later = snapshot(
    "2026-06-30", principals: [principal(api, lastUsed: "2026-06-29"), principal(bob, lastUsed: nil)],
    [
      permission(api, "s3:GetObject", .active), permission(api, "iam:PassRole", .archived),
      other(bob, .password, status: .resolved),
    ])

  static func expectSame(_ found: Timeline, _ expected: Timeline, _ comment: Comment) {
    #expect(found.snapshots == expected.snapshots, comment)
    #expect(found.principals == expected.principals, comment)
    #expect(found.items == expected.items, comment)
    #expect(found.intervals == expected.intervals, comment)
    #expect(found.presence == expected.presence, comment)
    #expect(found.details == expected.details, comment)
    #expect(found.recommendations == expected.recommendations, comment)
  }

  static func temporaryStore() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("history.sqlite")
  }

  @Test func recordsWhatTheV3StoreRecorded() throws {
    let v3 = try V3Store.create(at: try Self.temporaryStore())
    let store = try HistoryStore()
    for (number, snapshot) in Self.history.enumerated() {
      let old = try V3Store.record(snapshot, fingerprint: "\(number)", in: v3)
      let new = try store.record(snapshot, fingerprint: "\(number)")
      #expect(
        new.replaced == old.replaced && new.runsStarted == old.started && new.runsEnded == old.ended,
        "\(number)")
      Self.expectSame(try store.timeline(), try V3Store.timeline(v3), "after recording \(number)")
    }
  }

  @Test func convertsAV3StoreWithoutLosingHistory() throws {
    let url = try Self.temporaryStore()
    var expected = Timeline.empty
    do {
      let v3 = try V3Store.create(at: url)
      for (number, snapshot) in Self.history.enumerated() {
        try V3Store.record(snapshot, fingerprint: "\(number)", in: v3)
      }
      expected = try V3Store.timeline(v3)
    }
    let converted = try HistoryStore(url: url)
    Self.expectSame(try converted.timeline(), expected, "converted")
    #expect(try converted.recordedSnapshots().map(\.fingerprint) == ["0", "1", "2", "3", "5"])
    let statistics = try converted.statistics()
    #expect(statistics["item"] == expected.items.count)
    #expect(statistics["run"] == expected.intervals.count)
    #expect(statistics["presence"] == expected.presence.count)
    let (tables, pageSize) = try DatabaseQueue(path: url.path).read { db in
      (
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
        try Int.fetchOne(db, sql: "PRAGMA page_size")
      )
    }
    #expect(
      tables == [
        "counter", "grdb_migrations", "history", "inlinePolicies", "policy", "principal", "snapshot", "term",
      ])
    #expect(pageSize == 65_536)

    // Recording on top of the converted store goes on exactly as on a store made by this version.
    let fresh = try HistoryStore()
    for (number, snapshot) in Self.history.enumerated() {
      try fresh.record(snapshot, fingerprint: "\(number)")
    }
    for _ in 0..<2 {
      let onConverted = try converted.record(Self.later, fingerprint: "later")
      let onFresh = try fresh.record(Self.later, fingerprint: "later")
      #expect(onConverted == onFresh)
      Self.expectSame(try converted.timeline(), try fresh.timeline(), "recorded after converting")
    }
  }

  @Test func foldingPutsTheRecordingsIntoTheStoreFileItself() throws {
    let url = try Self.temporaryStore()
    let store = try HistoryStore(url: url)
    for (number, snapshot) in Self.history.enumerated() {
      try store.record(snapshot, fingerprint: "\(number)")
    }
    store.foldLogInBackground()
    store.waitForFold()
    // A copy of the store file alone, without the log beside it, holds every recording.
    let copy = try Self.temporaryStore()
    try FileManager.default.copyItem(at: url, to: copy)
    let recorded = try store.recordedSnapshots()
    #expect(recorded.map(\.day) == Array(Set(Self.history.map(\.day))).sorted())
    #expect(try HistoryStore(url: copy).recordedSnapshots() == recorded)
  }

  @Test func managedPoliciesAreStoredOnceAndDroppedWhenNoLongerUsed() throws {
    let url = try Self.temporaryStore()
    let store = try HistoryStore(url: url)
    for (number, snapshot) in Self.history.enumerated() {
      try store.record(snapshot, fingerprint: "\(number)")
    }
    let database = try DatabaseQueue(path: url.path)
    func count(_ table: String) throws -> Int? {
      try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") }
    }
    // One managed policy shared by three principals; inline policies in a row per principal that
    // has any (api, worker and bob, not stray).
    #expect(try count("policy") == 1)
    #expect(try count("inlinePolicies") == 3)
    var timeline = try store.timeline()
    #expect(timeline.principals.map(\.policies.count) == [2, 2, 2, 0])
    #expect(timeline.principals[1].policies == [Self.managed, Self.inline("sns:Publish")])

    // When the last principal with a managed policy leaves it, the policy goes; so does the row
    // of a principal left without inline policies.
    var next = Self.later
    var other = Self.managed
    other.arn = "arn:aws:iam::aws:policy/Other"
    next.principals.append(Self.principal(Self.worker, inline: "sns:Publish", lastUsed: nil))
    next.principals[0].policies = [other]
    next.principals[1].policies = [other]
    next.principals[2].policies = [other, Self.inline("sns:Publish")]
    try store.record(next, fingerprint: "later")
    #expect(try count("policy") == 1)
    #expect(try count("inlinePolicies") == 1)
    timeline = try store.timeline()
    #expect(
      timeline.principals.map(\.policies) == [[other], [other, Self.inline("sns:Publish")], [other], []])
  }

  @Test func aManagedPolicyListedWithoutItsDocumentIsNotTakenForAnInlineOne() throws {
    // Recording once put such a policy in the principal's inline row, which then did not decode.
    let url = try Self.temporaryStore()
    let store = try HistoryStore(url: url)
    let listed = AttachedPolicy(name: "Listed", arn: "arn:aws:iam::aws:policy/Listed", document: nil)
    var snapshot = Self.later
    snapshot.principals[0].policies = [listed, Self.inline("s3:GetObject")]
    snapshot.principals[1].policies = [listed]
    try store.record(snapshot, fingerprint: "0")
    #expect(
      try store.timeline().principals.map(\.policies) == [[listed, Self.inline("s3:GetObject")], [listed]])
    let database = try DatabaseQueue(path: url.path)
    #expect(try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM inlinePolicies") } == 1)
    #expect(try database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM policy") } == 1)
  }

  @Test func recommendationsKeepTheDayTheyLastCameWith() throws {
    let store = try HistoryStore()
    for (number, snapshot) in Self.history.prefix(4).enumerated() {
      try store.record(snapshot, fingerprint: "\(number)")
    }
    let timeline = try store.timeline()
    #expect(timeline.recommendations[0]?.day == Self.day("2026-02-28"))
    #expect(timeline.recommendations[0]?.recommendations == Self.recommendation(Self.api, "s3:ListBucket"))
    #expect(timeline.recommendations[1]?.day == Self.day("2026-04-30"))
    #expect(timeline.recommendations[2] == nil)
  }
}
