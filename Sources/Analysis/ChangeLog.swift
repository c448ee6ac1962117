import Model

/// What changed between a reference snapshot and the current one, from the status runs.
enum ChangeLog {
  /// The reference snapshot: the last one at least `days` before the current one, or, without a
  /// number of days, the last one before the current quarter began (the previous quarter's review).
  static func reference(context: AnalysisContext) -> Int? {
    let current = context.current
    let today = context.snapshots[current]
    if let days = context.settings.changesSinceDays {
      let limit = today.adding(days: -days)
      return context.snapshots[0..<current].lastIndex { $0 <= limit }
    }
    let quarter = Quarter(containing: today, fiscalYearStartMonth: context.settings.fiscalYearStartMonth)
    return context.snapshots[0..<current].lastIndex { $0 < quarter.firstDay }
  }

  /// New, regressed and resolved unused permissions of every principal, by team index.
  static func changes(context: AnalysisContext, since reference: Int) -> [Int: [Change]] {
    let timeline = context.timeline
    let current = context.current
    var byTeam: [Int: [Change]] = [:]
    var holders = [PrincipalHolder?](repeating: nil, count: timeline.principals.count)
    var names = DisplayNames()
    let itemTexts = timeline.currentItemTexts
    var position = 0
    let intervals = timeline.intervals
    while position < intervals.count {
      // Runs of one item are consecutive and in time order.
      let item = intervals[position].item
      var end = position
      while end < intervals.count && intervals[end].item == item { end += 1 }
      // Most items changed nothing since the reference: they are passed over without copying
      // the item or its principal. A change needs an open run that starts after the reference and
      // lasts to the current snapshot, or one that ended after the reference.
      let mayHaveChanged = intervals[position..<end].contains { run in
        guard run.status == .active, run.first <= current else { return false }
        let last = min(run.last, current)
        return (last == current && run.first > reference) || (last < current && last >= reference)
      }
      if mayHaveChanged, timeline.items[item].kind == .permission {
        let principal = timeline.items[item].principal
        let runs = intervals[position..<end].filter { $0.first <= current }
        let holder = holders[principal] ?? PrincipalHolder(timeline.principals[principal])
        holders[principal] = holder
        let team = context.teamOfPrincipal[principal]
        let access = timeline.items.withUnsafeBufferPointer {
          names.name(
            of: $0.baseAddress! + item, principalARN: holder.principal.arn,
            texts: itemTexts.isEmpty ? nil : itemTexts[item])
        }
        func record(_ kind: Change.Kind, at snapshot: Int) {
          byTeam[team, default: []].append(
            Change(
              kind: kind, holder: holder, teamID: context.teams[team].id, access: access,
              day: context.snapshots[snapshot]))
        }
        // Whether an earlier open run ended in a removal (resolved or gone, not accepted).
        func removedBefore(_ index: Int) -> Bool {
          runs[..<index].indices.contains { earlier in
            guard runs[earlier].status == .active else { return false }
            let next = earlier + 1 < runs.count ? runs[earlier + 1] : nil
            return !(next.map { $0.first == runs[earlier].last + 1 && $0.status == .archived } ?? false)
          }
        }
        for (index, run) in runs.enumerated() where run.status == .active {
          let last = min(run.last, current)
          if last == current, run.first > reference {
            let wasOpen = runs[..<index].contains { $0.status == .active }
            // Open again after an accepted exception ended is neither new nor a regression.
            if !wasOpen {
              record(.new, at: run.first)
            } else if removedBefore(index) {
              record(.regressed, at: run.first)
            }
          }
          if last < current, last >= reference {
            let next = index + 1 < runs.count ? runs[index + 1] : nil
            let accepted = next.map { $0.first == last + 1 && $0.status == .archived } ?? false
            if !accepted { record(.resolved, at: last + 1) }
          }
        }
      }
      position = end
    }
    return byTeam
  }

  /// Outstanding items whose removal deadline passed after the reference day.
  static func newlyOverdue(_ principals: [PrincipalReport], teamID: String, since reference: Day) -> [Change]
  {
    principals.flatMap { report in
      let overdue = report.items.filterInPlace {
        OpenItem.isOverdue($0) && OpenItem.overdueOn($0) > reference
      }
      let holder = overdue.isEmpty ? nil : PrincipalHolder(report.principal)
      return overdue.map {
        Change(
          kind: .overdue, holder: holder!, teamID: teamID, access: $0.displayName,
          day: $0.overdueOn)
      }
    }
  }

  /// Newest first, then by kind, principal and access, so pages and feeds read the same every build.
  static func sorted(_ changes: [Change]) -> [Change] {
    // Positions are sorted rather than the changes themselves, on numbers worked out first: the
    // day and kind, and the principal's place among the principals sorted by ARN. Nearly every
    // comparison reaches the principal, and ARNs share long prefixes: sorting the few distinct
    // principals once and comparing their places took a sixth of the string comparisons.
    let keys = dayAndKindKeys(changes)
    let principals = principalPlaces([changes])[0]
    return changes.indices.sorted { a, b in
      if keys[a] != keys[b] { return keys[a] < keys[b] }
      if principals[a] != principals[b] { return principals[a] < principals[b] }
      return changes[a].access < changes[b].access
    }.map { changes[$0] }
  }

  /// The changes of `lists`, each in the order `sorted(_:)` gives, in the order `sorted(_:)` gives
  /// their concatenation: equal changes keep the order of their lists.
  ///
  /// A merge rather than a sort: the organisation's changes are its teams' lists, sorted on both
  /// cores already, and sorting their concatenation again took a third of a second on one core.
  static func merged(_ lists: [[Change]]) -> [Change] {
    // Each change's place in the order as numbers, so that the merge compares numbers: day and
    // kind in one, and the place of its principal's ARN among all principals with changes. The
    // access is compared only when those are equal, for two lists' changes of one principal.
    let keys = lists.map(dayAndKindKeys)
    let places = principalPlaces(lists)
    var next = [Int](repeating: 0, count: lists.count)
    var merged: [Change] = []
    merged.reserveCapacity(lists.reduce(0) { $0 + $1.count })
    // Whether the next change of list `a` goes before that of list `b`.
    func precedes(_ a: Int, _ b: Int) -> Bool {
      let (keyA, keyB) = (keys[a][next[a]], keys[b][next[b]])
      if keyA != keyB { return keyA < keyB }
      let (placeA, placeB) = (places[a][next[a]], places[b][next[b]])
      if placeA != placeB { return placeA < placeB }
      let (accessA, accessB) = (lists[a][next[a]].access, lists[b][next[b]].access)
      if accessA != accessB { return accessA < accessB }
      return a < b
    }
    // A binary heap of the lists that have changes left, by their next change.
    var heap = lists.indices.filter { !lists[$0].isEmpty }
    func siftDown(from start: Int) {
      var parent = start
      while true {
        var first = parent
        for child in (2 * parent + 1)...(2 * parent + 2) where child < heap.count {
          if precedes(heap[child], heap[first]) { first = child }
        }
        if first == parent { return }
        heap.swapAt(parent, first)
        parent = first
      }
    }
    for start in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: start) }
    while let list = heap.first {
      merged.append(lists[list][next[list]])
      next[list] += 1
      if next[list] == lists[list].count {
        heap[0] = heap[heap.count - 1]
        heap.removeLast()
      }
      if !heap.isEmpty { siftDown(from: 0) }
    }
    return merged
  }

  /// The first `limit` changes whose kind `isIncluded` accepts, of the merge that `merged(_:)`
  /// makes of `lists` (each sorted, as `sorted(_:)` gives), without making the rest of it. The few
  /// changes taken are compared by their fields, in the order that `merged(_:)` compares their
  /// numbers; each one taken costs a comparison per list, so `limit` is meant to be small.
  static func mergedPrefix(_ lists: [[Change]], limit: Int, where isIncluded: (Change.Kind) -> Bool)
    -> [Change]
  {
    var next = [Int](repeating: 0, count: lists.count)
    // Moves list `list` on to its next change of an included kind, if it has one.
    func skipExcluded(_ list: Int) {
      while next[list] < lists[list].count, !isIncluded(lists[list][next[list]].kind) { next[list] += 1 }
    }
    func precedes(_ a: Int, _ b: Int) -> Bool {
      let (x, y) = (lists[a][next[a]], lists[b][next[b]])
      let (keyX, keyY) = (dayAndKindKey(x), dayAndKindKey(y))
      if keyX != keyY { return keyX < keyY }
      let (arnX, arnY) = (x.holder.principal.arn, y.holder.principal.arn)
      if arnX != arnY { return arnX < arnY }
      if x.access != y.access { return x.access < y.access }
      return a < b
    }
    var result: [Change] = []
    for list in lists.indices { skipExcluded(list) }
    // A few hundred changes taken from a few hundred lists (9.5 ms for the organisation's feed):
    // the list with the next change is found by looking at all of them.
    var open = lists.indices.filter { next[$0] < lists[$0].count }
    while result.count < limit, var best = open.first {
      for list in open.dropFirst() where precedes(list, best) { best = list }
      result.append(lists[best][next[best]])
      next[best] += 1
      skipExcluded(best)
      if next[best] == lists[best].count { open.removeAll { $0 == best } }
    }
    return result
  }

  /// For each change of each list, the place of its principal's ARN among the distinct ARNs of
  /// all the lists, sorted; equal ARNs share a place. The ARNs are sorted on both cores.
  private static func principalPlaces(_ lists: [[Change]]) -> [[Int]] {
    // Holders by their address, which the table spreads with a multiplication: a dictionary of
    // object identifiers hashed each of the organisation's changes through `Hasher`.
    var slotOfHolder = HashKeyedTable<Int>()
    var distinct: [String] = []
    let slots = lists.map { list in
      var slots: [Int] = []
      slots.reserveCapacity(list.count)
      list.forEachInPlace { change in
        let id = UInt64(UInt(bitPattern: ObjectIdentifier(change.pointee.holder)))
        if let slot = slotOfHolder[id] {
          slots.append(slot)
        } else {
          slotOfHolder.updateValue(distinct.count, forKey: id)
          slots.append(distinct.count)
          distinct.append(change.pointee.holder.principal.arn)
        }
      }
      return slots
    }
    let arns = distinct
    // Halves on both cores for the organisation's list; a team's few are sorted at once, since
    // teams are already spread over the cores.
    let half = arns.count >= 10_000 ? arns.count / 2 : arns.count
    let byARN: @Sendable (Range<Int>) -> [Int] = { range in range.sorted { arns[$0] < arns[$1] } }
    let (low, high) =
      half < arns.count
      ? Concurrently.both({ byARN(0..<half) }, { byARN(half..<arns.count) }) : (byARN(0..<half), [])
    var place = [Int](repeating: 0, count: arns.count)
    var current = -1
    var previous: String?
    var (lowNext, highNext) = (0, 0)
    while lowNext < low.count || highNext < high.count {
      let takesLow =
        highNext == high.count || (lowNext < low.count && !(arns[high[highNext]] < arns[low[lowNext]]))
      let slot = takesLow ? low[lowNext] : high[highNext]
      if takesLow { lowNext += 1 } else { highNext += 1 }
      if arns[slot] != previous { current += 1 }
      previous = arns[slot]
      place[slot] = current
    }
    return slots.map { $0.map { place[$0] } }
  }

  /// For each change, its day (newest first) and kind in one number that sorts as they do.
  private static func dayAndKindKeys(_ changes: [Change]) -> [Int] {
    var keys: [Int] = []
    keys.reserveCapacity(changes.count)
    // Read in place: handing each change to a closure copied it, retaining its strings.
    changes.forEachInPlace { keys.append(dayAndKindKey($0.pointee)) }
    return keys
  }

  /// A change's day (newest first) and kind in one number that sorts as they do.
  private static func dayAndKindKey(_ change: Change) -> Int {
    -change.day.daysSinceEpoch * 8 + kindOrder(change.kind)
  }

  /// A kind's place in the order of their names (`new`, `overdue`, `regressed`, `resolved`), as
  /// the changes have always been sorted. A switch: a dictionary of the places hashed the kind
  /// for each of the changes of every team's list.
  static func kindOrder(_ kind: Change.Kind) -> Int {
    switch kind {
    case .new: 0
    case .overdue: 1
    case .regressed: 2
    case .resolved: 3
    }
  }
}

/// How current the data is: the snapshot's age, each export kind's latest day, files that went
/// missing since the previous snapshot and exports cut short.
enum FreshnessCheck {
  static func freshness(context: AnalysisContext, today: Day) -> Freshness {
    var freshness = Freshness()
    let current = context.current
    let snapshotDay = context.snapshots[current]
    freshness.snapshotAgeDays = today.days(since: snapshotDay)
    freshness.isStale = freshness.snapshotAgeDays > context.settings.staleAfterDays
    let details = context.timeline.details
    guard current < details.count else { return freshness }
    for index in stride(from: current, through: 0, by: -1) {
      for source in details[index].sources where freshness.sourceDays[source.kind] == nil {
        freshness.sourceDays[source.kind] = context.snapshots[index]
      }
    }
    if current > 0 {
      let now = Set(details[current].sources.map(\.name))
      freshness.missingFiles = details[current - 1].sources.filter { !now.contains($0.name) }
    }
    freshness.truncated = details[current].truncated
    return freshness
  }
}
