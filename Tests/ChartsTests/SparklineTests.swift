import Testing

@testable import Charts

@Suite struct SparklineTests {
  private func pathPoints(_ root: Node) -> [(x: Double, y: Double)] {
    let numbers = (root.find("path", class: "spark-line").first?.attributes["d"] ?? "")
      .split(whereSeparator: { "ML ".contains($0) }).compactMap { Double(String($0)) }
    return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
  }

  @Test func fixedSizeWithTitleAndSpanningLowestToHighest() throws {
    let line = Sparkline(values: [10, 30, 20, 40])
    let root = try parseSVG(line.svg(title: "Open: 10 → 40", idPrefix: "s"))
    #expect(root.attributes["width"] == "120" && root.attributes["height"] == "28")
    #expect(root.attributes["viewBox"] == "0 0 120 28")
    #expect(root.children.first?.name == "title" && root.children.first?.text == "Open: 10 → 40")
    #expect(root.find("desc").isEmpty)
    let points = pathPoints(root)
    #expect(points.count == 4)
    #expect(points.map(\.x) == [3, 41, 79, 117])
    #expect(points[0].y == 25 && points[3].y == 3)
    #expect(abs(points[2].y - 17.67) < 0.01)
    let latest = try #require(root.find("circle", class: "spark-latest").first)
    #expect(latest.number("cx") == 117 && latest.number("cy") == 3)
  }

  @Test func zeroBasedScaleStartsAtZero() throws {
    let root = try parseSVG(Sparkline(values: [10, 20], zeroBased: true).svg(title: "t", idPrefix: "s"))
    #expect(pathPoints(root).map(\.y) == [14, 3])
  }

  @Test func flatAndSingleValuesSitInTheMiddle() throws {
    let flat = try parseSVG(Sparkline(values: [3, 3, 3]).svg(title: "t", idPrefix: "s"))
    #expect(pathPoints(flat).allSatisfy { $0.y == 14 })
    let single = try parseSVG(Sparkline(values: [5]).svg(title: "t", idPrefix: "s"))
    #expect(single.find("path").isEmpty)
    let dot = try #require(single.find("circle").first)
    #expect(dot.number("cx") == 60 && dot.number("cy") == 14)
  }

  @Test func emptySaysSo() throws {
    let root = try parseSVG(Sparkline(values: []).svg(title: "t", idPrefix: "s"))
    #expect(root.find("text", class: "empty-message").first?.text == "No data yet")
    #expect(Sparkline(values: []).summary == "No data yet")
  }

  @Test func summaryAndTable() {
    #expect(
      Sparkline(values: [1_200, 1_100, 1_250, 1_150]).summary
        == "4 values from 1,200 to 1,150, lowest 1,100, highest 1,250")
    #expect(Sparkline(values: [7]).summary == "1 value: 7")
    #expect(Sparkline(values: [7, 1_000]).table(caption: "c").rows == [["1", "7"], ["2", "1,000"]])
  }
}
