import Model
import Testing

@testable import Analysis

@Suite struct PolicyAdvisorTests {
  static func item(_ permission: String) -> OpenItem {
    let parts = permission.split(separator: ":").map(String.init)
    return OpenItem(
      kind: .permission, service: parts[0], detail: parts[1], displayName: permission, lastUsedOn: nil,
      openSince: Day(iso: "2026-01-01")!, daysOpen: 0, isAccepted: false,
      principalKind: .role,
      sources: .analyzer)
  }

  static let resource = RawMember(key: "Resource", json: "\"*\"")

  static func policy(_ statements: [PolicyStatement], arn: String? = nil) -> AttachedPolicy {
    AttachedPolicy(
      name: "app", arn: arn, document: PolicyDocument(version: "2012-10-17", statements: statements))
  }

  @Test func actionsARecommendationDropsAreFoundAsComparingLowerCaseStringsWould() {
    var generator = SystemRandomNumberGenerator()
    let names = [
      "s3:GetObject", "S3:getobject", "s3:PutObject", "ec2:RunInstances", "EC2:*", "s3:*", "iam:PassRole",
    ]
    for _ in 0..<300 {
      let before = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
        names.randomElement(using: &generator)!
      }
      let kept = (0..<Int.random(in: 0...5, using: &generator)).map { _ in
        names.randomElement(using: &generator)!
      }
      let lowerKept = Set(kept.map { $0.lowercased() })
      #expect(
        PolicyAdvisor.removedIgnoringCase(before, keeping: kept)
          == before.filter { !lowerKept.contains($0.lowercased()) }, "\(before) \(kept)")
    }
    // Text outside ASCII is left to lower-case copies.
    #expect(PolicyAdvisor.removedIgnoringCase(["s3:Étiquette"], keeping: []) == nil)
    #expect(PolicyAdvisor.removedIgnoringCase(["s3:GetObject"], keeping: ["s3:Étiquette"]) == nil)
  }

  @Test func unusedPermissionsMatchActionsAsComparingLowerCaseStringsWould() {
    // ASCII names are looked up by hash; a non-ASCII one makes the whole set exact strings.
    let ascii = ["s3:GetObject", "S3:GETOBJECT", "s3:Get", "iam:Pass@Role", "ec2:DescribeKey"]
    let actions = [
      "s3:GetObject", "s3:getobject", "S3:GET", "s3:GetObjects", "s3:Ge", "s3:GetObjecT", "s3g:etObject",
      "s3:Get:Object", "iam:Pass@Role", "iam:Pass`Role", "iam:pass@role", "kms:DÉcrypt", "kms:decrypt",
      "ec2:DescribeKey", "ec2:describekey", "ec2:Describe\u{212A}ey", "", ":", "s3:",
    ]
    for unusedNames in [ascii, ascii + ["kms:Décrypt"]] {
      let unused = PolicyAdvisor.UnusedPermissions(unusedNames.map(Self.item))
      let lowercased = Set(unusedNames.map { $0.lowercased() })
      for action in actions {
        #expect(unused.contains(action) == lowercased.contains(action.lowercased()), "\(action)")
      }
      #expect(Set(unused.lowercasedActions) == lowercased)
    }
  }

  @Test func wholeUnusedServicesMatchActionsAsComparingLowerCaseServicesWould() {
    // ASCII actions are compared as bytes, non-ASCII ones as lower-case strings; few and many services.
    let few = ["s3:*", "sqs:*", "ec2:GetKey"]
    let many = few + (0..<9).map { "svc\($0):*" } + ["kms:*"]
    let actions = [
      "s3:GetObject", "S3:GetObject", "s3", "S3", "s3:", "s3x:Get", "s:Get", "sqs:Send:Message", "SQS:*",
      "ec2:GetKey", "kms:Decrypt", "KMS:Decrypt", "svc3:Action", "svc10:Action", "\u{212A}ms:Decrypt",
      "s\u{0301}3:Get", "", ":", ":s3",
    ]
    for names in [few, many] {
      let unused = PolicyAdvisor.UnusedPermissions(names.map(Self.item))
      let services = Set(names.filter { $0.hasSuffix(":*") }.map { String($0.dropLast(2)) })
      #expect(unused.services == services)
      for action in actions {
        let service = action.lowercased().split(separator: ":", omittingEmptySubsequences: false)[0]
        #expect(unused.isOfUnusedService(action) == services.contains(String(service)), "\(action)")
      }
    }
  }

  @Test func manyUnusedPermissionsAreAllFoundAndNoOthers() {
    // Enough actions that the table grows and hashes share slots.
    let names = (0..<300).map { "svc\($0 % 7):Action\($0)" }
    let unused = PolicyAdvisor.UnusedPermissions(names.map(Self.item))
    for (index, name) in names.enumerated() {
      #expect(unused.contains(name), "\(name)")
      #expect(unused.contains(name.uppercased()), "\(name)")
      #expect(!unused.contains("svc\(index % 7):Action\(index)x"), "\(name)")
      #expect(!unused.contains("svc\((index + 1) % 7):Action\(index)"), "\(name)")
    }
    #expect(Set(unused.lowercasedActions) == Set(names.map { $0.lowercased() }))
    #expect(unused.lowercasedActions.count == names.count)
  }

  @Test func unusedActionsAreTakenOutAndEmptiedStatementsDropped() throws {
    let policy = Self.policy([
      PolicyStatement(
        sid: "S3", effect: "Allow", actions: ["s3:GetObject", "S3:PutBucketPolicy"],
        otherMembers: [Self.resource]),
      PolicyStatement(sid: "KMS", effect: "Allow", actions: ["kms:Decrypt"], otherMembers: [Self.resource]),
      PolicyStatement(
        sid: "Deny", effect: "Deny", actions: ["s3:PutBucketPolicy"], otherMembers: [Self.resource]),
    ])
    let change = try #require(
      PolicyAdvisor.changes(
        policies: [policy], unused: [Self.item("s3:PutBucketPolicy"), Self.item("kms:Decrypt")],
        recommendations: nil
      ).first)
    #expect(change.kind == .replace)
    #expect(change.origin == .computed)
    #expect(change.removedActions == ["S3:PutBucketPolicy", "kms:Decrypt"])
    #expect(change.after?.statements.map(\.sid) == ["S3", "Deny"], "deny statements are kept as they are")
    #expect(change.after?.statements.first?.actions == ["s3:GetObject"])
  }

  @Test func aWholeUnusedServiceRemovesItsWildcardsAndAPolicyWithNothingLeftIsDetached() throws {
    let policy = Self.policy(
      [
        PolicyStatement(
          effect: "Allow", actions: ["sqs:*", "sqs:SendMessage"], otherMembers: [Self.resource])
      ],
      arn: "arn:aws:iam::aws:policy/AmazonSQSFullAccess")
    let change = try #require(
      PolicyAdvisor.changes(policies: [policy], unused: [Self.item("sqs:*")], recommendations: nil).first)
    #expect(change.kind == .detach)
    #expect(change.after == nil)
    #expect(change.notes.contains { $0.hasPrefix("AWS manages this policy") })
  }

  @Test func wildcardsThatCoverUnusedActionsAreFlaggedNotRemoved() throws {
    let policy = Self.policy([PolicyStatement(effect: "Allow", actions: ["s3:Get*", "*"], otherMembers: [])])
    let change = try #require(
      PolicyAdvisor.changes(policies: [policy], unused: [Self.item("s3:GetObjectAcl")], recommendations: nil)
        .first)
    #expect(change.kind == .unchanged)
    #expect(
      change.notes == [
        "s3:Get* also allows 1 unused action (s3:getobjectacl): list the actions in use instead",
        "\"*\" allows every action: replace it with the actions in use",
      ])
  }

  @Test func accessAnalyzersRecommendationIsPreferred() throws {
    let inline = Self.policy([
      PolicyStatement(
        effect: "Allow", actions: ["s3:GetObject", "s3:PutBucketPolicy"], otherMembers: [Self.resource])
    ])
    let recommended = PolicyDocument(
      version: "2012-10-17",
      statements: [PolicyStatement(effect: "Allow", actions: ["s3:GetObject"], otherMembers: [Self.resource])]
    )
    let recommendations = DatedRecommendations(
      day: Day(iso: "2026-11-20")!,
      recommendations: PrincipalRecommendations(
        principalARN: "arn", status: "SUCCEEDED",
        steps: [
          PolicyRecommendation(existingPolicyID: "app", action: .createPolicy, recommendedPolicy: recommended)
        ]))
    let change = try #require(
      PolicyAdvisor.changes(
        policies: [inline], unused: [Self.item("s3:PutBucketPolicy")], recommendations: recommendations
      ).first)
    #expect(change.origin == .recommendation(Day(iso: "2026-11-20")!))
    #expect(change.after == recommended)
    #expect(change.removedActions == ["s3:PutBucketPolicy"])
  }

  @Test func principalsWithoutUnusedPermissionsGetNoChanges() {
    let policy = Self.policy([PolicyStatement(effect: "Allow", actions: ["s3:GetObject"], otherMembers: [])])
    #expect(PolicyAdvisor.changes(policies: [policy], unused: [], recommendations: nil).isEmpty)
  }
}
