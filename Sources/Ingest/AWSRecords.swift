import Model

/// What one record (one JSON object of an export) turned out to be.
enum AWSRecord {
  /// An `aws accessanalyzer get-finding-v2` response about unused access.
  case finding(principal: Principal, observations: [Observation])
  /// A finding about something other than unused access (external or internal access): not counted.
  case otherFinding
  /// A page of `aws iam get-account-authorization-details`.
  case inventory([Principal])
  /// An export kind permsite recognises but does not read yet.
  case unread(kind: String, advice: String)
}

/// Recognises a record by the members it has (never by file name) and reads it.
enum AWSRecordReader {
  static func read(_ record: JSONField) throws(IngestError) -> AWSRecord {
    guard let members = record.value.objectMembers else {
      throw record.error(
        "expected an object (an AWS CLI response), found \(record.value.typeDescription)",
        hint: "Each record must be a response printed by the AWS CLI with --output json")
    }
    func has(_ key: String) -> Bool { members.contains { $0.key == key } }
    if has("findingType") || has("findingDetails") {
      return try readFinding(record)
    }
    if has("RoleDetailList") || has("UserDetailList") || has("GroupDetailList") {
      return .inventory(try readInventory(record))
    }
    if has("findings") {
      return .unread(
        kind: "list-findings-v2 summaries",
        advice: "summaries carry no details; export `aws accessanalyzer get-finding-v2` for each finding id")
    }
    if has("ServicesLastAccessed") {
      return .unread(kind: "get-service-last-accessed-details", advice: "last-accessed data is not read yet")
    }
    if has("recommendedSteps") || has("recommendationType") {
      return .unread(kind: "get-finding-recommendation", advice: "recommendations are not read yet")
    }
    if has("Content") && has("ReportFormat") {
      return .unread(kind: "get-credential-report", advice: "the credential report is not read yet")
    }
    let keys = members.prefix(5).map(\.key).joined(separator: ", ")
    throw record.error(
      "not a recognised AWS export (members: \(keys))",
      hint:
        "Expected the JSON printed by `aws accessanalyzer get-finding-v2` or `aws iam get-account-authorization-details`"
    )
  }

  // MARK: Access Analyzer findings

  private static let findingTypes = [
    "UnusedPermission", "UnusedIAMRole", "UnusedIAMUserAccessKey", "UnusedIAMUserPassword",
  ]
  private static let otherFindingTypes = ["ExternalAccess", "InternalAccess"]

  static func readFinding(_ record: JSONField) throws(IngestError) -> AWSRecord {
    let typeField = try record.required("findingType")
    let type = try typeField.string
    if otherFindingTypes.contains(type) { return .otherFinding }
    guard findingTypes.contains(type) else {
      throw typeField.error(
        "unknown finding type \"\(type.prefix(60))\"",
        hint: "Expected one of " + (findingTypes + otherFindingTypes).joined(separator: ", "))
    }
    let statusField = try record.required("status")
    let statusText = try statusField.string
    guard let status = FindingStatus(rawValue: statusText) else {
      throw statusField.error(
        "unknown finding status \"\(statusText.prefix(60))\"", hint: "Expected ACTIVE, ARCHIVED or RESOLVED")
    }
    let resource = try record.string("resource")
    let id = try record.string("id")
    let createdOn = try record.timestampDay("createdAt")
    _ = try record.optionalTimestampDay("updatedAt")
    let resourceType = try record.optionalString("resourceType")
    let kind: PrincipalKind =
      switch resourceType {
      case "AWS::IAM::Role": .role
      case "AWS::IAM::User": .user
      default: .other
      }
    var principal = Principal(arnOnly: resource, kind: kind)
    if let account = try record.optionalString("resourceOwnerAccount"), principal.accountID.isEmpty {
      principal.accountID = account
    }

    var observations: [Observation] = []
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
        let service = try permission.string("serviceNamespace")
        let actions = try permission.optionalElements("actions")
        if actions.isEmpty {
          observe(
            .permission(principalARN: resource, service: service, action: nil),
            lastUsed: try permission.optionalTimestampDay("lastAccessed"))
        }
        for action in actions {
          let name = try action.string("action")
          observe(
            .permission(principalARN: resource, service: service, action: name),
            lastUsed: try action.optionalTimestampDay("lastAccessed"))
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
    return .finding(principal: principal, observations: observations)
  }

  // MARK: Inventory

  static func readInventory(_ record: JSONField) throws(IngestError) -> [Principal] {
    var principals: [Principal] = []
    for role in try record.optionalElements("RoleDetailList") {
      var principal = try readPrincipal(role, nameKey: "RoleName", kind: .role)
      if let lastUsed = role.child("RoleLastUsed") {
        try lastUsed.requireObject()
        principal.lastUsedOn = try lastUsed.optionalTimestampDay("LastUsedDate")
      }
      principals.append(principal)
    }
    for user in try record.optionalElements("UserDetailList") {
      principals.append(try readPrincipal(user, nameKey: "UserName", kind: .user))
    }
    return principals
  }

  private static func readPrincipal(_ entry: JSONField, nameKey: String, kind: PrincipalKind)
    throws(IngestError)
    -> Principal
  {
    try entry.requireObject()
    let arn = try entry.string("Arn")
    let parts = IAMARN(arn)
    var tags: [Tag] = []
    for tag in try entry.optionalElements("Tags") {
      tags.append(Tag(key: try tag.string("Key"), value: try tag.string("Value")))
    }
    return Principal(
      arn: arn, kind: kind, name: try entry.optionalString(nameKey) ?? parts?.name ?? arn,
      accountID: parts?.accountID ?? "", path: try entry.optionalString("Path") ?? parts?.path ?? "/",
      tags: tags, createdOn: try entry.optionalTimestampDay("CreateDate"), isInInventory: true)
  }
}
