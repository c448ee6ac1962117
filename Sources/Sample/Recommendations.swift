extension AccountSimulation {
  // MARK: list-findings-v2 summaries

  /// Every finding of the principals alive at `snapshot`, in the order the findings file lists
  /// them: the principal's index, the finding's kind and its state.
  func findingList(_ snapshot: Int) -> [(index: Int, kind: FindingKind, state: FindingState)] {
    var list: [(index: Int, kind: FindingKind, state: FindingState)] = []
    for (index, p) in principals.enumerated() where p.isAlive(at: snapshot) {
      if p.permissionFinding.phase != .none { list.append((index, .permission, p.permissionFinding)) }
      if p.roleFinding.phase != .none { list.append((index, .role, p.roleFinding)) }
      for (key, credential) in p.accessKeys.enumerated() where credential.finding.phase != .none {
        list.append((index, .accessKey(key), credential.finding))
      }
      if let password = p.password, password.finding.phase != .none {
        list.append((index, .password, password.finding))
      }
    }
    return list
  }

  /// In the account that exports summaries, the two or three findings (fewer if it has fewer)
  /// whose details the export lacks: one unused-permission finding and up to two of the other
  /// types, topped up with permission findings to two. Within a type those with the smallest hash
  /// of their id come first, so that a finding, once picked, usually stays summary-only for as
  /// long as it exists.
  func findingsWithoutDetails(_ snapshot: Int) -> [FindingRef] {
    guard account.findingSummaries, account.hasAnalyzer else { return [] }
    let ranked = findingList(snapshot).map { entry -> (rank: UInt64, ref: FindingRef) in
      let p = principals[entry.index]
      let rank = Mix.hash(
        seed ^ 0x5077, UInt64(account.index), UInt64(p.ordinal),
        entry.kind.code << 32 | UInt64(entry.state.serial))
      return (rank, FindingRef(ordinal: p.ordinal, kind: entry.kind.code))
    }.sorted { $0.rank < $1.rank }.map(\.ref)
    let permissions = ranked.filter { $0.kind == FindingKind.permission.code }
    let others = ranked.filter { $0.kind != FindingKind.permission.code }
    let chosen = Array(permissions.prefix(1)) + others.prefix(2)
    return chosen + permissions.dropFirst().prefix(max(0, 2 - chosen.count))
  }

  /// Writes the `aws accessanalyzer list-findings-v2` response: a `FindingSummaryV2` of every
  /// finding of the snapshot (including those whose details were not exported).
  func renderFindingSummaries(_ snapshot: Int, into writer: inout JSONWriter) {
    let analyzed = analyzedAt(snapshot)
    writer.beginObject()
    writer.key("findings")
    writer.beginArray()
    for entry in findingList(snapshot) {
      beginFinding(&writer, principals[entry.index], entry.state, entry.kind, analyzed: analyzed)
      writer.key("findingType")
      switch entry.kind {
      case .permission: writer.string("UnusedPermission")
      case .role: writer.string("UnusedIAMRole")
      case .accessKey: writer.string("UnusedIAMUserAccessKey")
      case .password: writer.string("UnusedIAMUserPassword")
      }
      writer.endObject()
    }
    writer.endArray()
    writer.endObject()
    writer.newline()
  }

  // MARK: recommendations

  /// Whether the team asked for a recommendation for this principal's unused permissions: about
  /// 40% of principals, the same ones at every snapshot.
  func wantsRecommendation(_ p: SimPrincipal) -> Bool {
    Mix.hash(seed, UInt64(account.index), UInt64(p.ordinal), 0x2EC0_33E0) % 100 < 40
  }

  /// Indexes of the principals that get a recommendation at `snapshot`: those that want one and
  /// have an ACTIVE unused-permission finding there.
  func recommendationSubjects(_ snapshot: Int) -> [Int] {
    guard account.hasAnalyzer else { return [] }
    return principals.indices.filter {
      let p = principals[$0]
      return p.isAlive(at: snapshot) && p.permissionFinding.phase == .active && p.unusedTotal > 0
        && wantsRecommendation(p)
    }
  }

  /// Writes one `aws accessanalyzer get-finding-recommendation` response per line for the
  /// principals of `recommendationSubjects`. Each is for the principal's unused-permission finding:
  /// per inline policy with unused actions, CREATE_POLICY with the policy as it is in the
  /// inventory minus those actions, or DETACH_POLICY when the policy grants nothing used. In the
  /// account that shows it, one is still in progress and one has failed. Returns the lines written.
  @discardableResult
  func renderRecommendations(_ snapshot: Int, into writer: inout JSONWriter) -> Int {
    let subjects = recommendationSubjects(snapshot)
    var inProgress = -1
    var failed = -1
    if account.recommendationProblems, subjects.count >= 3 {
      let first = snapshot % subjects.count
      inProgress = subjects[first]
      failed = subjects[(first + 1) % subjects.count]
    }
    let requested = analyzedAt(snapshot) + 2_700_000
    var scratch = JSONWriter(indent: 0, capacity: 2048)
    for (position, index) in subjects.enumerated() {
      let p = principals[index]
      var rng = SplitMix64(seed, 0x2EC0, UInt64(account.index), UInt64(snapshot) << 32 | UInt64(p.ordinal))
      let started = requested + Int64(position) * 4_100 + Int64(rng.below(2_000))
      let status: JobStatus = index == inProgress ? .inProgress : index == failed ? .failed : .completed
      writer.beginObject()
      writer.key("startedAt")
      writer.timestamp(milliseconds: started, style: findingStyle)
      if status != .inProgress {
        writer.key("completedAt")
        writer.timestamp(milliseconds: started + Int64(rng.within(2_000...40_000)), style: findingStyle)
      }
      if status == .failed {
        writer.key("error")
        writer.beginObject()
        writer.key("code")
        writer.string("SERVICE_ERROR")
        writer.key("message")
        writer.string("An internal error occurred while generating the recommendation. Try again later.")
        writer.endObject()
      }
      writer.key("resourceArn")
      writer.string(p.arn)
      if status == .completed {
        writer.key("recommendedSteps")
        writer.beginArray()
        writeRecommendedSteps(&writer, p, scratch: &scratch)
        writer.endArray()
      }
      writer.key("recommendationType")
      writer.string("UnusedPermissionRecommendation")
      writer.key("status")
      switch status {
      case .completed: writer.string("SUCCEEDED")
      case .inProgress: writer.string("IN_PROGRESS")
      case .failed: writer.string("FAILED")
      }
      writer.endObject()
      writer.newline()
    }
    return subjects.count
  }

  private func writeRecommendedSteps(_ writer: inout JSONWriter, _ p: SimPrincipal, scratch: inout JSONWriter)
  {
    // The policy last changed when the finding last did (grants came or went), at the latest.
    let policyUpdated = max(p.createdAt, p.permissionFinding.updatedAt) / 1000 * 1000
    for part in inlinePolicyParts(p) {
      var unused = false
      var used = false
      for grant in p.grants where policyPart(p, service: grant.service) == part {
        if !grant.unused.isEmpty { unused = true }
        if !grant.used.isEmpty { used = true }
      }
      guard unused else { continue }
      writer.beginObject()
      writer.key("unusedPermissionsRecommendedStep")
      writer.beginObject()
      if used {
        writer.key("policyUpdatedAt")
        writer.timestamp(milliseconds: policyUpdated, style: findingStyle)
        writer.key("recommendedAction")
        writer.string("CREATE_POLICY")
        writer.key("recommendedPolicy")
        scratch.reset()
        inlinePolicy(&scratch, p, part: part, withoutUnused: true)
        writer.string(String(decoding: scratch.bytes, as: UTF8.self))
      } else {
        writer.key("recommendedAction")
        writer.string("DETACH_POLICY")
      }
      writer.key("existingPolicyId")
      writer.string(inlinePolicyName(p, part: part))
      writer.endObject()
      writer.endObject()
    }
  }
}
