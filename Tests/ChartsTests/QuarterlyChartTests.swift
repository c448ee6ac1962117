import Testing

@testable import Charts

@Suite struct QuarterlyChartTests {
  private func render(_ points: [QuarterPoint], width: Double = 600) throws -> Node {
    try parseSVG(
      QuarterlyChart(points: points, width: width).svg(title: "T", description: "D", idPrefix: "q"))
  }

  private func point(_ label: String, _ identified: Int, _ removed: Int) -> QuarterPoint {
    QuarterPoint(
      label: label, identified: identified, removed: removed,
      rate: identified == 0 ? 0 : Double(removed) / Double(identified))
  }

  @Test func barHeightsReadBackAsTheirValuesOnTheAxis() throws {
    let root = try render([point("2026-Q1", 100, 50), point("2026-Q2", 200, 0), point("2026-Q3", 400, 400)])
    let identified = root.find("rect", class: "bar identified")
    let removed = root.find("rect", class: "bar removed")
    #expect(identified.count == 3 && removed.count == 3)
    let heights = identified.map { $0.number("height") }
    #expect(abs(heights[1] / heights[0] - 2) < 0.01)
    #expect(abs(heights[2] / heights[0] - 4) < 0.01)
    #expect(removed[1].number("height") == 0)
    // Every bar stands on the same baseline, and its top reads back as its value.
    let baseline = identified[0].number("y") + heights[0]
    for (bar, value) in zip(identified + removed, [100.0, 200, 400, 50, 0, 400]) {
      #expect(abs(bar.number("y") + bar.number("height") - baseline) < 0.02)
      #expect(abs(axisValue(atY: bar.number("y"), in: root) - value) < 1)
    }
    // Identified sits left of removed in each group, and groups go left to right.
    #expect(identified[0].number("x") < removed[0].number("x"))
    #expect(removed[0].number("x") < identified[1].number("x"))
    #expect(identified[0].tooltip == "2026-Q1, Identified: 100")
  }

  @Test func gapQuarterHasNoBarsAndBreaksTheRateLine() throws {
    let points = [
      point("2025-Q3", 10, 5), point("2025-Q4", 10, 6), .noData(label: "2026-Q1"), point("2026-Q2", 10, 7),
      point("2026-Q3", 10, 8),
    ]
    let root = try render(points)
    let gaps = root.find("rect", class: "band gap")
    #expect(gaps.count == 1)
    let gap = try #require(gaps.first)
    #expect(gap.tooltip == "2026-Q1: no data")
    let gapRange = gap.number("x")...(gap.number("x") + gap.number("width"))
    let bars = root.find("rect", class: "bar")
    #expect(bars.count == 8)
    for bar in bars {
      #expect(!gapRange.contains(bar.number("x") + bar.number("width") / 2))
    }
    // Two separate rate paths, one on each side of the gap, and no marker inside it.
    let paths = root.find("path", class: "rate-line")
    #expect(paths.count == 2)
    let xs = paths.map { path in
      (path.attributes["d"] ?? "").split(whereSeparator: { "ML ".contains($0) }).enumerated()
        .filter { $0.offset % 2 == 0 }.compactMap { Double(String($0.element)) }
    }
    #expect(xs.count == 2 && xs[0].count == 2 && xs[1].count == 2)
    #expect(xs[0].max()! < gapRange.lowerBound && xs[1].min()! > gapRange.upperBound)
    let markers = root.find("circle", class: "rate-point")
    #expect(markers.count == 4)
    #expect(markers.allSatisfy { !gapRange.contains($0.number("cx")) })
    #expect(root.find("g", class: "legend-item gap").count == 1)
    #expect(
      QuarterlyChart(points: points).table(caption: "c").rows[2] == [
        "2026-Q1", "no data", "no data", "no data",
      ])
  }

  @Test func rateMarkersUseTheRightAxisAndClampOutOfRangeRates() throws {
    let points = [
      QuarterPoint(label: "A", identified: 4, removed: 2, rate: 0.5),
      QuarterPoint(label: "B", identified: 4, removed: 4, rate: 1.7),
      QuarterPoint(label: "C", identified: 4, removed: 0, rate: -0.2),
      QuarterPoint(label: "D", identified: 4, removed: 0, rate: .nan),
    ]
    let root = try render(points)
    let axis = try #require(root.find("g", class: "y-axis-right").first).find("text")
    #expect(axis.first?.text == "0%" && axis.last?.text == "100%")
    let (zeroY, fullY) = (axis.first!.number("y"), axis.last!.number("y"))
    let markers = root.find("circle", class: "rate-point")
    #expect(markers.count == 3)
    #expect(abs(markers[0].number("cy") - (zeroY + fullY) / 2) < 0.02)
    #expect(abs(markers[1].number("cy") - fullY) < 0.02)
    #expect(abs(markers[2].number("cy") - zeroY) < 0.02)
    #expect(markers[0].tooltip == "A, Reduction rate: 50%")
    // The NaN quarter ends the line after C: one path through A, B, C.
    #expect(root.find("path", class: "rate-line").count == 1)
    #expect(
      QuarterlyChart(points: points).table(caption: "c").rows.map(\.[3]) == ["50%", "100%", "0%", "no data"])
  }

  @Test func fortyQuartersOfSixDigitValuesStayReadable() throws {
    let points = (0..<40).map { index in
      point("\(2017 + index / 4)-Q\(index % 4 + 1)", 100_000 + index * 7_919, index * 1_000)
    }
    let root = try render(points)
    let (width, _) = viewBoxSize(root)
    let labels = try #require(root.find("g", class: "x-axis").first).find("text")
    #expect(labels.count > 3 && labels.count < 40)
    #expect(labels.last?.text == "2026-Q4")
    let extents = labels.map { label -> ClosedRange<Double> in
      let half = TextMetrics.width(label.text, fontSize: 12) / 2
      return (label.number("x") - half)...(label.number("x") + half)
    }
    for extent in extents { #expect(extent.lowerBound >= 0 && extent.upperBound <= width) }
    for (left, right) in zip(extents, extents.dropFirst()) {
      #expect(left.upperBound + 6 <= right.lowerBound)
    }
    // Left tick labels (up to "500,000") are right-aligned and fit inside the canvas.
    for tick in try #require(root.find("g", class: "tick-labels y-axis").first).find("text") {
      #expect(tick.number("x") - TextMetrics.width(tick.text, fontSize: 12) >= 0)
    }
    #expect(root.find("rect", class: "bar identified").count == 40)
    #expect(root.find("rect", class: "bar").allSatisfy { $0.number("width") > 1 })
  }

  @Test func crowdedQuarterLabelsSplitIntoQuarterAndYear() throws {
    let labels = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    let points = labels.map { point($0, 1_000, 400) }
    // Wide enough for whole labels: one line, every quarter.
    let wide = try render(points, width: 640)
    #expect(wide.find("g", class: "group-labels").isEmpty)
    #expect(try #require(wide.find("g", class: "x-axis").first).find("text").map(\.text) == labels)
    // On a phone's 360 units the whole labels would be thinned; instead every quarter keeps its
    // `Qn` and the year goes on a second line where it changes.
    let narrow = try render(points, width: 360)
    let quarters = try #require(narrow.find("g", class: "x-axis").first).find("text")
    #expect(quarters.map(\.text) == ["Q3", "Q4", "Q1", "Q2", "Q3", "Q4"])
    #expect(quarters.map(\.tooltip) == labels)
    let years = try #require(narrow.find("g", class: "group-labels").first).find("text")
    #expect(years.map(\.text) == ["2025", "2026"])
    #expect(
      years[0].number("x") == quarters[0].number("x") && years[1].number("x") == quarters[2].number("x"))
    let (_, height) = viewBoxSize(narrow)
    for year in years {
      #expect(year.number("y") >= quarters[0].number("y") + 12)
      #expect(year.number("y") + 12 <= height)
    }
    // The bars stand above both lines.
    let bar = try #require(narrow.find("rect", class: "bar identified").first)
    #expect(bar.number("y") + bar.number("height") < quarters[0].number("y"))
    // Labels that cannot be split are thinned as before.
    let plain = try render((1...12).map { point("Quarter \($0)", 10, 5) }, width: 360)
    #expect(plain.find("g", class: "group-labels").isEmpty)
    let kept = try #require(plain.find("g", class: "x-axis").first).find("text")
    #expect(kept.count < 12 && kept.last?.text == "Quarter 12")
  }

  @Test func hugeOutlierKeepsSmallBarsVisible() throws {
    let root = try render([point("A", 3, 0), point("B", 1_200_000, 5)])
    let identified = root.find("rect", class: "bar identified")
    #expect(identified[0].number("height") == 2)
    #expect(abs(axisValue(atY: identified[1].number("y"), in: root) - 1_200_000) < 2_000)
    #expect(root.find("rect", class: "bar removed")[0].number("height") == 0)
    let ticks = root.find("g", class: "tick-labels y-axis").first?.find("text").map(\.text)
    #expect(ticks?.last == "1,500,000")
  }

  @Test func allZerosGiveAUnitAxisAndFlatBars() throws {
    let svg = QuarterlyChart(points: [point("A", 0, 0), point("B", 0, 0)]).svg(
      title: "T", description: "", idPrefix: "z")
    #expect(!svg.contains("NaN") && !svg.contains("inf"))
    let root = try parseSVG(svg)
    #expect(root.find("g", class: "tick-labels y-axis").first?.find("text").map(\.text) == ["0", "1"])
    #expect(root.find("rect", class: "bar").allSatisfy { $0.number("height") == 0 })
    #expect(root.find("circle", class: "rate-point").count == 2)
  }

  @Test func negativeCountsCountAsZero() throws {
    let root = try render([QuarterPoint(label: "A", identified: -5, removed: -1, rate: 0), point("B", 4, 2)])
    #expect(root.find("rect", class: "bar identified")[0].number("height") == 0)
    #expect(
      QuarterlyChart(points: [QuarterPoint(label: "A", identified: -5, removed: 3, rate: 0)]).table(
        caption: "c"
      ).rows
        == [["A", "0", "3", "0%"]])
  }

  @Test func onePointIsCentredAndLabelled() throws {
    let root = try render([point("2026-Q4", 37, 12)])
    let bars = root.find("rect", class: "bar")
    #expect(bars.count == 2)
    let grid = try #require(root.find("g", class: "grid").first?.find("line").first)
    let center = (grid.number("x1") + grid.number("x2")) / 2
    let groupCenter = (bars[0].number("x") + bars[1].number("x") + bars[1].number("width")) / 2
    #expect(abs(groupCenter - center) < 0.02)
    #expect(root.find("g", class: "x-axis").first?.find("text").map(\.text) == ["2026-Q4"])
    #expect(root.find("path", class: "rate-line").isEmpty)
    #expect(root.find("circle", class: "rate-point").count == 1)
  }

  @Test(arguments: [[], [QuarterPoint.noData(label: "2026-Q1"), .noData(label: "2026-Q2")]])
  func noDataShowsAMessage(points: [QuarterPoint]) throws {
    let root = try render(points)
    #expect(root.find("text", class: "empty-message").first?.text == "No data yet")
    #expect(root.find("rect", class: "bar").isEmpty)
    #expect(root.children.first?.name == "title")
  }

  @Test func longLabelsAreCutWithTheFullTextKept() throws {
    let long = "Fiscal quarter three of twenty twenty-six"
    let root = try render([point(long, 5, 1), point("B", 6, 2)])
    let label = try #require(root.find("g", class: "x-axis").first?.find("text").first)
    #expect(label.text.hasSuffix("…"))
    #expect(label.tooltip == long)
  }

  @Test func narrowCanvasWrapsTheLegendWithinTheWidth() throws {
    let root = try render([point("A", 5, 1), .noData(label: "B"), point("C", 6, 2)], width: 300)
    let (width, _) = viewBoxSize(root)
    #expect(width == 300)
    let labels = root.find("text", class: "legend-label")
    #expect(labels.count == 4)
    #expect(Set(labels.map { $0.number("y") }).count >= 2)
    for label in labels {
      #expect(label.number("x") + TextMetrics.width(label.text, fontSize: 12) <= width)
    }
  }

  @Test func tableTwinHasTheSameFigures() {
    let chart = QuarterlyChart(
      points: [point("2026-Q3", 1_234, 617), .noData(label: "2026-Q4")], identifiedName: "Found")
    let table = chart.table(caption: "Per quarter")
    #expect(table.caption == "Per quarter")
    #expect(table.header == ["Quarter", "Found", "Removed", "Reduction rate"])
    #expect(
      table.rows == [["2026-Q3", "1,234", "617", "50%"], ["2026-Q4", "no data", "no data", "no data"]])
    #expect(table.numericColumns == [false, true, true, true])
  }
}
