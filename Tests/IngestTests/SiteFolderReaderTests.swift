import Foundation
import Model
import Testing

@testable import Ingest

@Suite struct SiteFolderReaderTests {
  static let quarterlyProcedure = """
    ---
    title: Quarterly access review
    checklist: quarterly
    teams: [payments, data]
    ---
    # A heading that is not the title

    ## Roles

    - [ ] Read the team page {#read-team-page}
    - [ ] Remove unused roles

    """

  static let review = """
    signed_off:
      - id: read-team-page
        by: Priya Raman
        date: 2025-10-14
        note: Went through it in the team meeting.
      - id: remove-unused-roles
        by: Sam Okafor
        date: "2025-11-02"
    exceptions:
      - principal: arn:aws:iam::111122223333:role/payments-api
        permission: s3:PutBucketPolicy
        justification: Needed for the yearly bucket-policy rotation.
        approver: Dana Whitfield
        expires: 2027-01-31
      - principal: arn:aws:iam::111122223333:role/legacy-batch
        justification: Decommissioned in January.
        approver: Dana Whitfield
        expires: 2026-01-31

    """

  private func demoSite() throws -> TemporaryFolder {
    let site = try TemporaryFolder()
    try site.write("site.yml", "title: Demo\nfiscal_year_start_month: 10\nhistory_store: state/h.sqlite\n")
    try site.write("teams.yml", "teams:\n  - id: payments\n  - id: data\n")
    try site.write("content/analysis/2026-11-22/findings.json", "[]")
    try site.write("content/analysis/2026-02-01/findings.json", "[]")
    try site.write("content/analysis/2025-12-31/findings.json", "[]")
    try site.write("content/analysis/latest/findings.json", "[]")
    try site.write("content/analysis/.incoming/findings.json", "[]")
    try site.write("content/analysis/README.md", "Exports go in dated folders.\n")
    try site.write("content/procedures/quarterly-review.md", Self.quarterlyProcedure)
    try site.write("content/procedures/onboarding.md", "# Onboarding a team\n\n- [ ] Not a checklist\n")
    try site.write("content/procedures/no-title.md", "Just text, no heading.\n\n## Second level\n")
    try site.write(
      "content/procedures/all-teams.md", "---\nchecklist: quarterly\nteams: all\n---\n- [ ] Everyone\n")
    try site.write("content/procedures/notes.txt", "not a procedure")
    try site.write("content/reviews/2026-Q1/payments.yml", Self.review)
    try site.write("content/reviews/2026-Q1/data.yml", "")
    return site
  }

  @Test func aSmallSite() throws {
    let site = try demoSite()
    defer { site.remove() }
    let folder = try SiteFolderReader(root: site.url).read()
    #expect(folder.root == site.url)
    #expect(folder.config.title == "Demo")
    #expect(folder.config.fiscalYearStartMonth == 10)
    #expect(folder.historyURL == site.url.appendingPathComponent("state/h.sqlite"))
    #expect(folder.teams.map(\.id) == ["payments", "data"])
    #expect(
      folder.snapshots == [
        SnapshotFolder(
          day: day("2025-12-31"), url: site.url.appendingPathComponent("content/analysis/2025-12-31"),
          relativePath: "content/analysis/2025-12-31"),
        SnapshotFolder(
          day: day("2026-02-01"), url: site.url.appendingPathComponent("content/analysis/2026-02-01"),
          relativePath: "content/analysis/2026-02-01"),
        SnapshotFolder(
          day: day("2026-11-22"), url: site.url.appendingPathComponent("content/analysis/2026-11-22"),
          relativePath: "content/analysis/2026-11-22"),
      ])
    #expect(
      folder.warnings == [
        IngestWarning(
          file: "content/analysis/latest",
          message: "not a snapshot folder (its name is not a YYYY-MM-DD date); ignored")
      ])
  }

  @Test func proceduresWithTheirTitlesChecklistsAndTeams() throws {
    let site = try demoSite()
    defer { site.remove() }
    let procedures = try SiteFolderReader(root: site.url).read().procedures
    #expect(procedures.map(\.name) == ["all-teams", "no-title", "onboarding", "quarterly-review"])
    #expect(procedures.map(\.file) == procedures.map { "content/procedures/\($0.name).md" })
    #expect(
      procedures.map(\.title) == ["all-teams", "no-title", "Onboarding a team", "Quarterly access review"])
    #expect(procedures.map(\.isQuarterlyChecklist) == [true, false, false, true])
    #expect(procedures.map(\.teamIDs) == [nil, nil, nil, ["payments", "data"]])
    let quarterly = procedures[3].checklist
    #expect(quarterly.slug == "quarterly-review")
    #expect(quarterly.title == "Quarterly access review")
    #expect(quarterly.teamIDs == ["payments", "data"])
    #expect(quarterly.items.map(\.id) == ["read-team-page", "remove-unused-roles"])
    #expect(quarterly.items.map(\.text) == ["Read the team page", "Remove unused roles"])
    #expect(
      quarterly.items.map(\.section)
        == Array(repeating: ["A heading that is not the title", "Roles"], count: 2))
    #expect(quarterly.applies(to: "Payments"))
    #expect(!quarterly.applies(to: "platform"))
    #expect(procedures[0].checklist.applies(to: "platform"))
  }

  @Test func reviewsWithSignOffsAndExceptions() throws {
    let site = try demoSite()
    defer { site.remove() }
    let reviews = try SiteFolderReader(root: site.url).read().reviews
    let quarter = try #require(Quarter(year: 2026, number: 1, fiscalYearStartMonth: 10))
    #expect(
      reviews == [
        Review(
          quarter: quarter, teamID: "data", signOffs: [], exceptions: [],
          file: "content/reviews/2026-Q1/data.yml"),
        Review(
          quarter: quarter, teamID: "payments",
          signOffs: [
            SignOff(
              itemID: "read-team-page", by: "Priya Raman", on: day("2025-10-14"),
              note: "Went through it in the team meeting.", line: 2),
            SignOff(itemID: "remove-unused-roles", by: "Sam Okafor", on: day("2025-11-02"), line: 6),
          ],
          exceptions: [
            ReviewException(
              principalARN: "arn:aws:iam::111122223333:role/payments-api", permission: "s3:PutBucketPolicy",
              justification: "Needed for the yearly bucket-policy rotation.", approver: "Dana Whitfield",
              expires: day("2027-01-31"), line: 10),
            ReviewException(
              principalARN: "arn:aws:iam::111122223333:role/legacy-batch", permission: nil,
              justification: "Decommissioned in January.", approver: "Dana Whitfield",
              expires: day("2026-01-31"),
              line: 15),
          ],
          file: "content/reviews/2026-Q1/payments.yml"),
      ])
    // With the fiscal year starting in October, 2026-Q1 runs from October to December 2025.
    #expect(reviews.first?.quarter.firstDay.iso == "2025-10-01")
  }

  @Test func anEmptySiteFolderHasTheDefaults() throws {
    let site = try TemporaryFolder()
    defer { site.remove() }
    let folder = try SiteFolderReader(root: site.url).read()
    #expect(folder.config == SiteConfig())
    #expect(folder.teams.isEmpty)
    #expect(folder.snapshots.isEmpty)
    #expect(folder.procedures.isEmpty)
    #expect(folder.reviews.isEmpty)
    #expect(folder.warnings.isEmpty)
    #expect(folder.historyURL == site.url.appendingPathComponent("history.sqlite"))
  }

  @Test func anAbsoluteHistoryPathIsKept() throws {
    let site = try TemporaryFolder()
    defer { site.remove() }
    try site.write("site.yml", "history_store: /var/lib/permsite/history.sqlite\n")
    #expect(try SiteFolderReader(root: site.url).read().historyURL.path == "/var/lib/permsite/history.sqlite")
  }

  @Test(
    arguments: [
      (
        "signed_off:\n  - id: read-team-page\n    by: Priya\n    date: 2026-13-45\n", 4, "signed_off[0].date",
        "\"2026-13-45\" is not a date"
      ),
      (
        "exceptions:\n  - principal: arn:aws:iam::1:role/x\n    justification: j\n    approver: a\n    expires: soon\n",
        5,
        "exceptions[0].expires", "\"soon\" is not a date"
      ),
      (
        "signed_off:\n  - id: x\n    date: 2026-01-01\n", 2, "signed_off[0]",
        "a sign-off needs `by` (who signed it off)"
      ),
      (
        "exceptions:\n  - principal: arn:aws:iam::1:role/x\n    approver: a\n    expires: 2026-01-01\n", 2,
        "exceptions[0]", "an exception needs a `justification`"
      ),
      ("signed_off: []\nsigned_of: []\n", 2, "signed_of", "unknown key \"signed_of\""),
      ("signed_off: yes\n", 1, "signed_off", "expected a list, found a single value"),
    ] as [(String, Int, String, String)])
  func badReviewsNameTheFileLineAndField(text: String, line: Int, field: String, message: String) throws {
    let site = try TemporaryFolder()
    defer { site.remove() }
    try site.write("content/reviews/2026-Q4/payments.yml", text)
    // A bad review file does not stop the build: it is reported, and the team's review is left out.
    let folder = try SiteFolderReader(root: site.url).read()
    #expect(folder.reviews.isEmpty)
    #expect(folder.reviewProblems.count == 1)
    let first = try #require(folder.reviewProblems.first)
    #expect(first.file == "content/reviews/2026-Q4/payments.yml")
    #expect(first.line == line)
    #expect(first.field == field)
    #expect(first.message == message)
  }

  @Test func aProcedureWithBadFrontMatterNamesTheLineInTheFile() throws {
    let site = try TemporaryFolder()
    defer { site.remove() }
    try site.write(
      "content/procedures/review.md", "---\ntitle: Review\nchecklist: sometimes\n---\n# Review\n")
    let error = try #require(throws: IngestErrors.self) { try SiteFolderReader(root: site.url).read() }
    #expect(error.errors.count == 1)
    let first = try #require(error.errors.first)
    #expect(first.file == "content/procedures/review.md")
    #expect(first.line == 3)
    #expect(first.field == "checklist")
    #expect(first.message == "expected `quarterly` or `false`, found \"sometimes\"")
  }

  @Test func anUnknownFrontMatterKeyIsAWarning() throws {
    let site = try TemporaryFolder()
    defer { site.remove() }
    try site.write("content/procedures/review.md", "---\ntitle: Review\nowner: security\n---\n# Review\n")
    let folder = try SiteFolderReader(root: site.url).read()
    #expect(
      folder.warnings == [
        IngestWarning(
          file: "content/procedures/review.md", line: 3,
          message: "unknown front matter key \"owner\" is ignored; known keys: title, checklist, teams")
      ])
    #expect(folder.procedures.map(\.title) == ["Review"])
  }

  @Test func severalBadFilesAreAllReportedAtOnce() throws {
    let site = try TemporaryFolder()
    defer { site.remove() }
    try site.write("site.yml", "title: Demo\nfiscal_year_start_month: 13\n")
    try site.write("teams.yml", "teams:\n  - id: a\n  - id: A\n")
    try site.write("content/procedures/good.md", "# Good\n")
    try site.write("content/procedures/bad.md", "---\nteams: {a: b}\n---\n")
    try site.write("content/reviews/2026-Q5/a.yml", "signed_off: []\n")
    try site.write("content/reviews/2026-Q4/a.yml", "signed_off:\n  - id: x\n    by: y\n    date: tomorrow\n")
    try site.write("content/reviews/2026-Q4/b.yml", "- not a mapping\n")
    try site.write("content/analysis/2026-11-22/broken.json", "{")
    let error = try #require(throws: IngestErrors.self) { try SiteFolderReader(root: site.url).read() }
    #expect(error.errors.map(\.file) == ["site.yml", "teams.yml", "content/procedures/bad.md"])
    #expect(error.errors.map(\.line) == [2, 3, 2])
    #expect(
      error.errors.map(\.message) == [
        "13 is out of range", "duplicate team id \"A\" (first defined on line 2)",
        "expected a single value, found a mapping of keys to values",
      ])
    // Review files are reported too, all of them, but apart: they do not stop the build.
    try site.write("site.yml", "title: Demo\n")
    try site.write("teams.yml", "teams:\n  - id: a\n")
    try site.write("content/procedures/bad.md", "# Fixed\n")
    let folder = try SiteFolderReader(root: site.url).read()
    #expect(
      folder.reviewProblems.map(\.file) == [
        "content/reviews/2026-Q4/a.yml", "content/reviews/2026-Q4/b.yml", "content/reviews/2026-Q5",
      ])
    #expect(folder.reviewProblems.map(\.line) == [4, 1, nil])
    #expect(
      folder.reviewProblems.map(\.message) == [
        "\"tomorrow\" is not a date", "expected a mapping of keys to values, found a list",
        "a review folder must be named after a quarter",
      ])
  }

  @Test func aSiteFileThatIsNotUTF8() throws {
    let site = try TemporaryFolder()
    defer { site.remove() }
    try site.write("site.yml", bytes: [0x74, 0x69, 0x74, 0x6C, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A])
    let error = try #require(throws: IngestErrors.self) { try SiteFolderReader(root: site.url).read() }
    #expect(error.errors.map(\.file) == ["site.yml"])
    #expect(error.errors.map(\.message) == ["is not UTF-8 text"])
  }
}

@Suite struct ReaderUnitTests {
  @Test func procedureTitlesFallBackToTheFirstHeadingThenTheName() throws {
    let fromFrontMatter = try ProcedureReader.read(
      "---\ntitle: From front matter\n---\n# Heading\n", name: "p", file: "p.md")
    #expect(fromFrontMatter.0.title == "From front matter")
    let fromHeading = try ProcedureReader.read(
      "Intro.\n\n## Not level one\n\n# Level one\n", name: "p", file: "p.md")
    #expect(fromHeading.0.title == "Level one")
    let fromName = try ProcedureReader.read("Just text.\n", name: "key-rotation", file: "key-rotation.md")
    #expect(fromName.0.title == "key-rotation")
  }

  @Test(arguments: [
    ("checklist: quarterly", true), ("checklist: Quarterly", true), ("checklist: true", true),
    ("checklist: yes", true),
    ("checklist: false", false), ("checklist: no", false), ("checklist:", false), ("title: T", false),
  ])
  func checklistSettings(line: String, isQuarterly: Bool) throws {
    let (procedure, _) = try ProcedureReader.read("---\n\(line)\n---\nText\n", name: "p", file: "p.md")
    #expect(procedure.isQuarterlyChecklist == isQuarterly)
  }

  @Test func yamlErrorsInFrontMatterCountLinesFromTheStartOfTheFile() throws {
    let yaml = "title: Review\nteams: [a, b\n"
    let alone = try #require(throws: IngestError.self) { try YAMLField.parse(yaml, file: "p.md") }
    let embedded = try #require(throws: IngestError.self) {
      try ProcedureReader.read("---\n" + yaml + "---\n# Review\n", name: "p", file: "p.md")
    }
    let aloneLine = try #require(alone.line)
    #expect(embedded.line == aloneLine + 1)
    #expect(embedded.message == alone.message)
    #expect(embedded.file == "p.md")
  }

  @Test func teamsAsASingleValueOrAll() throws {
    let single = try ProcedureReader.read("---\nteams: payments\n---\n", name: "p", file: "p.md").0
    #expect(single.teamIDs == ["payments"])
    let all = try ProcedureReader.read("---\nteams: [all]\n---\n", name: "p", file: "p.md").0
    #expect(all.teamIDs == nil)
  }

  @Test func aReviewWithNothingSignedOff() throws {
    let quarter = try #require(Quarter(label: "2026-Q4"))
    let review = try ReviewReader.read(
      "signed_off:\nexceptions: []\n", quarter: quarter, teamID: "a", file: "a.yml")
    #expect(review == Review(quarter: quarter, teamID: "a", signOffs: [], exceptions: [], file: "a.yml"))
  }
}

@Suite struct ReviewExtensionTests {
  @Test func reviewsMayEndInYaml() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("reviews-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let file = root.appendingPathComponent("content/reviews/2026-Q4/data.yaml")
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data("signed_off:\n  - id: read\n    by: Ann\n    date: 2026-10-01\n".utf8).write(to: file)
    let folder = try SiteFolderReader(root: root).read()
    #expect(folder.reviews.map(\.teamID) == ["data"])
    #expect(folder.reviews.first?.signOffs.map(\.itemID) == ["read"])
  }
}
