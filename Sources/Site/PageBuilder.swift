import Analysis
import Model

/// Builds page models from the analysis report: all wording and formatting of figures lives here.
struct PageBuilder {
  let report: OrganisationReport
  let paths: SitePaths
  let charts: ChartFactory
  let procedures: [ProcedureSource]

  init(report: OrganisationReport, procedures: [ProcedureSource]) {
    self.report = report
    var paths = SitePaths(teamIDs: report.teams.map(\.team.id))
    paths.assignPrincipalPages(teams: report.teams)
    self.paths = paths
    self.charts = ChartFactory()
    self.procedures = procedures
  }

  // MARK: Dashboard

  func dashboard() -> DashboardModel {
    let totals = report.totals
    let page = "index.html"
    let quarter = report.quarter
    let chartSet = organisationCharts()
    return DashboardModel(
      hasSnapshot: report.snapshot != nil, snapshot: report.snapshot?.iso ?? "",
      quarter: quarter?.label ?? "",
      snapshotCount: Format.counted(report.snapshots.count, "snapshot", "snapshots"),
      cards: headlineCards(totals, quarter: quarter), credentialCards: credentialCards(totals),
      quarterChart: chartSet.quarterly.model(from: page), quarterRows: quarterRows(report.quarters),
      openChart: chartSet.open.model(from: page),
      topPrincipals: report.topPrincipals.prefix(5).enumerated().map { rank, principal in
        topRow(rank: rank + 1, principal, from: page)
      },
      hasTopPrincipals: !report.topPrincipals.isEmpty,
      serviceChart: chartSet.services.model(from: page),
      serviceRows: serviceRows(report.byService, total: totals.unusedPermissions),
      teams: report.teams.map { teamRow($0) }, leaderboardChart: chartSet.leaderboard.model(from: page),
      checklistsHref: quarter.map { paths.quarterChecklists($0) } ?? "",
      procedures: procedures.map { LinkModel(label: $0.title, href: SitePaths.procedure($0.slug)) },
      hasProcedures: !procedures.isEmpty,
      problems: report.dataProblems.map {
        ProblemRow(location: $0.file + ($0.line.map { ":\($0)" } ?? ""), message: $0.message)
      },
      hasProblems: !report.dataProblems.isEmpty,
      rootAccounts: report.rootAccounts.map {
        RootAccountRow(
          account: $0.accountID,
          passwordLastUsed: Format.day($0.passwordLastUsed, otherwise: "never or unknown"),
          mfa: $0.mfaActive ? "on" : "off",
          accessKeys: $0.activeAccessKeys == 0
            ? "none"
            : "\($0.activeAccessKeys) active" + ($0.accessKeyLastUsed.map { ", last used \($0.iso)" } ?? ""),
          needsAttention: $0.activeAccessKeys > 0 || !$0.mfaActive)
      }, hasRootAccounts: !report.rootAccounts.isEmpty, sourceNotes: report.sourceNotes,
      hasSourceNotes: !report.sourceNotes.isEmpty)
  }

  func headlineCards(_ totals: Totals, quarter: Quarter?) -> [Card] {
    let quarterLabel = quarter?.label ?? "this quarter"
    return [
      Card(
        label: "IAM roles", value: Format.count(totals.roles),
        detail: Format.counted(totals.principals, "principal", "principals") + " in all"),
      Card(
        label: "Roles with unused permissions", value: Format.count(totals.rolesWithUnused),
        detail: Format.percent(totals.rolesWithUnusedShare) + " of roles"),
      Card(
        label: "Open unused permissions", value: Format.count(totals.unusedPermissions),
        detail: "at this snapshot"),
      Card(
        label: "Identified in \(quarterLabel)", value: Format.count(totals.identifiedThisQuarter),
        detail: "open at some point this quarter"),
      Card(
        label: "Removed in \(quarterLabel)", value: Format.count(totals.removedThisQuarter),
        detail: "resolved or gone"),
      Card(
        label: "Reduction rate", value: Format.percent(totals.reductionRate),
        detail: "removed ÷ identified, \(quarterLabel)"),
    ]
  }

  func credentialCards(_ totals: Totals) -> [Card] {
    var cards = [
      Card(label: "Unused roles", value: Format.count(totals.unusedRoles), detail: "not used at all"),
      Card(label: "Unused access keys", value: Format.count(totals.unusedAccessKeys)),
      Card(label: "Unused console passwords", value: Format.count(totals.unusedPasswords)),
      Card(
        label: "Accepted exceptions", value: Format.count(totals.acceptedPermissions),
        detail: "archived findings"),
    ]
    if totals.findingsWithoutDetails > 0 {
      cards.append(
        Card(
          label: "Findings without details", value: Format.count(totals.findingsWithoutDetails),
          detail: "only summaries exported"))
    }
    return cards
  }

  func quarterRows(_ quarters: [QuarterMetrics]) -> [QuarterRow] {
    quarters.map {
      QuarterRow(
        quarter: $0.quarter.label, identified: Format.count($0.identified), removed: Format.count($0.removed),
        rate: Format.percent($0.reductionRate), hasSnapshots: $0.hasSnapshots)
    }
  }

  /// The top services and one "other" row, at most seven rows in all.
  func serviceRowsData(_ services: [ServiceCount]) -> [ServiceCount] {
    let shown = 6
    guard services.count > shown + 1 else { return services }
    let other = services.dropFirst(shown).reduce(0) { $0 + $1.unusedPermissions }
    return Array(services.prefix(shown)) + [ServiceCount(service: "Other services", unusedPermissions: other)]
  }

  func serviceRows(_ services: [ServiceCount], total: Int) -> [ServiceRow] {
    serviceRowsData(services).map {
      ServiceRow(
        service: $0.service, count: Format.count($0.unusedPermissions),
        share: Format.percent(Ratio.of($0.unusedPermissions, total)))
    }
  }

  func topRow(rank: Int, _ principal: PrincipalReport, from page: String) -> TopPrincipalRow {
    let team = report.teams.first { $0.team.id == principal.teamID }
    return TopPrincipalRow(
      rank: rank, name: principal.principal.name, arn: principal.principal.arn,
      account: principal.principal.accountID, kind: kindName(principal.principal.kind),
      teamName: team?.team.name ?? principal.teamID,
      href: SitePaths.root(from: page)
        + (paths.principalPage(principal.principal.arn)
          ?? paths.teamPage(principal.teamID)),
      count: Format.count(principal.unusedPermissions))
  }

  func teamRow(_ team: TeamReport) -> TeamRow {
    TeamRow(
      name: team.team.name, href: paths.teamPage(team.team.id),
      champions: team.team.champions.map(\.name).joined(separator: ", "),
      principals: Format.count(team.totals.principals),
      rolesWithUnused: Format.count(team.totals.rolesWithUnused),
      unusedPermissions: Format.count(team.totals.unusedPermissions),
      identified: Format.count(team.totals.identifiedThisQuarter),
      removed: Format.count(team.totals.removedThisQuarter), rate: Format.percent(team.totals.reductionRate),
      ratePercent: Int((team.totals.reductionRate * 100).rounded()),
      checklist: "\(team.checklist.done)/\(team.checklist.total)",
      checklistHref: paths.teamChecklist(team.team.id, team.checklist.quarter), hasChecklist: !team.isUnowned,
      overdue: Format.count(team.totals.overduePermissions),
      sparklineSVG: charts.sparkline(
        team.openOverTime, teamName: team.team.name,
        idPrefix: "spark-" + Slug.make(team.team.id, fallback: "team")), isUnowned: team.isUnowned)
  }

  func kindName(_ kind: PrincipalKind) -> String {
    switch kind {
    case .role: "Role"
    case .user: "User"
    case .other: "Principal"
    }
  }

  // MARK: Team page

  func teamPage(_ team: TeamReport) -> TeamModel {
    let totals = team.totals
    let quarterLabel = report.quarter?.label ?? "this quarter"
    let cards = [
      Card(
        label: "Principals", value: Format.count(totals.principals),
        detail: Format.counted(totals.roles, "role", "roles")),
      Card(
        label: "Roles with unused permissions", value: Format.count(totals.rolesWithUnused),
        detail: Format.percent(totals.rolesWithUnusedShare) + " of roles"),
      Card(
        label: "Open unused permissions", value: Format.count(totals.unusedPermissions),
        detail: totals.exceptedPermissions == 0
          ? ""
          : "\(Format.count(totals.outstandingPermissions)) outstanding, \(Format.count(totals.exceptedPermissions)) kept on purpose"
      ),
      Card(label: "Identified in \(quarterLabel)", value: Format.count(totals.identifiedThisQuarter)),
      Card(label: "Removed in \(quarterLabel)", value: Format.count(totals.removedThisQuarter)),
      Card(
        label: "Reduction rate", value: Format.percent(totals.reductionRate), detail: "removed ÷ identified"),
    ]
    let checklist = team.checklist
    let chartSet = teamCharts(team)
    let page = paths.teamPage(team.team.id)
    return TeamModel(
      name: team.team.name, isUnowned: team.isUnowned,
      champions: team.team.champions.map {
        ChampionModel(name: $0.name, email: $0.email ?? "", hasEmail: $0.email != nil)
      },
      hasChampions: !team.team.champions.isEmpty, hasSnapshot: report.snapshot != nil,
      snapshot: report.snapshot?.iso ?? "",
      quarter: quarterLabel, cards: cards,
      quarterChart: chartSet.quarterly.model(from: page), quarterRows: quarterRows(team.quarters),
      openChart: chartSet.open.model(from: page),
      serviceRows: serviceRows(team.byService, total: totals.unusedPermissions),
      checklistDone: Format.count(checklist.done), checklistTotal: Format.count(checklist.total),
      checklistPercent: Int((Ratio.of(checklist.done, checklist.total) * 100).rounded()),
      checklistHref: "checklists/" + checklist.quarter.label + ".html", hasChecklist: !team.isUnowned,
      principals: principalRows(team, page: 1),
      pager: PrincipalPages(count: team.principals.count).pager(onPage: 1),
      hasPrincipals: !team.principals.isEmpty,
      principalCount: Format.counted(team.principals.count, "principal", "principals"))
  }

  /// "12 unused permissions, 1 unused credential or role, 2 accepted exceptions".
  func principalSummary(_ report: PrincipalReport) -> String {
    var parts: [String] = []
    if report.unusedPermissions > 0 {
      parts.append(Format.unusedPermissions(report.unusedPermissions))
    }
    let others = report.items.count - report.unusedPermissions
    if others > 0 {
      parts.append(Format.counted(others, "unused credential or role", "unused credentials or roles"))
    }
    if !report.acceptedItems.isEmpty {
      parts.append(Format.counted(report.acceptedItems.count, "accepted exception", "accepted exceptions"))
    }
    return parts.joined(separator: ", ")
  }

  /// When the principal was last used, in words.
  func lastUsedText(_ principal: Principal) -> String {
    if let day = principal.lastUsedOn { return day.iso }
    return principal.kind == .role && principal.isInInventory
      ? "never in the tracking window" : "not reported"
  }

  /// The row of one item, read where it is stored (see `principalPage`).
  func itemModel(_ item: UnsafePointer<OpenItem>, recommendations: RecommendationTexts? = nil) -> ItemModel {
    let kind: String =
      switch item.pointee.kind {
      case .permission: item.pointee.detail == "*" ? "Unused service" : "Unused action"
      case .role: "Unused role"
      case .accessKey: "Unused access key"
      case .password: "Unused password"
      case .undetailedFinding: "Finding without details"
      }
    let isOverdue = OpenItem.isOverdue(item)
    var recommendation =
      recommendations?.text(for: item)
      ?? OpenItem.recommendation(
        isAccepted: item.pointee.isAccepted, kind: item.pointee.kind, service: item.pointee.service,
        detail: item.pointee.detail, principalKind: item.pointee.principalKind)
    if let exception = OpenItem.reviewException(item) {
      recommendation =
        item.pointee.exceptionExpired
        ? "The exception for it expired on \(exception.expires.iso) (approved by \(exception.approver)): "
          + recommendation.prefix(1).lowercased() + recommendation.dropFirst() + ", or renew the exception"
        : "Kept on purpose until \(exception.expires.iso), approved by \(exception.approver): \(exception.justification)"
    }
    return ItemModel(
      what: item.pointee.displayName, kind: kind,
      lastUsed: Format.day(item.pointee.lastUsedOn, otherwise: "never in the tracking window"),
      openSince: item.pointee.openSince.iso, daysOpen: Format.days(item.pointee.daysOpen),
      recommendation: recommendation,
      isAccepted: item.pointee.isAccepted, sources: Self.sourceNames(item.pointee.sources),
      overdue: isOverdue ? Format.overdueBy(item.pointee.daysPastDeadline) : "",
      isOverdue: isOverdue)
  }

  /// "Access Analyzer, last accessed": the sixteen combinations of the four sources, joined once.
  private static let joinedSourceNames = (0..<16).map {
    SourceSet(rawValue: $0).names.joined(separator: ", ")
  }

  static func sourceNames(_ sources: SourceSet) -> String {
    Self.joinedSourceNames.indices.contains(sources.rawValue)
      ? Self.joinedSourceNames[sources.rawValue] : sources.names.joined(separator: ", ")
  }

  /// The output slug of a procedure by its source name.
  func procedureSlug(for name: String) -> String {
    procedures.first { $0.name == name }?.slug ?? Slug.make(name, fallback: "procedure")
  }
}

/// The recommendations of open unused actions, made once per action and kind of principal for
/// the principal pages of one render job: the same actions recur across a team's principals, and
/// making the sentence cost 1,460 instructions an item. Not for two threads at once, so the
/// table is not checked for overlapping access at run time (a check for each of a million items).
final class RecommendationTexts {
  private struct Entry {
    let service: String
    let detail: String
    /// The sentence names the user's policies or the role's: only users differ.
    let isUser: Bool
    let text: String
  }

  @exclusivity(unchecked) private var entries = HashKeyedTable<Entry>()

  /// The item's recommendation when it is an open unused action; nil for other items, whose
  /// texts are literals or rare.
  func text(for item: UnsafePointer<OpenItem>) -> String? {
    guard item.pointee.kind == .permission, !item.pointee.isAccepted else { return nil }
    let service = item.pointee.service
    let detail = item.pointee.detail
    let principalKind = item.pointee.principalKind
    let isUser = principalKind == .user
    let key = ContentDigest.hash(of: service, and: detail) ^ (isUser ? 1 : 0)
    // The entry is compared where it is stored: looking it up by value copied it, retaining and
    // releasing its three strings, for each of a million items.
    if let index = entries.index(of: key),
      let text = entries.values.withUnsafeBufferPointer({ values -> String? in
        let entry = values.baseAddress! + index
        return entry.pointee.isUser == isUser && entry.pointee.service == service
          && entry.pointee.detail == detail ? entry.pointee.text : nil
      })
    {
      return text
    }
    let text = OpenItem.recommendation(
      isAccepted: false, kind: .permission, service: service, detail: detail, principalKind: principalKind)
    entries.updateValue(Entry(service: service, detail: detail, isUser: isUser, text: text), forKey: key)
    return text
  }
}
