import TemplateEngine

/// Page models: plain values holding display-ready text for the templates. Numbers are already
/// formatted and links already relative, so templates only place values; fields named `...SVG`
/// or `...HTML` are our own trusted markup and go in with triple braces.

/// What every page's layout shows around the page's own content.
struct LayoutModel: Sendable {
  var siteTitle: String
  var pageTitle: String
  /// Relative prefix back to the site root, e.g. `../../`.
  var root: String
  /// The page's own content, rendered: read in place from the buffer it was rendered in, and
  /// given to the layout as `.renderedInPlace`, since every value in it was already shown through
  /// `VisibleBidiEscaper` (the theme's literal text is the security team's own and, as in the
  /// layout, is not filtered). Valid only while the layout renders.
  var bodyHTML: BorrowedBytes
  var snapshot: String
  var hasSnapshot: Bool
  var generated: String
  var navigation: [NavigationLink]
  var banner: [String]
  var hasBanner: Bool
  var sourceAges: String
  var feedHref: String
  var hasFeed: Bool
}

/// A link in the site navigation.
struct NavigationLink: Sendable {
  var label: String
  var href: String
  var isCurrent: Bool
}

/// A headline figure.
struct Card: Sendable {
  var label: String
  var value: String
  var detail: String
  var hasDetail: Bool

  init(label: String, value: String, detail: String = "") {
    self.label = label
    self.value = value
    self.detail = detail
    self.hasDetail = !detail.isEmpty
  }
}

/// One quarter's row in a trend table.
struct QuarterRow: Sendable {
  var quarter: String
  var identified: String
  var removed: String
  var rate: String
  var hasSnapshots: Bool
}

/// One service's row.
struct ServiceRow: Sendable {
  var service: String
  var count: String
  var share: String
}

/// One of the principals with the most unused permissions.
struct TopPrincipalRow: Sendable {
  var rank: Int
  var name: String
  var arn: String
  var account: String
  var kind: String
  var teamName: String
  var href: String
  var count: String
}

/// One team's row on the dashboard.
struct TeamRow: Sendable {
  var name: String
  var href: String
  var champions: String
  var principals: String
  var rolesWithUnused: String
  var unusedPermissions: String
  var identified: String
  var removed: String
  var rate: String
  /// The rate as a whole percentage for the bar width.
  var ratePercent: Int
  var checklist: String
  var checklistHref: String
  var hasChecklist: Bool
  var overdue: String = ""
  var sparklineSVG: String
  var isUnowned: Bool
}

/// A titled link.
struct LinkModel: Sendable {
  var label: String
  var href: String
}

/// A data problem listed on the dashboard.
struct ProblemRow: Sendable {
  var location: String
  var message: String
}

/// A chart with its table twin.
struct ChartModel: Sendable {
  /// The chart inline, at the width of its place on a wide screen.
  var svg: String
  /// The same chart drawn for a narrow container (a phone), shown instead of `svg` there.
  var narrowSVG: String
  /// Relative link to the chart's standalone file, `charts/NAME.svg`.
  var fileHref: String
  var caption: String
  var columns: [String]
  var rows: [[String]]
  var hasData: Bool
  /// Whether the figures are offered as a table under the chart; false where the page already
  /// shows the same figures in a table of its own next to it.
  var hasTable: Bool
}

/// `index.html`.
struct DashboardModel: Sendable {
  var hasSnapshot: Bool
  var snapshot: String
  var quarter: String
  var snapshotCount: String
  var cards: [Card]
  var credentialCards: [Card]
  var quarterChart: ChartModel
  var quarterRows: [QuarterRow]
  var openChart: ChartModel
  var topPrincipals: [TopPrincipalRow]
  var hasTopPrincipals: Bool
  var serviceChart: ChartModel
  var serviceRows: [ServiceRow]
  var teams: [TeamRow]
  var leaderboardChart: ChartModel
  var checklistsHref: String
  var procedures: [LinkModel]
  var hasProcedures: Bool
  var problems: [ProblemRow]
  var hasProblems: Bool
  var rootAccounts: [RootAccountRow]
  var hasRootAccounts: Bool
  var sourceNotes: [String]
  var hasSourceNotes: Bool
  var oldestItems: [OldItemRow] = []
  var hasOldestItems = false
  var activity: ActivityModel? = nil
}

/// An account's root user, from the credential report.
struct RootAccountRow: Sendable {
  var account: String
  var passwordLastUsed: String
  var mfa: String
  var accessKeys: String
  /// Whether something needs fixing: root access keys, or no MFA.
  var needsAttention: Bool
}

/// A champion with an optional mail link.
struct ChampionModel: Sendable {
  var name: String
  var email: String
  var hasEmail: Bool
}

/// A tag shown on a principal.
struct TagModel: Sendable {
  var key: String
  var value: String
}

/// One unused item in a principal's table.
struct ItemModel: Sendable {
  var what: String
  var kind: String
  var lastUsed: String
  var openSince: String
  var daysOpen: String
  var recommendation: String
  var isAccepted: Bool
  /// The sources that reported it, e.g. "Access Analyzer, last accessed".
  var sources: String
  /// "overdue by 12 days", or "" when not overdue.
  var overdue: String
  var isOverdue: Bool
}

/// `teams/TEAM/index.html`.
struct TeamModel: Sendable {
  var name: String
  var isUnowned: Bool
  var champions: [ChampionModel]
  var hasChampions: Bool
  var hasSnapshot: Bool
  var snapshot: String
  var quarter: String
  var cards: [Card]
  var quarterChart: ChartModel
  var quarterRows: [QuarterRow]
  var openChart: ChartModel
  var serviceRows: [ServiceRow]
  var checklistDone: String
  var checklistTotal: String
  var checklistPercent: Int
  var checklistHref: String
  var hasChecklist: Bool
  /// The first page of the team's principals; the rest are on `principals-N.html`.
  var principals: [PrincipalRowModel]
  var pager: PagerModel
  var hasPrincipals: Bool
  var principalCount: String
  var activity: ActivityModel? = nil
  var overdueCount: String = ""
}

/// One line of a printed checklist.
struct ChecklistItemModel: Sendable {
  var id: String
  var text: String
  var isDone: Bool
  var signedBy: String
  var signedOn: String
  var note: String
  var hasNote: Bool
  var isCarriedOver: Bool
}

/// A group of checklist lines under one heading.
struct ChecklistSectionModel: Sendable {
  var title: String
  var href: String
  var hasHref: Bool
  var items: [ChecklistItemModel]
}

/// `teams/TEAM/checklists/YYYY-Qn.html`.
struct TeamChecklistModel: Sendable {
  var teamName: String
  var teamHref: String
  var quarter: String
  var due: String
  var done: String
  var total: String
  var percent: Int
  var carriedOver: String
  var hasCarriedOver: Bool
  var reviewFile: String
  var sections: [ChecklistSectionModel]
  var hasItems: Bool
  var markdownHref: String
  var otherQuarters: [LinkModel]
}

/// One team's progress on the quarter's checklist overview.
struct ChecklistProgressRow: Sendable {
  var teamName: String
  var href: String
  var done: String
  var total: String
  var percent: Int
  var percentText: String
  var status: String
  var isOverdue: Bool
}

/// `checklists/YYYY-Qn.html`.
struct QuarterChecklistsModel: Sendable {
  var quarter: String
  var due: String
  var rows: [ChecklistProgressRow]
  var overdueCount: String
}

/// `procedures/SLUG.html`.
struct ProcedureModel: Sendable {
  var title: String
  /// Whether the page must show the title itself (the Markdown has no level-1 heading).
  var showsTitle: Bool
  var bodyHTML: String
  var isChecklist: Bool
  var checklistNote: String
}

/// One change on a team page or the dashboard.
struct ChangeRow: Sendable {
  var day: String
  var principal: String
  var href: String
  var access: String
  var team: String
}

/// New, regressed, resolved or overdue unused permissions.
struct ChangeGroup: Sendable {
  var title: String
  var count: String
  var rows: [ChangeRow]
  var hasRows: Bool
  var more: String
  var hasMore: Bool
}

/// One of the organisation's oldest open items.
struct OldItemRow: Sendable {
  var principal: String
  var href: String
  var team: String
  var access: String
  var openSince: String
  var daysOpen: String
  var overdue: String
  var isOverdue: Bool
}

/// What a team or the organisation changed since the reference snapshot, and where its data is.
struct ActivityModel: Sendable {
  var since: String
  var hasSince: Bool
  var groups: [ChangeGroup]
  var feedHref: String
  var csvHref: String
  var jsonHref: String
  var hasExports: Bool
}
