import Foundation
import Testing

@testable import Site

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The charts as pages and files carry them: names, links, well-formed standalone files, both
/// variants inline, a table twin for each.
@Suite struct ChartPageTests {
  /// The root element of an XML document and the names of its children, or the parser's error.
  final class Outline: NSObject, XMLParserDelegate {
    var root: String?
    var rootAttributes: [String: String] = [:]
    var children: [String] = []
    var firstChildText = ""
    private var depth = 0

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      if depth == 0 {
        root = elementName
        rootAttributes = attributes
      } else if depth == 1 {
        children.append(elementName)
      }
      depth += 1
    }

    func parser(
      _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
      depth -= 1
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      if depth == 2 && children.count == 1 { firstChildText += string }
    }

    static func parse(_ text: String) -> (Outline, Bool) {
      let parser = XMLParser(data: Data(text.utf8))
      let outline = Outline()
      parser.delegate = outline
      return (outline, parser.parse())
    }
  }

  /// `href` resolved against the folder of `page`, both below the output folder.
  static func resolve(_ href: String, from page: String) -> String {
    var parts = page.split(separator: "/").dropLast().map(String.init)
    for part in href.split(separator: "/").map(String.init) {
      if part == ".." { parts.removeLast() } else if part != "." { parts.append(part) }
    }
    return parts.joined(separator: "/")
  }

  /// The chart figures of a page, each with the markup that follows it up to the next figure or
  /// the end of its section.
  static func figures(_ html: String) -> [(figure: String, after: String)] {
    var result: [(String, String)] = []
    var rest = html[...]
    while let start = rest.range(of: "<figure class=\"chart\">") {
      guard let end = rest.range(of: "</figure>", range: start.upperBound..<rest.endIndex) else { break }
      let figure = String(rest[start.lowerBound..<end.upperBound])
      let tail = rest[end.upperBound...]
      let stops = ["<figure class=\"chart\">", "</section>"].compactMap { tail.range(of: $0)?.lowerBound }
      let after = String(tail[..<(stops.min() ?? tail.endIndex)])
      result.append((figure, after))
      rest = tail
    }
    return result
  }

  @Test func chartFilesHaveStableSluggedNames() throws {
    let files = try Fixtures.files()
    #expect(
      files.keys.filter { $0.hasPrefix("charts/") }.sorted() == [
        "charts/organisation-leaderboard.svg", "charts/organisation-open.svg",
        "charts/organisation-quarterly.svg", "charts/organisation-services.svg", "charts/team-pay-open.svg",
        "charts/team-pay-quarterly.svg", "charts/team-unowned-open.svg", "charts/team-unowned-quarterly.svg",
      ])
    // The same inputs give the same bytes.
    let again = try Fixtures.files()
    for (path, text) in files where path.hasPrefix("charts/") { #expect(again[path] == text) }
  }

  @Test func teamChartNamesComeFromTheTeamFolders() {
    let ids = ["Pay", "pay!", "PAY", "unowned", "a-open", "a", "Équipe ☃"]
    let paths = SitePaths(teamIDs: ids)
    var names = Set<String>()
    for id in ids {
      let folder = paths.teamFolder(id).dropFirst("teams/".count)
      for chart in ["quarterly", "open"] {
        let name = paths.teamChart(id, chart)
        #expect(name == "charts/team-\(folder)-\(chart).svg")
        #expect(name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "-/.".contains($0)) })
        names.insert(name)
      }
    }
    // Colliding ids get the folders' numeric suffixes, so no two charts share a file.
    #expect(names.count == ids.count * 2)
    #expect(paths.teamChart("pay!", "open") == "charts/team-pay-2-open.svg")
    #expect(SitePaths.organisationChart("leaderboard") == "charts/organisation-leaderboard.svg")
  }

  @Test func standaloneFilesAreWellFormedAndNamedByTheirTitle() throws {
    let files = try Fixtures.files()
    let charts = files.filter { $0.key.hasPrefix("charts/") }
    #expect(charts.count == 8)
    for (path, text) in charts {
      #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "), "\(path)")
      let (outline, ok) = Outline.parse(text)
      #expect(ok, "\(path) is not well-formed XML")
      #expect(outline.root == "svg" && outline.rootAttributes["role"] == "img", "\(path)")
      #expect(outline.rootAttributes["xmlns"] == "http://www.w3.org/2000/svg" || text.contains("xmlns="))
      #expect(outline.children.first == "title" && !outline.firstChildText.isEmpty, "\(path)")
      #expect(!text.contains("aria-"), "\(path): the W3C checker rejects aria-* in .svg files")
      #expect(!text.contains("<script"), "\(path) carries a script tag")
    }
    // The hostile team name reaches the team's files escaped, and reads back exactly.
    let quarterly = try #require(charts["charts/team-pay-quarterly.svg"])
    let (outline, _) = Outline.parse(quarterly)
    #expect(outline.firstChildText.hasSuffix(Fixtures.hostileTeamName))
  }

  @Test func everyChartOnAPageLinksToItsFile() throws {
    let files = try Fixtures.files()
    let expected = [
      "index.html": [
        "charts/organisation-leaderboard.svg", "charts/organisation-quarterly.svg",
        "charts/organisation-open.svg",
        "charts/organisation-services.svg",
      ],
      "teams/pay/index.html": ["charts/team-pay-quarterly.svg", "charts/team-pay-open.svg"],
      "teams/unowned/index.html": ["charts/team-unowned-quarterly.svg", "charts/team-unowned-open.svg"],
    ]
    for (page, charts) in expected {
      let html = try #require(files[page])
      let figures = Self.figures(html)
      #expect(figures.count == charts.count, "\(page)")
      for (figure, chart) in zip(figures, charts) {
        let href = try #require(
          figure.figure.firstMatch(of: #/<p class="chart-file"><a href="([^"]+)"/#).map { String($0.1) },
          "\(page): a chart without a link to its file")
        #expect(!href.hasPrefix("/"))
        #expect(Self.resolve(href, from: page) == chart, "\(page)")
        #expect(files[chart] != nil, "\(page) links to \(chart), which is not written")
      }
    }
  }

  @Test func everyChartComesWideAndNarrowWithATableTwin() throws {
    let files = try Fixtures.files()
    for page in ["index.html", "teams/pay/index.html", "teams/unowned/index.html"] {
      let html = try #require(files[page])
      for (figure, after) in Self.figures(html) {
        #expect(figure.contains("<div class=\"chart-wide\"><svg "), "\(page)")
        #expect(figure.contains("<div class=\"chart-narrow\"><svg "), "\(page)")
        #expect(figure.components(separatedBy: "role=\"img\"").count == 3, "\(page)")
        // The same figures as a table: in the figure, or right after it in the same section.
        #expect(
          figure.contains("<table") || after.contains("<table"), "\(page): a chart without a table twin")
      }
      // Two variants of every chart, and still no id twice on the page.
      let ids = html.matches(of: #/ id="([^"]+)"/#).map { String($0.1) }
      #expect(Set(ids).count == ids.count, "\(page) repeats an id")
    }
  }

  @Test func theDashboardRanksTeamsWithTheUnownedGroupSetApart() throws {
    let html = try #require(try Fixtures.files()["index.html"])
    let figure = try #require(Self.figures(html).first).figure
    #expect(figure.contains("class=\"chart chart-leaderboard\""))
    // The unowned group (an unused access key, no permissions) comes last, in italics, and says
    // that nothing was identified rather than showing 0 %.
    #expect(figure.contains("<text class=\"set-apart\""))
    let rows = figure.components(separatedBy: "<g class=\"value-labels\"").dropFirst().first ?? ""
    #expect(rows.contains("nothing identified</text>"))
    // The hostile team name appears only escaped.
    #expect(!figure.contains("<script"))
    #expect(figure.contains("Pay&lt;script&gt;"))
    // The team table under the leaderboard is its table twin.
    let twin = try #require(Self.figures(html).first).after
    #expect(twin.contains("<table class=\"numbers teams\">"))
  }
}
