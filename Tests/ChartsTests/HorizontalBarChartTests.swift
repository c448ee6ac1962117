import Testing

@testable import Charts

@Suite struct HorizontalBarChartTests {
  private func render(_ items: [BarItem], total: Int? = nil, width: Double = 600) throws -> Node {
    try parseSVG(
      HorizontalBarChart(items: items, total: total, width: width, valueName: "Unused")
        .svg(title: "T", description: "", idPrefix: "h"))
  }

  @Test func barLengthsAreProportionalAndLabelledWithShare() throws {
    let root = try render([
      BarItem(label: "ec2", value: 600), BarItem(label: "s3", value: 300), BarItem(label: "iam", value: 100),
      BarItem(label: "kms", value: 0),
    ])
    let bars = root.find("rect", class: "bar")
    #expect(bars.count == 4)
    let widths = bars.map { $0.number("width") }
    #expect(abs(widths[1] / widths[0] - 0.5) < 0.005)
    #expect(abs(widths[2] / widths[0] - 1.0 / 6) < 0.005)
    #expect(widths[3] == 0)
    #expect(Set(bars.map { $0.number("x") }).count == 1)
    let values = try #require(root.find("g", class: "value-labels").first).find("text")
    #expect(values.map(\.text) == ["600 (60%)", "300 (30%)", "100 (10%)", "0 (0%)"])
    for (value, bar) in zip(values, bars) {
      #expect(value.number("x") > bar.number("x") + bar.number("width"))
      #expect(abs(value.number("y") - (bar.number("y") + bar.number("height") / 2)) < 0.02)
    }
    #expect(bars[0].tooltip == "ec2, Unused: 600 (60%)")
  }

  @Test func explicitTotalIsThePercentageBase() throws {
    let chart = HorizontalBarChart(items: [BarItem(label: "ec2", value: 25)], total: 200)
    #expect(chart.table(caption: "c").rows == [["ec2", "25", "12.5%"]])
    #expect(
      HorizontalBarChart(items: [BarItem(label: "x", value: 5)], total: 0).table(caption: "c").rows[0][2]
        == "0%")
  }

  @Test func longLabelsAreCutAndTheLabelColumnIsCapped() throws {
    let long = "a-really-long-service-namespace-name-that-goes-on-and-on"
    let root = try render([BarItem(label: long, value: 10), BarItem(label: "s3", value: 5)])
    let labels = try #require(root.find("g", class: "bar-labels").first).find("text")
    #expect(labels[0].text.hasSuffix("…"))
    #expect(labels[0].tooltip == long)
    #expect(labels[1].text == "s3" && labels[1].tooltip == nil)
    let bar = try #require(root.find("rect", class: "bar").first)
    #expect(bar.number("x") <= 200 + 14)
    for label in labels { #expect(label.number("x") - TextMetrics.width(label.text, fontSize: 12) >= 0) }
  }

  @Test func shortLabelsGetANarrowColumn() throws {
    let root = try render([BarItem(label: "ec2", value: 10)])
    #expect(try #require(root.find("rect", class: "bar").first).number("x") < 50)
  }

  @Test func fortyBarsGrowTheHeightAndStayInside() throws {
    let items = (0..<40).map { BarItem(label: "service-\($0)", value: 1_000_000 - $0 * 20_000) }
    let root = try render(items)
    let (width, height) = viewBoxSize(root)
    #expect(height == 40 * 24 + 12)
    #expect(HorizontalBarChart(items: items).height == height)
    let bars = root.find("rect", class: "bar")
    #expect(bars.count == 40)
    for (upper, lower) in zip(bars, bars.dropFirst()) {
      #expect(upper.number("y") + upper.number("height") < lower.number("y"))
    }
    for value in try #require(root.find("g", class: "value-labels").first).find("text") {
      #expect(value.number("x") + TextMetrics.width(value.text, fontSize: 12) <= width)
    }
  }

  @Test func narrowCanvasStillLeavesRoomForBars() throws {
    let root = try render(
      [BarItem(label: "a-long-service-name-here", value: 1_000_000), BarItem(label: "s3", value: 1)],
      width: 240)
    let bars = root.find("rect", class: "bar")
    #expect(bars[0].number("width") >= 60)
    #expect(bars[1].number("width") == 2)
  }

  @Test func allZerosAndEmpty() throws {
    let zeros = try render([BarItem(label: "ec2", value: 0), BarItem(label: "s3", value: -4)])
    #expect(zeros.find("rect", class: "bar").allSatisfy { $0.number("width") == 0 })
    #expect(zeros.find("g", class: "value-labels").first?.find("text").map(\.text) == ["0 (0%)", "0 (0%)"])
    let empty = try render([])
    #expect(empty.find("text", class: "empty-message").first?.text == "No data yet")
    #expect(viewBoxSize(empty).height == 80)
  }

  @Test func tableTwin() {
    let table = HorizontalBarChart(
      items: [BarItem(label: "ec2", value: 3_000), BarItem(label: "Other", value: 1_000)],
      categoryName: "Service",
      valueName: "Unused permissions"
    ).table(caption: "By service")
    #expect(table.header == ["Service", "Unused permissions", "Share"])
    #expect(table.rows == [["ec2", "3,000", "75%"], ["Other", "1,000", "25%"]])
    #expect(table.numericColumns == [false, true, true])
  }
}
