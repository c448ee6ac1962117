import Testing

@testable import Charts

/// Checks every chart type shares: the root element, escaping, ids, number format, determinism.
@Suite struct CommonChartTests {
  static let hostile = "</text><script>alert(1)</script>"
  static let cdataEnd = "]]> & 'single' \"double\" <b>"

  /// One chart of each type, rendered with the given strings everywhere a caller's text can go.
  static func allCharts(label: String, title: String, description: String, prefix: String) -> [String] {
    [
      QuarterlyChart(
        points: [
          QuarterPoint(label: label, identified: 5, removed: 2, rate: 0.4), .noData(label: label),
          QuarterPoint(label: "B", identified: 7, removed: 3, rate: 0.43),
        ], identifiedName: label, removedName: label, rateName: label
      ).svg(title: title, description: description, idPrefix: prefix),
      LineChart(
        points: [LinePoint(label: label, x: 0, value: 3), LinePoint(label: "b", x: 9, value: 4)],
        seriesName: label
      )
      .svg(title: title, description: description, idPrefix: prefix),
      HorizontalBarChart(
        items: [BarItem(label: label, value: 3), BarItem(label: "b", value: 4)], valueName: label
      )
      .svg(title: title, description: description, idPrefix: prefix),
      Sparkline(values: [1, 2, 3]).svg(title: title, description: description, idPrefix: prefix),
      LeaderboardChart(
        entries: [
          LeaderboardEntry(label: label, rate: 0.4, removed: 2, identified: 5),
          LeaderboardEntry(label: label, rate: nil, removed: 0, identified: 0, isSetApart: true),
        ], referenceRate: 0.3, referenceName: label, valueName: label
      ).svg(title: title, description: description, idPrefix: prefix),
    ]
  }

  @Test func rootElementIsAccessibleAndResponsive() throws {
    let charts = Self.allCharts(
      label: "a", title: "Chart title", description: "What it shows", prefix: "team-a")
    for (index, svg) in charts.enumerated() {
      #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "))
      let root = try parseSVG(svg)
      #expect(root.attributes["role"] == "img")
      #expect(root.attributes["aria-labelledby"] == "team-a-title")
      #expect(root.attributes["aria-describedby"] == "team-a-desc")
      #expect(root.children.first?.name == "title" && root.children.first?.attributes["id"] == "team-a-title")
      #expect(root.children.first?.text == "Chart title")
      #expect(root.children.dropFirst().first?.name == "desc" && root.children[1].text == "What it shows")
      // Only the sparkline has a fixed size; the others scale with their container.
      #expect((root.attributes["width"] == nil) == (index != 3))
      let (width, height) = viewBoxSize(root)
      #expect(width > 0 && height > 0)
      // Charts with a fixed canvas have a landscape shape; bar charts grow with their rows.
      if index < 2 { #expect(width / height >= 1.5 && width / height <= 3) }
    }
  }

  @Test func standaloneFilesCarryNoAriaAttributes() throws {
    let svg = QuarterlyChart(points: [QuarterPoint(label: "A", identified: 1, removed: 0, rate: 0)])
      .svg(title: "T", description: "D", idPrefix: "p", embedding: .standalone)
    #expect(!svg.contains("aria-"))
    let root = try parseSVG(svg)
    #expect(root.attributes["role"] == "img" && root.children.first?.name == "title")
  }

  @Test func standaloneFilesDeclareXMLAndHaveAnOpaqueBackground() throws {
    let charts: [String] = [
      QuarterlyChart(points: []).svg(title: "T", description: "D", idPrefix: "p", embedding: .standalone),
      LineChart(points: [LinePoint(label: "a", x: 0, value: 1)]).svg(
        title: "T", description: "", idPrefix: "p", embedding: .standalone),
      HorizontalBarChart(items: [BarItem(label: "a", value: 1)]).svg(
        title: "T", description: "D", idPrefix: "p", embedding: .standalone),
      LeaderboardChart(entries: [LeaderboardEntry(label: "a", rate: 1, removed: 1, identified: 1)]).svg(
        title: "T", description: "D", idPrefix: "p", embedding: .standalone),
    ]
    for svg in charts {
      #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
      let root = try parseSVG(svg)
      // Title (and description) first, then a white rectangle over the whole canvas, under
      // everything else.
      let titles = root.children.prefix { $0.name == "title" || $0.name == "desc" }
      #expect(titles.first?.name == "title")
      let background = try #require(root.children.dropFirst(titles.count).first)
      #expect(background.name == "rect" && background.attributes["class"] == "background")
      #expect(background.attributes["fill"] == "#FFFFFF")
      let (width, height) = viewBoxSize(root)
      #expect(background.number("width") == width && background.number("height") == height)
    }
    // Inline charts take the page's background; a sparkline is too small to need one.
    let inline = QuarterlyChart(points: []).svg(title: "T", description: "", idPrefix: "p")
    #expect(!inline.hasPrefix("<?xml") && !inline.contains("class=\"background\""))
    let spark = Sparkline(values: [1, 2]).svg(title: "T", idPrefix: "p", embedding: .standalone)
    #expect(spark.hasPrefix("<?xml") && !spark.contains("class=\"background\""))
  }

  @Test func emptyDescriptionLeavesOutDesc() throws {
    let root = try parseSVG(LineChart(points: []).svg(title: "T", description: "", idPrefix: "p"))
    #expect(root.find("desc").isEmpty && root.attributes["aria-describedby"] == nil)
  }

  @Test(arguments: [hostile, cdataEnd, "bell\u{07}char"])
  func callerTextIsEscapedEverywhere(text: String) throws {
    for svg in Self.allCharts(label: text, title: text, description: text, prefix: text) {
      let root = try parseSVG(svg)
      #expect(!svg.contains("<script") && !svg.contains("<b>"))
      #expect(root.all.allSatisfy { $0.name != "script" && $0.name != "b" })
      // Text comes back exactly as given (forbidden control characters become U+FFFD).
      let expected = text.replacingOccurrences(of: "\u{07}", with: "\u{FFFD}")
      #expect(root.children.first?.text == expected)
      #expect(root.find("desc").first?.text == expected)
      let texts = root.all.filter { $0.name == "text" || $0.name == "title" }
      #expect(
        texts.contains { $0.text == expected || $0.tooltip == expected || $0.text.hasPrefix(expected + ",") })
      // Ids are sanitised, so the prefix cannot break out of an attribute.
      for node in root.all {
        if let id = node.attributes["id"] {
          #expect(id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        }
      }
    }
  }

  @Test func hostileLabelsStayInTheirTextElements() throws {
    let root = try parseSVG(
      HorizontalBarChart(items: [BarItem(label: Self.hostile, value: 1)]).svg(
        title: "t", description: "", idPrefix: "h"))
    let label = try #require(root.find("g", class: "bar-labels").first?.find("text").first)
    #expect(label.text == Self.hostile || label.tooltip == Self.hostile)
  }

  @Test func numbersAreShortFixedDecimals() throws {
    let charts =
      Self.allCharts(label: "x", title: "t", description: "d", prefix: "p") + [
        QuarterlyChart(
          points: (0..<37).map {
            QuarterPoint(label: "Q\($0)", identified: $0 * 3_331, removed: $0, rate: 1 / 3)
          }
        )
        .svg(title: "t", description: "", idPrefix: "p"),
        LineChart(
          points: (0..<97).map { LinePoint(label: "d", x: $0 * 7 + $0 % 3, value: 100_003 - $0 * 17) }
        )
        .svg(title: "t", description: "", idPrefix: "p"),
        Sparkline(values: [1, 7, 3, 9, 2, 11, 5]).svg(title: "t", idPrefix: "p"),
      ]
    for svg in charts {
      let numbers = geometryNumbers(try parseSVG(svg))
      #expect(!numbers.isEmpty)
      for number in numbers {
        #expect(number.wholeMatch(of: /-?(0|[1-9][0-9]*)(\.[0-9]?[1-9])?/) != nil, "\(number)")
        #expect(number != "-0")
      }
      #expect(!svg.contains("NaN") && !svg.contains("inf"))
      // No exponent notation anywhere (colours like #009E73 are not numbers).
      #expect(svg.replacing(/#[0-9A-Fa-f]{6}/, with: "").firstMatch(of: /[0-9][eE][-+]?[0-9]/) == nil)
    }
  }

  @Test func renderingIsDeterministic() {
    let first = Self.allCharts(label: "é & 日本", title: "t", description: "d", prefix: "p")
    let second = Self.allCharts(label: "é & 日本", title: "t", description: "d", prefix: "p")
    #expect(first == second)
  }

  @Test func idsFollowThePrefixSoChartsCanShareAPage() throws {
    let a = try parseSVG(Self.allCharts(label: "x", title: "t", description: "d", prefix: "one")[0])
    let b = try parseSVG(Self.allCharts(label: "x", title: "t", description: "d", prefix: "two")[0])
    let idsA = Set(a.all.compactMap { $0.attributes["id"] })
    let idsB = Set(b.all.compactMap { $0.attributes["id"] })
    #expect(idsA.contains("one-hatch") && idsA.allSatisfy { $0.hasPrefix("one-") })
    #expect(idsA.isDisjoint(with: idsB))
    // Every url(#…) reference points at an id in the same chart.
    for node in a.all {
      for value in node.attributes.values where value.hasPrefix("url(#") {
        #expect(idsA.contains(String(value.dropFirst(5).dropLast())))
      }
    }
  }

  @Test func unusableSizesFallBackInsteadOfBreaking() throws {
    let point = QuarterPoint(label: "A", identified: 1, removed: 1, rate: 1)
    for size in [0.0, -50, .nan, .infinity, 1e9] {
      let svgs = [
        QuarterlyChart(points: [point], width: size, height: size).svg(
          title: "t", description: "", idPrefix: "p"),
        LineChart(points: [LinePoint(label: "a", x: 0, value: 1)], width: size, height: size)
          .svg(title: "t", description: "", idPrefix: "p"),
        HorizontalBarChart(items: [BarItem(label: "a", value: 1)], width: size).svg(
          title: "t", description: "", idPrefix: "p"),
        Sparkline(values: [1, 2], width: size, height: size).svg(title: "t", idPrefix: "p"),
        LeaderboardChart(
          entries: [LeaderboardEntry(label: "a", rate: 0.5, removed: 1, identified: 2)], width: size,
          referenceRate: size
        ).svg(title: "t", description: "", idPrefix: "p"),
      ]
      for svg in svgs {
        let (width, height) = viewBoxSize(try parseSVG(svg))
        #expect(width >= 24 && width <= 10_000 && height >= 12 && height <= 10_000)
        #expect(!svg.contains("NaN"))
      }
    }
  }

  @Test func colourIsNeverTheOnlyCue() throws {
    let root = try parseSVG(Self.allCharts(label: "x", title: "t", description: "d", prefix: "p")[0])
    // Removed bars are filled with the hatch pattern, identified bars with a plain colour.
    let removed = try #require(root.find("rect", class: "bar removed").first)
    #expect(removed.attributes["fill"] == "url(#p-hatch)")
    #expect(root.find("rect", class: "bar identified").first?.attributes["fill"]?.hasPrefix("#") == true)
    #expect(
      root.find("path", class: "rate-line").first?.attributes["stroke-dasharray"] != nil
        || root.find("circle", class: "rate-point").count > 0)
    let legend = root.find("g", class: "legend-item").map { $0.attributes["class"] ?? "" }
    #expect(
      legend == ["legend-item identified", "legend-item removed", "legend-item rate", "legend-item gap"])
    #expect(root.find("rect", class: "swatch removed").first?.attributes["fill"] == "url(#p-hatch)")
    #expect(root.find("line", class: "swatch rate").first?.attributes["stroke-dasharray"] == "6 3")
  }
}
