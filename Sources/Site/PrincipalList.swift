import Analysis
import Model

/// One principal's row in a team's list of what to remove; its items are on its own page.
struct PrincipalRowModel: Sendable {
  var name: String
  /// The principal's page, relative to the team's folder.
  var href: String
  var kind: String
  var account: String
  /// "12 unused permissions, 1 unused role".
  var summary: String
  /// The first few items by name: "s3:GetObject, s3:PutObject and 10 more".
  var examples: String
  /// The day the oldest of its open items was first seen.
  var openSince: String
  /// False when only accepted exceptions are left.
  var hasOpenSince: Bool
  /// "3 overdue", or "" when none is.
  var overdue: String
  var isOverdue: Bool
}

/// Links between the pages of a long list.
struct PagerModel: Sendable {
  /// "Principals 251–500 of 6,726".
  var summary: String
  var links: [PagerLink]
  /// Whether the list has more than one page.
  var hasPages: Bool
  var previousHref: String
  var hasPrevious: Bool
  var nextHref: String
  var hasNext: Bool
}

/// A numbered page link, or a gap between numbers.
struct PagerLink: Sendable {
  var label: String
  var href: String
  var isCurrent: Bool
  var isGap: Bool
}

/// `teams/TEAM/principals-N.html`: a further page of a team's principals.
struct PrincipalListModel: Sendable {
  var teamName: String
  var pageLabel: String
  var principals: [PrincipalRowModel]
  var pager: PagerModel
}

/// How a team's principals are split into pages: the first page on the team page itself, the rest
/// on `principals-N.html` beside it, so no page grows with the team.
struct PrincipalPages {
  /// Principals listed on one page.
  static let pageSize = 250

  let count: Int

  /// Number of pages (at least one, which may be empty).
  var pageCount: Int { max(1, (count + Self.pageSize - 1) / Self.pageSize) }

  /// The principals on page `number` (1-based).
  func range(ofPage number: Int) -> Range<Int> {
    let start = (number - 1) * Self.pageSize
    return start..<min(count, start + Self.pageSize)
  }

  /// The file of page `number`, relative to the team's folder.
  static func file(ofPage number: Int) -> String {
    number == 1 ? "index.html" : "principals-\(number).html"
  }

  /// The pager shown on page `number`: first and last page, and two on either side of the current.
  func pager(onPage number: Int) -> PagerModel {
    let range = range(ofPage: number)
    let summary =
      count == 0
      ? ""
      : "Principals \(Format.count(range.lowerBound + 1))–\(Format.count(range.upperBound)) of \(Format.count(count))"
    var links: [PagerLink] = []
    var previous = 0
    for page in 1...pageCount where page == 1 || page == pageCount || abs(page - number) <= 2 {
      if page > previous + 1 { links.append(PagerLink(label: "…", href: "", isCurrent: false, isGap: true)) }
      links.append(
        PagerLink(label: "\(page)", href: Self.file(ofPage: page), isCurrent: page == number, isGap: false))
      previous = page
    }
    return PagerModel(
      summary: summary, links: links, hasPages: pageCount > 1,
      previousHref: number > 1 ? Self.file(ofPage: number - 1) : "", hasPrevious: number > 1,
      nextHref: number < pageCount ? Self.file(ofPage: number + 1) : "", hasNext: number < pageCount)
  }
}

extension PageBuilder {
  /// The rows of a team's principals on page `number`.
  func principalRows(_ team: TeamReport, page number: Int) -> [PrincipalRowModel] {
    let range = PrincipalPages(count: team.principals.count).range(ofPage: number)
    // Read where they are stored: mapping the slice copied each report.
    return team.principals.withUnsafeBufferPointer { reports in range.map { principalRow(reports[$0]) } }
  }

  /// A further page of a team's principals.
  func principalList(_ team: TeamReport, page number: Int) -> PrincipalListModel {
    let pages = PrincipalPages(count: team.principals.count)
    return PrincipalListModel(
      teamName: team.team.name, pageLabel: "page \(number) of \(pages.pageCount)",
      principals: principalRows(team, page: number), pager: pages.pager(onPage: number))
  }

  func principalRow(_ report: PrincipalReport) -> PrincipalRowModel {
    let principal = report.principal
    let shown = 3
    var examples = report.items.prefix(shown).map(\.displayName).joined(separator: ", ")
    if report.items.count > shown { examples += " and \(Format.count(report.items.count - shown)) more" }
    // Read in place: a team page lists a row per principal, each going over its items.
    let overdue = report.items.countInPlace(where: OpenItem.isOverdue)
    var openSince: Day?
    report.items.forEachInPlace { item in
      if openSince.map({ item.pointee.openSince < $0 }) ?? true { openSince = item.pointee.openSince }
    }
    return PrincipalRowModel(
      name: principal.name,
      href: paths.principalPage(principal.arn).map {
        String($0.dropFirst(paths.teamFolder(report.teamID).count + 1))
      } ?? "",
      kind: kindName(principal.kind), account: principal.accountID, summary: principalSummary(report),
      examples: examples, openSince: openSince?.iso ?? "",
      hasOpenSince: !report.items.isEmpty,
      overdue: overdue == 0 ? "" : "\(Format.count(overdue)) overdue", isOverdue: overdue > 0)
  }
}
