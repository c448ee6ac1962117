// Golden SVG files.
//
// Each chart below is rendered and compared byte for byte with `Golden/<name>.svg` (copied into
// the test bundle as a resource). After an intended change to the output, re-record them with
//
//     RECORD_GOLDEN=1 swift test --scratch-path .build-ch --filter ChartsTests.GoldenTests
//
// which writes the files into the source tree (`Tests/ChartsTests/Golden/`, found through
// `#filePath`) instead of comparing. Look at the diff, and at the charts in a browser, before
// committing them; the next ordinary run compares against the new files.

import Charts
import Foundation
import Testing

@Suite struct GoldenTests {
  /// The charts under golden test, by file name.
  static let charts: [String: String] = [
    "quarterly": quarterly.svg(
      title: "Unused permissions identified and removed per quarter",
      description: "Grouped bars per quarter with the reduction rate as a dashed line; 2025-Q3 has no data.",
      idPrefix: "golden-quarterly"),
    "quarterly-empty": QuarterlyChart(points: []).svg(
      title: "No quarters yet", description: "", idPrefix: "empty"),
    "line": line.svg(
      title: "Open unused permissions over time", description: "One point per snapshot.",
      idPrefix: "golden-line"),
    "hbar": services.svg(
      title: "Unused permissions by service", description: "Top services and Other.", idPrefix: "golden-hbar",
      embedding: .standalone),
    "leaderboard": leaderboard.svg(
      title: "Share of unused permissions removed in 2026-Q4, by team",
      description: "Highest: Edge & CDN, 100%; lowest: Search, 2%; organisation 31%.", idPrefix: "golden-lb",
      embedding: .standalone),
    "quarterly-narrow": QuarterlyChart(points: quarterly.points, width: 360, height: 260).svg(
      title: "Unused permissions identified and removed per quarter, on a phone",
      description: "Quarter labels split into quarter and year.", idPrefix: "golden-quarterly-narrow"),
    "sparkline": Sparkline(values: [1_200, 1_180, 1_190, 1_100, 1_050, 980, 1_010, 900])
      .svg(title: "Open unused permissions, last 8 snapshots", idPrefix: "golden-spark"),
  ]

  static let quarterly = QuarterlyChart(
    points: zip(
      ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"],
      zip([420, 510, 0, 640, 700, 580, 455, 390], [120, 260, 0, 300, 410, 390, 300, 120])
    ).map { label, figures in
      label == "2025-Q3"
        ? QuarterPoint.noData(label: label)
        : QuarterPoint(
          label: label, identified: figures.0, removed: figures.1, rate: Double(figures.1) / Double(figures.0)
        )
    })

  static let line = LineChart(
    points: [
      ("2026-03-02", 20_514, 1_210), ("2026-03-09", 20_521, 1_180), ("2026-03-30", 20_542, 1_150),
      ("2026-04-20", 20_563, 1_160), ("2026-05-25", 20_598, 1_020), ("2026-06-01", 20_605, 990),
      ("2026-07-13", 20_647, 940), ("2026-08-03", 20_668, 955), ("2026-09-14", 20_710, 870),
      ("2026-10-05", 20_731, 820), ("2026-11-02", 20_759, 790), ("2026-11-22", 20_779, 760),
    ].map { LinePoint(label: $0.0, x: $0.1, value: $0.2) }, seriesName: "Open unused permissions")

  static let leaderboard = LeaderboardChart(
    entries: [
      ("Payments Platform", 0.107, 32, 300), ("Search", 0.02, 7, 361), ("Edge & CDN", 1.0, 138, 138),
      ("Observability and Incident Response Tooling Working Group", 0.315, 162, 514),
      ("Identity & Access", 0.344, 42, 122), ("Data Platform", 0.167, 57, 341),
    ].map { LeaderboardEntry(label: $0.0, rate: $0.1, removed: $0.2, identified: $0.3) } + [
      LeaderboardEntry(label: "Billing", rate: nil, removed: 0, identified: 0),
      LeaderboardEntry(label: "Unowned", rate: 0.05, removed: 4, identified: 80, isSetApart: true),
    ], width: 640, referenceRate: 0.31, referenceName: "Organisation")

  static let services = HorizontalBarChart(
    items: [
      ("ec2", 41_230), ("s3", 20_110), ("iam", 9_400), ("lambda", 5_021), ("dynamodb", 2_010),
      ("a-really-long-service-namespace-name", 1_500), ("kms", 3), ("Other", 7_877),
    ].map { BarItem(label: $0.0, value: $0.1) }, categoryName: "Service", valueName: "Unused permissions")

  @Test(arguments: charts.keys.sorted())
  func matchesGoldenFile(name: String) throws {
    let svg = try #require(Self.charts[name])
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
      let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Golden")
      try Data(svg.utf8).write(to: folder.appendingPathComponent(name + ".svg"))
      return
    }
    let url = try #require(
      Bundle.module.url(forResource: name, withExtension: "svg", subdirectory: "Golden"),
      "Golden/\(name).svg is missing: record it with RECORD_GOLDEN=1")
    let golden = try String(decoding: Data(contentsOf: url), as: UTF8.self)
    #expect(
      svg == golden, "\(name).svg differs from the golden file; re-record with RECORD_GOLDEN=1 if intended")
  }
}
