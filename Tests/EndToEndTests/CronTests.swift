import Foundation
import Logging
import Model
import Testing

@testable import PermsiteKit

/// What the nightly cron job relies on: one build at a time, the same bytes for the same input,
/// hostile input kept as text, and file names that stay inside the output folder.
@Suite struct CronTests {
  static func options(_ tree: SiteTree, output: String = "output") -> BuildOptions {
    BuildOptions(
      site: tree.root, output: tree.root.appendingPathComponent(output),
      now: Timestamp(secondsSinceEpoch: 1_795_000_000))
  }

  static var quiet: Logger {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return logger
  }

  /// Every file under a folder (following the output link) with its bytes.
  static func tree(_ url: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let root = url.resolvingSymlinksInPath()
    let enumerator = FileManager.default.enumerator(atPath: root.path)
    while let path = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isFolder)
      if !isFolder.boolValue { result[path] = try Data(contentsOf: root.appendingPathComponent(path)) }
    }
    return result
  }

  @Test func aSecondBuildOfTheSameSiteIsRefusedWhileTheFirstRuns() throws {
    let tree = try SiteTree(BuildTests.siteFiles())
    defer { tree.remove() }
    let held = try BuildLock.acquire(in: tree.root, now: "2026-11-23T02:00:00Z")
    #expect {
      try BuildPipeline(options: Self.options(tree), logger: Self.quiet).run()
    } throws: { error in
      guard let held = error as? LockHeld else { return false }
      return held.holder == "pid \(getpid()), started 2026-11-23T02:00:00Z"
        && held.description.contains("another build of this site is running")
    }
    #expect(!tree.exists("output"), "the refused build changed nothing")
    withExtendedLifetime(held) {}
  }

  @Test func theLockHoldsTheHoldersLineAloneWhateverAnEarlierHolderLeft() throws {
    let tree = try SiteTree(BuildTests.siteFiles())
    defer { tree.remove() }
    let earlier = "pid 1, started 2020-01-01T00:00:00Z, and a much longer line\nand more\n"
    try tree.write(".permsite.lock", earlier)
    let held = try BuildLock.acquire(in: tree.root, now: "2026-11-23T02:00:00Z")
    #expect(try tree.read(".permsite.lock") == "pid \(getpid()), started 2026-11-23T02:00:00Z\n")
    withExtendedLifetime(held) {}
  }

  @Test func aBuildRefusedWhileTheHolderWritesItsLineNamesTheFirstLineOnly() throws {
    let tree = try SiteTree(BuildTests.siteFiles())
    defer { tree.remove() }
    // As a holder leaves it between writing its line over a longer one and cutting the rest.
    try tree.write(".permsite.lock", "pid 7, started 2026-11-23T02:00:00Z\nolder holder's tail\n")
    let descriptor = open(tree.root.appendingPathComponent(".permsite.lock").path, O_RDWR)
    defer { close(descriptor) }
    #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
    #expect {
      _ = try BuildLock.acquire(in: tree.root, now: "2026-11-23T02:01:00Z")
    } throws: { error in
      (error as? LockHeld)?.holder == "pid 7, started 2026-11-23T02:00:00Z"
    }
  }

  @Test func theLockIsFreeAgainAfterABuild() throws {
    let tree = try SiteTree(BuildTests.siteFiles())
    defer { tree.remove() }
    _ = try BuildPipeline(options: Self.options(tree), logger: Self.quiet).run()
    _ = try BuildPipeline(options: Self.options(tree), logger: Self.quiet).run()
  }

  @Test func theSameInputGivesTheSameBytes() throws {
    let tree = try SiteTree(BuildTests.siteFiles())
    defer { tree.remove() }
    _ = try BuildPipeline(options: Self.options(tree, output: "first"), logger: Self.quiet).run()
    _ = try BuildPipeline(options: Self.options(tree, output: "second"), logger: Self.quiet).run()
    let first = try Self.tree(tree.root.appendingPathComponent("first"))
    let second = try Self.tree(tree.root.appendingPathComponent("second"))
    #expect(first.keys.sorted() == second.keys.sorted())
    for (path, bytes) in first { #expect(second[path] == bytes, "\(path) differs between two builds") }
    #expect(first.count > 20)
  }

  static let hostile = #"<script>alert(1)</script>"><img src=x onerror=alert(2)>]]>{{mustache}}"#
  static let bidi = "evil\u{202E}txt.exe"

  static func hostileSite() -> [String: String] {
    let role = "arn:aws:iam::111122223333:role/x-\(hostile.filter { $0 != "/" && $0 != " " })"
    var files = BuildTests.siteFiles()
    func quoted(_ text: String) -> String {
      "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        + "\""
    }
    files["teams.yml"] = """
      teams:
        - id: \(quoted("../../etc/" + hostile))
          name: \(quoted(hostile + bidi))
          champions:
            - name: \(quoted(hostile))
              email: "javascript:alert(3)"
          match:
            tags: [\(quoted("team=" + hostile))]
        - id: CON
          name: Reserved
          match:
            accounts: ["999988887777"]
      """
    files["content/procedures/evil.md"] = """
      ---
      checklist: quarterly
      ---
      # Evil \(hostile)

      <script>alert(4)</script>

      [click](javascript:alert(5)) {{mustache}} \(bidi)

      - [ ] Do \(hostile) for {team} {#evil}
      """
    let longName = String(repeating: "a", count: 300)
    let inventory = FindingJSON.inventory(roles: [
      (role, ["team": hostile]), ("arn:aws:iam::111122223333:role/\(longName)", ["team": hostile]),
      (BuildTests.misc, [:]),
    ])
    for snapshot in ["2026-10-05", "2026-11-20"] {
      files["content/analysis/\(snapshot)/authorization-details.json"] = inventory
      files["content/analysis/\(snapshot)/findings.jsonl"] = [
        FindingJSON.unusedPermission(
          id: "f1", arn: role, status: "ACTIVE", services: [("s3", ["s3:\(hostile.filter { $0 != "\"" })"])]),
        FindingJSON.unusedPermission(
          id: "f2", arn: "arn:aws:iam::111122223333:role/\(longName)", status: "ACTIVE",
          services: [("kms", nil)]),
        FindingJSON.unusedPermission(
          id: "f3", arn: BuildTests.misc, status: "ACTIVE", services: [("sqs", nil)]),
      ].joined(separator: "\n")
    }
    for day in ["2026-03-15", "2026-05-20", "2026-06-25"] {
      files.removeValue(forKey: "content/analysis/\(day)/findings.jsonl")
    }
    for day in ["2026-03-15", "2026-05-20", "2026-06-25"] {
      files.removeValue(forKey: "content/analysis/\(day)/authorization-details.json")
    }
    return files
  }

  @Test func hostileDataStaysData() throws {
    let tree = try SiteTree(Self.hostileSite())
    defer { tree.remove() }
    _ = try BuildPipeline(options: Self.options(tree), logger: Self.quiet).run()
    let files = try Self.tree(tree.root.appendingPathComponent("output"))
    #expect(files.keys.allSatisfy { !$0.contains("..") && !$0.hasPrefix("/") })
    #expect(files.keys.contains("teams/con-team/index.html"), "a reserved device name gets a suffix")
    #expect(files.keys.allSatisfy { $0.split(separator: "/").allSatisfy { $0.count <= 100 } })
    for (path, data) in files {
      let text = String(decoding: data, as: UTF8.self)
      if path.hasSuffix(".html") || path.hasSuffix(".svg") {
        #expect(!text.contains("<script"), "\(path) has a script element")
        #expect(!text.contains("<img src=x"), "\(path) has an injected image")
        #expect(!text.contains("href=\"javascript:"), "\(path) links to javascript:")
        #expect(!text.contains("\u{202E}"), "\(path) carries a bidi override")
      }
    }
    let dashboard = String(decoding: files["index.html"]!, as: UTF8.self)
    #expect(
      dashboard.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;]]&gt;{{mustache}}")
    )
    #expect(dashboard.contains("evil[U+202E]txt.exe"))
    let procedure = String(decoding: files["procedures/evil.html"]!, as: UTF8.self)
    #expect(procedure.contains("{{mustache}}"), "Mustache in procedures is text, not a tag")
    for (path, data) in files where path.hasSuffix(".svg") {
      #expect(XMLParser(data: data).parse(), "\(path) is not well-formed XML")
    }
  }

  @Test func aBadReviewFileStopsOnlyThatTeamsChecklist() throws {
    var files = BuildTests.siteFiles()
    files["content/reviews/2026-Q4/payments.yml"] =
      "signed_off:\n  - id: read\n    by: Priya\n    date: 2026-13-45\n"
    let tree = try SiteTree(files)
    defer { tree.remove() }
    let summary = try BuildPipeline(options: Self.options(tree), logger: Self.quiet).run()
    #expect(
      try #require(summary.report).dataProblems.contains {
        $0.file == "content/reviews/2026-Q4/payments.yml" && $0.line == 4
          && $0.message.contains("is not a date")
      })
    #expect(try tree.read("output/index.html").contains("content/reviews/2026-Q4/payments.yml:4"))
    #expect(tree.exists("output/teams/payments/checklists/2026-Q4.html"))
  }

  @Test func aRuleThatMatchesNothingIsReported() throws {
    var files = BuildTests.siteFiles()
    files["teams.yml"] =
      files["teams.yml"]! + "\n  - id: typo\n    name: Typo\n    match:\n      tags: [\"team=paymnts\"]\n"
    let tree = try SiteTree(files)
    defer { tree.remove() }
    let summary = try BuildPipeline(options: Self.options(tree), logger: Self.quiet).run()
    #expect(
      try #require(summary.report).dataProblems.map(\.message).contains(
        "field teams[2].match.tags[0]: the rule team=paymnts of team typo matches no principal in any snapshot; check it for a typo"
      ))
  }

  @Test func aRebuildWithNothingNewKeepsThePublishedSiteUntilAnInputChanges() throws {
    let tree = try SiteTree(BuildTests.siteFiles())
    defer { tree.remove() }
    var options = Self.options(tree)
    options.reusesUnchangedSite = true
    let first = try BuildPipeline(options: options, logger: Self.quiet).run()
    #expect(first.report != nil)
    let published = try Self.tree(tree.root.appendingPathComponent("output"))
    let kept = try BuildPipeline(options: options, logger: Self.quiet).run()
    #expect(kept.report == nil && kept.files == 0, "nothing changed: nothing analysed or written")
    #expect(try Self.tree(tree.root.appendingPathComponent("output")) == published)

    // Each of these changes what the site would show, so each builds again.
    var later = options
    later.now = Timestamp(secondsSinceEpoch: 1_795_000_000 + 86_400)
    #expect(try BuildPipeline(options: later, logger: Self.quiet).run().report != nil, "a new day")
    #expect(try BuildPipeline(options: later, logger: Self.quiet).run().report == nil)
    try tree.write("templates/partials/cards.mustache", "{{#cards}}<p>{{label}}: {{value}}</p>{{/cards}}")
    #expect(try BuildPipeline(options: later, logger: Self.quiet).run().report != nil, "a template")
    try tree.write("teams.yml", try tree.read("teams.yml") + "\n")
    #expect(try BuildPipeline(options: later, logger: Self.quiet).run().report != nil, "teams.yml")
    var fixed = later
    fixed.reusesUnchangedSite = false
    #expect(try BuildPipeline(options: fixed, logger: Self.quiet).run().report != nil, "reuse not allowed")

    // The key vouches only for the tree the output link points at, and only while that tree holds
    // every file it was published with: otherwise the site is built again.
    let page = tree.root.appendingPathComponent("output/index.html")
    try FileManager.default.removeItem(at: page)
    #expect(try BuildPipeline(options: later, logger: Self.quiet).run().report != nil, "a page deleted")
    #expect(FileManager.default.fileExists(atPath: page.path), "and written again")
    #expect(try BuildPipeline(options: later, logger: Self.quiet).run().report == nil)
    try FileManager.default.removeItem(at: tree.root.appendingPathComponent("output"))
    #expect(try BuildPipeline(options: later, logger: Self.quiet).run().report != nil, "output deleted")
  }
}

#if canImport(FoundationXML)
  import FoundationXML
#endif
