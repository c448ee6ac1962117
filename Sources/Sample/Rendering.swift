/// Static text the renderers reuse for every principal.
enum RenderTables {
  /// `s3:` and so on, per service index.
  static let namespaceColon: [String] = Catalog.services.map { $0.namespace + ":" }

  /// `"s3:GetObject"` as JSON bytes, quotes included, per service and action index.
  static let quotedPrefixedActions: [[[UInt8]]] = Catalog.services.map { spec in
    spec.actions.map { Array(("\"" + spec.namespace + ":" + $0 + "\"").utf8) }
  }

  /// `"GetObject"` as JSON bytes, quotes included, per service and action index.
  static let quotedBareActions: [[[UInt8]]] = Catalog.services.map { spec in
    spec.actions.map { Array(("\"" + $0 + "\"").utf8) }
  }

  /// `"S3Buckets"` and so on, quotes included, per service.
  static let quotedSids: [[UInt8]] = Catalog.services.map { Array(("\"" + $0.sid + "\"").utf8) }

  static func index(of namespace: String) -> Int {
    Catalog.services.firstIndex { $0.namespace == namespace }!
  }

  static let s3 = index(of: "s3")
  static let dynamodb = index(of: "dynamodb")
  static let sqs = index(of: "sqs")
  static let sns = index(of: "sns")
  static let secretsmanager = index(of: "secretsmanager")
  static let kinesis = index(of: "kinesis")
  static let lambda = index(of: "lambda")
  static let logs = index(of: "logs")
}

/// One finding of a principal, by the principal's ordinal and `FindingKind.code`.
struct FindingRef: Equatable {
  let ordinal: Int
  let kind: UInt64
}

/// The finding types, with the code that keeps their ids apart.
enum FindingKind {
  case permission, role
  case accessKey(Int)
  case password

  var code: UInt64 {
    switch self {
    case .permission: 1
    case .role: 2
    case .accessKey(let index): 10 + UInt64(index)
    case .password: 3
    }
  }
}

extension AccountSimulation {
  // MARK: findings

  /// Writes every finding of the snapshot, except those in `omitting` (known only by their
  /// summaries): JSON Lines, or one pretty-printed array for the account that exports that way.
  func renderFindings(_ snapshot: Int, omitting: [FindingRef] = [], into writer: inout JSONWriter) {
    let analyzed = analyzedAt(snapshot)
    let asArray = account.findingsAsArray
    if asArray { writer.beginArray() }
    let all = principals
    for index in all.indices where all[index].isAlive(at: snapshot) {
      writeFindings(of: all[index], into: &writer, analyzed: analyzed, asArray: asArray, omitting: omitting)
    }
    if asArray {
      writer.endArray()
      writer.newline()
    }
  }

  /// A principal's findings, in the order permission, role, access keys, password.
  private func writeFindings(
    of p: SimPrincipal, into writer: inout JSONWriter, analyzed: Int64, asArray: Bool, omitting: [FindingRef]
  ) {
    func omitted(_ kind: FindingKind) -> Bool {
      !omitting.isEmpty && omitting.contains(FindingRef(ordinal: p.ordinal, kind: kind.code))
    }
    if p.permissionFinding.phase != .none, !omitted(.permission) {
      beginFinding(&writer, p, p.permissionFinding, .permission, analyzed: analyzed)
      writer.key("findingDetails")
      writer.beginArray()
      for grant in p.permissionFinding.phase == .resolved ? p.resolvedGrants : p.grants
      where !grant.unused.isEmpty {
        writePermissionDetail(&writer, grant)
      }
      writer.endArray()
      endFinding(&writer, "UnusedPermission", asArray: asArray)
    }
    if p.roleFinding.phase != .none, !omitted(.role) {
      beginFinding(&writer, p, p.roleFinding, .role, analyzed: analyzed)
      writer.key("findingDetails")
      writer.beginArray()
      writer.beginObject()
      writer.key("unusedIamRoleDetails")
      writer.beginObject()
      writeLastAccessed(&writer, p.roleFinding.lastAccessed)
      writer.endObject()
      writer.endObject()
      writer.endArray()
      endFinding(&writer, "UnusedIAMRole", asArray: asArray)
    }
    for (index, key) in p.accessKeys.enumerated()
    where key.finding.phase != .none && !omitted(.accessKey(index)) {
      beginFinding(&writer, p, key.finding, .accessKey(index), analyzed: analyzed)
      writer.key("findingDetails")
      writer.beginArray()
      writer.beginObject()
      writer.key("unusedIamUserAccessKeyDetails")
      writer.beginObject()
      writer.key("accessKeyId")
      writer.string(key.keyID)
      writeLastAccessed(&writer, key.finding.lastAccessed)
      writer.endObject()
      writer.endObject()
      writer.endArray()
      endFinding(&writer, "UnusedIAMUserAccessKey", asArray: asArray)
    }
    if let password = p.password, password.finding.phase != .none, !omitted(.password) {
      beginFinding(&writer, p, password.finding, .password, analyzed: analyzed)
      writer.key("findingDetails")
      writer.beginArray()
      writer.beginObject()
      writer.key("unusedIamUserPasswordDetails")
      writer.beginObject()
      writeLastAccessed(&writer, password.finding.lastAccessed)
      writer.endObject()
      writer.endObject()
      writer.endArray()
      endFinding(&writer, "UnusedIAMUserPassword", asArray: asArray)
    }
  }

  /// The finding id: stable for one finding across snapshots, new when a principal gets a new
  /// finding of the same type after the old one was dropped.
  func findingID(_ p: SimPrincipal, _ kind: FindingKind, serial: UInt32) -> String {
    let part = kind.code << 32 | UInt64(serial)
    return Identifiers.uuid(
      Mix.hash(seed, UInt64(account.index), UInt64(p.ordinal), part),
      Mix.hash(seed ^ 0xF1D, UInt64(account.index), UInt64(p.ordinal), part))
  }

  var findingStyle: TimestampStyle { account.zuluTimestamps ? .zuluMilliseconds : .microseconds }

  func beginFinding(
    _ writer: inout JSONWriter, _ p: SimPrincipal, _ state: FindingState, _ kind: FindingKind, analyzed: Int64
  ) {
    writer.beginObject()
    writer.key("analyzedAt")
    writer.timestamp(milliseconds: analyzed, style: findingStyle)
    writer.key("createdAt")
    writer.timestamp(milliseconds: state.createdAt, style: findingStyle)
    writer.key("id")
    writer.string(findingID(p, kind, serial: state.serial))
    writer.key("resource")
    writer.string(p.arn)
    writer.key("resourceType")
    writer.string(p.purpose.isUser ? "AWS::IAM::User" : "AWS::IAM::Role")
    writer.key("resourceOwnerAccount")
    writer.string(account.id)
    writer.key("status")
    switch state.phase {
    case .archived: writer.string("ARCHIVED")
    case .resolved: writer.string("RESOLVED")
    case .active, .none: writer.string("ACTIVE")
    }
    writer.key("updatedAt")
    writer.timestamp(milliseconds: state.updatedAt, style: findingStyle)
  }

  private func endFinding(_ writer: inout JSONWriter, _ type: StaticString, asArray: Bool) {
    writer.key("findingType")
    writer.string(type)
    writer.endObject()
    if !asArray { writer.newline() }
  }

  private func writePermissionDetail(_ writer: inout JSONWriter, _ grant: ServiceGrant) {
    let spec = Catalog.services[grant.service]
    let names =
      account.actionsPrefixed
      ? RenderTables.quotedPrefixedActions[grant.service] : RenderTables.quotedBareActions[grant.service]
    writer.beginObject()
    writer.key("unusedPermissionDetails")
    writer.beginObject()
    if !spec.serviceLevelOnly {
      writer.key("actions")
      writer.beginArray()
      for item in grant.unused {
        writer.beginObject()
        writer.key("action")
        writer.raw(names[Int(item.action)])
        writeLastAccessed(&writer, item.lastAccessed)
        writer.endObject()
      }
      writer.endArray()
    }
    writer.key("serviceNamespace")
    writer.string(spec.namespace)
    writeLastAccessed(&writer, grant.findingLastAccessed)
    writer.endObject()
    writer.endObject()
  }

  /// `"lastAccessed": ...`, left out entirely for never (as Access Analyzer does). Some values
  /// come without a fraction, as recorded ones often do.
  private func writeLastAccessed(_ writer: inout JSONWriter, _ time: Int64) {
    guard time >= 0 else { return }
    writer.key("lastAccessed")
    let style: TimestampStyle =
      account.zuluTimestamps
      ? .zuluMilliseconds : (Mix.finalize(UInt64(time)) % 5 < 2 ? .seconds : .microseconds)
    writer.timestamp(milliseconds: time, style: style)
  }

  // MARK: inventory

  /// Writes the snapshot's `get-account-authorization-details` response.
  func renderInventory(_ snapshot: Int, into writer: inout JSONWriter) {
    var attachments = [Int](repeating: 0, count: ManagedPolicy.allCases.count)
    var boundaryUses = 0
    var hasHumans = false
    let all = principals
    for index in all.indices where all[index].isAlive(at: snapshot) {
      let managed = all[index].managed
      for policy in ManagedPolicy.allCases where managed & policy.bit != 0 {
        attachments[policy.rawValue] += 1
      }
      if all[index].hasBoundary { boundaryUses += 1 }
      if all[index].purpose == .human { hasHumans = true }
    }
    if hasHumans { attachments[ManagedPolicy.userChangePassword.rawValue] += 1 }

    writer.beginObject()
    writer.key("UserDetailList")
    writer.beginArray()
    for index in all.indices where all[index].purpose.isUser && all[index].isAlive(at: snapshot) {
      writeUser(&writer, all[index])
    }
    writer.endArray()
    writer.key("GroupDetailList")
    writer.beginArray()
    if hasHumans { writeConsoleGroup(&writer) }
    writer.endArray()
    writer.key("RoleDetailList")
    writer.beginArray()
    for index in all.indices where !all[index].purpose.isUser && all[index].isAlive(at: snapshot) {
      writeRole(&writer, all[index])
    }
    writer.endArray()
    writer.key("Policies")
    writer.beginArray()
    for policy in ManagedPolicy.allCases where exists(policy) {
      if policy.isAWSManaged, attachments[policy.rawValue] == 0 { continue }
      writeManagedPolicy(
        &writer, policy, attachments: attachments[policy.rawValue],
        boundaryUses: policy == .boundary ? boundaryUses : 0)
    }
    writer.endArray()
    writer.key("IsTruncated")
    writer.bool(false)
    writer.endObject()
    writer.newline()
  }

  func iamDate(_ writer: inout JSONWriter, _ time: Int64) {
    writer.timestamp(milliseconds: time, style: .seconds)
  }

  private func writeRole(_ writer: inout JSONWriter, _ p: SimPrincipal) {
    writer.beginObject()
    writer.key("Path")
    writer.string(p.path)
    writer.key("RoleName")
    writer.string(p.name)
    writer.key("RoleId")
    writer.string(p.uniqueID)
    writer.key("Arn")
    writer.string(p.arn)
    writer.key("CreateDate")
    iamDate(&writer, p.createdAt)
    writer.key("AssumeRolePolicyDocument")
    document(&writer) { trustPolicy(&$0, p) }
    writer.key("InstanceProfileList")
    writer.beginArray()
    if p.trust == .ec2 { writeInstanceProfile(&writer, p) }
    writer.endArray()
    writer.key("RolePolicyList")
    writeInlinePolicies(&writer, p)
    writeAttachedPolicies(&writer, p)
    if p.hasBoundary {
      writer.key("PermissionsBoundary")
      writer.beginObject()
      writer.key("PermissionsBoundaryType")
      writer.string("Policy")
      writer.key("PermissionsBoundaryArn")
      writePolicyARN(&writer, .boundary)
      writer.endObject()
    }
    writeTags(&writer, p.tags)
    writer.key("RoleLastUsed")
    writer.beginObject()
    if p.lastUsed >= 0 {
      writer.key("LastUsedDate")
      iamDate(&writer, p.lastUsed)
      writer.key("Region")
      writer.string(p.lastUsedRegion)
    }
    writer.endObject()
    writer.endObject()
  }

  private func writeInstanceProfile(_ writer: inout JSONWriter, _ p: SimPrincipal) {
    writer.beginObject()
    writer.key("Path")
    writer.string("/")
    writer.key("InstanceProfileName")
    writer.string(p.name)
    writer.key("InstanceProfileId")
    writer.string(Identifiers.awsID("AIPA", Mix.hash(seed, UInt64(account.index), UInt64(p.ordinal), 2)))
    writer.key("Arn")
    writer.beginString()
    writer.stringPart("arn:aws:iam::")
    writer.stringPart(account.id)
    writer.stringPart(":instance-profile/")
    writer.stringPart(p.name)
    writer.endString()
    writer.key("CreateDate")
    iamDate(&writer, p.createdAt)
    writer.key("Roles")
    writer.beginArray()
    writer.beginObject()
    writer.key("Path")
    writer.string(p.path)
    writer.key("RoleName")
    writer.string(p.name)
    writer.key("RoleId")
    writer.string(p.uniqueID)
    writer.key("Arn")
    writer.string(p.arn)
    writer.key("CreateDate")
    iamDate(&writer, p.createdAt)
    writer.key("AssumeRolePolicyDocument")
    document(&writer) { trustPolicy(&$0, p) }
    writer.endObject()
    writer.endArray()
    writer.endObject()
  }

  private func writeUser(_ writer: inout JSONWriter, _ p: SimPrincipal) {
    writer.beginObject()
    writer.key("Path")
    writer.string(p.path)
    writer.key("UserName")
    writer.string(p.name)
    writer.key("UserId")
    writer.string(p.uniqueID)
    writer.key("Arn")
    writer.string(p.arn)
    writer.key("CreateDate")
    iamDate(&writer, p.createdAt)
    writer.key("UserPolicyList")
    writeInlinePolicies(&writer, p)
    writer.key("GroupList")
    writer.beginArray()
    if p.purpose == .human { writer.string("console-users") }
    writer.endArray()
    writeAttachedPolicies(&writer, p)
    writeTags(&writer, p.tags)
    writer.endObject()
  }

  private func writeConsoleGroup(_ writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("Path")
    writer.string("/")
    writer.key("GroupName")
    writer.string("console-users")
    writer.key("GroupId")
    writer.string(Identifiers.awsID("AGPA", Mix.hash(seed, UInt64(account.index), 0x6A0F)))
    writer.key("Arn")
    writer.beginString()
    writer.stringPart("arn:aws:iam::")
    writer.stringPart(account.id)
    writer.stringPart(":group/console-users")
    writer.endString()
    writer.key("CreateDate")
    iamDate(&writer, start(of: days[0]) - 1500 * AccountSimulation.dayMilliseconds + 40_213_000)
    writer.key("GroupPolicyList")
    writer.beginArray()
    writer.endArray()
    writer.key("AttachedManagedPolicies")
    writer.beginArray()
    writer.beginObject()
    writer.key("PolicyName")
    writer.string(policyName(.userChangePassword))
    writer.key("PolicyArn")
    writePolicyARN(&writer, .userChangePassword)
    writer.endObject()
    writer.endArray()
    writer.endObject()
  }

  private func writeAttachedPolicies(_ writer: inout JSONWriter, _ p: SimPrincipal) {
    writer.key("AttachedManagedPolicies")
    writer.beginArray()
    for policy in ManagedPolicy.allCases where p.managed & policy.bit != 0 && exists(policy) {
      writer.beginObject()
      writer.key("PolicyName")
      writer.string(policyName(policy))
      writer.key("PolicyArn")
      writePolicyARN(&writer, policy)
      writer.endObject()
    }
    writer.endArray()
  }

  /// IAM leaves `Tags` out of untagged principals.
  private func writeTags(_ writer: inout JSONWriter, _ tags: [TagPair]) {
    guard !tags.isEmpty else { return }
    writer.key("Tags")
    writer.beginArray()
    for tag in tags {
      writer.beginObject()
      writer.key("Key")
      writer.string(tag.key)
      writer.key("Value")
      writer.string(tag.value)
      writer.endObject()
    }
    writer.endArray()
  }

  // MARK: policy documents

  /// Writes a policy document as an object, or in the URL-encoded account as a string holding
  /// the percent-encoded compact JSON, as the raw IAM API returns it.
  private func document(_ writer: inout JSONWriter, _ body: (inout JSONWriter) -> Void) {
    if account.urlEncodedDocuments {
      var compact = JSONWriter(indent: 0, capacity: 512)
      body(&compact)
      writer.urlEncodedString(compact.bytes)
    } else {
      body(&writer)
    }
  }

  private func trustPolicy(_ writer: inout JSONWriter, _ p: SimPrincipal) {
    writer.beginObject()
    writer.key("Version")
    writer.string("2012-10-17")
    writer.key("Statement")
    writer.beginArray()
    writer.beginObject()
    writer.key("Effect")
    writer.string("Allow")
    writer.key("Principal")
    writer.beginObject()
    if let service = p.trust.servicePrincipal {
      writer.key("Service")
      writer.string(service)
    } else if p.trust == .githubActions {
      writer.key("Federated")
      writer.beginString()
      writer.stringPart("arn:aws:iam::")
      writer.stringPart(account.id)
      writer.stringPart(":oidc-provider/token.actions.githubusercontent.com")
      writer.endString()
    } else {
      writer.key("AWS")
      writer.beginString()
      writer.stringPart("arn:aws:iam::")
      writer.stringPart(plan.managementAccountID)
      writer.stringPart(p.trust == .organization ? ":root" : ":role/observability-grafana")
      writer.endString()
    }
    writer.endObject()
    writer.key("Action")
    writer.string(p.trust == .githubActions ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole")
    if p.trust == .githubActions {
      writer.key("Condition")
      writer.beginObject()
      writer.key("StringEquals")
      writer.beginObject()
      writer.key("token.actions.githubusercontent.com:aud")
      writer.string("sts.amazonaws.com")
      writer.endObject()
      writer.key("StringLike")
      writer.beginObject()
      writer.key("token.actions.githubusercontent.com:sub")
      writer.beginString()
      writer.stringPart("repo:example-corp/")
      writer.stringPart(p.owner >= 0 ? plan.teams[p.owner].id : "platform")
      writer.stringPart("-*:*")
      writer.endString()
      writer.endObject()
      writer.endObject()
    }
    writer.endObject()
    writer.endArray()
    writer.endObject()
  }

  /// The inline policies of a principal, as `RolePolicyList` or `UserPolicyList`: one, or two
  /// for a principal whose grants are split (see `policyPart`).
  private func writeInlinePolicies(_ writer: inout JSONWriter, _ p: SimPrincipal) {
    writer.beginArray()
    for part in inlinePolicyParts(p) {
      writer.beginObject()
      writer.key("PolicyName")
      writer.string(inlinePolicyName(p, part: part))
      writer.key("PolicyDocument")
      document(&writer) { inlinePolicy(&$0, p, part: part) }
      writer.endObject()
    }
    writer.endArray()
  }

  /// Which of a split principal's two inline policies grants a service: fixed per principal and
  /// service, so a statement never moves between policies.
  func policyPart(_ p: SimPrincipal, service: Int) -> Int {
    guard p.splitPolicies else { return 0 }
    return Int(Mix.hash(seed, UInt64(account.index), UInt64(p.ordinal), 0x9A27_0000 + UInt64(service)) & 1)
  }

  /// The parts (0, 1) that hold at least one grant, in order.
  func inlinePolicyParts(_ p: SimPrincipal) -> [Int] {
    var present = [false, false]
    for grant in p.grants { present[policyPart(p, service: grant.service)] = true }
    return [0, 1].filter { present[$0] }
  }

  /// `payments-api-permissions` and `payments-api-extra-permissions` for roles,
  /// `alice.nguyen-inline` and `alice.nguyen-extra-inline` for users.
  func inlinePolicyName(_ p: SimPrincipal, part: Int) -> String {
    let extra = part == 0 ? "" : "-extra"
    return p.name + extra + (p.purpose.isUser ? "-inline" : "-permissions")
  }

  /// One inline policy: one statement per service, granting the used and the still unused
  /// actions (archived ones included). Removed actions are gone, so comparing snapshots shows the
  /// policy shrinking as teams remove unused permissions.
  ///
  /// With `withoutUnused`, the same policy as Access Analyzer recommends it: the unused actions
  /// left out, and statements left with no action dropped (the caller detaches a policy that
  /// would be left with none).
  func inlinePolicy(_ writer: inout JSONWriter, _ p: SimPrincipal, part: Int, withoutUnused: Bool = false) {
    writer.beginObject()
    writer.key("Version")
    writer.string("2012-10-17")
    writer.key("Statement")
    var statements = 0
    for grant in p.grants where policyPart(p, service: grant.service) == part {
      if !withoutUnused || !grant.used.isEmpty { statements += 1 }
    }
    let single = statements == 1 && p.statementAsObject
    if !single { writer.beginArray() }
    for grantIndex in p.grants.indices where policyPart(p, service: p.grants[grantIndex].service) == part {
      let service = p.grants[grantIndex].service
      if withoutUnused, p.grants[grantIndex].used.isEmpty { continue }
      writer.beginObject()
      if p.statementIDs {
        writer.key("Sid")
        writer.raw(RenderTables.quotedSids[service])
      }
      writer.key("Effect")
      writer.string("Allow")
      writer.key("Action")
      writeActions(&writer, p.grants[grantIndex], asString: p.actionAsString, withoutUnused: withoutUnused)
      writer.key("Resource")
      writeResource(&writer, service, p)
      writer.endObject()
    }
    if !single { writer.endArray() }
    writer.endObject()
  }

  private func writeActions(
    _ writer: inout JSONWriter, _ grant: ServiceGrant, asString: Bool, withoutUnused: Bool
  ) {
    let unusedCount = withoutUnused ? 0 : grant.unused.count
    let count = grant.used.count + unusedCount
    let names = RenderTables.quotedPrefixedActions[grant.service]
    if grant.wildcard {
      writer.string(RenderTables.namespaceColon[grant.service], "*")
    } else if count == 1, asString {
      writer.raw(names[Int(grant.used.first ?? grant.unused[0].action)])
    } else {
      writer.beginArray()
      // Merge used and unused, both sorted by action index, so the list reads alphabetically.
      var u = 0
      var n = 0
      while u < grant.used.count || n < unusedCount {
        let action: UInt16
        if n >= unusedCount || (u < grant.used.count && grant.used[u] < grant.unused[n].action) {
          action = grant.used[u]
          u += 1
        } else {
          action = grant.unused[n].action
          n += 1
        }
        writer.raw(names[Int(action)])
      }
      writer.endArray()
    }
  }

  private func writeResource(_ writer: inout JSONWriter, _ service: Int, _ p: SimPrincipal) {
    func regional(_ service: StaticString, _ middle: StaticString, _ suffix: StaticString) {
      writer.beginString()
      writer.stringPart("arn:aws:")
      writer.stringPart(service)
      writer.stringPart(":")
      writer.stringPart(account.region)
      writer.stringPart(":")
      writer.stringPart(account.id)
      writer.stringPart(middle)
      writer.stringPart(p.resourceStem)
      writer.stringPart(suffix)
      writer.endString()
    }
    switch service {
    case RenderTables.s3:
      writer.beginArray()
      for suffix: StaticString in ["", "/*"] {
        writer.beginString()
        writer.stringPart("arn:aws:s3:::example-corp-")
        writer.stringPart(p.resourceStem)
        writer.stringPart("-")
        writer.stringPart(account.id)
        writer.stringPart(suffix)
        writer.endString()
      }
      writer.endArray()
    case RenderTables.dynamodb: regional("dynamodb", ":table/", "-*")
    case RenderTables.sqs: regional("sqs", ":", "-*")
    case RenderTables.sns: regional("sns", ":", "-*")
    case RenderTables.secretsmanager: regional("secretsmanager", ":secret:", "/*")
    case RenderTables.kinesis: regional("kinesis", ":stream/", "-*")
    case RenderTables.lambda: regional("lambda", ":function:", "-*")
    case RenderTables.logs: regional("logs", ":log-group:/aws/", "/*")
    default: writer.string("*")
    }
  }

  // MARK: managed policies

  func exists(_ policy: ManagedPolicy) -> Bool {
    switch policy {
    case .baseline: account.team != nil
    case .boundary: account.hasBoundary
    default: true
    }
  }

  func policyName(_ policy: ManagedPolicy) -> String {
    switch policy {
    case .baseline: plan.teams[account.team ?? 0].id + "-baseline"
    case .boundary: "workload-permissions-boundary"
    case .administratorAccess: "AdministratorAccess"
    case .lambdaBasicExecution: "AWSLambdaBasicExecutionRole"
    case .userChangePassword: "IAMUserChangePassword"
    case .supportServiceRole: "AWSSupportServiceRolePolicy"
    case .accessAnalyzerServiceRole: "AccessAnalyzerServiceRolePolicy"
    }
  }

  private func policyPath(_ policy: ManagedPolicy) -> StaticString {
    switch policy {
    case .boundary: "/boundaries/"
    case .lambdaBasicExecution: "/service-role/"
    case .supportServiceRole, .accessAnalyzerServiceRole: "/aws-service-role/"
    default: "/"
    }
  }

  func writePolicyARN(_ writer: inout JSONWriter, _ policy: ManagedPolicy) {
    writer.beginString()
    if policy.isAWSManaged {
      writer.stringPart("arn:aws:iam::aws:policy")
    } else {
      writer.stringPart("arn:aws:iam::")
      writer.stringPart(account.id)
      writer.stringPart(":policy")
    }
    writer.stringPart(policyPath(policy))
    writer.stringPart(policyName(policy))
    writer.endString()
  }

  private func writeManagedPolicy(
    _ writer: inout JSONWriter, _ policy: ManagedPolicy, attachments: Int, boundaryUses: Int
  ) {
    // AWS managed policies have the same id and dates in every account; customer ones differ.
    let idHash =
      policy.isAWSManaged
      ? Mix.hash(policyName(policy))
      : Mix.hash(seed, UInt64(account.index), 0x9011C7, UInt64(policy.rawValue))
    let created: Int64 =
      policy.isAWSManaged
      ? 1_423_247_986_000 + Int64(policy.rawValue) * 7_776_000_000
      : start(of: days[0]) - Int64(600 + policy.rawValue * 97) * AccountSimulation.dayMilliseconds
        + 51_407_000
    let updated = created + Int64(policy.rawValue % 3 + 1) * 4_320_000_000
    let version: StaticString =
      switch policy {
      case .baseline: "v3"
      case .boundary: "v2"
      case .administratorAccess, .lambdaBasicExecution: "v1"
      case .userChangePassword: "v2"
      case .supportServiceRole, .accessAnalyzerServiceRole: "v4"
      }
    writer.beginObject()
    writer.key("PolicyName")
    writer.string(policyName(policy))
    writer.key("PolicyId")
    writer.string(Identifiers.awsID("ANPA", idHash))
    writer.key("Arn")
    writePolicyARN(&writer, policy)
    writer.key("Path")
    writer.string(policyPath(policy))
    writer.key("DefaultVersionId")
    writer.string(version)
    writer.key("AttachmentCount")
    writer.int(attachments)
    writer.key("PermissionsBoundaryUsageCount")
    writer.int(boundaryUses)
    writer.key("IsAttachable")
    writer.bool(true)
    writer.key("CreateDate")
    iamDate(&writer, created)
    writer.key("UpdateDate")
    iamDate(&writer, updated)
    writer.key("PolicyVersionList")
    writer.beginArray()
    writer.beginObject()
    writer.key("Document")
    document(&writer) { managedDocument(&$0, policy) }
    writer.key("VersionId")
    writer.string(version)
    writer.key("IsDefaultVersion")
    writer.bool(true)
    writer.key("CreateDate")
    iamDate(&writer, updated)
    writer.endObject()
    writer.endArray()
    writer.endObject()
  }

  private func managedDocument(_ writer: inout JSONWriter, _ policy: ManagedPolicy) {
    func statement(
      sid: StaticString?, effect: StaticString = "Allow", actions: [StaticString],
      resource: (inout JSONWriter) -> Void
    ) {
      writer.beginObject()
      if let sid {
        writer.key("Sid")
        writer.string(sid)
      }
      writer.key("Effect")
      writer.string(effect)
      writer.key("Action")
      if actions.count == 1 {
        writer.string(actions[0])
      } else {
        writer.beginArray()
        for action in actions { writer.string(action) }
        writer.endArray()
      }
      writer.key("Resource")
      resource(&writer)
      writer.endObject()
    }
    let any: (inout JSONWriter) -> Void = { $0.string("*") }
    writer.beginObject()
    writer.key("Version")
    writer.string("2012-10-17")
    writer.key("Statement")
    writer.beginArray()
    switch policy {
    case .baseline:
      statement(
        sid: "Tracing", actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], resource: any)
      statement(
        sid: "ReadParameters", actions: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
      ) { w in
        w.beginString()
        w.stringPart("arn:aws:ssm:")
        w.stringPart(account.region)
        w.stringPart(":")
        w.stringPart(account.id)
        w.stringPart(":parameter/")
        w.stringPart(plan.teams[account.team ?? 0].id)
        w.stringPart("/*")
        w.endString()
      }
    case .boundary:
      statement(sid: "AllowWorkloadServices", actions: ["*"], resource: any)
      statement(
        sid: "DenyIdentityAdministration", effect: "Deny",
        actions: [
          "iam:CreateAccessKey", "iam:CreateUser", "iam:DeleteRolePermissionsBoundary", "organizations:*",
        ],
        resource: any)
    case .administratorAccess:
      statement(sid: nil, actions: ["*"], resource: any)
    case .lambdaBasicExecution:
      statement(
        sid: nil, actions: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], resource: any
      )
    case .userChangePassword:
      statement(sid: nil, actions: ["iam:ChangePassword"]) { w in
        w.beginArray()
        w.string("arn:aws:iam::*:user/${aws:username}")
        w.endArray()
      }
      statement(sid: nil, actions: ["iam:GetAccountPasswordPolicy"], resource: any)
    case .supportServiceRole:
      statement(
        sid: "AWSSupportDescribe",
        actions: [
          "ec2:DescribeInstances", "iam:GetAccountSummary", "rds:DescribeDBInstances", "s3:GetBucketLocation",
        ],
        resource: any)
    case .accessAnalyzerServiceRole:
      statement(
        sid: "AccessAnalyzerRead",
        actions: [
          "iam:GetRole", "iam:ListRoles", "iam:GenerateServiceLastAccessedDetails",
          "iam:GetServiceLastAccessedDetails", "s3:GetBucketPolicy",
        ], resource: any)
    }
    writer.endArray()
    writer.endObject()
  }
}
