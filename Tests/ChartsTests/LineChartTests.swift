import Testing

@testable import Charts

@Suite struct LineChartTests {
  /// Days since 1970-01-01 of a date, through the module's own calendar code (checked below).
  private func day(_ year: Int, _ month: Int, _ day: Int) -> Int {
    CivilDate.days(year: year, month: month, day: day)
  }

  private func render(_ points: [LinePoint], width: Double = 600) throws -> Node {
    try parseSVG(
      LineChart(points: points, width: width, seriesName: "Open").svg(
        title: "T", description: "", idPrefix: "l"))
  }

  @Test func calendarArithmeticMatchesKnownDates() {
    #expect(day(1970, 1, 1) == 0)
    #expect(day(2000, 3, 1) == 11_017)
    #expect(day(2026, 11, 22) == 20_779)
    #expect(day(1969, 12, 31) == -1)
    for days in stride(from: -800_000, through: 800_000, by: 997) {
      let date = CivilDate.date(days: days)
      #expect(CivilDate.days(year: date.year, month: date.month, day: date.day) == days)
    }
  }

  @Test func xIsProportionalToTimeAndYStartsAtZero() throws {
    let start = day(2026, 1, 1)
    let root = try render([
      LinePoint(label: "a", x: start, value: 1_000), LinePoint(label: "b", x: start + 10, value: 1_100),
      LinePoint(label: "c", x: start + 40, value: 1_200),
    ])
    let points = root.find("circle", class: "point")
    #expect(points.count == 3)
    let (x0, x1, x2) = (points[0].number("cx"), points[1].number("cx"), points[2].number("cx"))
    #expect(abs((x2 - x1) / (x1 - x0) - 3) < 0.01)
    #expect(root.find("g", class: "tick-labels y-axis").first?.find("text").first?.text == "0")
    for (point, value) in zip(points, [1_000.0, 1_100, 1_200]) {
      #expect(abs(axisValue(atY: point.number("cy"), in: root) - value) < 1)
    }
    #expect(points[1].tooltip == "b, Open: 1,100")
    let latest = try #require(root.find("text", class: "value-label").first)
    #expect(latest.text == "1,200")
    #expect(abs(latest.number("y") - points[2].number("cy")) < 0.02)
  }

  @Test func pointsAreDrawnInTimeOrder() throws {
    let root = try render([
      LinePoint(label: "late", x: 200, value: 3), LinePoint(label: "early", x: 100, value: 1),
      LinePoint(label: "mid", x: 150, value: 2),
    ])
    #expect(
      root.find("circle", class: "point").map { $0.tooltip ?? "" } == [
        "early, Open: 1", "mid, Open: 2", "late, Open: 3",
      ])
    #expect(
      LineChart(points: [
        LinePoint(label: "late", x: 200, value: 3), LinePoint(label: "early", x: 100, value: 1),
      ])
      .table(caption: "c").rows == [["early", "1"], ["late", "3"]])
  }

  @Test func monthLabelsFollowTheCalendar() throws {
    let root = try render([
      LinePoint(label: "a", x: day(2026, 1, 15), value: 5),
      LinePoint(label: "b", x: day(2026, 6, 20), value: 3),
    ])
    let labels = try #require(root.find("g", class: "x-axis").first).find("text").map(\.text)
    #expect(labels == ["Feb 2026", "Mar", "Apr", "May", "Jun"])
  }

  @Test func longRangesThinToYears() throws {
    let points = (0..<200).map {
      LinePoint(label: "p\($0)", x: day(2020, 1, 1) + $0 * 9, value: 150_000 + $0)
    }
    let root = try render(points)
    let labels = try #require(root.find("g", class: "x-axis").first).find("text")
    #expect(labels.map(\.text) == ["2020", "2021", "2022", "2023", "2024"])
    // Only the latest of 200 points gets a marker; the line carries the rest.
    #expect(root.find("circle", class: "point").count == 1)
    #expect(root.find("circle", class: "point latest").first?.tooltip == "p199, Open: 150,199")
    let (width, _) = viewBoxSize(root)
    let valueLabel = try #require(root.find("text", class: "value-label").first)
    #expect(valueLabel.number("x") + TextMetrics.width(valueLabel.text, fontSize: 12) <= width)
  }

  @Test func shortRangesShowTheEndpointLabels() throws {
    let root = try render([
      LinePoint(label: "2026-11-12", x: day(2026, 11, 12), value: 40),
      LinePoint(label: "2026-11-22", x: day(2026, 11, 22), value: 35),
    ])
    let labels = try #require(root.find("g", class: "x-axis").first).find("text").map(\.text)
    #expect(labels == ["2026-11-12", "2026-11-22"])
  }

  @Test func onePointSitsInTheMiddle() throws {
    let root = try render([LinePoint(label: "2026-11-22", x: day(2026, 11, 22), value: 35)])
    let point = try #require(root.find("circle", class: "point").first)
    let grid = try #require(root.find("g", class: "grid").first?.find("line").first)
    #expect(abs(point.number("cx") - (grid.number("x1") + grid.number("x2")) / 2) < 0.02)
    #expect(root.find("path", class: "line").isEmpty)
    #expect(root.find("g", class: "x-axis").first?.find("text").map(\.text) == ["2026-11-22"])
  }

  @Test func allZerosDrawOnTheBaseline() throws {
    let svg = LineChart(points: [
      LinePoint(label: "a", x: 0, value: 0), LinePoint(label: "b", x: 30, value: 0),
    ])
    .svg(title: "T", description: "", idPrefix: "z")
    #expect(!svg.contains("NaN"))
    let root = try parseSVG(svg)
    let baseline = try #require(root.find("line", class: "baseline").first).number("y1")
    #expect(root.find("circle", class: "point").allSatisfy { $0.number("cy") == baseline })
  }

  @Test func negativeValuesExtendTheAxisBelowZero() throws {
    let root = try render([LinePoint(label: "a", x: 0, value: -30), LinePoint(label: "b", x: 30, value: 70)])
    let ticks = root.find("g", class: "tick-labels y-axis").first?.find("text").map(\.text) ?? []
    #expect(ticks.first.map(labelValue).map { $0 <= -30 } == true)
    #expect(ticks.contains("0"))
  }

  @Test func emptyShowsAMessage() throws {
    let root = try render([])
    #expect(root.find("text", class: "empty-message").first?.text == "No data yet")
    #expect(root.find("path").isEmpty)
  }
}
