import Model

/// The headline numbers for the organisation or one team at the current snapshot and quarter.
public struct Totals: Hashable, Sendable {
  /// Roles and users in the current inventory (plus any a current finding names).
  public var principals = 0
  /// Roles among them.
  public var roles = 0
  /// Roles with at least one open unused permission.
  public var rolesWithUnused = 0
  /// Open unused permissions at the current snapshot.
  public var unusedPermissions = 0
  /// Unused permissions identified this quarter (see `QuarterMetrics.identified`).
  public var identifiedThisQuarter = 0
  /// Unused permissions removed this quarter (see `QuarterMetrics.removed`).
  public var removedThisQuarter = 0
  /// Open unused roles (the whole role unused).
  public var unusedRoles = 0
  /// Open unused access keys.
  public var unusedAccessKeys = 0
  /// Open unused console passwords.
  public var unusedPasswords = 0
  /// Unused permissions accepted as exceptions (ARCHIVED) at the current snapshot.
  public var acceptedPermissions = 0
  /// Open unused-permission findings known only from summaries (their permissions are unknown).
  public var findingsWithoutDetails = 0
  /// Open unused permissions covered by a current exception in a review file.
  public var exceptedPermissions = 0

  /// Open unused permissions still to act on: those not covered by a current review exception.
  public var outstandingPermissions: Int { unusedPermissions - exceptedPermissions }
  /// Outstanding unused permissions open longer than the removal deadline.
  public var overduePermissions = 0

  /// Removed ÷ identified this quarter, 0 when nothing was identified.
  public var reductionRate: Double { Ratio.of(removedThisQuarter, identifiedThisQuarter) }

  /// The share of roles with unused permissions, 0 when there are no roles.
  public var rolesWithUnusedShare: Double { Ratio.of(rolesWithUnused, roles) }

  /// Empty totals.
  public init() {}
}

/// Identified and removed unused permissions in one quarter.
public struct QuarterMetrics: Hashable, Sendable {
  /// The quarter.
  public var quarter: Quarter
  /// Distinct unused permissions open at any snapshot in the quarter, or at the last snapshot
  /// before it (still open when the quarter began).
  public var identified: Int
  /// Distinct unused permissions open at one snapshot and resolved or absent at the next, where
  /// that next snapshot is in the quarter.
  public var removed: Int
  /// Whether any snapshot is dated in the quarter (charts draw a gap when not).
  public var hasSnapshots: Bool

  /// Removed ÷ identified, 0 when nothing was identified.
  public var reductionRate: Double { Ratio.of(removed, identified) }

  /// Metrics with every field given.
  public init(quarter: Quarter, identified: Int, removed: Int, hasSnapshots: Bool) {
    self.quarter = quarter
    self.identified = identified
    self.removed = removed
    self.hasSnapshots = hasSnapshots
  }
}

/// A count at one snapshot.
public struct DayCount: Hashable, Sendable {
  /// The snapshot day.
  public var day: Day
  /// The count.
  public var count: Int

  /// A count with its day.
  public init(day: Day, count: Int) {
    self.day = day
    self.count = count
  }
}

/// Open unused permissions of one service.
public struct ServiceCount: Hashable, Sendable {
  /// The lower-case service namespace, e.g. `s3`.
  public var service: String
  /// Open unused permissions of that service.
  public var unusedPermissions: Int

  /// A count with its service.
  public init(service: String, unusedPermissions: Int) {
    self.service = service
    self.unusedPermissions = unusedPermissions
  }
}

/// One open (or accepted) unused item of a principal, with what to do about it.
public struct OpenItem: Hashable, Sendable {
  /// Permission, role, access key or password.
  public var kind: UnusedAccessKind
  /// For permissions, the lower-case service namespace.
  public var service: String
  /// For permissions the action (or `*`); for access keys the key id.
  public var detail: String
  /// `s3:GetObject`, `s3:*`, `access key AKIA...`, ...
  public var displayName: String
  /// When last used, nil when never within the tracking window.
  public var lastUsedOn: Day?
  /// Since when it has been open without a break.
  public var openSince: Day
  /// Days from `openSince` to the current snapshot.
  public var daysOpen: Int
  /// Whether it is accepted as an exception (ARCHIVED) rather than open.
  public var isAccepted: Bool
  /// Whether a role or a user holds it, for the wording of what to do.
  public var principalKind: PrincipalKind
  /// Which sources reported it.
  public var sources: SourceSet
  /// The exception a review file records for it, if any.
  @inlinable
  public var reviewException: ReviewException? {
    get { exceptionStorage?.value }
    set { exceptionStorage = newValue.map(ExceptionBox.init) }
  }
  /// Whether a review file records an exception for it: `reviewException != nil` without
  /// copying the exception out.
  @inlinable
  public var hasReviewException: Bool { exceptionStorage != nil }
  // Boxed: few items have an exception, and a million items each carrying room for one inline
  // would hold a hundred megabytes of nothing.
  @usableFromInline
  var exceptionStorage: ExceptionBox? = nil
  /// Whether that exception has expired (so the item is outstanding again).
  public var exceptionExpired = false

  /// Days past the removal deadline (negative: days left).
  public var daysPastDeadline = 0

  /// What to do, in one sentence. Worded when asked: a million open items need no sentence each
  /// until a page shows them.
  @inlinable
  public var recommendation: String {
    Self.recommendation(
      isAccepted: isAccepted, kind: kind, service: service, detail: detail, principalKind: principalKind)
  }

  /// `recommendation` of an item with these fields: for a caller that reads an item in place and
  /// would otherwise copy all of it to ask.
  @inlinable
  public static func recommendation(
    isAccepted: Bool, kind: UnusedAccessKind, service: String, detail: String, principalKind: PrincipalKind
  ) -> String {
    isAccepted
      ? "Accepted as an exception (archived in Access Analyzer)"
      : Recommendation.text(kind: kind, service: service, detail: detail, principalKind: principalKind)
  }

  /// Whether the team still has to act on it: open, and not covered by a current exception.
  @inlinable
  public var isOutstanding: Bool { withUnsafePointer(to: self, Self.isOutstanding) }

  /// Whether it is outstanding and open longer than the site's removal deadline.
  @inlinable
  public var isOverdue: Bool { withUnsafePointer(to: self, Self.isOverdue) }

  /// The day it became (or becomes) overdue.
  public var overdueOn: Day { withUnsafePointer(to: self, Self.overdueOn) }

  // Asking a computed property of an item read through a pointer copies the whole item first,
  // retaining and releasing each of its strings; these read only the stored fields they need.
  // Pages and exports ask them of every one of a million items.

  /// `isOutstanding` of the item at `item`, read in place.
  @inlinable
  public static func isOutstanding(_ item: UnsafePointer<OpenItem>) -> Bool {
    // The box rather than `reviewException`, which copies the exception out to compare it with nil.
    !item.pointee.isAccepted && (item.pointee.exceptionStorage == nil || item.pointee.exceptionExpired)
  }

  /// `isOverdue` of the item at `item`, read in place.
  @inlinable
  public static func isOverdue(_ item: UnsafePointer<OpenItem>) -> Bool {
    isOutstanding(item) && item.pointee.daysPastDeadline > 0 && item.pointee.kind != .undetailedFinding
  }

  /// `overdueOn` of the item at `item`, read in place.
  @inlinable
  public static func overdueOn(_ item: UnsafePointer<OpenItem>) -> Day {
    item.pointee.openSince.adding(days: item.pointee.daysOpen - item.pointee.daysPastDeadline)
  }

  /// `reviewException` of the item at `item`, read in place.
  @inlinable
  public static func reviewException(_ item: UnsafePointer<OpenItem>) -> ReviewException? {
    item.pointee.exceptionStorage?.value
  }
}

/// A role or user with open unused access.
///
/// A class, and immutable: a report is made once by the analysis and then read by every list and
/// page it appears on, and copying a struct of a dozen references retained and released each of
/// them (a team page, the list of principals and each principal page each copied every report).
public final class PrincipalReport: Hashable, Sendable {
  /// The principal, as its latest inventory entry describes it.
  public let principal: Principal
  /// Open items, permissions first (by service and action), then role, keys and password.
  public let items: [OpenItem]
  /// Items accepted as exceptions.
  public let acceptedItems: [OpenItem]
  /// Open unused permissions (items of kind permission).
  public let unusedPermissions: Int
  /// The id of the owning team (`unowned` when none matches).
  public let teamID: String
  /// Access Analyzer's recommendation, when one was exported.
  public let recommendations: DatedRecommendations?

  /// A report with every field given.
  public init(
    principal: Principal, items: [OpenItem], acceptedItems: [OpenItem], unusedPermissions: Int,
    teamID: String, recommendations: DatedRecommendations? = nil
  ) {
    self.principal = principal
    self.items = items
    self.acceptedItems = acceptedItems
    self.unusedPermissions = unusedPermissions
    self.teamID = teamID
    self.recommendations = recommendations
  }

  /// The same report with other open items, accepted items or both.
  public func with(items: [OpenItem]? = nil, acceptedItems: [OpenItem]? = nil) -> PrincipalReport {
    PrincipalReport(
      principal: principal, items: items ?? self.items, acceptedItems: acceptedItems ?? self.acceptedItems,
      unusedPermissions: unusedPermissions, teamID: teamID, recommendations: recommendations)
  }

  /// Per policy, how to stop granting the unused permissions. Worked out when asked, not with the
  /// report: only the principal's own page shows it, and pages are rendered on all cores.
  public var policyChanges: [PolicyChange] {
    PolicyAdvisor.changes(
      policies: principal.policies, unused: items, recommendations: recommendations)
  }

  /// Two reports are equal when every field is.
  public static func == (first: PrincipalReport, second: PrincipalReport) -> Bool {
    first === second
      || (first.unusedPermissions == second.unusedPermissions && first.teamID == second.teamID
        && first.principal == second.principal && first.items == second.items
        && first.acceptedItems == second.acceptedItems && first.recommendations == second.recommendations)
  }

  /// Hashes every field.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(principal)
    hasher.combine(items)
    hasher.combine(acceptedItems)
    hasher.combine(unusedPermissions)
    hasher.combine(teamID)
    hasher.combine(recommendations)
  }
}

/// One line of a team's quarterly checklist.
public struct ChecklistEntry: Hashable, Sendable {
  /// The id that sign-offs refer to.
  public var id: String
  /// What to do.
  public var text: String
  /// Where it comes from: a procedure's title, or "Unused access" for generated items.
  public var section: String
  /// The procedure slug it comes from, nil for generated items.
  public var procedureSlug: String?
  /// The sign-off, when done.
  public var signOff: SignOff?
  /// Whether it was left open at the end of the previous quarter.
  public var isCarriedOver = false

  /// Whether it is signed off.
  public var isDone: Bool { signOff != nil }
}

/// A team's quarterly checklist and how far along it is.
public struct ChecklistProgress: Hashable, Sendable {
  /// The quarter.
  public var quarter: Quarter
  /// Every item, procedures' first, then generated ones.
  public var entries: [ChecklistEntry]

  /// Items signed off. Counted in place: filtering made a copy of every signed-off entry.
  public var done: Int { entries.countInPlace { $0.pointee.signOff != nil } }
  /// All items.
  public var total: Int { entries.count }
}

/// Everything a team's report shows.
public struct TeamReport: Hashable, Sendable {
  /// The team (the unowned group has id `unowned`).
  public var team: Team
  /// Headline numbers.
  public var totals: Totals
  /// Quarter by quarter, oldest first.
  public var quarters: [QuarterMetrics]
  /// Open unused permissions at every snapshot.
  public var openOverTime: [DayCount]
  /// Open unused permissions by service, largest first.
  public var byService: [ServiceCount]
  /// Principals with open or accepted unused access, most unused permissions first.
  public var principals: [PrincipalReport]
  /// The current quarter's checklist.
  public var checklist: ChecklistProgress
  /// The previous quarter's checklist, when that quarter had snapshots.
  public var previousChecklist: ChecklistProgress?
  /// Unused permissions that appeared, came back or were removed since the reference snapshot.
  public var changes: Changes = Changes()

  /// Whether this is the group of principals no team matches.
  public var isUnowned: Bool { team.id == Team.unownedID }
}

/// A problem in the input data that did not stop the build, listed on the dashboard.
public struct DataProblem: Hashable, Sendable {
  /// The file, relative to the site folder.
  public var file: String
  /// The line, when known.
  public var line: Int?
  /// What is wrong.
  public var message: String

  /// A problem with every field given.
  public init(file: String, line: Int? = nil, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }
}

/// The whole organisation's report at one snapshot.
public struct OrganisationReport: Hashable, Sendable {
  /// The current snapshot, nil when none is recorded yet.
  public var snapshot: Day?
  /// The quarter of the current snapshot.
  public var quarter: Quarter?
  /// Every recorded snapshot up to the current one.
  public var snapshots: [Day]
  /// Headline numbers.
  public var totals: Totals
  /// Open unused permissions by service, largest first.
  public var byService: [ServiceCount]
  /// The principals with the most open unused permissions, most first, then by ARN: at most
  /// ``topPrincipalCount`` of them (pages show the top few).
  public var topPrincipals: [PrincipalReport]
  /// How many principals ``topPrincipals`` holds at most.
  public static let topPrincipalCount = 10
  /// Quarter by quarter, oldest first.
  public var quarters: [QuarterMetrics]
  /// Open unused permissions at every snapshot.
  public var openOverTime: [DayCount]
  /// Teams in `teams.yml` order, then the unowned group when it has principals.
  public var teams: [TeamReport]
  /// Input problems that did not stop the build.
  public var dataProblems: [DataProblem]
  /// Root users of the current snapshot's credential reports.
  public var rootAccounts: [RootAccount] = []
  /// What the current snapshot's exports held that was read but not counted.
  public var sourceNotes: [String] = []
  /// The files the current snapshot was read from.
  public var sources: [SourceFile] = []
  /// The open items open longest in the organisation, longest first.
  public var oldestItems: [OldItem] = []
  /// How current the data is.
  public var freshness = Freshness()
  /// Changes across the organisation since the reference snapshot.
  public var changes = Changes()
}

/// An open item with its principal and team, for organisation-wide lists.
public struct OldItem: Hashable, Sendable {
  /// The principal holding it.
  public var principal: Principal
  /// The owning team's id.
  public var teamID: String
  /// The item.
  public var item: OpenItem
}

/// One change to an unused permission between the reference snapshot and the current one.
public struct Change: Hashable, Sendable {
  /// What happened.
  public enum Kind: String, Hashable, Sendable {
    /// Open now, never open before.
    case new
    /// Open now, after having been removed earlier.
    case regressed
    /// Removed (resolved or gone) since the reference snapshot.
    case resolved
    /// Outstanding now and past its removal deadline since the reference snapshot.
    case overdue
  }

  /// What happened.
  public var kind: Kind
  /// The principal holding the permission.
  public var principal: Principal {
    get { holder.principal }
    set { holder = PrincipalHolder(newValue) }
  }
  // Shared by every change of one principal: a large organisation has hundreds of thousands of
  // changes, and a whole principal inside each made them three times the size.
  var holder: PrincipalHolder
  /// The owning team's id.
  public var teamID: String
  /// `s3:GetObject`, `access key AKIA...`, ...
  public var access: String
  /// The snapshot day it happened on (for overdue: the day the deadline passed).
  public var day: Day

  /// A change with every field given.
  public init(kind: Kind, principal: Principal, teamID: String, access: String, day: Day) {
    self.init(kind: kind, holder: PrincipalHolder(principal), teamID: teamID, access: access, day: day)
  }

  init(kind: Kind, holder: PrincipalHolder, teamID: String, access: String, day: Day) {
    self.kind = kind
    self.holder = holder
    self.teamID = teamID
    self.access = access
    self.day = day
  }
}

/// A principal kept once and shared by the changes that name it; compared by value.
final class PrincipalHolder: Hashable, Sendable {
  let principal: Principal

  init(_ principal: Principal) {
    self.principal = principal
  }

  static func == (a: PrincipalHolder, b: PrincipalHolder) -> Bool {
    a === b || a.principal == b.principal
  }

  func hash(into hasher: inout Hasher) {
    hasher.combine(principal)
  }
}

/// What changed since a reference snapshot.
public struct Changes: Hashable, Sendable {
  /// The snapshot changes are counted from, nil when there is none before the current one.
  public var since: Day?
  /// Every change, newest first, then by principal and access.
  ///
  /// The organisation's are its teams' lists, merged on each read: its pages and feed need only
  /// the counts and the first few of each kind (`count(of:)`, `first(_:where:)`), and merging
  /// hundreds of thousands of changes took a fifth of a second on one core.
  public var entries: [Change] {
    get {
      switch storage {
      case .list(let list): list
      case .merging(let lists): ChangeLog.merged(lists)
      }
    }
    set { storage = .list(newValue) }
  }

  private var storage: Storage

  private enum Storage: Sendable {
    case list([Change])
    /// Lists each in the order of `entries`, to be merged keeping that order.
    case merging([[Change]])
  }

  /// Changes of one kind.
  public func of(_ kind: Change.Kind) -> [Change] { entries.filter { $0.kind == kind } }

  /// How many changes are of `kind`.
  public func count(of kind: Change.Kind) -> Int {
    lists.reduce(0) { $0 + Self.count(of: kind, in: $1) }
  }

  /// The first `limit` changes, in the order of `entries`, whose kind `isIncluded` accepts. Meant
  /// for the few a page shows: for them all, read `entries`.
  public func first(_ limit: Int, where isIncluded: (Change.Kind) -> Bool) -> [Change] {
    ChangeLog.mergedPrefix(lists, limit: limit, where: isIncluded)
  }

  /// The lists the changes are kept in, each in the order of `entries`.
  private var lists: [[Change]] {
    switch storage {
    case .list(let list): [list]
    case .merging(let lists): lists
    }
  }

  /// No changes, counted from nowhere.
  public init(since: Day? = nil, entries: [Change] = []) {
    self.since = since
    self.storage = .list(entries)
  }

  /// The changes of `lists`, each already in the order of `entries`, merged when read.
  init(since: Day?, merging lists: [[Change]]) {
    self.since = since
    self.storage = .merging(lists)
  }

  /// Whether both count from the same snapshot and hold the same changes in the same order,
  /// however they are kept.
  public static func == (lhs: Changes, rhs: Changes) -> Bool {
    lhs.since == rhs.since && lhs.entries == rhs.entries
  }

  /// Hashes what `==` compares.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(since)
    hasher.combine(entries)
  }

  private static func count(of kind: Change.Kind, in list: [Change]) -> Int {
    var count = 0
    // Read in place: handing each change to a closure copied it, retaining its strings.
    list.forEachInPlace { if $0.pointee.kind == kind { count += 1 } }
    return count
  }
}

/// How current the data behind the pages is.
public struct Freshness: Hashable, Sendable {
  /// Days from the current snapshot to the build.
  public var snapshotAgeDays = 0
  /// Whether that is longer than the site allows.
  public var isStale = false
  /// For each kind of export, the day of the latest snapshot (up to the current one) that had it.
  public var sourceDays: [SourceKind: Day] = [:]
  /// Files the previous snapshot had that the current one lacks, e.g. an account's findings.
  public var missingFiles: [SourceFile] = []
  /// Exports in the current snapshot that say more pages exist.
  public var truncated: [String] = []

  /// Whether the current snapshot is dated after the day of the build: the machine's clock (or
  /// `SOURCE_DATE_EPOCH`) or the snapshot folder's name is wrong, and its age, negative, would
  /// pass any limit on it.
  public var isAfterToday: Bool { snapshotAgeDays < 0 }

  /// What the banner and the build's log say when the current snapshot, of `snapshot`, is dated
  /// after the day of the build; nil when it is not.
  public func afterTodayWarning(snapshot: Day) -> String? {
    guard isAfterToday else { return nil }
    let days = -snapshotAgeDays == 1 ? "1 day" : "\(-snapshotAgeDays) days"
    return "The newest snapshot, of \(snapshot.iso), is dated \(days) after the day of this build "
      + "(\(snapshot.adding(days: snapshotAgeDays).iso)): check the machine's clock (or SOURCE_DATE_EPOCH) "
      + "and the snapshot folder's name."
  }

  /// Whether anything calls for the warning banner.
  public var needsWarning: Bool { isStale || isAfterToday || !missingFiles.isEmpty || !truncated.isEmpty }

  /// Freshness with nothing to report.
  public init() {}
}

/// Division that defines x ÷ 0 as 0, as the site's rates do.
public enum Ratio {
  /// `part / whole`, or 0 when `whole` is 0.
  public static func of(_ part: Int, _ whole: Int) -> Double {
    whole == 0 ? 0 : Double(part) / Double(whole)
  }
}

/// A review exception held by reference, so an item without one spends a pointer on it.
@usableFromInline
final class ExceptionBox: Hashable, Sendable {
  @usableFromInline
  let value: ReviewException

  @usableFromInline
  init(_ value: ReviewException) {
    self.value = value
  }

  @usableFromInline
  static func == (lhs: ExceptionBox, rhs: ExceptionBox) -> Bool { lhs.value == rhs.value }

  @usableFromInline
  func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
