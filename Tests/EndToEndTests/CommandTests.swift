import ArgumentParser
import Foundation
import Logging
import Model
import Testing

@testable import PermsiteKit

@Suite struct CommandTests {
  @Test func anInitialisedSiteBuildsAsItIs() throws {
    let tree = try SiteTree([:])
    defer { tree.remove() }
    let written = try SiteInitializer(root: tree.root).write()
    #expect(written.contains("site.yml") && written.contains("teams.yml"))
    #expect(written.contains("templates/layout.mustache") && written.contains("templates/assets/site.css"))
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let summary = try BuildPipeline(
      options: BuildOptions(site: tree.root, now: Timestamp(secondsSinceEpoch: 0)), logger: logger
    ).run()
    #expect(try #require(summary.report).snapshot == nil)
    let dashboard = try tree.read("output/index.html")
    #expect(dashboard.contains("No snapshots are recorded yet"))
    #expect(
      try tree.read("output/procedures/quarterly-access-review.html").contains("Quarterly access review"))
  }

  @Test func initRefusesToOverwrite() throws {
    let tree = try SiteTree(["teams.yml": "teams: []\n"])
    defer { tree.remove() }
    #expect {
      try SiteInitializer(root: tree.root).write()
    } throws: { error in
      "\(error)".contains("already has teams.yml")
    }
    #expect(try tree.read("teams.yml") == "teams: []\n")
  }

  @Test func buildOptionsAreParsed() throws {
    let command = try PermsiteCommand.parseAsRoot([
      "build", "--site", "/s", "--date", "2026-11-22", "--quiet",
    ])
    let build = try #require(command as? Build)
    #expect(build.site == "/s")
    #expect(build.date == "2026-11-22")
    #expect(build.logging.quiet)
    #expect(throws: (any Error).self) { try PermsiteCommand.parseAsRoot(["build", "--date", "22/11/2026"]) }
  }

  @Test func theBuildTimeHonoursSourceDateEpoch() {
    #expect(Clock.now(environment: ["SOURCE_DATE_EPOCH": "1795000000"]).iso == "2026-11-18T11:06:40Z")
  }

  @Test func validateChecksSnapshotsEvenWhenTheConfigurationIsBad() throws {
    var files = BuildTests.siteFiles()
    files["teams.yml"] = "teams:\n  - id: a\n    match:\n      tags: [\"nokey\"]\n"
    files["content/analysis/2026-11-20/broken.jsonl"] = #"{"findingType":"UnusedPermission","status":7}"#
    let tree = try SiteTree(files)
    defer { tree.remove() }
    var command = try #require(
      try PermsiteCommand.parseAsRoot(["validate", "--site", tree.root.path, "--quiet"]) as? Validate)
    #expect(throws: ExitCode.failure) { try command.run() }
    #expect(!tree.exists("output"), "validate writes nothing")
    #expect(!tree.exists("history.sqlite"), "validate records nothing")
    files.removeValue(forKey: "content/analysis/2026-11-20/broken.jsonl")
    let good = try SiteTree(BuildTests.siteFiles())
    defer { good.remove() }
    command = try #require(
      try PermsiteCommand.parseAsRoot(["validate", "--site", good.root.path, "--quiet"]) as? Validate)
    try command.run()
  }
}
