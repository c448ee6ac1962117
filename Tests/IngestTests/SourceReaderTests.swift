import Foundation
import Model
import Testing

@testable import Ingest

/// The sources beyond Access Analyzer's findings, and how reports of several sources reconcile.
@Suite struct SourceReaderTests {
  static let role = "arn:aws:iam::111122223333:role/app"
  static let user = "arn:aws:iam::111122223333:user/dana"
  static let header = CredentialReportReader.columns.joined(separator: ",")

  static func read(_ files: [String: String], day: String = "2026-11-22", threshold: Int = 90) throws
    -> SnapshotReader.Result
  {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    for (name, text) in files { try folder.write(name, text) }
    return try SnapshotReader(thresholdDays: threshold).read(folder.snapshot(day: day))
  }

  static func lastAccessed(_ services: String, arn: String = role, status: String = "COMPLETED") -> String {
    """
    {"Arn": "\(arn)", "JobStatus": "\(status)", "JobType": "ACTION_LEVEL",
     "JobCreationDate": "2026-11-21T22:00:00Z", "JobCompletionDate": "2026-11-21T22:00:03Z",
     "ServicesLastAccessed": [\(services)], "IsTruncated": false}
    """
  }

  static func finding(_ details: String, status: String = "ACTIVE", id: String = "f1", arn: String = role)
    -> String
  {
    """
    {"analyzedAt": "2026-11-21T00:00:00Z", "createdAt": "2026-06-01T00:00:00Z", "id": "\(id)",
     "resource": "\(arn)", "resourceType": "AWS::IAM::Role", "resourceOwnerAccount": "111122223333",
     "status": "\(status)", "updatedAt": "2026-11-21T00:00:00Z", "findingType": "UnusedPermission",
     "findingDetails": [\(details)]}
    """
  }

  // MARK: Last-accessed data

  @Test func servicesAndTrackedActionsUnusedBeyondTheThreshold() throws {
    let services = """
      {"ServiceName": "Amazon S3", "ServiceNamespace": "s3", "LastAuthenticated": "2026-11-20T00:00:00Z",
       "TrackedActionsLastAccessed": [
         {"ActionName": "GetObject", "LastAccessedTime": "2026-11-20T00:00:00Z"},
         {"ActionName": "DeleteBucket", "LastAccessedTime": "2026-08-23T23:59:59Z"},
         {"ActionName": "PutObject", "LastAccessedTime": "2026-08-24T00:00:00Z"},
         {"ActionName": "PutBucketPolicy"}]},
      {"ServiceName": "Amazon EC2", "ServiceNamespace": "ec2", "LastAuthenticated": "2026-01-02T03:04:05.123Z"},
      {"ServiceName": "AWS Lambda", "ServiceNamespace": "lambda", "LastAuthenticated": "2026-11-01T00:00:00+00:00"},
      {"ServiceName": "Amazon SQS", "ServiceNamespace": "sqs", "TotalAuthenticatedEntities": 0}
      """
    let snapshot = try Self.read(["la.json": "[" + Self.lastAccessed(services) + "]"]).snapshot
    // 90 days before 2026-11-22 is 2026-08-24: use on that day is recent, the day before is not.
    #expect(
      snapshot.observations.map { "\($0.access.displayName) \($0.lastUsedOn?.iso ?? "never")" } == [
        "ec2:* 2026-01-02", "s3:DeleteBucket 2026-08-23", "s3:PutBucketPolicy never", "sqs:* never",
      ])
    #expect(snapshot.observations.allSatisfy { $0.sources == .lastAccessed && $0.status == .active })
    #expect(snapshot.principals.map(\.arn) == [Self.role])
  }

  @Test func aThresholdFromSiteSettingsMovesTheCutoff() throws {
    let services = """
      {"ServiceName": "AWS Lambda", "ServiceNamespace": "lambda", "LastAuthenticated": "2026-11-01T00:00:00Z"},
      {"ServiceName": "Amazon S3", "ServiceNamespace": "s3", "LastAuthenticated": "2026-11-21T00:00:00Z"}
      """
    let result = try Self.read(["la.json": Self.lastAccessed(services)], threshold: 14)
    #expect(result.snapshot.observations.map(\.access.displayName) == ["lambda:*"])
  }

  @Test func aRoleThatUsedNothingIsOneUnusedRole() throws {
    let services = """
      {"ServiceName": "AWS Lambda", "ServiceNamespace": "lambda", "LastAuthenticated": "2026-05-01T00:00:00Z"},
      {"ServiceName": "Amazon S3", "ServiceNamespace": "s3"}
      """
    let result = try Self.read(["la.json": Self.lastAccessed(services)])
    #expect(result.snapshot.observations.map(\.access.displayName) == ["the whole role"])
    #expect(result.snapshot.observations.first?.lastUsedOn == day("2026-05-01"))
    // Access Analyzer reporting unused permissions of the role means it is in use: the services count.
    let analyzer = Self.finding(#"{"unusedPermissionDetails": {"serviceNamespace": "kms"}}"#)
    let both = try Self.read(["la.json": Self.lastAccessed(services), "f.json": analyzer])
    #expect(both.snapshot.observations.map(\.access.displayName) == ["kms:*", "lambda:*", "s3:*"])
  }

  @Test func unfinishedJobsAreReportedNotCounted() throws {
    let result = try Self.read([
      "la.jsonl": Self.lastAccessed("", status: "IN_PROGRESS").replacingOccurrences(of: "\n", with: "") + "\n"
        + """
        {"Arn": "\(Self.user)", "JobStatus": "FAILED", "JobCreationDate": "2026-11-21T22:00:00Z", \
        "ServicesLastAccessed": [], "Error": {"Message": "Entity not found", "Code": "NoSuchEntity"}}
        """
    ])
    #expect(result.snapshot.observations.isEmpty)
    #expect(
      result.snapshot.notes == [
        "last-accessed job for \(Self.role) is still in progress; not counted",
        "last-accessed job for \(Self.user) is failed: Entity not found; not counted",
      ])
  }

  @Test func lastAccessedWithoutTheAddedArnIsRefused() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "la.json",
      #"{"JobStatus": "COMPLETED", "JobCreationDate": "2026-11-21T22:00:00Z", "ServicesLastAccessed": []}"#)
    let error = try #require(snapshotErrors(folder.snapshot()).first)
    #expect(error.field == "Arn")
    #expect(error.message == "required field is missing")
  }

  @Test func anUnknownJobStatusOrTypeNamesItsFieldAndAnEscapedOneIsRead() throws {
    let cases: [(status: String, type: String, field: String?, message: String?)] = [
      ("DONE", "\"ACTION_LEVEL\"", "JobStatus", "unknown job status \"DONE\""),
      ("COMPLETED", "\"ORG_LEVEL\"", "JobType", "unknown job type \"ORG_LEVEL\""),
      ("COMPLETED", "3", "JobType", nil),
      ("COMPL\\u0045TED", "\"SERVICE\\u005fLEVEL\"", nil, nil),
    ]
    for (status, type, field, message) in cases {
      let folder = try TemporaryFolder()
      defer { folder.remove() }
      try folder.write(
        "la.json",
        #"{"Arn": "\#(Self.role)", "JobStatus": "\#(status)", "JobType": \#(type), "ServicesLastAccessed": []}"#
      )
      guard let field else {
        #expect(try SnapshotReader().read(folder.snapshot()).snapshot.notes.isEmpty, "\(status) \(type)")
        continue
      }
      let error = try #require(snapshotErrors(folder.snapshot()).first)
      #expect(error.field == field)
      if let message { #expect(error.message == message) }
    }
  }

  // MARK: Credential report

  static func row(
    _ user: String, arn: String, created: String = "2020-01-01T00:00:00+00:00", password: String = "false",
    passwordUsed: String = "N/A", key1: String = "false", key1Rotated: String = "N/A",
    key1Used: String = "N/A",
    key2: String = "false", key2Rotated: String = "N/A", key2Used: String = "N/A", mfa: String = "false"
  ) -> String {
    [
      user, arn, created, password, passwordUsed, "N/A", "N/A", mfa, key1, key1Rotated, key1Used, "N/A",
      "N/A", key2,
      key2Rotated, key2Used, "N/A", "N/A", "false", "N/A", "false", "N/A",
    ].joined(separator: ",")
  }

  @Test func credentialReportSentinelsAndGracePeriods() throws {
    let csv = [
      Self.header,
      Self.row(
        "<root_account>", arn: "arn:aws:iam::111122223333:root", password: "not_supported",
        passwordUsed: "2026-11-01T10:00:00+00:00", key1: "true", key1Rotated: "2019-01-01T00:00:00+00:00",
        key1Used: "2025-01-01T00:00:00+00:00", mfa: "false"),
      // Password never used since tracking began, key 1 never used, key 2 used recently.
      Self.row(
        "dana", arn: Self.user, password: "true", passwordUsed: "no_information", key1: "true",
        key1Rotated: "2021-01-01T00:00:00+00:00", key2: "true", key2Rotated: "2021-01-01T00:00:00+00:00",
        key2Used: "2026-11-20T00:00:00+00:00"),
      // Created within the window: nothing is unused yet.
      Self.row(
        "new", arn: "arn:aws:iam::111122223333:user/new", created: "2026-11-01T00:00:00+00:00",
        password: "true",
        key1: "true", key1Rotated: "2026-11-01T00:00:00+00:00"),
      // A password last used long ago; a disabled key never counts.
      Self.row(
        "old", arn: "arn:aws:iam::111122223333:user/old", password: "true",
        passwordUsed: "2025-03-01T00:00:00+00:00", key1: "false"),
    ].joined(separator: "\n")
    let base64 = Data(csv.utf8).base64EncodedString()
    for files in [
      ["report.csv": csv + "\n"],
      [
        "report.json":
          #"{"Content": "\#(base64)", "ReportFormat": "text/csv", "GeneratedTime": "2026-11-21T23:00:00Z"}"#
      ],
    ] {
      let snapshot = try Self.read(files).snapshot
      #expect(
        snapshot.observations.map {
          "\($0.access.principalARN.split(separator: "/").last!) \($0.access.displayName)"
        }
          == ["dana access key #1", "dana console password", "old console password"])
      #expect(
        snapshot.observations.first {
          $0.access.kind == .password && $0.access.principalARN.hasSuffix("old")
        }?.lastUsedOn == day("2025-03-01"))
      #expect(
        snapshot.rootAccounts == [
          RootAccount(
            accountID: "111122223333", passwordLastUsed: day("2026-11-01"), mfaActive: false,
            activeAccessKeys: 1,
            accessKeyLastUsed: day("2025-01-01"))
        ])
      #expect(
        !snapshot.principals.contains { $0.arn.hasSuffix(":root") }, "the root user is never a principal")
    }
  }

  @Test func aTruncatedCredentialReportNamesItsLine() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "report.csv",
      Self.header + "\n" + Self.row("dana", arn: Self.user) + "\ncut,arn:aws:iam::1:user/cut,2020")
    let error = try #require(snapshotErrors(folder.snapshot()).first)
    #expect(error.file == "content/analysis/2026-11-22/report.csv")
    #expect(error.line == 3)
    #expect(error.message == "has 3 columns where the header has 22 (is the file truncated?)")
  }

  @Test func aBadDateInTheCredentialReportNamesItsColumn() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write(
      "report.csv",
      Self.header + "\n" + Self.row("dana", arn: Self.user, password: "true", passwordUsed: "yesterday"))
    let error = try #require(snapshotErrors(folder.snapshot()).first)
    #expect(error.line == 2)
    #expect(error.field == "password_last_used")
  }

  @Test func quotedCSVCells() {
    #expect(CredentialReportReader.splitCSV(#"a,"b,c","d""e",,f"#) == ["a", "b,c", #"d"e"#, "", "f"])
  }

  // MARK: Reconciliation

  @Test func theSamePermissionFromTwoSourcesCountsOnceWithTheLatestUse() throws {
    let services = """
      {"ServiceName": "Amazon S3", "ServiceNamespace": "s3", "TrackedActionsLastAccessed": [
        {"ActionName": "GetObject", "LastAccessedTime": "2026-03-01T00:00:00Z"}]}
      """
    let analyzer = Self.finding(
      #"{"unusedPermissionDetails": {"serviceNamespace": "s3", "actions": [{"action": "s3:getobject", "lastAccessed": "2026-01-01T00:00:00Z"}]}}"#
    )
    let snapshot = try Self.read(["la.json": Self.lastAccessed(services), "f.json": analyzer]).snapshot
    #expect(snapshot.observations.count == 1)
    let observation = try #require(snapshot.observations.first)
    #expect(observation.sources == [.analyzer, .lastAccessed])
    #expect(observation.lastUsedOn == day("2026-03-01"))
    #expect(observation.findingID == "f1")
    #expect(observation.access.displayName == "s3:getobject", "Access Analyzer's spelling")
  }

  @Test func analyzerExceptionsWinOverOtherSources() throws {
    let services = #"{"ServiceName": "Amazon SQS", "ServiceNamespace": "sqs"}"#
    let analyzer = Self.finding(
      #"{"unusedPermissionDetails": {"serviceNamespace": "sqs"}}"#, status: "ARCHIVED")
    let snapshot = try Self.read(["la.json": Self.lastAccessed(services), "f.json": analyzer]).snapshot
    #expect(snapshot.observations.map(\.status) == [.archived])
  }

  @Test func aWholeServiceGivesWayToItsActions() throws {
    let services =
      #"{"ServiceName": "Amazon S3", "ServiceNamespace": "s3"}, {"ServiceName": "Amazon SQS", "ServiceNamespace": "sqs"}"#
    let analyzer = Self.finding(
      #"{"unusedPermissionDetails": {"serviceNamespace": "s3", "actions": [{"action": "PutObject"}]}}"#)
    let snapshot = try Self.read(["la.json": Self.lastAccessed(services), "f.json": analyzer]).snapshot
    #expect(snapshot.observations.map(\.access.displayName) == ["s3:PutObject", "sqs:*"])
  }

  @Test func analyzerKeysReplaceCredentialReportKeys() throws {
    let csv =
      Self.header + "\n"
      + Self.row("dana", arn: Self.user, key1: "true", key1Rotated: "2021-01-01T00:00:00Z")
    let key = """
      {"analyzedAt": "2026-11-21T00:00:00Z", "createdAt": "2026-06-01T00:00:00Z", "id": "k1",
       "resource": "\(Self.user)", "resourceType": "AWS::IAM::User", "resourceOwnerAccount": "111122223333",
       "status": "ACTIVE", "updatedAt": "2026-11-21T00:00:00Z", "findingType": "UnusedIAMUserAccessKey",
       "findingDetails": [{"unusedIamUserAccessKeyDetails": {"accessKeyId": "AKIAEXAMPLE"}}]}
      """
    let snapshot = try Self.read(["report.csv": csv, "f.json": key]).snapshot
    #expect(snapshot.observations.map(\.access.displayName) == ["access key AKIAEXAMPLE"])
  }

  @Test func summariesGiveWayToDetails() throws {
    let summaries = """
      {"findings": [
        {"analyzedAt": "2026-11-21T00:00:00Z", "createdAt": "2026-06-01T00:00:00Z", "id": "f1", "resource": "\(Self.role)",
         "resourceType": "AWS::IAM::Role", "resourceOwnerAccount": "111122223333", "status": "ACTIVE",
         "updatedAt": "2026-11-21T00:00:00Z", "findingType": "UnusedPermission"},
        {"analyzedAt": "2026-11-21T00:00:00Z", "createdAt": "2026-06-01T00:00:00Z", "id": "f2", "resource": "\(Self.role)",
         "resourceType": "AWS::IAM::Role", "resourceOwnerAccount": "111122223333", "status": "ACTIVE",
         "updatedAt": "2026-11-21T00:00:00Z", "findingType": "UnusedIAMRole"}]}
      """
    let details = Self.finding(#"{"unusedPermissionDetails": {"serviceNamespace": "kms"}}"#)
    let snapshot = try Self.read(["s.json": summaries, "f.json": details]).snapshot
    #expect(snapshot.observations.map(\.access.displayName) == ["kms:*", "the whole role"])
    #expect(snapshot.observations.map(\.sources) == [.analyzer, .findingSummaries])
  }

  // MARK: Recommendations and policies

  @Test func recommendationsKeepTheirStepsAndFailuresBecomeNotes() throws {
    let lines = [
      """
      {"startedAt": "2026-11-21T23:11:00Z", "resourceArn": "\(Self.role)", "recommendationType": "UnusedPermissionRecommendation", \
      "status": "SUCCEEDED", "recommendedSteps": [{"unusedPermissionsRecommendedStep": {"recommendedAction": "DETACH_POLICY", \
      "existingPolicyId": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}}, {"unusedPermissionsRecommendedStep": \
      {"recommendedAction": "CREATE_POLICY", "existingPolicyId": "app-inline", "recommendedPolicy": \
      "{\\"Version\\":\\"2012-10-17\\",\\"Statement\\":{\\"Effect\\":\\"Allow\\",\\"Action\\":\\"sqs:SendMessage\\",\\"Resource\\":[\\"arn:aws:sqs:*:*:q\\"]}}"}}]}
      """,
      """
      {"startedAt": "2026-11-21T23:11:00Z", "resourceArn": "\(Self.user)", "recommendationType": "UnusedPermissionRecommendation", \
      "status": "FAILED", "error": {"code": "SERVICE_ERROR", "message": "Try again later"}}
      """,
    ]
    let result = try Self.read(["f.json": "[]", "r.jsonl": lines.joined(separator: "\n")])
    let app = try #require(result.snapshot.recommendations.first { $0.principalARN == Self.role })
    #expect(app.steps.map(\.action) == [.detachPolicy, .createPolicy])
    let policy = try #require(app.steps[1].recommendedPolicy)
    #expect(
      policy.json == """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Action": "sqs:SendMessage",
              "Resource": [
                "arn:aws:sqs:*:*:q"
              ]
            }
          ]
        }
        """)
    #expect(result.snapshot.notes == ["the recommendation for \(Self.user) is failed: Try again later"])
  }

  @Test func inventoryPoliciesAreResolved() throws {
    let snapshot = try SnapshotReader().read(Fixtures.snapshot("pretty")).snapshot
    let api = try #require(snapshot.principals.first { $0.name == "payments-api" })
    #expect(api.policies.map(\.name) == ["payments-s3", "payments-data"])
    #expect(api.policies.map(\.isInline) == [true, false])
    // An inline document given URL-encoded, and a managed one from the Policies list.
    #expect(
      api.policies.map { $0.document?.statements.first?.actions ?? [] } == [
        ["s3:GetObject", "s3:PutBucketPolicy"], ["s3:GetObject", "s3:PutBucketPolicy"],
      ])
    let bob = try #require(snapshot.principals.first { $0.name == "bob" })
    #expect(
      bob.policies.map(\.name) == ["admins-inline (group admins)", "AdministratorAccess (group admins)"])
    #expect(bob.policies.last?.document == nil, "an AWS managed policy the export does not list")
  }

  @Test func statementMembersKeepTheirValuesWhetherSharedOrDecoded() throws {
    // Allow, Deny and Resource are shared constants and a plain string value is copied as it
    // was written; an escaped effect, an escaped value and an object take the general path.
    let inventory = #"""
      {"RoleDetailList": [{"RoleName": "x", "Arn": "arn:aws:iam::1:role/x", "RolePolicyList": [{"PolicyName": "p", \#
      "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": \#
      "arn:aws:s3:::b/*"}, {"Effect": "Allo\u0077", "Action": ["sqs:A"], "NotResource": "a\"b", "Resource": "", \#
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}}, {"Effect": "Audit", "Action": []}]}}]}]}
      """#
    let snapshot = try Self.read(["f.json": "[]", "inventory.json": inventory]).snapshot
    let statements = try #require(snapshot.principals.first?.policies.first?.document?.statements)
    #expect(statements.map(\.effect) == ["Deny", "Allow", "Audit"])
    #expect(statements[0].otherMembers == [RawMember(key: "Resource", json: #""arn:aws:s3:::b/*""#)])
    #expect(
      statements[1].otherMembers == [
        RawMember(key: "NotResource", json: #""a\"b""#), RawMember(key: "Resource", json: #""""#),
        RawMember(key: "Condition", json: "{\n  \"Bool\": {\n    \"aws:SecureTransport\": \"false\"\n  }\n}"),
      ])
  }

  @Test func statementMemberNamesAreToldApartByTheirWholeNames() throws {
    // Names of the same lengths as Sid, Effect, Action and Resource, and the four escaped.
    let inventory = #"""
      {"RoleDetailList": [{"RoleName": "x", "Arn": "arn:aws:iam::1:role/x", "RolePolicyList": [{"PolicyName": "p", \#
      "PolicyDocument": {"Statement": [{"Sod": "a", "Effekt": "Deny", "ActioN": "s3:*", "resource": "r", \#
      "Effect": "Allow", "Action": "s3:GetObject"}, {"\u0053id": "s2", "Effec\u0074": "Deny", \#
      "Ac\u0074ion": ["sqs:A", "sqs:B"], "Resourc\u0065": "*", "NotResource": "n"}]}}]}]}
      """#
    let snapshot = try Self.read(["f.json": "[]", "inventory.json": inventory]).snapshot
    let statements = try #require(snapshot.principals.first?.policies.first?.document?.statements)
    #expect(statements.map(\.sid) == [nil, "s2"])
    #expect(statements.map(\.effect) == ["Allow", "Deny"])
    #expect(statements.map(\.actions) == [["s3:GetObject"], ["sqs:A", "sqs:B"]])
    #expect(statements[0].otherMembers.map(\.key) == ["Sod", "Effekt", "ActioN", "resource"])
    #expect(
      statements[1].otherMembers == [
        RawMember(key: "Resource", json: #""*""#), RawMember(key: "NotResource", json: #""n""#),
      ])
  }

  @Test func aPolicyThatIsNotJSONNamesItsField() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("f.json", "[]")
    try folder.write(
      "inventory.json",
      #"{"RoleDetailList": [{"RoleName": "x", "Arn": "arn:aws:iam::1:role/x", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": "%7Bnot json"}]}]}"#
    )
    let error = try #require(snapshotErrors(folder.snapshot()).first)
    #expect(error.field == "RoleDetailList[0].RolePolicyList[0].PolicyDocument")
    #expect(error.message.hasPrefix("the URL-encoded policy document is not valid JSON"))
  }
}

@Suite struct PercentDecodingTests {
  @Test(arguments: [
    "%7B%22Version%22%3A%222012-10-17%22%7D", "plain", "", "%", "%4", "%zz", "%4G", "100%", "a%2",
    "%E2%9C%93 done",
    "%FF", "%C3", "%c3%a9", "caf%C3%A9%20au%20lait", "%2525", "+%20+",
  ])
  func decodesAsFoundationDoes(text: String) {
    let ours = PolicyReader.percentDecoded(text).map { String(decoding: $0, as: UTF8.self) }
    #expect(ours == text.removingPercentEncoding)
  }
}

@Suite struct CredentialReportLineTests {
  @Test(arguments: [
    "user,arn\r\na,b\r\n", "user,arn\na,b", "\r\r\n", "a\rb\nc", "", "\n\n", "\rx\r\r\ny", "é,ü\r\n✓",
  ])
  func linesSplitAsCharactersDid(text: String) {
    let characterWise = text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }
    )
    .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
    #expect(CredentialReportReader.lines(of: text) == characterWise)
  }

  @Test func cellsKeepTextOutsideASCII() {
    #expect(CredentialReportReader.splitCSV(#"José,"Zoë, Ltd","a""b""#) == ["José", "Zoë, Ltd", #"a"b"#])
  }
}
