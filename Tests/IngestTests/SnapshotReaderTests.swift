import Foundation
import Model
import Testing

@testable import Ingest

/// `Testing` has a `Tag` too.
private typealias Tag = Model.Tag

/// What the fixture findings (`pretty/`, `array/`, `jsonl/`) and inventory say, written out by hand.
enum ExpectedFixture {
  static let payments = "arn:aws:iam::111122223333:role/payments-api"
  static let etl = "arn:aws:iam::444455556666:role/service-role/etl-runner"
  static let legacy = "arn:aws:iam::111122223333:role/legacy-batch"
  static let neverUsed = "arn:aws:iam::111122223333:role/never-used"
  static let cleanup = "arn:aws:iam::111122223333:role/service-role/lambda-payments-cleanup"
  static let alice = "arn:aws:iam::111122223333:user/ops/alice"
  static let bob = "arn:aws:iam::111122223333:user/bob"
  static let carol = "arn:aws:iam::111122223333:user/carol"

  static func finding(_ number: Int) -> String { "a1b2c3d4-000\(number)-4000-8000-00000000000\(number)" }

  private static func permission(
    _ arn: String, _ service: String, _ action: String?, _ status: FindingStatus, lastUsed: String?,
    finding: Int,
    created: String
  ) -> Observation {
    Observation(
      access: .permission(principalARN: arn, service: service, action: action), status: status,
      lastUsedOn: lastUsed.map(day), findingID: Self.finding(finding), findingCreatedOn: day(created))
  }

  /// Sorted by principal ARN, then by key.
  static let observations: [Observation] = [
    Observation(
      access: UnusedAccess(principalARN: legacy, kind: .role), status: .active, lastUsedOn: day("2025-12-24"),
      findingID: finding(4), findingCreatedOn: day("2026-01-05")),
    Observation(
      access: UnusedAccess(principalARN: neverUsed, kind: .role), status: .active, lastUsedOn: nil,
      findingID: finding(5), findingCreatedOn: day("2026-04-20")),
    permission(
      payments, "dynamodb", "DeleteTable", .active, lastUsed: nil, finding: 1, created: "2026-09-01"),
    permission(payments, "iam", "iam:PassRole", .archived, lastUsed: nil, finding: 2, created: "2026-08-15"),
    permission(payments, "kms", nil, .active, lastUsed: "2026-03-01", finding: 1, created: "2026-09-01"),
    // Reported ACTIVE by finding 1 and ARCHIVED (as S3:getObject) by finding 2: one item, open, with the
    // later use of finding 2 and its earlier creation day.
    permission(
      payments, "s3", "s3:GetObject", .active, lastUsed: "2026-06-10", finding: 1, created: "2026-08-15"),
    permission(
      payments, "s3", "s3:PutBucketPolicy", .active, lastUsed: nil, finding: 1, created: "2026-09-01"),
    permission(payments, "sqs", nil, .active, lastUsed: nil, finding: 1, created: "2026-09-01"),
    // -05:00 moves the last use to the next UTC day.
    Observation(
      access: UnusedAccess(principalARN: carol, kind: .password), status: .resolved,
      lastUsedOn: day("2025-12-01"),
      findingID: finding(7), findingCreatedOn: day("2026-02-01")),
    Observation(
      access: UnusedAccess(principalARN: alice, kind: .accessKey, detail: "AKIAIOSFODNN7EXAMPLE"),
      status: .active,
      lastUsedOn: day("2026-02-02"), findingID: finding(6), findingCreatedOn: day("2026-03-03")),
    permission(
      etl, "ec2", "ec2:TerminateInstances", .resolved, lastUsed: nil, finding: 3, created: "2026-10-02"),
  ]

  /// The inventory's roles and users, sorted by ARN.
  static let inventory: [Principal] = [
    Principal(
      arn: legacy, kind: .role, name: "legacy-batch", accountID: "111122223333", path: "/", tags: [],
      createdOn: day("2021-07-01"), lastUsedOn: day("2025-12-24")),
    Principal(
      arn: neverUsed, kind: .role, name: "never-used", accountID: "111122223333", path: "/",
      tags: [Tag(key: "team", value: "data")], createdOn: day("2026-01-15"), lastUsedOn: nil),
    Principal(
      arn: payments, kind: .role, name: "payments-api", accountID: "111122223333", path: "/",
      tags: [
        Tag(key: "team", value: "payments"), Tag(key: "env", value: "prod"),
        Tag(key: "cost-centre", value: "Zürich-42"),
      ],
      createdOn: day("2023-03-14"), lastUsedOn: day("2026-11-20")),
    Principal(
      arn: cleanup, kind: .role, name: "lambda-payments-cleanup", accountID: "111122223333",
      path: "/service-role/", tags: [], createdOn: day("2024-07-01"), lastUsedOn: nil),
    Principal(
      arn: bob, kind: .user, name: "bob", accountID: "111122223333", path: "/", tags: [],
      createdOn: day("2020-02-29")),
    Principal(
      arn: alice, kind: .user, name: "alice", accountID: "111122223333", path: "/ops/",
      tags: [Tag(key: "owner", value: "platform")], createdOn: day("2022-01-05")),
  ]

  /// The inventory plus the principals only findings name, sorted by ARN.
  static let principals: [Principal] =
    (inventory + [
      Principal(arn: carol, kind: .user, name: "carol", accountID: "111122223333", isInInventory: false),
      Principal(
        arn: etl, kind: .role, name: "etl-runner", accountID: "444455556666", path: "/service-role/",
        isInInventory: false),
    ]).sorted { $0.arn < $1.arn }
}

@Suite struct SnapshotReaderTests {
  @Test(arguments: ["pretty", "array", "jsonl"])
  func everyFindingTypeInEveryFileShape(shape: String) throws {
    let result = try SnapshotReader().read(Fixtures.snapshot(shape))
    let snapshot = result.snapshot
    #expect(snapshot.day.iso == "2026-11-22")
    #expect(snapshot.hasInventory)
    #expect(result.warnings.isEmpty)
    #expect(snapshot.observations.count == ExpectedFixture.observations.count)
    for (actual, expected) in zip(snapshot.observations, ExpectedFixture.observations) {
      #expect(actual == expected)
    }
    #expect(snapshot.principals.map(\.arn) == ExpectedFixture.principals.map(\.arn))
    for (actual, expected) in zip(snapshot.principals.withoutPolicies, ExpectedFixture.principals) {
      #expect(actual == expected)
    }
  }

  @Test func theMergedPermissionKeepsTheActiveFindingsSpelling() throws {
    let snapshot = try SnapshotReader().read(Fixtures.snapshot("array")).snapshot
    let getObject = try #require(snapshot.observations.first { $0.access.key == "permission s3:getobject" })
    #expect(getObject.access.displayName == "s3:GetObject")
    #expect(snapshot.observations.filter { $0.access.service == "s3" }.count == 2)
  }

  @Test func theExternalAccessFindingIsIgnored() throws {
    let snapshot = try SnapshotReader().read(Fixtures.snapshot("pretty")).snapshot
    #expect(!snapshot.principals.contains { $0.arn.hasPrefix("arn:aws:s3") })
    #expect(!snapshot.observations.contains { $0.findingID == ExpectedFixture.finding(8) })
  }

  @Test func sourcesListEveryFileWithItsKindAndRecordCount() throws {
    let pretty = try SnapshotReader().read(Fixtures.snapshot("pretty")).snapshot
    #expect(
      pretty.sources
        == [SourceFile(name: "authorization-details.json", kind: .inventory, records: 6)]
        + (1...8).map {
          SourceFile(name: "finding-0\($0).json", kind: .analyzerFindings, records: $0 == 8 ? 0 : 1)
        })
    let jsonl = try SnapshotReader().read(Fixtures.snapshot("jsonl")).snapshot
    #expect(
      jsonl.sources == [
        SourceFile(name: "account-111122223333/authorization-details.json", kind: .inventory, records: 6),
        SourceFile(name: "findings.jsonl", kind: .analyzerFindings, records: 7),
      ])
  }

  @Test func concatenatedPrettyResponsesInOneFile() throws {
    // `for id in ...; do aws accessanalyzer get-finding-v2 ...; done > file` without `jq -c`.
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var text = ""
    for number in 1...8 {
      text += try String(contentsOf: Fixtures.url("pretty/finding-0\(number).json"), encoding: .utf8)
    }
    try folder.write("findings.json", text)
    try folder.copy(fixture: "pretty/authorization-details.json")
    let snapshot = try SnapshotReader().read(folder.snapshot()).snapshot
    #expect(snapshot.observations == ExpectedFixture.observations)
    #expect(snapshot.principals.withoutPolicies == ExpectedFixture.principals)
  }

  @Test func theSamePermissionInTwoFindingsIsOneObservation() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // Finding 1 (ACTIVE) and finding 2 (ARCHIVED) both report s3:GetObject of payments-api; here the
    // archived one is read first.
    try folder.copy(fixture: "pretty/finding-02.json", to: "a.json")
    try folder.copy(fixture: "pretty/finding-01.json", to: "b.json")
    let snapshot = try SnapshotReader().read(folder.snapshot()).snapshot
    let reports = snapshot.observations.filter { $0.access.key == "permission s3:getobject" }
    #expect(reports.count == 1)
    let merged = try #require(reports.first)
    #expect(merged.status == .active)
    #expect(merged.findingID == ExpectedFixture.finding(1))
    #expect(merged.lastUsedOn == day("2026-06-10"))
    #expect(merged.findingCreatedOn == day("2026-08-15"))
    #expect(snapshot.observations.count == 6)
    #expect(!snapshot.hasInventory)
  }

  @Test func principalsOnlyNamedByFindingsAreNotInTheInventory() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.copy(fixture: "pretty/finding-03.json")
    try folder.copy(fixture: "pretty/finding-07.json")
    let snapshot = try SnapshotReader().read(folder.snapshot()).snapshot
    #expect(!snapshot.hasInventory)
    #expect(
      snapshot.principals == [
        Principal(
          arn: ExpectedFixture.carol, kind: .user, name: "carol", accountID: "111122223333",
          isInInventory: false),
        Principal(
          arn: ExpectedFixture.etl, kind: .role, name: "etl-runner", accountID: "444455556666",
          path: "/service-role/",
          isInInventory: false),
      ])
  }

  @Test func theKindOfANonARNResourceComesFromItsResourceType() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "findings.json",
      """
      [{"analyzedAt": "2026-11-21T23:10:05Z", "createdAt": "2026-11-01T00:00:00Z", "id": "f-1",
        "resource": "legacy-user", "resourceType": "AWS::IAM::User", "resourceOwnerAccount": "777788889999",
        "status": "ACTIVE", "updatedAt": "2026-11-21T23:10:05Z", "findingType": "UnusedIAMUserPassword",
        "findingDetails": [{"unusedIamUserPasswordDetails": {}}]}]
      """)
    let snapshot = try SnapshotReader().read(folder.snapshot()).snapshot
    #expect(
      snapshot.principals == [
        Principal(
          arn: "legacy-user", kind: .user, name: "legacy-user", accountID: "777788889999",
          isInInventory: false)
      ])
    #expect(
      snapshot.observations == [
        Observation(
          access: UnusedAccess(principalARN: "legacy-user", kind: .password), status: .active,
          findingID: "f-1",
          findingCreatedOn: day("2026-11-01"))
      ])
  }

  @Test func theInventoryDescribesAPrincipalAFindingAlsoNames() throws {
    let snapshot = try SnapshotReader().read(Fixtures.snapshot("pretty")).snapshot
    let payments = try #require(snapshot.principals.first { $0.arn == ExpectedFixture.payments })
    #expect(payments.isInInventory)
    #expect(payments.tagValue("team") == "payments")
  }

  @Test func aUTF8ByteOrderMarkAndCRLFLineEnds() throws {
    let result = try SnapshotReader().read(Fixtures.snapshot("bom"))
    #expect(result.warnings.isEmpty)
    #expect(result.snapshot.observations == [ExpectedFixture.observations[0]])
    #expect(
      result.snapshot.principals == [
        Principal(
          arn: ExpectedFixture.legacy, kind: .role, name: "legacy-batch", accountID: "111122223333",
          isInInventory: false)
      ])
  }

  @Test func everyOtherExportKindIsRead() throws {
    let result = try SnapshotReader().read(Fixtures.snapshot("other-exports"))
    #expect(result.warnings.isEmpty)
    let api = "arn:aws:iam::111122223333:role/payments-api"
    let alice = "arn:aws:iam::111122223333:user/ops/alice"
    let summaryID = "a1b2c3d4-0001-4000-8000-000000000001"
    #expect(
      result.snapshot.observations == [
        // The summary alone: one finding whose permissions are unknown.
        Observation(
          access: UnusedAccess(principalARN: api, kind: .undetailedFinding, detail: summaryID),
          status: .active,
          findingID: summaryID, findingCreatedOn: day("2026-09-01"), sources: .findingSummaries),
        // Last-accessed data at action level; GetObject was last used before the 90-day threshold.
        Observation(
          access: .permission(principalARN: api, service: "s3", action: "GetObject"), status: .active,
          lastUsedOn: day("2026-05-02"), sources: .lastAccessed),
        Observation(
          access: .permission(principalARN: api, service: "s3", action: "PutBucketPolicy"), status: .active,
          sources: .lastAccessed),
        // A service with no tracked actions counts as a whole.
        Observation(
          access: .permission(principalARN: api, service: "sqs", action: nil), status: .active,
          sources: .lastAccessed),
        // The same report as CSV and as JSON: one key, reported once.
        Observation(
          access: UnusedAccess(principalARN: alice, kind: .accessKey, detail: "#1"), status: .active,
          lastUsedOn: day("2026-02-02"), sources: .credentialReport),
      ])
    #expect(
      result.snapshot.rootAccounts == [
        RootAccount(
          accountID: "111122223333", passwordLastUsed: day("2026-11-01"), mfaActive: true,
          activeAccessKeys: 0,
          accessKeyLastUsed: nil)
      ])
    let recommendation = try #require(result.snapshot.recommendations.first)
    #expect(recommendation.principalARN == api)
    #expect(recommendation.status == "SUCCEEDED")
    #expect(recommendation.steps.map(\.action) == [.createPolicy])
    #expect(recommendation.steps.first?.existingPolicyID == "arn:aws:iam::111122223333:policy/payments-data")
    #expect(
      recommendation.steps.first?.recommendedPolicy?.statements.first?.actions == [
        "s3:GetObject", "s3:PutBucketPolicy",
      ])
    #expect(!result.snapshot.hasInventory)
    #expect(
      result.snapshot.sources.map { "\($0.name) \($0.kind.rawValue) \($0.records)" } == [
        "credential-report.csv credentialReport 2", "credential-report.json credentialReport 2",
        "finding-recommendation.json recommendations 1", "findings.json analyzerFindings 0",
        "list-findings-v2.json findingSummaries 1", "service-last-accessed.json lastAccessed 1",
      ])
  }

  @Test func anEmptyArrayIsAFindingsExportWithNoFindings() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("findings.json", "[]\n")
    try folder.copy(fixture: "pretty/authorization-details.json")
    let snapshot = try SnapshotReader().read(folder.snapshot()).snapshot
    #expect(snapshot.observations.isEmpty)
    #expect(snapshot.principals.withoutPolicies == ExpectedFixture.inventory)
    #expect(snapshot.hasInventory)
  }

  @Test func hiddenFilesAreSkipped() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("findings.json", "[]")
    try folder.write(".DS_Store", "\u{0}\u{1}binary")
    try folder.write(".partial/findings.json", "{ broken")
    let result = try SnapshotReader().read(folder.snapshot())
    #expect(result.snapshot.sources.map(\.name) == ["findings.json"])
  }
}

extension Array where Element == Principal {
  /// The principals without their policies, which dedicated tests check.
  var withoutPolicies: [Principal] {
    map {
      var principal = $0
      principal.policies = []
      return principal
    }
  }
}
