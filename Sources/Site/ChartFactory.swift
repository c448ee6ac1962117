import Analysis
import Charts
import Model

/// Where a chart sits on its page, which decides its intrinsic size: the chart's text is drawn at
/// 12 units, so the intrinsic width should be near the width it is shown at.
enum ChartPlacement {
  /// The full width of the page's content column.
  case full
  /// One of two columns side by side.
  case column

  /// Intrinsic width of the wide variant (the one also written as a file).
  var width: Double {
    switch self {
    case .full: 640
    case .column: 520
    }
  }

  /// Intrinsic width of the narrow variant that replaces the wide one in a container narrower
  /// than about 34rem (phones), where the wide one would shrink its text below 10 px.
  static let narrowWidth = 360.0
}

/// One of the chart types, so a chart can be drawn again at another size.
enum DrawnChart {
  case quarterly(QuarterlyChart)
  case line(LineChart)
  case bars(HorizontalBarChart)
  case leaderboard(LeaderboardChart)

  /// The same chart at another width; the fixed-height charts get a height that keeps their
  /// shape readable at that width.
  func resized(width: Double) -> DrawnChart {
    switch self {
    case .quarterly(var chart):
      chart.width = width
      chart.height = width < 480 ? 260 : 300
      return .quarterly(chart)
    case .line(var chart):
      chart.width = width
      chart.height = width < 480 ? 220 : 260
      return .line(chart)
    case .bars(var chart):
      chart.width = width
      return .bars(chart)
    case .leaderboard(var chart):
      chart.width = width
      return .leaderboard(chart)
    }
  }

  func svg(title: String, description: String, idPrefix: String, embedding: SVGEmbedding) -> String {
    switch self {
    case .quarterly(let chart):
      chart.svg(title: title, description: description, idPrefix: idPrefix, embedding: embedding)
    case .line(let chart):
      chart.svg(title: title, description: description, idPrefix: idPrefix, embedding: embedding)
    case .bars(let chart):
      chart.svg(title: title, description: description, idPrefix: idPrefix, embedding: embedding)
    case .leaderboard(let chart):
      chart.svg(title: title, description: description, idPrefix: idPrefix, embedding: embedding)
    }
  }
}

/// A chart with everything its page and its file need.
struct PreparedChart {
  /// `charts/NAME.svg`, relative to the site root; its base name is also the chart's id prefix.
  var file: String
  var title: String
  var description: String
  var chart: DrawnChart
  var placement: ChartPlacement
  /// The table twin; see `ChartModel`.
  var caption: String
  var columns: [String]
  var rows: [[String]]
  var hasData: Bool
  var hasTable: Bool

  /// The id prefix: the file's base name, `organisation-quarterly`.
  var idPrefix: String {
    String(file.dropFirst("charts/".count).dropLast(".svg".count))
  }

  /// The model for a page at `page` (a path below the output folder): the wide and narrow
  /// variants inline, and a relative link to the file.
  func model(from page: String) -> ChartModel {
    ChartModel(
      svg: chart.resized(width: placement.width).svg(
        title: title, description: description, idPrefix: idPrefix, embedding: .inline),
      narrowSVG: chart.resized(width: ChartPlacement.narrowWidth).svg(
        title: title, description: description, idPrefix: idPrefix + "-narrow", embedding: .inline),
      fileHref: SitePaths.root(from: page) + file, caption: caption, columns: columns, rows: rows,
      hasData: hasData, hasTable: hasTable)
  }

  /// The standalone file: the wide variant, for slides and wiki pages.
  func standaloneFile() -> OutputFile {
    OutputFile(
      path: file,
      text: chart.resized(width: placement.width).svg(
        title: title, description: description, idPrefix: idPrefix, embedding: .standalone))
  }
}

/// Turns report series into the charts pages show, each with the same figures as a table.
struct ChartFactory {
  func quarterly(_ quarters: [QuarterMetrics], subject: String, file: String, placement: ChartPlacement)
    -> PreparedChart
  {
    let rows = quarters.map {
      [
        $0.quarter.label, Format.count($0.identified), Format.count($0.removed),
        $0.hasSnapshots ? Format.percent($0.reductionRate) : "no snapshots",
      ]
    }
    let latest = quarters.last
    let description =
      latest.map {
        "In \($0.quarter.label), \(Format.count($0.identified)) unused permissions were identified and "
          + "\(Format.count($0.removed)) removed, a reduction rate of \(Format.percent($0.reductionRate))."
      } ?? "No quarters recorded yet."
    let chart = QuarterlyChart(
      points: quarters.map {
        QuarterPoint(
          label: $0.quarter.label, identified: $0.identified, removed: $0.removed, rate: $0.reductionRate,
          hasData: $0.hasSnapshots)
      })
    return PreparedChart(
      file: file, title: "Unused permissions identified and removed per quarter, \(subject)",
      description: description, chart: .quarterly(chart), placement: placement,
      caption: "Unused permissions identified and removed per quarter",
      columns: ["Quarter", "Identified", "Removed", "Reduction rate"], rows: rows, hasData: !quarters.isEmpty,
      hasTable: false)
  }

  func openOverTime(_ series: [DayCount], subject: String, file: String, placement: ChartPlacement)
    -> PreparedChart
  {
    let rows = series.map { [$0.day.iso, Format.count($0.count)] }
    let description: String
    if let first = series.first, let last = series.last {
      description =
        "Open unused permissions went from \(Format.count(first.count)) on \(first.day.iso) to "
        + "\(Format.count(last.count)) on \(last.day.iso)."
    } else {
      description = "No snapshots recorded yet."
    }
    let chart = LineChart(
      points: series.map { LinePoint(label: $0.day.iso, x: $0.day.daysSinceEpoch, value: $0.count) },
      seriesName: "Open unused permissions")
    return PreparedChart(
      file: file, title: "Open unused permissions over time, \(subject)", description: description,
      chart: .line(chart), placement: placement, caption: "Open unused permissions at each snapshot",
      columns: ["Snapshot", "Open unused permissions"], rows: rows, hasData: !series.isEmpty, hasTable: true)
  }

  func services(_ services: [ServiceCount], total: Int, file: String, placement: ChartPlacement)
    -> PreparedChart
  {
    let rows = services.map {
      [$0.service, Format.count($0.unusedPermissions), Format.percent(Ratio.of($0.unusedPermissions, total))]
    }
    let description =
      services.first.map {
        "\($0.service) has the most open unused permissions: \(Format.count($0.unusedPermissions)) of "
          + "\(Format.count(total)) (\(Format.percent(Ratio.of($0.unusedPermissions, total))))."
      } ?? "No open unused permissions."
    let chart = HorizontalBarChart(
      items: services.map { BarItem(label: $0.service, value: $0.unusedPermissions) }, total: total,
      categoryName: "Service", valueName: "Unused permissions")
    return PreparedChart(
      file: file, title: "Open unused permissions by service", description: description, chart: .bars(chart),
      placement: placement, caption: "Open unused permissions by service",
      columns: ["Service", "Unused permissions", "Share"], rows: rows, hasData: !services.isEmpty,
      hasTable: false)
  }

  /// Teams ranked by this quarter's reduction rate, the unowned group set apart, with the
  /// organisation's rate as a reference. The dashboard's team table, right under it, is its
  /// table twin.
  func leaderboard(_ teams: [TeamReport], organisation: Totals, quarter: String, file: String)
    -> PreparedChart
  {
    let chart = LeaderboardChart(
      entries: teams.map {
        LeaderboardEntry(
          label: $0.team.name,
          rate: $0.totals.identifiedThisQuarter > 0 ? $0.totals.reductionRate : nil,
          removed: $0.totals.removedThisQuarter, identified: $0.totals.identifiedThisQuarter,
          isSetApart: $0.isUnowned)
      },
      referenceRate: organisation.identifiedThisQuarter > 0 ? organisation.reductionRate : nil,
      referenceName: "Organisation", valueName: "Reduction rate")
    let ranked = chart.ranked.filter { !$0.isSetApart && $0.rate != nil }
    var sentences: [String] = []
    if let best = ranked.first, let worst = ranked.last {
      sentences.append(
        ranked.count == 1
          ? "\(best.label) removed \(Format.percent(best.rate ?? 0)) of the unused permissions identified."
          : "Highest: \(best.label), \(Format.percent(best.rate ?? 0)) removed; lowest: \(worst.label), "
            + "\(Format.percent(worst.rate ?? 0)).")
    }
    if organisation.identifiedThisQuarter > 0 {
      sentences.append("The organisation as a whole: \(Format.percent(organisation.reductionRate)).")
    }
    let idle = teams.filter { !$0.isUnowned && $0.totals.identifiedThisQuarter == 0 }.count
    if idle > 0 {
      sentences.append(Format.counted(idle, "team", "teams") + " had no unused permissions identified.")
    }
    if sentences.isEmpty { sentences.append("No teams yet.") }
    return PreparedChart(
      file: file, title: "Share of unused permissions removed in \(quarter), by team, highest first",
      description: sentences.joined(separator: " "), chart: .leaderboard(chart), placement: .full,
      caption: "Reduction rate by team, \(quarter)",
      columns: ["Team", "Reduction rate", "Removed", "Identified"],
      rows: chart.ranked.map {
        [
          $0.label, $0.rate.map(Format.percent) ?? "nothing identified", Format.count($0.removed),
          Format.count($0.identified),
        ]
      }, hasData: !teams.isEmpty, hasTable: false)
  }

  func sparkline(_ series: [DayCount], teamName: String, idPrefix: String) -> String {
    guard series.count > 1 else { return "" }
    let first = series.first!.count
    let last = series.last!.count
    return Sparkline(values: series.map(\.count)).svg(
      title: "\(teamName): open unused permissions went from \(Format.count(first)) to \(Format.count(last))",
      idPrefix: idPrefix)
  }
}
