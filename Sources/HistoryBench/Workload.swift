import Foundation
import Model

/// A seeded generator (SplitMix64), so every run builds the same organisation.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in `0..<bound`.
  mutating func below(_ bound: Int) -> Int {
    Int(next() % UInt64(bound))
  }

  /// True with probability `perMille`/1000.
  mutating func chance(_ perMille: Int) -> Bool {
    below(1000) < perMille
  }
}

/// Service namespaces and action names shaped like IAM's: about 150 services, 20–40 actions each.
enum Names {
  static let realServices = [
    "s3", "ec2", "iam", "rds", "dynamodb", "lambda", "sqs", "sns", "kms", "secretsmanager", "ssm",
    "cloudwatch", "logs", "events", "states", "ecs", "ecr", "eks", "elasticloadbalancing", "autoscaling",
    "cloudformation", "cloudfront", "route53", "apigateway", "kinesis", "firehose", "glue", "athena",
    "redshift", "elasticache", "es", "sagemaker", "codebuild", "codepipeline", "codecommit", "codedeploy",
    "sts", "organizations", "config", "cloudtrail", "guardduty", "securityhub", "inspector2", "backup",
    "elasticfilesystem", "fsx", "batch", "emr", "lakeformation", "quicksight", "xray", "acm", "waf",
    "wafv2", "shield", "cognito-idp", "cognito-identity", "appsync", "amplify", "mq", "kafka", "dms",
    "datasync", "transfer", "storagegateway", "glacier", "servicecatalog", "ram", "sso", "access-analyzer",
  ]
  static let verbs = [
    "Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Tag", "Untag", "Start", "Stop",
    "Modify", "Attach", "Detach", "BatchGet", "Restore", "Enable", "Disable", "Associate", "Disassociate",
  ]
  static let nouns = [
    "Object", "Bucket", "Instance", "Function", "Table", "Policy", "Role", "Key", "Secret", "Stream",
    "Queue", "Topic", "Cluster", "Snapshot", "Volume", "Image", "Alias", "Configuration", "Endpoint",
    "Subscription", "Parameter", "Alarm", "Rule", "Task", "Repository", "Pipeline", "Job", "Database",
    "Certificate", "Distribution", "LoadBalancer", "TargetGroup", "SecurityGroup", "NetworkInterface",
    "AccessPoint", "Workgroup", "Crawler", "Trail", "Detector", "Vault",
  ]

  /// 150 namespaces: the real ones, then numbered variants of them.
  static let services: [String] = (0..<150).map { index in
    index < realServices.count
      ? realServices[index] : realServices[index % realServices.count] + "-\(index / realServices.count)"
  }

  /// The actions of one service, 20–40 of them, chosen by its index.
  static func actions(ofService service: Int) -> [String] {
    var random = SeededGenerator(seed: UInt64(service) &* 7919 &+ 17)
    var names = Set<String>()
    let count = 20 + random.below(21)
    while names.count < count {
      names.insert(verbs[random.below(verbs.count)] + nouns[random.below(nouns.count)])
    }
    return names.sorted()
  }

  static let actionsByService: [[String]] = (0..<services.count).map(actions(ofService:))
}

/// One unused item of the synthetic organisation as it evolves month to month.
struct WorkloadItem {
  var kind: UnusedAccessKind
  var service: Int
  var action: Int
  var detail: String
  var status: FindingStatus
  var lastUsedOn: Day?
  var createdOn: Day
}

/// One principal of the synthetic organisation.
struct WorkloadPrincipal {
  var principal: Principal
  var findingID: String
  var roleFindingID: String
  var items: [WorkloadItem]
  var recommendation: PrincipalRecommendations?
}

/// The synthetic organisation: 90% roles over 400 accounts, one shared managed policy each plus
/// inline policies of about 1 KB, about ten unused items each, and monthly churn of items, last-used
/// days and inline policies.
struct Organisation {
  private(set) var principals: [WorkloadPrincipal] = []
  private var random: SeededGenerator
  private let managed: [AttachedPolicy]
  private(set) var month = 0
  let accounts = 400

  init(principals count: Int, seed: UInt64 = 42) {
    random = SeededGenerator(seed: seed)
    var managedRandom = SeededGenerator(seed: seed ^ 0xABCD)
    managed = (0..<200).map { index in
      AttachedPolicy(
        name: "team-baseline-\(index)", arn: "arn:aws:iam::100000000000:policy/team-baseline-\(index)",
        document: Self.document(statements: 4, actions: 12, sid: "Baseline\(index)", random: &managedRandom))
    }
    principals.reserveCapacity(count)
    for index in 0..<count {
      principals.append(makePrincipal(index))
    }
  }

  static func document(statements: Int, actions: Int, sid: String, random: inout SeededGenerator)
    -> PolicyDocument
  {
    PolicyDocument(
      version: "2012-10-17",
      statements: (0..<statements).map { number in
        let service = random.below(Names.services.count)
        let names = Names.actionsByService[service]
        let granted = (0..<actions).map { _ in
          Names.services[service] + ":" + names[random.below(names.count)]
        }
        return PolicyStatement(
          sid: sid + "S\(number)", effect: "Allow", actions: Array(Set(granted)).sorted(),
          otherMembers: [
            RawMember(
              key: "Resource",
              json: "[\n  \"arn:aws:\(Names.services[service]):*:*:resource-\(random.below(100_000))/*\"\n]")
          ])
      })
  }

  static func uuid(_ random: inout SeededGenerator) -> String {
    let hex = String(random.next(), radix: 16) + String(random.next(), radix: 16)
    let digits = Array(String(repeating: "0", count: max(0, 32 - hex.count)) + hex)
    return String(digits[0..<8]) + "-" + String(digits[8..<12]) + "-" + String(digits[12..<16]) + "-"
      + String(digits[16..<20]) + "-" + String(digits[20..<32])
  }

  private mutating func makePrincipal(_ index: Int) -> WorkloadPrincipal {
    let isRole = random.below(10) < 9
    let account = String(100_000_000_000 + (index % accounts) * 7_919)
    let name = (isRole ? "app" : "user") + "-\(index / accounts)-\(Names.nouns[index % Names.nouns.count])"
    let arn = "arn:aws:iam::\(account):" + (isRole ? "role/" : "user/") + name
    var principal = Principal(
      arn: arn, kind: isRole ? .role : .user, name: name, accountID: account, path: "/",
      tags: [
        Tag(key: "team", value: "team-\(index % 200)"),
        Tag(key: "env", value: index % 3 == 0 ? "prod" : "dev"),
        Tag(key: "owner", value: "owner-\(index % 997)@example.com"),
      ],
      createdOn: Day(daysSinceEpoch: 18_000 + random.below(1_500)),
      lastUsedOn: Day(daysSinceEpoch: 20_000 + random.below(90)))
    principal.policies = [managed[index % managed.count]]
    for inline in 0..<random.below(3) {
      principal.policies.append(
        AttachedPolicy(
          name: "inline-\(inline)", arn: nil,
          document: Self.document(statements: 3, actions: 8, sid: "Inline\(inline)", random: &random)))
    }
    var result = WorkloadPrincipal(
      principal: principal, findingID: Self.uuid(&random), roleFindingID: Self.uuid(&random), items: [],
      recommendation: nil)
    for _ in 0..<(7 + random.below(7)) { result.items.append(newItem(isRole: isRole)) }
    if isRole, random.chance(50) {
      result.items.append(
        WorkloadItem(
          kind: .role, service: 0, action: 0, detail: "", status: .active, lastUsedOn: nil,
          createdOn: Day(daysSinceEpoch: 20_000)))
    }
    if random.chance(100) { result.recommendation = recommendation(for: arn) }
    return result
  }

  private mutating func newItem(isRole: Bool) -> WorkloadItem {
    if !isRole, random.chance(100) {
      return WorkloadItem(
        kind: random.chance(500) ? .password : .accessKey, service: 0, action: 0,
        detail: "AKIA" + String(random.next() % 1_000_000_000_000, radix: 36).uppercased(), status: .active,
        lastUsedOn: nil, createdOn: Day(daysSinceEpoch: 20_000 + month * 30))
    }
    // A few popular services carry most unused permissions.
    let service = random.chance(600) ? random.below(10) : random.below(Names.services.count)
    let actions = Names.actionsByService[service]
    let action = random.below(actions.count)
    return WorkloadItem(
      kind: .permission, service: service, action: action, detail: random.chance(50) ? "*" : actions[action],
      status: .active, lastUsedOn: random.chance(300) ? Day(daysSinceEpoch: 19_900 + random.below(100)) : nil,
      createdOn: Day(daysSinceEpoch: 20_000 + month * 30))
  }

  private mutating func recommendation(for arn: String) -> PrincipalRecommendations {
    PrincipalRecommendations(
      principalARN: arn, status: "SUCCEEDED",
      steps: [
        PolicyRecommendation(
          existingPolicyID: "inline-0", action: .createPolicy,
          recommendedPolicy: Self.document(statements: 1, actions: 5, sid: "Recommended", random: &random))
      ])
  }

  /// Moves a month on: resolved items leave, about 12% of open ones are resolved, about 12% more
  /// appear, a few are archived, and some last-used days move.
  mutating func advance() {
    month += 1
    for index in principals.indices {
      var entry = principals[index]
      entry.items.removeAll { $0.status == .resolved }
      for item in entry.items.indices where entry.items[item].status == .active {
        let roll = random.below(1000)
        if roll < 120 {
          entry.items[item].status = .resolved
        } else if roll < 130 {
          entry.items[item].status = .archived
        } else if roll < 160 {
          entry.items[item].lastUsedOn = Day(daysSinceEpoch: 19_900 + month * 30 + random.below(30))
        }
      }
      let isRole = entry.principal.kind == .role
      for _ in 0..<12 where random.chance(100) { entry.items.append(newItem(isRole: isRole)) }
      if random.chance(300) {
        entry.principal.lastUsedOn = Day(daysSinceEpoch: 20_000 + month * 30 + random.below(30))
      }
      // Removing unused access edits inline policies: in `permsite sample`'s organisation about
      // two thirds of them change from one month to the next.
      for policy in entry.principal.policies.indices where entry.principal.policies[policy].arn == nil {
        guard random.chance(650) else { continue }
        entry.principal.policies[policy].document = Self.document(
          statements: 3, actions: 8, sid: "Inline\(policy)", random: &random)
      }
      if entry.recommendation != nil, random.chance(50) {
        entry.recommendation = recommendation(for: entry.principal.arn)
      }
      principals[index] = entry
    }
  }

  /// This month's snapshot, dated the 15th.
  func snapshot() -> Snapshot {
    var observations: [Observation] = []
    observations.reserveCapacity(principals.count * 12)
    var recommendations: [PrincipalRecommendations] = []
    for entry in principals {
      var seen = Set<String>()
      for item in entry.items {
        let access: UnusedAccess
        switch item.kind {
        case .permission:
          access = .permission(
            principalARN: entry.principal.arn, service: Names.services[item.service], action: item.detail)
        default:
          access = UnusedAccess(principalARN: entry.principal.arn, kind: item.kind, detail: item.detail)
        }
        // A snapshot holds one observation per item: drop the rare repeat of a random draw.
        guard seen.insert(access.key).inserted else { continue }
        observations.append(
          Observation(
            access: access, status: item.status, lastUsedOn: item.lastUsedOn,
            findingID: item.kind == .role ? entry.roleFindingID : entry.findingID,
            findingCreatedOn: item.createdOn,
            sources: item.kind == .permission ? [.analyzer, .lastAccessed] : .analyzer))
      }
      if let recommendation = entry.recommendation { recommendations.append(recommendation) }
    }
    var snapshot = Snapshot(
      day: Day(year: 2025 + month / 12, month: month % 12 + 1, day: 15)!,
      principals: principals.map(\.principal), hasInventory: true, observations: observations,
      sources: [
        SourceFile(name: "findings.jsonl", kind: .analyzerFindings, records: observations.count),
        SourceFile(name: "inventory.json", kind: .inventory, records: principals.count),
      ])
    snapshot.recommendations = recommendations
    snapshot.rootAccounts = (0..<accounts).map {
      RootAccount(
        accountID: String(100_000_000_000 + $0 * 7_919), passwordLastUsed: nil, mfaActive: $0 % 10 != 0,
        activeAccessKeys: $0 % 50 == 0 ? 1 : 0, accessKeyLastUsed: nil)
    }
    return snapshot
  }
}
