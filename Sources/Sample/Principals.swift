/// One action granted but not used within the tracking window.
struct UnusedAction {
  /// Index into the service's `actions`.
  var action: UInt16
  /// When it was last used, milliseconds since 1970; -1 when never within the tracking window.
  var lastAccessed: Int64
}

/// What a principal's inline policy grants in one service, and which of it goes unused.
///
/// For a service with action-level tracking, `used` and `unused` split the granted actions. For a
/// service Access Analyzer tracks only as a whole (`serviceLevelOnly`), either `used` lists the
/// grants (the service is in use) or `unused` does (the whole service is unused: one unused
/// permission `service:*`, reported without an actions list).
struct ServiceGrant {
  /// Index into `Catalog.services`.
  var service: Int
  /// The policy grants `service:*` rather than the listed actions.
  var wildcard = false
  /// Sorted action indexes.
  var used: [UInt16] = []
  /// Sorted by action index.
  var unused: [UnusedAction] = []
  /// For service-level-only services: when the service was last used, -1 for never.
  var lastAccessed: Int64 = -1

  init(service: Int) {
    self.service = service
  }

  var isEmpty: Bool { used.isEmpty && unused.isEmpty }

  /// Unused permissions this grant counts for.
  var unusedCount: Int {
    unused.isEmpty ? 0 : (Catalog.services[service].serviceLevelOnly ? 1 : unused.count)
  }

  /// The service-level `lastAccessed` a finding shows: the service's own for service-level-only
  /// services, otherwise the latest use of any unused action.
  var findingLastAccessed: Int64 {
    if Catalog.services[service].serviceLevelOnly { return lastAccessed }
    return unused.reduce(Int64(-1)) { max($0, $1.lastAccessed) }
  }

  func grants(_ action: UInt16) -> Bool {
    used.contains(action) || unused.contains { $0.action == action }
  }

  mutating func insertUnused(_ item: UnusedAction) {
    let position = unused.firstIndex { $0.action > item.action } ?? unused.count
    unused.insert(item, at: position)
  }

  mutating func insertUsed(_ action: UInt16) {
    let position = used.firstIndex { $0 > action } ?? used.count
    used.insert(action, at: position)
  }
}

/// Where a finding stands, as the sample tracks it between snapshots.
enum Phase: UInt8 {
  /// No finding is reported.
  case none
  case active
  /// Accepted as an exception: reported as ARCHIVED, and frozen.
  case archived
  /// Everything it reported was removed: reported as RESOLVED for one or two more snapshots.
  case resolved
}

/// One Access Analyzer finding's life: its id (through `serial`), status and dates.
struct FindingState {
  var phase = Phase.none
  /// Snapshots left to report a RESOLVED finding, this one included.
  var resolvedLeft = 0
  /// Counts the findings this principal has had of this type; a new finding gets a new id.
  var serial: UInt32 = 0
  var createdAt: Int64 = 0
  var updatedAt: Int64 = 0
  /// For role, key and password findings: the last use the finding reports, fixed when it opens
  /// (a finding keeps its last details when it is resolved, even once the role is used again).
  var lastAccessed: Int64 = -1

  mutating func open(at time: Int64, lastAccessed: Int64 = -1) {
    phase = .active
    serial += 1
    createdAt = time
    updatedAt = time
    self.lastAccessed = lastAccessed
  }

  mutating func resolve(at time: Int64, reportedFor snapshots: Int) {
    phase = .resolved
    resolvedLeft = snapshots
    updatedAt = time
  }

  mutating func archive(at time: Int64) {
    phase = .archived
    updatedAt = time
  }

  /// Called first at each snapshot: a RESOLVED finding is dropped once reported long enough.
  mutating func advance() {
    guard phase == .resolved else { return }
    resolvedLeft -= 1
    if resolvedLeft <= 0 { phase = .none }
  }
}

/// An IAM user's access key or console password, and its unused-credential finding.
struct Credential {
  /// The access key id; empty for a password.
  var keyID: String
  /// Last use, milliseconds since 1970; -1 when never used.
  var lastUsed: Int64
  /// When the key was created or the password last set, milliseconds; never after `lastUsed`.
  var createdAt: Int64 = 0
  var finding = FindingState()
  /// Deleted (keys) or removed (passwords): no longer reported once the finding is dropped.
  var removed = false
}

/// What a principal is for, which decides its name, policies and behaviour.
enum Purpose: UInt8 {
  /// A team's application or job role.
  case workload
  /// `OrganizationAccountAccessRole`: break-glass administrator access, normally unused.
  case organizationAccess
  /// A CI/CD deploy role with broad permissions: the org's top roles by unused permissions.
  case deploy
  /// A service-linked role: not analysed by Access Analyzer, not taggable.
  case serviceLinked
  /// A machine user with access keys (`ci-deployer`, `legacy-jenkins`).
  case serviceUser
  /// A person's IAM user with a console password.
  case human

  var isUser: Bool { self == .serviceUser || self == .human }
}

/// Who a role trusts, for its `AssumeRolePolicyDocument`.
enum Trust: UInt8 {
  case lambda, ecsTasks, ec2, glue, sagemaker, githubActions, organization, crossAccount, support,
    accessAnalyzer

  var servicePrincipal: String? {
    switch self {
    case .lambda: "lambda.amazonaws.com"
    case .ecsTasks: "ecs-tasks.amazonaws.com"
    case .ec2: "ec2.amazonaws.com"
    case .glue: "glue.amazonaws.com"
    case .sagemaker: "sagemaker.amazonaws.com"
    case .support: "support.amazonaws.com"
    case .accessAnalyzer: "access-analyzer.amazonaws.com"
    case .githubActions, .organization, .crossAccount: nil
    }
  }

  /// A guess from a workload role's name, as a person reading the name would make it.
  static func guess(from name: String) -> Trust {
    if name.contains("lambda") { return .lambda }
    if name.contains("glue") || name.contains("crawler") || name.contains("etl") { return .glue }
    if name.contains("sagemaker") { return .sagemaker }
    if name.contains("ec2") { return .ec2 }
    if name.contains("readonly") || name.contains("grafana") { return .crossAccount }
    return .ecsTasks
  }
}

/// Managed policies an account may have, in the order `Policies` lists them.
enum ManagedPolicy: Int, CaseIterable {
  /// The team's customer-managed baseline (X-Ray and Parameter Store reads).
  case baseline
  /// The customer-managed permissions boundary for workload roles.
  case boundary
  case administratorAccess
  case lambdaBasicExecution
  case userChangePassword
  case supportServiceRole
  case accessAnalyzerServiceRole

  var isAWSManaged: Bool { rawValue >= ManagedPolicy.administratorAccess.rawValue }

  var bit: UInt8 { 1 << UInt8(rawValue) }
}

/// A tag as IAM lists it.
struct TagPair {
  let key: String
  let value: String
}

/// A role or user, its fixed description and its changing state.
struct SimPrincipal {
  /// Position in the account, which also orders the inventory and the findings.
  let ordinal: Int
  let purpose: Purpose
  let name: String
  let path: String
  let arn: String
  /// `AROA...` or `AIDA...`.
  let uniqueID: String
  let createdAt: Int64
  let tags: [TagPair]
  /// The team `teams.yml` assigns it to, or -1 for none.
  let owner: Int
  let trust: Trust
  /// `ManagedPolicy.bit`s of attached managed policies.
  let managed: UInt8
  let hasBoundary: Bool
  /// The first snapshot that lists it, and the first that no longer does (Int.max: never removed).
  let born: Int
  let dies: Int
  /// How many unused permissions it tends to pile up, relative to its team's average.
  let breadth: Double
  /// Policy style quirks: single actions as a string, a single statement as an object.
  let actionAsString: Bool
  let statementAsObject: Bool
  /// Whether its statements carry a `Sid` (optional, and often left out).
  let statementIDs: Bool
  /// A name resources in its policy are named after.
  let resourceStem: String

  var grants: [ServiceGrant] = []
  var permissionFinding = FindingState()
  /// What a RESOLVED permission finding last reported.
  var resolvedGrants: [ServiceGrant] = []
  /// Recently removed actions (`service << 16 | action`), from which regressions come back.
  var removedHistory: [UInt32] = []
  /// A role not used within the tracking window: reported as UnusedIAMRole, not per permission.
  var dormant = false
  /// Its grants are split over two inline policies (by service, see `policyPart`), so that a
  /// recommendation can detach one whole policy and shrink the other.
  var splitPolicies = false
  /// `RoleLastUsed.LastUsedDate`, milliseconds; -1 for never.
  var lastUsed: Int64 = -1
  var lastUsedRegion = ""
  var roleFinding = FindingState()
  var accessKeys: [Credential] = []
  var password: Credential?

  init(
    ordinal: Int, purpose: Purpose, name: String, path: String, arn: String, uniqueID: String,
    createdAt: Int64, tags: [TagPair], owner: Int, trust: Trust, managed: UInt8, hasBoundary: Bool, born: Int,
    dies: Int, breadth: Double, actionAsString: Bool, statementAsObject: Bool, statementIDs: Bool,
    resourceStem: String
  ) {
    self.ordinal = ordinal
    self.purpose = purpose
    self.name = name
    self.path = path
    self.arn = arn
    self.uniqueID = uniqueID
    self.createdAt = createdAt
    self.tags = tags
    self.owner = owner
    self.trust = trust
    self.managed = managed
    self.hasBoundary = hasBoundary
    self.born = born
    self.dies = dies
    self.breadth = breadth
    self.actionAsString = actionAsString
    self.statementAsObject = statementAsObject
    self.statementIDs = statementIDs
    self.resourceStem = resourceStem
  }

  func isAlive(at snapshot: Int) -> Bool { born <= snapshot && snapshot < dies }

  /// Open unused permissions: the items of an ACTIVE permission finding.
  var openUnusedPermissions: Int {
    permissionFinding.phase == .active ? grants.reduce(0) { $0 + $1.unusedCount } : 0
  }

  var unusedTotal: Int { grants.reduce(0) { $0 + $1.unusedCount } }

  func grantIndex(of service: Int) -> Int? {
    grants.firstIndex { $0.service == service }
  }

  mutating func insertGrant(_ grant: ServiceGrant) {
    let position = grants.firstIndex { $0.service > grant.service } ?? grants.count
    grants.insert(grant, at: position)
  }
}

/// Identifier text in the shapes AWS uses.
enum Identifiers {
  private static let base32: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
  private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

  /// `prefix` and 16 characters of `A-Z2-7`, like `AROA`, `AIDA` and `AKIA` ids.
  static func awsID(_ prefix: String, _ hash: UInt64) -> String {
    var bytes = Array(prefix.utf8)
    var h = hash
    for index in 0..<16 {
      if index == 12 { h = Mix.finalize(hash ^ 0x5EED) }
      bytes.append(base32[Int(h & 31)])
      h >>= 5
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// A version-4-style UUID, lower-case, from two hashes.
  static func uuid(_ a: UInt64, _ b: UInt64) -> String {
    var nibbles: [UInt8] = []
    nibbles.reserveCapacity(32)
    for word in [a, b] {
      for shift in stride(from: 60, through: 0, by: -4) {
        nibbles.append(UInt8((word >> UInt64(shift)) & 0xF))
      }
    }
    nibbles[12] = 4
    nibbles[16] = 8 | (nibbles[16] & 3)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(36)
    for (index, nibble) in nibbles.enumerated() {
      if index == 8 || index == 12 || index == 16 || index == 20 { bytes.append(UInt8(ascii: "-")) }
      bytes.append(hex[Int(nibble)])
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
