import Model

/// What a reader needs to know about the snapshot it reads: its day and the unused threshold,
/// since last-accessed data and the credential report say when, not whether, access is unused.
struct ReadContext: Sendable {
  /// The snapshot's day.
  var day: Day
  /// Access unused for this many days before the snapshot counts as unused.
  var thresholdDays: Int

  /// The first day that still counts as recent use.
  var cutoff: Day { day.adding(days: -thresholdDays) }

  /// Whether a last use (nil: never) makes access unused at this snapshot.
  func isUnused(lastUsed: Day?) -> Bool {
    guard let lastUsed else { return true }
    return lastUsed < cutoff
  }
}

/// One inventory page: principals with their own and attached policies, and the documents of
/// managed policies and groups, which may come on another page and are resolved per snapshot.
struct InventoryPage {
  var principals: [Principal] = []
  /// Managed policy documents (default version) by ARN.
  var managedDocuments: [String: PolicyDocument] = [:]
  /// Group policies by `account/group name`.
  var groupPolicies: [String: [AttachedPolicy]] = [:]
  /// Group names of each user ARN, to add the groups' policies to the user's.
  var userGroups: [String: [String]] = [:]
}

/// What one record (one JSON object of an export) turned out to be.
enum AWSRecord {
  /// An `aws accessanalyzer get-finding-v2` response about unused access (its observations went
  /// to the reader's list).
  case finding(principal: Principal)
  /// A finding about something other than unused access (external or internal access): not counted.
  case otherFinding
  /// A page of `aws iam get-account-authorization-details`.
  case inventory(InventoryPage)
  /// An `aws iam get-service-last-accessed-details` response with an added `Arn`.
  case lastAccessed(principal: Principal, note: String?)
  /// A page of `aws accessanalyzer list-findings-v2`: findings without details, `count` of them.
  case summaries(principals: [Principal], count: Int)
  /// An `aws accessanalyzer get-finding-recommendation` response.
  case recommendation(PrincipalRecommendations, note: String?)
  /// The `aws iam get-credential-report` response, decoded.
  case credentialReport(CredentialReport)
}

/// Recognises a record by the members it has (never by file name) and reads it.
///
/// The observations a record holds are appended to the caller's list rather than returned: a list
/// per record, copied into the file's list, retained and released every string of a million
/// observations once more.
enum AWSRecordReader {
  static func read(_ record: JSONField, context: ReadContext, observations: inout [Observation])
    throws(IngestError) -> AWSRecord
  {
    guard record.isObject else {
      throw record.error(
        "expected an object (an AWS CLI response), found \(record.value.typeDescription)",
        hint: "Each record must be a response printed by the AWS CLI with --output json")
    }
    func has(_ key: StaticString) -> Bool { record.value.hasMember(key) }
    if has("findingType") || has("findingDetails") {
      return try readFinding(record, observations: &observations)
    }
    if has("RoleDetailList") || has("UserDetailList") || has("GroupDetailList") {
      return .inventory(try readInventory(record))
    }
    if has("ServicesLastAccessed") || has("JobType") {
      return try LastAccessedReader.read(record, context: context, observations: &observations)
    }
    if has("findings") {
      return try readSummaries(record, observations: &observations)
    }
    if has("recommendedSteps") || has("recommendationType") {
      return try readRecommendation(record)
    }
    if has("Content") && has("ReportFormat") {
      return .credentialReport(try CredentialReportReader.read(jsonResponse: record, context: context))
    }
    let keys = (record.value.objectMembers ?? []).prefix(5).map(\.key).joined(separator: ", ")
    throw record.error(
      "not a recognised AWS export (members: \(keys))",
      hint: "Expected the JSON printed by `aws accessanalyzer get-finding-v2`, `list-findings-v2`, "
        + "`get-finding-recommendation`, `aws iam get-account-authorization-details`, "
        + "`get-service-last-accessed-details` or `get-credential-report`")
  }

  // MARK: Access Analyzer findings

  private static let findingTypes = [
    "UnusedPermission", "UnusedIAMRole", "UnusedIAMUserAccessKey", "UnusedIAMUserPassword",
  ]
  private static let otherFindingTypes = ["ExternalAccess", "InternalAccess"]

  static func readFinding(_ record: JSONField, observations: inout [Observation]) throws(IngestError)
    -> AWSRecord
  {
    let (foundType, status) = try findingTypeAndStatus(record)
    guard let type = foundType else { return .otherFinding }
    let resource = try record.string("resource")
    let id = try record.string("id")
    let createdOn = try record.timestampDay("createdAt")
    _ = try record.optionalTimestampDay("updatedAt")
    let principal = try findingPrincipal(record, resource: resource)

    func observe(_ access: UnusedAccess, lastUsed: Day?) {
      observations.append(
        Observation(
          access: access, status: status, lastUsedOn: lastUsed, findingID: id, findingCreatedOn: createdOn))
    }
    for detail in try record.required("findingDetails").elements {
      try detail.requireObject()
      switch type {
      case "UnusedPermission":
        // Details of other kinds may share the list; only permission details describe permissions.
        guard let permission = detail.child("unusedPermissionDetails") else { continue }
        let service = ServicePermissions(
          principalARN: resource, service: try permission.string("serviceNamespace"))
        let actions = try permission.optionalElements("actions")
        if actions.isEmpty {
          observe(service.wholeService, lastUsed: try permission.optionalTimestampDay("lastAccessed"))
        }
        for action in actions {
          let name = try action.required("action")
          observe(try service.action(name), lastUsed: try action.optionalTimestampDay("lastAccessed"))
        }
      case "UnusedIAMRole":
        guard let role = detail.child("unusedIamRoleDetails") else { continue }
        observe(
          UnusedAccess(principalARN: resource, kind: .role),
          lastUsed: try role.optionalTimestampDay("lastAccessed"))
      case "UnusedIAMUserAccessKey":
        guard let key = detail.child("unusedIamUserAccessKeyDetails") else { continue }
        observe(
          UnusedAccess(principalARN: resource, kind: .accessKey, detail: try key.string("accessKeyId")),
          lastUsed: try key.optionalTimestampDay("lastAccessed"))
      default:
        guard let password = detail.child("unusedIamUserPasswordDetails") else { continue }
        observe(
          UnusedAccess(principalARN: resource, kind: .password),
          lastUsed: try password.optionalTimestampDay("lastAccessed"))
      }
    }
    return .finding(principal: principal)
  }

  /// The finding type (nil for findings about other than unused access) and status.
  static func findingTypeAndStatus(_ record: JSONField) throws(IngestError) -> (String?, FindingStatus) {
    let typeField = try record.required("findingType")
    guard let type = knownFindingType(typeField) else {
      let text = try typeField.string
      if otherFindingTypes.contains(text) { return (nil, .active) }
      throw typeField.error(
        "unknown finding type \"\(text.prefix(60))\"",
        hint: "Expected one of " + (findingTypes + otherFindingTypes).joined(separator: ", "))
    }
    let statusField = try record.required("status")
    guard let status = knownStatus(statusField) else {
      let statusText = try statusField.string
      throw statusField.error(
        "unknown finding status \"\(statusText.prefix(60))\"", hint: "Expected ACTIVE, ARCHIVED or RESOLVED")
    }
    return (type, status)
  }

  /// The type of an unused-access finding, recognised from its bytes: the same few strings come in
  /// every record. Nil for anything else, which the caller looks at more closely.
  private static func knownFindingType(_ field: JSONField) -> String? {
    if field.isString("UnusedPermission") { return "UnusedPermission" }
    if field.isString("UnusedIAMRole") { return "UnusedIAMRole" }
    if field.isString("UnusedIAMUserAccessKey") { return "UnusedIAMUserAccessKey" }
    if field.isString("UnusedIAMUserPassword") { return "UnusedIAMUserPassword" }
    return nil
  }

  private static func knownStatus(_ field: JSONField) -> FindingStatus? {
    if field.isString("ACTIVE") { return .active }
    if field.isString("ARCHIVED") { return .archived }
    if field.isString("RESOLVED") { return .resolved }
    return nil
  }

  /// The principal a finding is about, known from its ARN and resource type only.
  static func findingPrincipal(_ record: JSONField, resource: String) throws(IngestError) -> Principal {
    let kind: PrincipalKind =
      switch try record.optionalString("resourceType") {
      case "AWS::IAM::Role": .role
      case "AWS::IAM::User": .user
      default: .other
      }
    var principal = Principal.named(resource, kind: kind)
    if let account = try record.optionalString("resourceOwnerAccount"), principal.accountID.isEmpty {
      principal.accountID = account
    }
    return principal
  }

  // MARK: Inventory

  static func readInventory(_ record: JSONField) throws(IngestError) -> InventoryPage {
    var page = InventoryPage()
    for role in try record.optionalElements("RoleDetailList") {
      var principal = try readPrincipal(role, nameKey: "RoleName", kind: .role)
      if let lastUsed = role.child("RoleLastUsed") {
        try lastUsed.requireObject()
        principal.lastUsedOn = try lastUsed.optionalTimestampDay("LastUsedDate")
      }
      principal.policies = try inlinePolicies(role, key: "RolePolicyList") + attachedPolicies(role)
      page.principals.append(principal)
    }
    for user in try record.optionalElements("UserDetailList") {
      var principal = try readPrincipal(user, nameKey: "UserName", kind: .user)
      principal.policies = try inlinePolicies(user, key: "UserPolicyList") + attachedPolicies(user)
      page.userGroups[principal.arn] = try user.optionalElements("GroupList").map {
        group throws(IngestError) in
        try group.string
      }
      page.principals.append(principal)
    }
    for group in try record.optionalElements("GroupDetailList") {
      let arn = try group.string("Arn")
      let name = try group.string("GroupName")
      let policies = try inlinePolicies(group, key: "GroupPolicyList") + attachedPolicies(group)
      page.groupPolicies[(ARNParts(arn)?.accountID ?? "") + "/" + name] = policies.map {
        AttachedPolicy(name: "\($0.name) (group \(name))", arn: $0.arn, document: $0.document)
      }
    }
    for policy in try record.optionalElements("Policies") {
      let arn = try policy.string("Arn")
      let defaultVersion = try policy.optionalString("DefaultVersionId")
      for version in try policy.optionalElements("PolicyVersionList") {
        let isDefault = try version.child("IsDefaultVersion")?.bool ?? false
        let versionID = try version.optionalString("VersionId")
        if isDefault || versionID == defaultVersion,
          let document = version.child("Document")
        {
          page.managedDocuments[arn] = try PolicyReader.document(document)
        }
      }
    }
    return page
  }

  private static func inlinePolicies(_ entry: JSONField, key: StaticString) throws(IngestError)
    -> [AttachedPolicy]
  {
    try entry.optionalElements(key).map { policy throws(IngestError) in
      AttachedPolicy(
        name: try policy.string("PolicyName"), arn: nil,
        document: try policy.child("PolicyDocument").map { document throws(IngestError) in
          try PolicyReader.document(document)
        })
    }
  }

  private static func attachedPolicies(_ entry: JSONField) throws(IngestError) -> [AttachedPolicy] {
    try entry.optionalElements("AttachedManagedPolicies").map { policy throws(IngestError) in
      let arn = try policy.sharedString("PolicyArn")
      return AttachedPolicy(
        name: try policy.child("PolicyName")?.sharedString ?? ARNParts(arn)?.name ?? arn, arn: arn,
        document: nil)
    }
  }

  private static func readPrincipal(_ entry: JSONField, nameKey: StaticString, kind: PrincipalKind)
    throws(IngestError)
    -> Principal
  {
    try entry.requireObject()
    let arn = try entry.string("Arn")
    let parts = ARNParts(arn)
    var tags: [Tag] = []
    for tag in try entry.optionalElements("Tags") {
      tags.append(Tag(key: try tag.sharedString("Key"), value: try tag.sharedString("Value")))
    }
    return Principal(
      arn: arn, kind: kind, name: try entry.optionalString(nameKey) ?? parts?.name ?? arn,
      accountID: parts?.accountID ?? "", path: try entry.optionalString("Path") ?? parts?.path ?? "/",
      tags: tags, createdOn: try entry.optionalTimestampDay("CreateDate"), isInInventory: true)
  }

  // MARK: Finding summaries

  /// `list-findings-v2`: roles, passwords and keys are counted from the summary alone; an unused
  /// permission finding is counted as one finding whose permissions are unknown.
  static func readSummaries(_ record: JSONField, observations: inout [Observation]) throws(IngestError)
    -> AWSRecord
  {
    var principals: [Principal] = []
    let first = observations.count
    for summary in try record.required("findings").elements {
      try summary.requireObject()
      let (type, status) = try findingTypeAndStatus(summary)
      guard let type else { continue }
      let resource = try summary.string("resource")
      let id = try summary.string("id")
      let createdOn = try summary.timestampDay("createdAt")
      let principal = try findingPrincipal(summary, resource: resource)
      principals.append(principal)
      let access: UnusedAccess =
        switch type {
        case "UnusedIAMRole": UnusedAccess(principalARN: resource, kind: .role)
        case "UnusedIAMUserPassword": UnusedAccess(principalARN: resource, kind: .password)
        case "UnusedIAMUserAccessKey":
          UnusedAccess(principalARN: resource, kind: .accessKey, detail: "(id not exported)")
        default: UnusedAccess(principalARN: resource, kind: .undetailedFinding, detail: id)
        }
      observations.append(
        Observation(
          access: access, status: status, findingID: id, findingCreatedOn: createdOn,
          sources: .findingSummaries))
    }
    return .summaries(principals: principals, count: observations.count - first)
  }

  // MARK: Recommendations

  static func readRecommendation(_ record: JSONField) throws(IngestError) -> AWSRecord {
    let arn = try record.string("resourceArn")
    let status = try record.string("status")
    guard ["SUCCEEDED", "FAILED", "IN_PROGRESS"].contains(status) else {
      throw try record.required("status").error(
        "unknown recommendation status \"\(status.prefix(40))\"",
        hint: "Expected SUCCEEDED, FAILED or IN_PROGRESS")
    }
    var steps: [PolicyRecommendation] = []
    for step in try record.optionalElements("recommendedSteps") {
      guard let unused = step.child("unusedPermissionsRecommendedStep") else { continue }
      let actionField = try unused.required("recommendedAction")
      let actionText = try actionField.string
      guard let action = PolicyRecommendation.Action(rawValue: actionText) else {
        throw actionField.error(
          "unknown recommended action \"\(actionText.prefix(40))\"",
          hint: "Expected CREATE_POLICY or DETACH_POLICY")
      }
      var policy: PolicyDocument?
      if let policyField = unused.child("recommendedPolicy") {
        policy = try PolicyReader.document(json: try policyField.string, field: policyField)
      }
      steps.append(
        PolicyRecommendation(
          existingPolicyID: try unused.optionalString("existingPolicyId") ?? "", action: action,
          recommendedPolicy: policy))
    }
    let message = try record.child("error")?.optionalString("message")
    let recommendations = PrincipalRecommendations(
      principalARN: arn, status: status, steps: steps, errorMessage: message)
    let note: String? =
      status == "SUCCEEDED"
      ? nil : "the recommendation for \(arn) is \(status.lowercased())\(message.map { ": \($0)" } ?? "")"
    return .recommendation(recommendations, note: note)
  }
}

/// The unused permissions of one service of one principal, made as `UnusedAccess.permission`
/// makes them, with the service lower-cased once rather than for each of its actions and plain
/// action names read from their bytes.
struct ServicePermissions {
  let principalARN: String
  let service: String
  private let lowercasedService: String

  init(principalARN: String, service: String) {
    self.principalARN = principalARN
    self.service = service
    // Exports name services in lower case already: checked, not copied.
    lowercasedService = service.fastLowercased()
  }

  /// The whole service, `service:*`.
  var wholeService: UnusedAccess { make(detail: "*") }

  /// The action named by the string `field`, with or without the `service:` prefix.
  func action(_ field: JSONField) throws(IngestError) -> UnusedAccess {
    try field.requireString()
    guard let bytes = field.value.plainStringBytes else {
      // Escapes or characters outside ASCII: the model splits by characters.
      return .permission(principalARN: principalARN, service: service, action: field.value.decodedString)
    }
    let name =
      bytes.firstIndex(of: UInt8(ascii: ":")).map { UnsafeBufferPointer(rebasing: bytes[($0 + 1)...]) }
      ?? bytes
    guard !name.isEmpty else { return make(detail: "*") }
    return make(detail: field.value.document.interner?.string(name) ?? String(decoding: name, as: UTF8.self))
  }

  private func make(detail: String) -> UnusedAccess {
    var access = UnusedAccess(principalARN: principalARN, kind: .permission, detail: detail)
    access.service = lowercasedService
    return access
  }
}
