import Model

/// What is open at the current snapshot: per principal, per team, per service.
struct CurrentState {
  /// Per team index: the team's principals with open or accepted items, in `precedes` order.
  /// Made per team from the start: grouping an organisation's list afterwards copied every report.
  var reportsOfTeam: [[PrincipalReport]]
  /// Per team index: principals and roles counted (inventory plus principals with open items).
  var inventoryCount: [(principals: Int, roles: Int)]
  private var teamTotals: [Totals]
  private var serviceCounts: [ServiceTally]

  static func compute(context: AnalysisContext, at current: Int) -> CurrentState {
    let timeline = context.timeline
    let itemsOfPrincipal = openItems(context: context, at: current)
    // Arrays by principal index rather than sets and dictionaries: there may be 100,000 principals.
    var present = [Bool](repeating: false, count: timeline.principals.count)
    for run in timeline.presence where run.first <= current && run.last >= current {
      present[run.principal] = true
    }

    let teamCount = context.teams.count
    var state = CurrentState(
      reportsOfTeam: Array(repeating: [], count: teamCount),
      inventoryCount: Array(repeating: (0, 0), count: teamCount),
      teamTotals: Array(repeating: Totals(), count: teamCount + 1),
      serviceCounts: Array(repeating: ServiceTally(), count: teamCount + 1))
    let organisation = teamCount
    for principal in timeline.principals.indices {
      let team = context.teamOfPrincipal[principal]
      let isRole = timeline.principals[principal].kind == .role
      let counted = present[principal] || itemsOfPrincipal[principal].contains { !$0.isAccepted }
      guard counted else { continue }
      state.inventoryCount[team].principals += 1
      state.inventoryCount[team].roles += isRole ? 1 : 0
      for row in [team, organisation] {
        state.teamTotals[row].principals += 1
        state.teamTotals[row].roles += isRole ? 1 : 0
      }
    }

    for (principalIndex, items) in itemsOfPrincipal.enumerated() where !items.isEmpty {
      let team = context.teamOfPrincipal[principalIndex]
      // Already in page order (see `openItems`). Most principals have nothing accepted: their
      // items are used as they are rather than copied out by a filter.
      let hasAccepted = items.containsInPlace { $0.pointee.isAccepted }
      let open = hasAccepted ? items.filterInPlace { !$0.pointee.isAccepted } : items
      let accepted = hasAccepted ? items.filterInPlace { $0.pointee.isAccepted } : []
      var counts = Totals()
      open.forEachInPlace { item in
        switch item.pointee.kind {
        case .permission: counts.unusedPermissions += 1
        case .role: counts.unusedRoles += 1
        case .accessKey: counts.unusedAccessKeys += 1
        case .password: counts.unusedPasswords += 1
        case .undetailedFinding: counts.findingsWithoutDetails += 1
        }
      }
      let permissionCount = counts.unusedPermissions
      counts.rolesWithUnused =
        timeline.principals[principalIndex].kind == .role && permissionCount > 0 ? 1 : 0
      counts.acceptedPermissions = accepted.countInPlace { $0.pointee.kind == .permission }
      state.teamTotals[team].add(counts)
      state.teamTotals[organisation].add(counts)
      // Permissions come grouped by service (page order): each service's run is counted at once.
      var start = 0
      while start < open.count {
        guard open[start].kind == .permission else {
          start += 1
          continue
        }
        let service = open[start].service
        var end = start + 1
        while end < open.count, open[end].kind == .permission, open[end].service == service { end += 1 }
        let hash = StringKeyedTable<Int>.hash(of: service)
        state.serviceCounts[team].add(end - start, to: service, hash: hash)
        state.serviceCounts[organisation].add(end - start, to: service, hash: hash)
        start = end
      }
      state.reportsOfTeam[team].append(
        PrincipalReport(
          principal: timeline.principals[principalIndex], items: open, acceptedItems: accepted,
          unusedPermissions: permissionCount,
          teamID: context.teams[team].id, recommendations: timeline.recommendations[principalIndex]))
    }
    for team in state.reportsOfTeam.indices { state.reportsOfTeam[team].sort(by: precedes) }
    return state
  }

  /// The order of principals in lists: most open unused permissions first, then by ARN.
  static func precedes(_ first: PrincipalReport, _ second: PrincipalReport) -> Bool {
    if first.unusedPermissions != second.unusedPermissions {
      return first.unusedPermissions > second.unusedPermissions
    }
    return first.principal.arn < second.principal.arn
  }

  /// The organisation's first `limit` principals with open unused permissions, in `precedes`
  /// order: taken from the head of each team's list, so only they are copied.
  func topPrincipals(limit: Int) -> [PrincipalReport] {
    let heads = reportsOfTeam.flatMap { $0.prefix { $0.unusedPermissions > 0 }.prefix(limit) }
    return Array(heads.sorted(by: Self.precedes).prefix(limit))
  }

  /// The items open or accepted at snapshot `current`, by principal index, each principal's in
  /// page order.
  private static func openItems(context: AnalysisContext, at current: Int) -> [[OpenItem]] {
    let timeline = context.timeline
    let today = context.snapshots[current]
    // The runs are put in page order before any item is made: sorting the items themselves moved a
    // million structs holding five references each, retaining and releasing at every move. They
    // are grouped by principal with a counting sort into one list: an array per principal, grown
    // run by run, cost half a million allocations.
    let intervals = timeline.intervals
    let principals = timeline.principals
    var starts = [Int](repeating: 0, count: principals.count + 1)
    @inline(__always) func isOpen(_ run: StatusInterval) -> Bool {
      run.first <= current && run.last >= current && run.status != .resolved
    }
    for run in intervals where isOpen(run) { starts[timeline.items[run.item].principal + 1] += 1 }
    for principal in principals.indices { starts[principal + 1] += starts[principal] }
    var next = starts
    var openRuns = [Int](repeating: 0, count: starts[principals.count])
    for (index, run) in intervals.enumerated() where isOpen(run) {
      let principal = timeline.items[run.item].principal
      openRuns[next[principal]] = index
      next[principal] += 1
    }
    var names = DisplayNames()
    let deadline = context.settings.removalDeadlineDays
    // Items are read where they are stored, field by field: a copy of an item retains and
    // releases each of its strings, and there are a million items, read twice per analysis.
    // Runs and principals are read from arrays of their own: reading `timeline.intervals` in a
    // closure copied the whole timeline (a reference to each of its arrays) for every principal.
    let pageOrder = timeline.currentItemPageOrder
    let itemTexts = timeline.currentItemTexts
    // Each principal's runs with their page-order keys, sorted by key and then by place (as a
    // stable sort of the runs would leave them): comparing keys in place rather than looking
    // each one up through its run and item at every comparison.
    var keyed: [(key: UInt64, run: Int)] = []
    return timeline.items.withUnsafeBufferPointer { items in
      func openItem(ofRun index: Int) -> OpenItem {
        let run = intervals[index]
        let item = items.baseAddress! + run.item
        let principal = item.pointee.principal
        var openSince = context.snapshots[run.first]
        // Before the first snapshot history knows nothing; the finding's own date is the better guess.
        if run.first == 0, let created = item.pointee.findingCreatedOn, created < openSince {
          openSince = created
        }
        return OpenItem(
          kind: item.pointee.kind, service: item.pointee.service, detail: item.pointee.detail,
          displayName: names.name(
            of: item, principalARN: principals[principal].arn,
            texts: itemTexts.isEmpty ? nil : itemTexts[run.item]),
          lastUsedOn: item.pointee.lastUsedOn, openSince: openSince, daysOpen: today.days(since: openSince),
          isAccepted: run.status == .archived,
          principalKind: principals[principal].kind, sources: item.pointee.sources,
          daysPastDeadline: today.days(since: openSince) - deadline)
      }
      return principals.indices.map { principal in
        let runs = openRuns[starts[principal]..<starts[principal + 1]]
        if runs.count < 2 { return runs.map(openItem(ofRun:)) }
        // By the numbers the history store gave each item's place when it did (comparing a
        // million items' strings took most of this pass), else field by field: passing whole
        // items to a comparison copied each of them.
        if !pageOrder.isEmpty {
          keyed.removeAll(keepingCapacity: true)
          for run in runs { keyed.append((pageOrder[intervals[run].item], run)) }
          keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.run < $1.run }
          return keyed.map { openItem(ofRun: $0.run) }
        }
        return runs.sorted { a, b in
          let first = items.baseAddress! + intervals[a].item
          let second = items.baseAddress! + intervals[b].item
          return PageOrder.precedes(
            first.pointee.kind, first.pointee.service, first.pointee.detail, second.pointee.kind,
            second.pointee.service, second.pointee.detail)
        }.map(openItem(ofRun:))
      }
    }
  }

  /// The totals of one team, or of the organisation when `team` is nil (quarter counts not set).
  func totals(team: Int?) -> Totals {
    teamTotals[team ?? teamTotals.count - 1]
  }

  /// Open unused permissions by service, largest first, then by name.
  func byService(team: Int?) -> [ServiceCount] {
    serviceCounts[team ?? serviceCounts.count - 1].counts
      .map { ServiceCount(service: $0.service, unusedPermissions: $0.count) }
      .sorted { ($0.unusedPermissions, $1.service) > ($1.unusedPermissions, $0.service) }
  }
}

/// Open unused permissions counted by service, by the hash of the service's bytes: a team's
/// counts are added to once per service of each principal, where a `[String: Int]` hashed the
/// service with SipHash twice each time (a third of a million times for 20,000 principals).
struct ServiceTally {
  private var table = StringKeyedTable<Int>()

  /// Adds `count` to `service`, whose `StringKeyedTable.hash(of:)` is `hash`.
  mutating func add(_ count: Int, to service: String, hash: UInt64) {
    table.updateValue((table.value(forKey: service, hash: hash) ?? 0) + count, forKey: service, hash: hash)
  }

  /// Every service with its count, in no particular order.
  var counts: [(service: String, count: Int)] {
    table.keysAndValues.map { ($0.key, $0.value) }
  }
}

/// The next step for an open item, in one sentence.
@usableFromInline
enum Recommendation {
  @usableFromInline
  static func text(kind: UnusedAccessKind, service: String, detail: String, principalKind: PrincipalKind)
    -> String
  {
    let owner = principalKind == .user ? "the user's" : "the role's"
    switch kind {
    case .permission:
      if detail == "*" {
        return "Remove all \(service) actions (\(service):*) from \(owner) policies"
      }
      // Made at its final size in one go: a page shows this for each of a million items, and
      // appending the seven parts one by one cost 2,700 instructions.
      return String(concatenating: "Remove ", service, ":", detail, " from ", owner, " policies")
    case .role:
      return "Delete the role if nothing needs it, or record an exception"
    case .accessKey:
      return "Deactivate access key \(detail), then delete it"
    case .password:
      return "Remove the console password (delete the login profile)"
    case .undetailedFinding:
      return
        "Export `aws accessanalyzer get-finding-v2` for finding \(detail) to see which permissions are unused"
    }
  }
}

extension Totals {
  /// Adds one principal's counts of open and accepted items.
  fileprivate mutating func add(_ counts: Totals) {
    unusedPermissions += counts.unusedPermissions
    rolesWithUnused += counts.rolesWithUnused
    unusedRoles += counts.unusedRoles
    unusedAccessKeys += counts.unusedAccessKeys
    unusedPasswords += counts.unusedPasswords
    findingsWithoutDetails += counts.findingsWithoutDetails
    acceptedPermissions += counts.acceptedPermissions
  }
}

/// Display names made once per distinct permission: a large organisation's million open items name
/// a few thousand distinct permissions, and a string of their own for each cost tens of megabytes.
struct DisplayNames {
  /// Each permission's name by the hash of its bytes (`ContentDigest.hash(of:and:)`), worked out
  /// once per item: with the two strings hashed through `Hasher` a lookup took 740 instructions,
  /// and a `Dictionary` keyed by the hash still hashed it again with SipHash.
  private var names = HashKeyedTable<(service: String, detail: String, name: String)>()
  /// Each permission's name by the numbers of its texts (`Timeline.itemTexts`), when the
  /// timeline has them: equal numbers are equal texts, so neither texts nor strings are hashed
  /// or compared (a tenth of the cost, for each of a million items, twice per analysis).
  private var namesByTexts = HashKeyedTable<String>()

  /// The item's `UnusedAccess.displayName`, shared with every other item naming the same
  /// permission. The item is read where it is stored, and copied only for a name not made yet.
  /// `texts` is the item's entry of `Timeline.itemTexts`, when there is one.
  mutating func name(of item: UnsafePointer<TrackedItem>, principalARN: String, texts: UInt64? = nil)
    -> String
  {
    guard item.pointee.kind == .permission else {
      return item.pointee.access(principalARN: principalARN).displayName
    }
    if let texts {
      if let known = namesByTexts[texts] { return known }
      let name = item.pointee.access(principalARN: principalARN).displayName
      namesByTexts.updateValue(name, forKey: texts)
      return name
    }
    let service = item.pointee.service
    let detail = item.pointee.detail
    let hash = ContentDigest.hash(of: service, and: detail)
    if let known = names[hash] {
      if known.service == service && known.detail == detail { return known.name }
      // Another permission with the same hash, which keeps the table's place: made each time.
      return item.pointee.access(principalARN: principalARN).displayName
    }
    let name = item.pointee.access(principalARN: principalARN).displayName
    names.updateValue((service, detail, name), forKey: hash)
    return name
  }
}
