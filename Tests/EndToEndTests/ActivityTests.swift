import Analysis
import ArgumentParser
import Foundation
import Logging
import Model
import Testing

@testable import PermsiteKit
@testable import Site

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// What changed, what is overdue, feeds, exports, freshness and --fail-on, on the small site of
/// `BuildTests`, whose history is known by heart.
@Suite struct ActivityTests {
  static func build(_ files: [String: String], now: String = "2026-11-21") throws -> (SiteTree, BuildSummary)
  {
    let tree = try SiteTree(files)
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let day = Day(iso: now)!
    let summary = try BuildPipeline(
      options: BuildOptions(
        site: tree.root, now: Timestamp(secondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400 + 3600)),
      logger: logger
    ).run()
    return (tree, summary)
  }

  @Test func changesSinceTheLastReviewHaveTheirDates() throws {
    let (tree, summary) = try Self.build(BuildTests.siteFiles())
    defer { tree.remove() }
    let changes = try #require(summary.report).changes
    // The reference is the last snapshot before Q4: 2026-06-25.
    #expect(changes.since?.iso == "2026-06-25")
    let lines = changes.entries.filter { $0.kind != .overdue }.map {
      "\($0.kind.rawValue) \($0.day.iso) \($0.principal.name) \($0.access)"
    }
    #expect(
      lines == [
        "new 2026-11-20 pay-b kms:Decrypt", "new 2026-11-20 etl glue:GetJob",
        "resolved 2026-11-20 misc iam:PassRole",
        "regressed 2026-10-05 pay-a s3:PutObject", "resolved 2026-10-05 pay-b dynamodb:Scan",
      ])
    // glue:StartJobRun was archived, not removed, and is open again: neither new nor regressed.
    #expect(!lines.contains { $0.contains("StartJobRun") })
  }

  @Test func overdueItemsAreCountedAndDated() throws {
    var files = BuildTests.siteFiles()
    files["site.yml"] = "title: Demo\nremoval_deadline_days: 40\n"
    let (tree, summary) = try Self.build(files)
    defer { tree.remove() }
    // At 2026-11-20 with a 40-day deadline: pay-a ec2:* (open since 2026-01-10 by its finding),
    // pay-a s3:PutObject (since 2026-10-05, 46 days), etl glue:StartJobRun (since 2026-10-05).
    let overdue = try #require(summary.report).teams.flatMap(\.principals).flatMap { report in
      report.items.filter(\.isOverdue).map {
        "\(report.principal.name) \($0.displayName) \($0.daysPastDeadline)"
      }
    }
    #expect(overdue.sorted() == ["etl glue:StartJobRun 6", "pay-a ec2:* 274", "pay-a s3:PutObject 6"])
    #expect(try #require(summary.report).totals.overduePermissions == 3)
    #expect(try #require(summary.report).teams.map(\.totals.overduePermissions) == [2, 1, 0])
    #expect(
      try #require(summary.report).changes.of(.overdue).map { "\($0.day.iso) \($0.access)" }.sorted()
        == [
          "2026-02-19 ec2:*", "2026-11-14 glue:StartJobRun", "2026-11-14 s3:PutObject",
        ].filter { $0 >= "2026-06-25" })
    #expect(try #require(summary.report).oldestItems.first?.item.displayName == "ec2:*")
    let team = try tree.read("output/teams/payments/index.html")
    #expect(team.contains(#"<span class="overdue">2 overdue</span>"#), "pay-a's row")
    let role = try tree.read("output/teams/payments/principals/pay-a.html")
    #expect(role.contains(#"<span class="overdue">overdue by 6 days</span>"#))
  }

  @Test func feedsAreValidAtomWithStableIDs() throws {
    var files = BuildTests.siteFiles()
    files["site.yml"] = "title: Demo\nbase_url: https://iam.example.internal/reports/\n"
    let (tree, _) = try Self.build(files)
    defer { tree.remove() }
    let data = try Data(contentsOf: tree.root.appendingPathComponent("output/feeds/payments.atom"))
    final class Collector: NSObject, XMLParserDelegate {
      var ids: [String] = []
      var titles: [String] = []
      var links: [String] = []
      var text = ""
      var inEntry = false
      func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
      ) {
        text = ""
        if element == "entry" { inEntry = true }
        if element == "link", inEntry, let href = attributes["href"] { links.append(href) }
      }
      func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
      func parser(
        _ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?
      ) {
        if inEntry && element == "id" { ids.append(text) }
        if inEntry && element == "title" { titles.append(text) }
        if element == "entry" { inEntry = false }
      }
    }
    let collector = Collector()
    let parser = XMLParser(data: data)
    parser.shouldProcessNamespaces = true
    parser.delegate = collector
    #expect(parser.parse(), "well-formed XML")
    // Newest first: a new permission, one past its 30-day deadline, one unused again.
    #expect(
      collector.titles == [
        "New unused permission: kms:Decrypt on pay-b", "Overdue: s3:PutObject on pay-a",
        "Unused again: s3:PutObject on pay-a",
      ])
    #expect(
      collector.ids == [
        "tag:iam.example.internal,2026:new/arn:aws:iam::111122223333:role/pay-b/kms:decrypt/2026-11-20",
        "tag:iam.example.internal,2026:overdue/arn:aws:iam::111122223333:role/pay-a/s3:putobject/2026-11-04",
        "tag:iam.example.internal,2026:regressed/arn:aws:iam::111122223333:role/pay-a/s3:putobject/2026-10-05",
      ])
    #expect(
      collector.links == [
        "https://iam.example.internal/reports/teams/payments/principals/pay-b.html",
        "https://iam.example.internal/reports/teams/payments/principals/pay-a.html",
        "https://iam.example.internal/reports/teams/payments/principals/pay-a.html",
      ])
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains(#"<feed xmlns="http://www.w3.org/2005/Atom">"#))
    #expect(text.contains("<updated>2026-11-20T00:00:00Z</updated>"))
  }

  @Test func exportsHaveOneRowPerItemAndNeutraliseFormulas() throws {
    var files = BuildTests.siteFiles()
    // An action name that a spreadsheet would run as a formula.
    files["content/analysis/2026-11-20/extra.jsonl"] = FindingJSON.unusedPermission(
      id: "evil", arn: BuildTests.payB, status: "ACTIVE", services: [("sqs", ["=HYPERLINK(\"x\",\"y\")"])])
    let (tree, _) = try Self.build(files)
    defer { tree.remove() }
    let csv = try tree.read("output/data/teams/payments.csv")
    let lines = csv.components(separatedBy: "\r\n")
    #expect(
      lines[0]
        == "team,principal_arn,principal_name,account,kind,permission,sources,first_seen,last_used,days_open,overdue,status,exception_until,exception_approver"
    )
    #expect(
      lines.contains(
        "payments,arn:aws:iam::111122223333:role/pay-a,pay-a,111122223333,permission,s3:PutObject,Access Analyzer,2026-10-05,,46,yes,open,,"
      ))
    #expect(
      lines.contains {
        $0.contains(#",permission,"sqs:=HYPERLINK(""x"",""y"")",Access Analyzer,"#)
      }, "a cell that does not start with = stays as it is, quoted")
    #expect(lines.count == 6, "a header, four items and the final line break")
    let json = try JSONSerialization.jsonObject(
      with: Data(try tree.read("output/data/teams/payments.json").utf8))
    let rows = try #require(json as? [[String: Any]])
    #expect(rows.count == 4)
    let jsonLines = try tree.read("output/data/teams/payments.json").split(separator: "\n")
    #expect(jsonLines.count == 6, "one row a line between the brackets")
    #expect(jsonLines[1].hasPrefix(#"{"team":"payments","principal_arn":"arn:aws:iam::"#))
    #expect(rows.first?["days_open"] is Int)
    #expect(TeamExportCell.check("=1+1") == "'=1+1")
    #expect(TeamExportCell.check("-5") == "'-5")
    #expect(TeamExportCell.check("@SUM(A1)") == "'@SUM(A1)")
    #expect(TeamExportCell.check("a,b") == "\"a,b\"")
  }

  @Test func freshnessWarnsOfAStaleSnapshotAndAMissingExport() throws {
    var files = BuildTests.siteFiles()
    files["content/analysis/2026-11-20/findings.jsonl"] = nil
    files["content/analysis/2026-11-20/findings-renamed.jsonl"] =
      BuildTests.siteFiles()[
        "content/analysis/2026-11-20/findings.jsonl"]
    let (tree, summary) = try Self.build(files, now: "2026-11-30")
    defer { tree.remove() }
    let freshness = try #require(summary.report).freshness
    #expect(freshness.snapshotAgeDays == 10)
    #expect(freshness.isStale)
    #expect(freshness.missingFiles.map(\.name) == ["findings.jsonl"])
    #expect(freshness.sourceDays[.inventory]?.iso == "2026-11-20")
    let page = try tree.read("output/teams/data/index.html")
    #expect(page.contains("The newest snapshot, of 2026-11-20, is 10 days old"))
    #expect(
      page.contains("findings.jsonl (Access Analyzer findings) was in the previous snapshot but is missing"))
    #expect(
      page.contains(
        "Latest export of each source: Access Analyzer findings 2026-11-20, IAM inventory 2026-11-20."))
  }

  @Test func aSnapshotDatedAfterTheDayOfTheBuildIsWarnedOf() throws {
    // The newest snapshot is of 2026-11-20; the clock says 2026-11-17.
    let (tree, summary) = try Self.build(BuildTests.siteFiles(), now: "2026-11-17")
    defer { tree.remove() }
    let freshness = try #require(summary.report).freshness
    #expect(freshness.snapshotAgeDays == -3 && freshness.isAfterToday && freshness.needsWarning)
    #expect(
      try tree.read("output/index.html").contains(
        "The newest snapshot, of 2026-11-20, is dated 3 days after the day of this build (2026-11-17): "
          + "check the machine&#39;s clock (or SOURCE_DATE_EPOCH) and the snapshot folder&#39;s name."))
    #expect(Analysis.Freshness().afterTodayWarning(snapshot: Day(iso: "2026-11-20")!) == nil)
  }

  @Test func failOnExitsFourAfterBuilding() throws {
    let tree = try SiteTree(BuildTests.siteFiles())
    defer { tree.remove() }
    var command = try #require(
      try PermsiteCommand.parseAsRoot(["build", "--site", tree.root.path, "--quiet", "--fail-on", "open>4"])
        as? Build)
    #expect(throws: ExitCode(4)) { try command.run() }
    #expect(tree.exists("output/index.html"), "the site is built all the same")
    command = try #require(
      try PermsiteCommand.parseAsRoot(["build", "--site", tree.root.path, "--quiet", "--fail-on", "open>5"])
        as? Build)
    try command.run()
    #expect(throws: (any Error).self) { try PermsiteCommand.parseAsRoot(["build", "--fail-on", "bogus>1"]) }
    #expect(Threshold("overdue>=3")?.description == "overdue>=3")
    #expect(Threshold("overdue") == nil)
  }
}

/// The CSV cell rule, reached from here.
enum TeamExportCell {
  static func check(_ value: String) -> String { TeamExport.cell(value) }
}
