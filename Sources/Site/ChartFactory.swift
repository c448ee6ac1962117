import Analysis
import Charts
import Model

/// Turns report series into the charts pages show, each with the same figures as a table.
struct ChartFactory {
  func quarterly(_ quarters: [QuarterMetrics], subject: String, idPrefix: String) -> ChartModel {
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
    return ChartModel(
      svg: chart.svg(
        title: "Unused permissions identified and removed per quarter, \(subject)", description: description,
        idPrefix: idPrefix),
      caption: "Unused permissions identified and removed per quarter",
      columns: ["Quarter", "Identified", "Removed", "Reduction rate"], rows: rows, hasData: !quarters.isEmpty,
      hasTable: false)
  }

  func openOverTime(_ series: [DayCount], subject: String, idPrefix: String) -> ChartModel {
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
      points: series.map { LinePoint(label: $0.day.iso, x: $0.day.daysSinceEpoch, value: $0.count) })
    return ChartModel(
      svg: chart.svg(
        title: "Open unused permissions over time, \(subject)", description: description, idPrefix: idPrefix),
      caption: "Open unused permissions at each snapshot", columns: ["Snapshot", "Open unused permissions"],
      rows: rows, hasData: !series.isEmpty, hasTable: true)
  }

  func services(_ services: [ServiceCount], total: Int, idPrefix: String) -> ChartModel {
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
    return ChartModel(
      svg: chart.svg(
        title: "Open unused permissions by service", description: description, idPrefix: idPrefix),
      caption: "Open unused permissions by service", columns: ["Service", "Unused permissions", "Share"],
      rows: rows, hasData: !services.isEmpty, hasTable: false)
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
