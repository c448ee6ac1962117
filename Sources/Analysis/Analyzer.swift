import Dispatch
import Foundation
import Model

/// What analysis needs besides the timeline.
public struct AnalysisSettings: Sendable {
  /// The snapshot treated as today; nil for the newest.
  public var currentDay: Day?
  /// The month in which Q1 begins.
  public var fiscalYearStartMonth: Int
  /// Teams in `teams.yml` order.
  public var teams: [Team]
  /// Tag keys whose value names the owning team.
  public var ownerTagKeys: [String]
  /// Procedures worked through as quarterly checklists.
  public var procedures: [ChecklistProcedure]
  /// Review files with sign-offs and exceptions.
  public var reviews: [Review]
  /// Problems found while reading the input that did not stop the build, listed with the report's own.
  public var problems: [DataProblem] = []
  /// The day of the build, for the snapshot's age; nil: the current snapshot's day.
  public var today: Day? = nil
  /// Outstanding access open longer than this many days is overdue.
  public var removalDeadlineDays = 30
  /// The snapshot is stale when older than this many days at build time.
  public var staleAfterDays = 3
  /// "What changed" covers this many days; nil: since the current quarter began.
  public var changesSinceDays: Int? = nil

  /// Settings with every field given.
  public init(
    currentDay: Day? = nil, fiscalYearStartMonth: Int = 1, teams: [Team] = [], ownerTagKeys: [String] = [],
    procedures: [ChecklistProcedure] = [], reviews: [Review] = [], problems: [DataProblem] = [],
    today: Day? = nil, removalDeadlineDays: Int = 30, staleAfterDays: Int = 3, changesSinceDays: Int? = nil
  ) {
    self.problems = problems
    self.today = today
    self.removalDeadlineDays = removalDeadlineDays
    self.staleAfterDays = staleAfterDays
    self.changesSinceDays = changesSinceDays
    self.currentDay = currentDay
    self.fiscalYearStartMonth = fiscalYearStartMonth
    self.teams = teams
    self.ownerTagKeys = ownerTagKeys
    self.procedures = procedures
    self.reviews = reviews
  }
}

/// Why analysis cannot run.
public enum AnalysisError: Error, Sendable, CustomStringConvertible {
  /// `--date` names a day with no recorded snapshot.
  case noSnapshot(on: Day, available: [Day])

  /// A message saying which days are available.
  public var description: String {
    switch self {
    case .noSnapshot(let day, let available):
      let recent = available.suffix(5).map(\.iso).joined(separator: ", ")
      return "no snapshot is recorded for \(day.iso); recorded snapshots include \(recent)"
    }
  }
}

/// Computes the organisation's and every team's report from the timeline.
public enum Analyzer {
  /// The report at the current snapshot. Snapshots after it are ignored, as if not yet taken.
  public static func report(from timeline: Timeline, settings: AnalysisSettings) throws -> OrganisationReport
  {
    guard !timeline.snapshots.isEmpty else { return emptyReport(settings: settings) }
    var current = timeline.snapshots.count - 1
    if let day = settings.currentDay {
      guard let index = timeline.snapshotIndex(of: day) else {
        throw AnalysisError.noSnapshot(on: day, available: timeline.snapshots)
      }
      current = index
    }
    let context = AnalysisContext(timeline: timeline, settings: settings, current: current)
    return context.report()
  }

  private static func emptyReport(settings: AnalysisSettings) -> OrganisationReport {
    let teams = settings.teams.map { team in
      TeamReport(
        team: team, totals: Totals(), quarters: [], openOverTime: [], byService: [], principals: [],
        checklist: ChecklistProgress(quarter: Quarter(containing: Day(daysSinceEpoch: 0)), entries: []))
    }
    return OrganisationReport(
      snapshot: nil, quarter: nil, snapshots: [], totals: Totals(), byService: [], topPrincipals: [],
      quarters: [], openOverTime: [], teams: teams, dataProblems: [])
  }
}

/// One analysis run: the timeline cut at the current snapshot, with principals assigned to teams.
struct AnalysisContext {
  let timeline: Timeline
  let settings: AnalysisSettings
  let current: Int
  let snapshots: [Day]
  /// Teams in file order followed by the unowned group.
  let teams: [Team]
  /// The team index of each principal.
  let teamOfPrincipal: [Int]
  let quarters: QuarterRanges

  init(timeline: Timeline, settings: AnalysisSettings, current: Int) {
    self.timeline = timeline
    self.settings = settings
    self.current = current
    self.snapshots = Array(timeline.snapshots[0...current])
    self.teams = settings.teams + [Team.unowned]
    let directory = TeamDirectory(teams: settings.teams, ownerTagKeys: settings.ownerTagKeys)
    let unowned = settings.teams.count
    // Rules are matched on both cores, a share of the principals each: there may be 100,000.
    let principals = timeline.principals
    let shares = 8
    let shareSize = (principals.count + shares - 1) / shares
    self.teamOfPrincipal = Concurrently.map(count: shares) { share in
      principals[min(principals.count, share * shareSize)..<min(principals.count, (share + 1) * shareSize)]
        .map { directory.teamIndex(for: $0) ?? unowned }
    }.flatMap { $0 }
    self.quarters = QuarterRanges(snapshots: snapshots, fiscalYearStartMonth: settings.fiscalYearStartMonth)
  }

  func teamOfItem(_ item: Int) -> Int { teamOfPrincipal[timeline.items[item].principal] }

  func report() -> OrganisationReport {
    let currentQuarter = quarters.quarters.count - 1
    // The previous quarter's checklists tell which items carry over; they are computed at that
    // quarter's latest snapshot.
    let previousSnapshot =
      currentQuarter > 0 ? quarters.quarterOfSnapshot.lastIndex(of: currentQuarter - 1) : nil
    let reference = ChangeLog.reference(context: self)
    // Each of these passes reads the whole timeline and none needs another: one core takes the
    // current state and the changes, the other the previous quarter's state, the trends and the
    // check of teams.yml's rules (the two states cost about the same).
    let ((state, changesByTeam), (flow, openOverTime, previous, ruleProblems)) = Concurrently.both(
      {
        (
          CurrentState.compute(context: self, at: current),
          reference.map { ChangeLog.changes(context: self, since: $0) } ?? [:]
        )
      },
      {
        (
          QuarterFlow.compute(context: self), OpenOverTime.compute(context: self),
          previousSnapshot.map { CurrentState.compute(context: self, at: $0) }, unmatchedRules()
        )
      })
    // Not inside the pair above: a loop over teams started there ran on one core alone, while
    // the other waited for it.
    let previousChecklists = previousSnapshot.flatMap { snapshot in
      previous.map { checklistsOfPreviousQuarter(from: $0, at: snapshot) }
    }
    // It holds as many items as the current state; keeping both to the end of the analysis was
    // the largest part of a large organisation's peak memory. Freed on another thread while the
    // teams are worked out: freed here, it kept this core busy for a third of a second while
    // the other waited.
    freeInBackground(consume previous)
    // Grouped once: filtering every team's principals out of the whole list would be teams × principals.
    let shared = TeamInputs(
      state: state, flow: flow, openOverTime: openOverTime, changesByTeam: changesByTeam,
      reportsOfTeam: state.reportsOfTeam,
      previousChecklists: previousChecklists, reference: reference)
    // Teams are independent of one another: both cores take teams, the largest first so that no
    // core is left with a large one at the end (teams.yml's order put the unowned, often the
    // largest, last), and the results are gathered in file order.
    let outcomes = Concurrently.map(count: teams.count, order: Self.largestFirst(shared.reportsOfTeam)) {
      teamOutcome($0, shared)
    }
    var dataProblems = settings.problems
    var organisationExcepted = 0
    var organisationOverdue = 0
    var oldest = OldestItems(limit: 10)
    var teamReports: [TeamReport] = []
    var changesOfTeams: [[Change]] = []
    for outcome in outcomes.compactMap({ $0 }) {
      teamReports.append(outcome.report)
      changesOfTeams.append(outcome.changes)
      organisationExcepted += outcome.report.totals.exceptedPermissions
      organisationOverdue += outcome.report.totals.overduePermissions
      dataProblems += outcome.problems
      for item in outcome.oldest.items { oldest.offer(item.item, of: item.principal, teamID: item.teamID) }
    }
    var totals = state.totals(team: nil)
    totals.identifiedThisQuarter = flow.identified.last![currentQuarter]
    totals.removedThisQuarter = flow.removed.last![currentQuarter]
    totals.exceptedPermissions = organisationExcepted
    totals.overduePermissions = organisationOverdue
    dataProblems += ChecklistBuilder.unknownTeamReviews(settings: settings)
    dataProblems += ruleProblems
    var report = OrganisationReport(
      snapshot: snapshots[current], quarter: quarters.quarters[currentQuarter], snapshots: snapshots,
      totals: totals, byService: state.byService(team: nil),
      topPrincipals: state.topPrincipals(limit: OrganisationReport.topPrincipalCount),
      quarters: flow.metrics(team: nil, ranges: quarters),
      openOverTime: zip(snapshots, openOverTime.organisation).map { DayCount(day: $0, count: $1) },
      teams: teamReports, dataProblems: dataProblems)
    // A team's share is in the same order as the organisation's list, which merges the teams'
    // lists keeping each one's order.
    let since = reference.map { snapshots[$0] }
    // Each team's changes come sorted from its outcome: the organisation's are their merge.
    report.changes = Changes(since: since, merging: changesOfTeams)
    for index in report.teams.indices {
      report.teams[index].changes = Changes(since: since, entries: changesOfTeams[index])
    }
    report.oldestItems = oldest.items
    report.freshness = FreshnessCheck.freshness(context: self, today: settings.today ?? snapshots[current])
    if current < timeline.details.count {
      let details = timeline.details[current]
      report.rootAccounts = details.rootAccounts
      report.sourceNotes = details.notes
      report.sources = details.sources
    }
    return report
  }

}

/// What every team's share of the report is worked out from.
struct TeamInputs: Sendable {
  let state: CurrentState
  let flow: QuarterFlow
  let openOverTime: OpenOverTime
  let changesByTeam: [Int: [Change]]
  /// Per team index, as `CurrentState` groups them.
  let reportsOfTeam: [[PrincipalReport]]
  /// Each team's checklist of the previous quarter, by team index; nil when there was none.
  let previousChecklists: [ChecklistProgress?]?
  let reference: Int?
}

/// One team's share of the report, and what it adds to the organisation's.
struct TeamOutcome: Sendable {
  var report: TeamReport
  /// The team's changes, sorted as `ChangeLog.sorted` sorts them.
  var changes: [Change]
  var oldest: OldestItems
  var problems: [DataProblem]
}

extension AnalysisContext {
  /// The report of the team at `index` (the unowned group last); nil for an empty unowned group.
  func teamOutcome(_ index: Int, _ inputs: TeamInputs) -> TeamOutcome? {
    let team = teams[index]
    let currentQuarter = quarters.quarters.count - 1
    let isUnowned = index == teams.count - 1
    let exceptions =
      isUnowned
      ? []
      : ReviewExceptions.exceptions(
        team: team.id, upTo: quarters.quarters[currentQuarter], reviews: settings.reviews)
    let principals = ReviewExceptions.apply(
      exceptions, to: inputs.reportsOfTeam[index], on: snapshots[current])
    if isUnowned && principals.isEmpty && inputs.state.inventoryCount[index].principals == 0 { return nil }
    var totals = inputs.state.totals(team: index)
    totals.identifiedThisQuarter = inputs.flow.identified[index][currentQuarter]
    totals.removedThisQuarter = inputs.flow.removed[index][currentQuarter]
    var oldest = OldestItems(limit: 10)
    for report in principals {
      report.items.forEachInPlace { item in
        if item.pointee.kind == .permission {
          if !item.pointee.isAccepted && !OpenItem.isOutstanding(item) { totals.exceptedPermissions += 1 }
          if OpenItem.isOverdue(item) { totals.overduePermissions += 1 }
        }
        if !item.pointee.isAccepted && oldest.mightTake(daysOpen: item.pointee.daysOpen) {
          oldest.offer(item.pointee, of: report.principal, teamID: team.id)
        }
      }
    }
    var changes = inputs.changesByTeam[index] ?? []
    if let reference = inputs.reference {
      changes += ChangeLog.newlyOverdue(principals, teamID: team.id, since: snapshots[reference])
    }
    var problems: [DataProblem] = []
    let (checklist, previousChecklist) = checklists(
      of: team, at: index, isUnowned: isUnowned, principals, inputs, &problems)
    let report = TeamReport(
      team: team, totals: totals, quarters: inputs.flow.metrics(team: index, ranges: quarters),
      openOverTime: zip(snapshots, inputs.openOverTime.byTeam[index]).map { DayCount(day: $0, count: $1) },
      byService: inputs.state.byService(team: index), principals: principals, checklist: checklist,
      previousChecklist: previousChecklist)
    // Sorted here, where the teams share the cores, rather than cut out of the organisation's list.
    return TeamOutcome(report: report, changes: ChangeLog.sorted(changes), oldest: oldest, problems: problems)
  }

  /// The team's checklist for the current quarter and, when there was one, the previous; nobody
  /// reviews the unowned group, which has no champion and so no checklist.
  private func checklists(
    of team: Team, at index: Int, isUnowned: Bool, _ principals: [PrincipalReport], _ inputs: TeamInputs,
    _ problems: inout [DataProblem]
  ) -> (ChecklistProgress, ChecklistProgress?) {
    let currentQuarter = quarters.quarters.count - 1
    guard !isUnowned else {
      return (ChecklistProgress(quarter: quarters.quarters[currentQuarter], entries: []), nil)
    }
    let previousChecklist = inputs.previousChecklists?[index] ?? nil
    let checklist = ChecklistBuilder.progress(
      .init(
        team: team, quarter: quarters.quarters[currentQuarter], principals: principals,
        day: snapshots[current],
        previous: previousChecklist), settings: settings, problems: &problems)
    return (checklist, previousChecklist)
  }
}

extension AnalysisContext {
  /// Every team's checklist of the previous quarter, by team index (nil for the unowned group),
  /// from `state`, the state at that quarter's last snapshot (`snapshot`).
  /// Team indices, the teams with most principals first: the order for both cores to take teams
  /// in, so that neither is left alone with a large one at the end.
  static func largestFirst(_ reportsOfTeam: [[PrincipalReport]]) -> [Int] {
    reportsOfTeam.indices.sorted { (reportsOfTeam[$1].count, $0) < (reportsOfTeam[$0].count, $1) }
  }

  func checklistsOfPreviousQuarter(from state: CurrentState, at snapshot: Int) -> [ChecklistProgress?] {
    let quarter = quarters.quarters[quarters.quarters.count - 2]
    return Concurrently.map(count: teams.count, order: Self.largestFirst(state.reportsOfTeam)) {
      index -> ChecklistProgress? in
      guard index < teams.count - 1 else { return nil }
      let team = teams[index]
      let principals = ReviewExceptions.apply(
        ReviewExceptions.exceptions(team: team.id, upTo: quarter, reviews: settings.reviews),
        to: state.reportsOfTeam[index], on: snapshots[snapshot])
      // Problems in the previous quarter's sign-offs were reported when it was current.
      var ignored: [DataProblem] = []
      return ChecklistBuilder.progress(
        .init(team: team, quarter: quarter, principals: principals, day: snapshots[snapshot], previous: nil),
        settings: settings, problems: &ignored)
    }
  }
}

extension AnalysisContext {
  /// Match rules in teams.yml that no principal ever recorded satisfies: most often a typo.
  func unmatchedRules() -> [DataProblem] {
    let rules = settings.teams.flatMap(\.rules)
    var matched = Set<MatchRule>()
    let accounts = Set(timeline.principals.map(\.accountID))
    let tags = Set(timeline.principals.flatMap(\.tags))
    for rule in Set(rules) {
      switch rule {
      case .account(let id): if accounts.contains(id) { matched.insert(rule) }
      case .tag(let key, let value): if tags.contains(Tag(key: key, value: value)) { matched.insert(rule) }
      // Patterns are tried against principals until one matches: usually the first few.
      case .arn(let glob):
        if timeline.principals.contains(where: { glob.matches($0.arn) }) { matched.insert(rule) }
      }
    }
    var problems: [DataProblem] = []
    for (teamIndex, team) in settings.teams.enumerated() {
      var counters: [String: Int] = [:]
      for rule in team.rules {
        let (key, text): (String, String) =
          switch rule {
          case .account(let id): ("accounts", id)
          case .arn(let glob): ("arns", glob.pattern)
          case .tag(let key, let value): ("tags", key + "=" + value)
          }
        let position = counters[key, default: 0]
        counters[key] = position + 1
        guard !matched.contains(rule) else { continue }
        problems.append(
          DataProblem(
            file: "teams.yml",
            message:
              "field teams[\(teamIndex)].match.\(key)[\(position)]: the rule \(text) of team \(team.id) "
              + "matches no principal in any snapshot; check it for a typo"))
      }
    }
    return problems
  }
}

/// The quarters from the first snapshot's to the current one's, with the snapshot-index range
/// each quarter's "identified" count looks at.
struct QuarterRanges {
  let quarters: [Quarter]
  /// For each quarter, the snapshot indices whose open items count as identified in it: the
  /// quarter's own snapshots plus the last one before it. Nil when there is none.
  let identifiedRange: [ClosedRange<Int>?]
  /// Whether any snapshot is dated in the quarter.
  let hasSnapshots: [Bool]
  /// The quarter index of each snapshot.
  let quarterOfSnapshot: [Int]

  init(snapshots: [Day], fiscalYearStartMonth: Int) {
    let snapshotQuarters = snapshots.map {
      Quarter(containing: $0, fiscalYearStartMonth: fiscalYearStartMonth)
    }
    var quarters: [Quarter] = []
    var quarter = snapshotQuarters.first!
    while quarter <= snapshotQuarters.last! {
      quarters.append(quarter)
      quarter = quarter.next
    }
    var ranges: [ClosedRange<Int>?] = []
    var hasSnapshots: [Bool] = []
    var quarterOfSnapshot = Array(repeating: 0, count: snapshots.count)
    var next = 0
    for (index, quarter) in quarters.enumerated() {
      let first = next
      while next < snapshots.count, snapshotQuarters[next] == quarter {
        quarterOfSnapshot[next] = index
        next += 1
      }
      // Snapshots first..<next are in this quarter; first - 1 is the last one before it.
      let lower = max(first - 1, 0)
      let upper = next > first ? next - 1 : first - 1
      ranges.append(upper >= 0 ? lower...upper : nil)
      hasSnapshots.append(next > first)
    }
    self.quarters = quarters
    self.identifiedRange = ranges
    self.hasSnapshots = hasSnapshots
    self.quarterOfSnapshot = quarterOfSnapshot
  }
}

/// Identified and removed counts per team and quarter, from one pass over the status runs.
struct QuarterFlow {
  /// [team][quarter]; the last team row is the whole organisation.
  var identified: [[Int]]
  var removed: [[Int]]

  static func compute(context: AnalysisContext) -> QuarterFlow {
    let quarterCount = context.quarters.quarters.count
    let rows = context.teams.count + 1
    // Counted in flat arrays, and the items, teams and quarter ranges read from locals: the loop
    // runs once per status run, and reaching into nested arrays and the context each time cost
    // three times as much as the counting.
    var identified = [Int](repeating: 0, count: rows * quarterCount)
    var removed = [Int](repeating: 0, count: rows * quarterCount)
    let organisation = (rows - 1) * quarterCount
    let intervals = context.timeline.intervals
    let items = context.timeline.items
    let teamOfPrincipal = context.teamOfPrincipal
    let identifiedRange = context.quarters.identifiedRange
    let quarterOfSnapshot = context.quarters.quarterOfSnapshot
    let current = context.current
    var lastIdentified = -1
    var lastRemoved = -1
    var previousItem = -1
    for (position, run) in intervals.enumerated() {
      if run.item != previousItem {
        previousItem = run.item
        lastIdentified = -1
        lastRemoved = -1
      }
      guard run.status == .active, run.first <= current, items[run.item].kind == .permission else { continue }
      let team = teamOfPrincipal[items[run.item].principal] * quarterCount
      let last = min(run.last, current)
      // Quarters are counted once per item even when several runs of it fall in one quarter.
      for quarter in max(lastIdentified + 1, 0)..<quarterCount {
        guard let range = identifiedRange[quarter] else { continue }
        if range.lowerBound > last { break }
        if range.upperBound >= run.first {
          identified[team + quarter] += 1
          identified[organisation + quarter] += 1
          lastIdentified = quarter
        }
      }
      // Removed when the next snapshot has it resolved or absent (archived is accepted, not removed).
      guard run.last < current else { continue }
      let next = run.last + 1
      let following = position + 1 < intervals.count ? intervals[position + 1] : nil
      if let following, following.item == run.item, following.first == next, following.status == .archived {
        continue
      }
      let quarter = quarterOfSnapshot[next]
      if quarter > lastRemoved {
        removed[team + quarter] += 1
        removed[organisation + quarter] += 1
        lastRemoved = quarter
      }
    }
    func table(_ counts: [Int]) -> [[Int]] {
      (0..<rows).map { Array(counts[($0 * quarterCount)..<(($0 + 1) * quarterCount)]) }
    }
    return QuarterFlow(identified: table(identified), removed: table(removed))
  }

  /// Quarter metrics for one team, or the organisation when `team` is nil.
  func metrics(team: Int?, ranges: QuarterRanges) -> [QuarterMetrics] {
    let row = team ?? identified.count - 1
    return ranges.quarters.indices.map { index in
      QuarterMetrics(
        quarter: ranges.quarters[index], identified: identified[row][index], removed: removed[row][index],
        hasSnapshots: ranges.hasSnapshots[index])
    }
  }
}

/// Open unused permissions at every snapshot, per team and for the organisation.
struct OpenOverTime {
  var byTeam: [[Int]]
  var organisation: [Int]

  static func compute(context: AnalysisContext) -> OpenOverTime {
    let count = context.snapshots.count
    // A difference array: +1 where a run starts, -1 after it ends; prefix sums give the counts.
    var deltas = Array(repeating: Array(repeating: 0, count: count + 1), count: context.teams.count)
    for run in context.timeline.intervals
    where run.status == .active && run.first <= context.current
      && context.timeline.items[run.item].kind == .permission
    {
      let team = context.teamOfItem(run.item)
      deltas[team][run.first] += 1
      deltas[team][min(run.last, context.current) + 1] -= 1
    }
    var byTeam: [[Int]] = []
    var organisation = Array(repeating: 0, count: count)
    for teamDeltas in deltas {
      var running = 0
      var series: [Int] = []
      for index in 0..<count {
        running += teamDeltas[index]
        series.append(running)
        organisation[index] += running
      }
      byTeam.append(series)
    }
    return OpenOverTime(byTeam: byTeam, organisation: organisation)
  }
}

/// Runs independent computations on both cores.
public enum Concurrently {
  /// Computes `first` and `second` at the same time and returns both results.
  public static func both<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B)
    -> (
      A, B
    )
  {
    let results = Pair<A, B>()
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      if index == 0 { results.set(first: first()) } else { results.set(second: second()) }
    }
    return results.values
  }
}

extension Concurrently {
  /// `transform` of every index in `0..<count`, computed on all cores, in index order; the cores
  /// take the indices in the order `order` lists them, when given (a permutation of `0..<count`).
  public static func map<T: Sendable>(count: Int, order: [Int]? = nil, _ transform: @Sendable (Int) -> T)
    -> [T]
  {
    precondition(order.map { $0.count == count } ?? true, "the order lists every index once")
    let slots = Slots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { step in
      let index = order?[step] ?? step
      slots.set(index, transform(index))
    }
    return slots.values
  }
}

/// Results filled in by several threads, one slot each; the lock makes each write visible.
private final class Slots<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [T?]

  init(count: Int) {
    slots = Array(repeating: nil, count: count)
  }

  func set(_ index: Int, _ value: T) {
    lock.lock()
    slots[index] = value
    lock.unlock()
  }

  var values: [T] {
    lock.lock()
    defer { lock.unlock() }
    return slots.map { $0! }
  }
}

/// Two results filled in by two threads; the lock makes each write visible to the reader.
private final class Pair<A: Sendable, B: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var first: A?
  private var second: B?

  func set(first value: A) {
    lock.lock()
    first = value
    lock.unlock()
  }

  func set(second value: B) {
    lock.lock()
    second = value
    lock.unlock()
  }

  var values: (A, B) {
    lock.lock()
    defer { lock.unlock() }
    // concurrentPerform returns only after both iterations ran, so both are set.
    return (first!, second!)
  }
}

/// The organisation's oldest open items, kept while items are offered one by one: the dashboard
/// shows ten, and sorting a million to find them would be wasted.
struct OldestItems {
  let limit: Int
  /// Oldest first, then by principal ARN and item name.
  private(set) var items: [OldItem] = []

  /// Whether an item open for `daysOpen` days could enter the list: a test that needs no copy of
  /// the item, made before offering it.
  func mightTake(daysOpen: Int) -> Bool {
    items.count < limit || (!items.isEmpty && items[items.count - 1].item.daysOpen <= daysOpen)
  }

  mutating func offer(_ item: OpenItem, of principal: Principal, teamID: String) {
    // Turned away at the last entry without copying it; `mightTake` spares most items the call.
    if items.count == limit, limit > 0, !Self.precedes(item, principal.arn, items[limit - 1]) { return }
    let candidate = OldItem(principal: principal, teamID: teamID, item: item)
    let position = items.firstIndex { !Self.precedes($0.item, $0.principal.arn, candidate) } ?? items.count
    items.insert(candidate, at: position)
    if items.count > limit { items.removeLast() }
  }

  /// Whether `item` of the principal `arn` comes before `other` in the list.
  private static func precedes(_ item: OpenItem, _ arn: String, _ other: OldItem) -> Bool {
    // Oldest first, then by ARN and name; the strings are compared only when the ages are equal.
    if other.item.daysOpen != item.daysOpen { return other.item.daysOpen < item.daysOpen }
    if arn != other.principal.arn { return arn < other.principal.arn }
    return item.displayName < other.item.displayName
  }
}
