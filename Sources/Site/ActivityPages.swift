import Analysis
import Model

extension PageBuilder {
  /// At most this many rows per kind of change on a page; the feed and exports carry all.
  static let changeRowLimit = 100

  /// The "what changed" block of a team page (`from` is the page's path) or the dashboard.
  func activity(
    _ changes: Changes, from page: String, feed: String, exports team: TeamReport?,
    limit: Int = changeRowLimit
  ) -> ActivityModel {
    let root = SitePaths.root(from: page)
    let kinds: [(Change.Kind, String)] = [
      (.new, "New unused permissions"), (.regressed, "Unused again after being removed"),
      (.overdue, "Past their removal deadline"), (.resolved, "Removed"),
    ]
    let groups = kinds.map { kind, title in
      // Counted, and the first few taken, without making the organisation's whole list: its
      // changes number in the hundreds of thousands.
      let count = changes.count(of: kind)
      let rows = changes.first(limit, where: { $0 == kind }).map { change in
        ChangeRow(
          day: change.day.iso, principal: change.principal.name,
          href: root
            + (paths.principalPage(change.principal.arn) ?? paths.teamPage(change.teamID)),
          access: change.access,
          team: report.teams.first { $0.team.id == change.teamID }?.team.name ?? change.teamID)
      }
      let hidden = count - rows.count
      return ChangeGroup(
        title: title, count: Format.count(count), rows: rows, hasRows: !rows.isEmpty,
        more: hidden > 0
          ? "and \(Format.count(hidden)) more on the team pages, in the feeds and in the exports" : "",
        hasMore: hidden > 0)
    }
    let exportBase =
      team.map { root + "data/teams/" + paths.teamFolder($0.team.id).dropFirst("teams/".count) } ?? ""
    return ActivityModel(
      since: changes.since?.iso ?? "", hasSince: changes.since != nil, groups: groups, feedHref: root + feed,
      csvHref: exportBase + ".csv", jsonHref: exportBase + ".json", hasExports: team != nil)
  }

  /// The organisation's oldest open items, for the dashboard.
  func oldestItems(from page: String) -> [OldItemRow] {
    let root = SitePaths.root(from: page)
    return report.oldestItems.map { old in
      OldItemRow(
        principal: old.principal.name,
        href: root + (paths.principalPage(old.principal.arn) ?? paths.teamPage(old.teamID)),
        team: report.teams.first { $0.team.id == old.teamID }?.team.name ?? old.teamID,
        access: old.item.displayName, openSince: old.item.openSince.iso,
        daysOpen: Format.days(old.item.daysOpen),
        overdue: old.item.isOverdue ? Format.overdueBy(old.item.daysPastDeadline) : "",
        isOverdue: old.item.isOverdue)
    }
  }

  /// `feeds/SLUG.atom` for a team, `feeds/organisation.atom` for everyone.
  func feedPath(_ team: TeamReport?) -> String {
    "feeds/" + (team.map { String(paths.teamFolder($0.team.id).dropFirst("teams/".count)) } ?? "organisation")
      + ".atom"
  }
}
