import Analysis

/// The charts of the dashboard.
struct OrganisationCharts {
  var quarterly: PreparedChart
  var open: PreparedChart
  var services: PreparedChart
  var leaderboard: PreparedChart

  /// Every one, in the order the dashboard shows them.
  var all: [PreparedChart] { [leaderboard, quarterly, open, services] }
}

/// The charts of a team page.
struct TeamCharts {
  var quarterly: PreparedChart
  var open: PreparedChart

  /// Every one, in page order.
  var all: [PreparedChart] { [quarterly, open] }
}

extension SitePaths {
  /// `charts/organisation-NAME.svg`.
  static func organisationChart(_ name: String) -> String {
    "charts/organisation-" + name + ".svg"
  }

  /// `charts/team-SLUG-NAME.svg`, with the slug of the team's folder: slugs are unique among
  /// teams, and the names (`quarterly`, `open`) are not suffixes of one another, so two charts
  /// never share a file.
  func teamChart(_ teamID: String, _ name: String) -> String {
    "charts/team-" + teamFolder(teamID).dropFirst("teams/".count) + "-" + name + ".svg"
  }
}

extension PageBuilder {
  /// The dashboard's charts.
  func organisationCharts() -> OrganisationCharts {
    let totals = report.totals
    return OrganisationCharts(
      quarterly: charts.quarterly(
        report.quarters, subject: "the organisation", file: SitePaths.organisationChart("quarterly"),
        placement: .full),
      open: charts.openOverTime(
        report.openOverTime, subject: "the organisation", file: SitePaths.organisationChart("open"),
        placement: .full),
      services: charts.services(
        serviceRowsData(report.byService), total: totals.unusedPermissions,
        file: SitePaths.organisationChart("services"), placement: .column),
      leaderboard: charts.leaderboard(
        report.teams, organisation: totals, quarter: report.quarter?.label ?? "this quarter",
        file: SitePaths.organisationChart("leaderboard")))
  }

  /// A team page's charts.
  func teamCharts(_ team: TeamReport) -> TeamCharts {
    TeamCharts(
      quarterly: charts.quarterly(
        team.quarters, subject: team.team.name, file: paths.teamChart(team.team.id, "quarterly"),
        placement: .column),
      open: charts.openOverTime(
        team.openOverTime, subject: team.team.name, file: paths.teamChart(team.team.id, "open"),
        placement: .column))
  }

  /// Every chart as a standalone file below `charts/`, the dashboard's first, then each team's in
  /// report order; the pages link to them.
  func chartFiles() -> [OutputFile] {
    let charts = organisationCharts().all + report.teams.flatMap { teamCharts($0).all }
    return charts.map { $0.standaloneFile() }
  }
}
