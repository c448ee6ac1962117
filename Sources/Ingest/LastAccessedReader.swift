import Model

/// Reads `aws iam get-service-last-accessed-details` responses, to which the exporting script adds
/// an `"Arn"` naming the principal the job was generated for.
///
/// A service never used, or last used before the threshold, is an unused permission `service:*`;
/// where the job tracked actions (`ACTION_LEVEL`), each unused tracked action is one instead, so a
/// service is never counted both as a whole and by its actions.
enum LastAccessedReader {
  static func read(_ record: JSONField, context: ReadContext, observations: inout [Observation])
    throws(IngestError) -> AWSRecord
  {
    guard let arnField = record.child("Arn") else {
      throw record.missing("Arn")
    }
    let arn = try arnField.string
    guard let parts = ARNParts(arn) else {
      throw arnField.error("\"\(arn.prefix(80))\" is not an IAM ARN")
    }
    let principal = Principal.named(arn, parts: parts, kind: parts.kind)
    let statusField = try record.required("JobStatus")
    let status = try statusField.string
    switch status {
    case "COMPLETED": break
    case "IN_PROGRESS", "FAILED":
      let reason = try record.child("Error")?.optionalString("Message")
      let note =
        "last-accessed job for \(arn) is \(status == "FAILED" ? "failed" : "still in progress")"
        + (reason.map { ": \($0)" } ?? "") + "; not counted"
      return .lastAccessed(principal: principal, note: note)
    default:
      throw statusField.error(
        "unknown job status \"\(status.prefix(40))\"", hint: "Expected COMPLETED, IN_PROGRESS or FAILED")
    }
    if let jobType = try record.optionalString("JobType"),
      !["SERVICE_LEVEL", "ACTION_LEVEL"].contains(jobType)
    {
      throw try record.required("JobType").error(
        "unknown job type \"\(jobType.prefix(40))\"", hint: "Expected SERVICE_LEVEL or ACTION_LEVEL")
    }
    var latestUse: Day?
    var services = 0
    func unused(_ access: UnusedAccess, lastUsed: Day?) {
      observations.append(
        Observation(access: access, status: .active, lastUsedOn: lastUsed, sources: .lastAccessed))
    }
    for service in try record.required("ServicesLastAccessed").elements {
      try service.requireObject()
      services += 1
      if let used = try service.optionalTimestampDay("LastAuthenticated") {
        latestUse = max(latestUse ?? used, used)
      }
      let permissions = ServicePermissions(principalARN: arn, service: try service.string("ServiceNamespace"))
      let tracked = try service.optionalElements("TrackedActionsLastAccessed")
      if tracked.isEmpty {
        let lastUsed = try service.optionalTimestampDay("LastAuthenticated")
        if context.isUnused(lastUsed: lastUsed) { unused(permissions.wholeService, lastUsed: lastUsed) }
        continue
      }
      for action in tracked {
        let name = try action.required("ActionName")
        try name.requireString()
        let lastUsed = try action.optionalTimestampDay("LastAccessedTime")
        if context.isUnused(lastUsed: lastUsed) { unused(try permissions.action(name), lastUsed: lastUsed) }
      }
    }
    // A role that used none of its services within the window is an unused role, as Access
    // Analyzer reports it, not one unused permission per service it may call.
    if parts.kind == .role, services > 0, context.isUnused(lastUsed: latestUse) {
      // The per-service items stay: the snapshot's reconciliation keeps them only where Access
      // Analyzer says the role is in use after all.
      observations.append(
        Observation(
          access: UnusedAccess(principalARN: arn, kind: .role), status: .active, lastUsedOn: latestUse,
          sources: .lastAccessed))
    }
    return .lastAccessed(principal: principal, note: nil)
  }
}
