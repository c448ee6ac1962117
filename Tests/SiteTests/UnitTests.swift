import Foundation
import Model
import TemplateEngine
import Testing

@testable import Analysis
@testable import Site

@Suite struct FormatTests {
  @Test func counts() {
    #expect(Format.count(0) == "0")
    #expect(Format.count(999) == "999")
    #expect(Format.count(1000) == "1,000")
    #expect(Format.count(1_234_567) == "1,234,567")
    #expect(Format.count(-45_000) == "-45,000")
  }

  @Test func dayCountsFromTheTableAndBeyondIt() {
    #expect(Format.days(0) == "0 days")
    #expect(Format.days(1) == "1 day")
    #expect(Format.days(2) == "2 days")
    #expect(Format.days(3_999) == "3999 days")
    #expect(Format.days(4_000) == "4000 days")
    #expect(Format.days(-3) == "-3 days")
    #expect(Format.overdueBy(1) == "overdue by 1 day")
    #expect(Format.overdueBy(489) == "overdue by 489 days")
    #expect(Format.overdueBy(4_000) == "overdue by 4000 days")
    #expect(Format.overdueBy(-1) == "overdue by -1 days")
  }

  @Test func unusedPermissionCountsFromTheTableAndBeyondIt() {
    #expect(Format.unusedPermissions(0) == "0 unused permissions")
    #expect(Format.unusedPermissions(1) == "1 unused permission")
    #expect(Format.unusedPermissions(99) == "99 unused permissions")
    #expect(Format.unusedPermissions(100) == "100 unused permissions")
    #expect(Format.unusedPermissions(1_234) == "1,234 unused permissions")
    #expect(Format.unusedPermissions(-2) == "-2 unused permissions")
  }

  @Test func percentages() {
    #expect(Format.percent(0) == "0%")
    #expect(Format.percent(0.004) == "<1%")
    #expect(Format.percent(0.2857) == "29%")
    #expect(Format.percent(0.996) == ">99%")
    #expect(Format.percent(1) == "100%")
    #expect(Format.percent(.nan) == "0%")
  }
}

@Suite struct SummaryWriterTests {
  @Test func numbersHaveAtMostFourDecimals() {
    #expect(JSONWriter.number(0) == "0")
    #expect(JSONWriter.number(1) == "1")
    #expect(JSONWriter.number(0.25) == "0.25")
    #expect(JSONWriter.number(2.0 / 7.0) == "0.2857")
    #expect(JSONWriter.number(1.0 / 3.0) == "0.3333")
  }

  @Test func stringsAreEscaped() {
    #expect(
      JSONWriter.quoted("a\"b\\c\nd</script>\u{2028}\u{1}") == #""a\"b\\c\nd\u003c/script>\u2028\u0001""#)
  }

  @Test func nestingIsIndented() {
    var writer = JSONWriter()
    writer.object { json in
      json.member("a", 1)
      json.key("b")
      json.array([1, 2]) { json, value in json.object { $0.member("v", value) } }
      json.key("c")
      json.array([Int]()) { _, _ in }
    }
    #expect(
      writer.text
        == "{\n  \"a\": 1,\n  \"b\": [\n    {\n      \"v\": 1\n    },\n    {\n      \"v\": 2\n    }\n  ],\n  \"c\": []\n}"
    )
  }
}

@Suite struct SitePathTests {
  @Test func teamFoldersAreSafeAndUnique() {
    let paths = SitePaths(teamIDs: ["../../etc", "Payments", "payments", "a/b", "", "con"])
    #expect(paths.teamPage("../../etc") == "teams/etc/index.html")
    #expect(paths.teamPage("Payments") == "teams/payments/index.html")
    #expect(paths.teamPage("payments") == "teams/payments-2/index.html")
    #expect(paths.teamPage("a/b") == "teams/a-b/index.html")
    #expect(paths.teamPage("") == "teams/team/index.html")
  }

  @Test func principalPagesOfOneTeamGetNamesOfTheirOwn() {
    // Two principals named "app" in one account share the account suffix and are numbered; a
    // principal named like that suffixed name is numbered in turn, in the order of the ARNs.
    let arns = [
      "arn:aws:iam::111122223333:role/app", "arn:aws:iam::444455556666:role/App",
      "arn:aws:iam::111122223333:user/app", "arn:aws:iam::111122223333:role/app-111122223333",
      "arn:aws:iam::111122223333:role/Payments API", "arn:aws:iam::111122223333:role/..",
    ]
    let reports = arns.map { arn in
      PrincipalReport(
        principal: Principal(arnOnly: arn, kind: .role), items: [], acceptedItems: [],
        unusedPermissions: 0,
        teamID: "t")
    }
    let pages = SitePaths.principalPages(of: reports, in: "teams/t")
    #expect(pages.map(\.arn) == arns.sorted())
    #expect(
      pages.map(\.path) == [
        "teams/t/principals/principal.html", "teams/t/principals/payments-api.html",
        "teams/t/principals/app-111122223333.html", "teams/t/principals/app-111122223333-2.html",
        "teams/t/principals/app-111122223333-3.html", "teams/t/principals/app-444455556666.html",
      ])
  }

  @Test func rootPrefixes() {
    #expect(SitePaths.root(from: "index.html") == "")
    #expect(SitePaths.root(from: "teams/a/index.html") == "../../")
    #expect(SitePaths.root(from: "teams/a/principals/ünï-1.html") == "../../../")
    // Empty parts do not count, as when the path is split.
    #expect(SitePaths.root(from: "/feeds//a.atom/") == "../")
    #expect(SitePaths.root(from: "") == "")
  }
}

@Suite struct TeamExportTests {
  @Test func aTeamWithoutItemsExportsAHeaderAndAnEmptyArray() throws {
    let report = try Fixtures.report()
    var team = try #require(report.teams.first)
    team.principals = []
    let files = TeamExport(team: team).files
    #expect(String(decoding: files.json, as: UTF8.self) == "[]\n")
    #expect(String(decoding: files.csv, as: UTF8.self) == TeamExport.columns.joined(separator: ",") + "\r\n")
  }

  @Test func rowsSayWhetherAnItemIsOverdueOpenOrKeptAndUntilWhen() throws {
    let report = try Fixtures.report()
    var team = try #require(report.teams.first)
    let principal = try #require(team.principals.first)
    func item(_ action: String, pastDeadline: Int, exceptionExpired: Bool? = nil) -> OpenItem {
      var item = OpenItem(
        kind: .permission, service: "s3", detail: action, displayName: "s3:" + action, lastUsedOn: nil,
        openSince: Day(iso: "2026-06-01")!, daysOpen: 100, isAccepted: false,
        principalKind: .role, sources: .analyzer)
      item.daysPastDeadline = pastDeadline
      if let exceptionExpired {
        item.reviewException = ReviewException(
          principalARN: principal.principal.arn, permission: "s3:" + action, justification: "batch",
          approver: "ana", expires: Day(iso: "2026-10-01")!)
        item.exceptionExpired = exceptionExpired
      }
      return item
    }
    team.principals = [
      principal.with(
        items: [
          item("A", pastDeadline: 5), item("B", pastDeadline: -3),
          item("C", pastDeadline: 5, exceptionExpired: false),
          item("D", pastDeadline: 5, exceptionExpired: true),
        ], acceptedItems: [])
    ]
    let rows = String(decoding: TeamExport(team: team).files.csv, as: UTF8.self)
      .split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    // permission, overdue, status, exception_until, exception_approver
    #expect(
      rows.map { [$0[5], $0[10], $0[11], $0[12], $0[13]].joined(separator: " ") } == [
        "s3:A yes open  ", "s3:B no open  ", "s3:C no kept on purpose 2026-10-01 ana",
        "s3:D yes exception expired 2026-10-01 ana",
      ])
  }
}

extension TeamExportTests {
  @Test func aRowIsExactInBothFilesAndANegativeDayCountIsNoFormula() throws {
    let report = try Fixtures.report()
    var team = try #require(report.teams.first)
    let listed = try #require(team.principals.first)
    let item = OpenItem(
      kind: .permission, service: "s3", detail: "GetObject", displayName: "s3:GetObject",
      lastUsedOn: Day(iso: "2026-05-02")!, openSince: Day(iso: "2026-06-01")!, daysOpen: -2,
      isAccepted: false,
      principalKind: .role, sources: .analyzer)
    let principal = listed.with(items: [item], acceptedItems: [])
    team.principals = [principal]
    let files = TeamExport(team: team).files
    let who = [
      team.team.id, principal.principal.arn, principal.principal.name, principal.principal.accountID,
    ]
    #expect(
      String(decoding: files.csv, as: UTF8.self).split(separator: "\r\n").last.map(String.init)
        == who.joined(separator: ",")
        + ",permission,s3:GetObject,Access Analyzer,2026-06-01,2026-05-02,'-2,no,open,,")
    #expect(
      String(decoding: files.json, as: UTF8.self)
        == "[\n{\"team\":\"\(who[0])\",\"principal_arn\":\"\(who[1])\",\"principal_name\":\"\(who[2])\","
        + "\"account\":\"\(who[3])\",\"kind\":\"permission\",\"permission\":\"s3:GetObject\","
        + "\"sources\":\"Access Analyzer\",\"first_seen\":\"2026-06-01\",\"last_used\":\"2026-05-02\","
        + "\"days_open\":-2,\"overdue\":false,\"status\":\"open\",\"exception_until\":null,"
        + "\"exception_approver\":null}\n]\n")
  }
}

@Suite struct ThemeTests {
  static let repositoryTemplates = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("templates")

  @Test func theEmbeddedThemeIsTheRepositoryTheme() throws {
    var onDisk: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: Self.repositoryTemplates.path)
    while let path = enumerator?.nextObject() as? String {
      let url = Self.repositoryTemplates.appendingPathComponent(path)
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue {
        onDisk[path] = try String(contentsOf: url, encoding: .utf8)
      }
    }
    #expect(onDisk == DefaultTheme.files, "run scripts/embed-theme after editing templates/")
  }

  @Test func aMissingPartialStopsTheBuild() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("theme-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data("<p>{{> partials/nowhere }}</p>".utf8).write(to: folder.appendingPathComponent("team.mustache"))
    #expect {
      try Theme.load(from: folder)
    } throws: { error in
      "\(error)".hasPrefix("templates/team.mustache: includes the partial \"partials/nowhere\"")
    }
  }

  @Test func aSiteTemplateReplacesTheDefault() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("theme-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data("<h1>Custom {{quarter}}</h1>".utf8).write(
      to: folder.appendingPathComponent("dashboard.mustache"))
    let files = try SiteGenerator(theme: Theme.load(from: folder)).files(for: Fixtures.input())
    let dashboard = String(decoding: files.first { $0.path == "index.html" }!.contents, as: UTF8.self)
    #expect(dashboard.contains("<h1>Custom 2026-Q4</h1>"))
    #expect(dashboard.contains("<footer"), "the default layout still wraps it")
  }

  @Test func anInvalidTemplateNamesItsFile() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("theme-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data("{{#open}} never closed".utf8).write(to: folder.appendingPathComponent("team.mustache"))
    #expect {
      try Theme.load(from: folder)
    } throws: { error in
      "\(error)".hasPrefix("templates/team.mustache: the template does not parse")
    }
  }
}

@Suite struct LineDiffTests {
  @Test func removalsComeBeforeTheirReplacements() {
    let diff = LineDiff.lines(from: "a\nb\nc\nd", to: "a\nx\nc")
    #expect(
      diff.map { ($0.change == .same ? " " : $0.change == .added ? "+" : "-") + $0.text } == [
        " a", "-b", "+x", " c", "-d",
      ])
  }

  @Test func commonBeginningsAndEndsStayAndOnlyTheMiddleDiffers() {
    let before = (1...200).map { "line \($0)" }.joined(separator: "\n")
    let after = before.replacingOccurrences(of: "line 100\nline 101\n", with: "line 100b\n")
    let diff = LineDiff.lines(from: before, to: after)
    #expect(diff.count == 201)
    #expect(diff.filter { $0.change != .same }.map(\.text) == ["line 100", "line 101", "line 100b"])
    #expect(diff.first?.text == "line 1" && diff.last?.text == "line 200")
    #expect(
      LineDiff.lines(from: "{\n  a,\n  b\n}", to: "{\n  b\n}").map(\.change) == [
        .same, .removed, .same, .same,
      ])
  }

  @Test(arguments: [
    (0...4, 0...4, 0, 12), (0...6, 3...9, 0, 12), (0...4, 0...4, 20, 12), (0...30, 10...40, 0, 90),
  ])
  func randomDiffsRebuildBothSidesWithTheFewestChanges(
    oldLines: ClosedRange<Int>, newLines: ClosedRange<Int>, longestIndent: Int, mostLines: Int
  ) {
    // The second pair of ranges gives each side lines the other lacks, which the search leaves out;
    // the third indents lines by up to 20 spaces, so that lines are hashed a word at a time and
    // equal lines are found whatever their length; the fourth makes sides long enough (more than
    // 64 lines each, often) that the lines only one side has are found through sorted hashes.
    var generator = SystemRandomNumberGenerator()
    func line(_ numbers: ClosedRange<Int>) -> String {
      let number = Int.random(in: numbers, using: &generator)
      return String(repeating: " ", count: longestIndent == 0 ? 0 : (number * 7) % (longestIndent + 1))
        + "\(number)"
    }
    for _ in 0..<300 {
      let old = (0..<Int.random(in: 0...mostLines, using: &generator)).map { _ in line(oldLines) }
      let new = (0..<Int.random(in: 0...mostLines, using: &generator)).map { _ in line(newLines) }
      let diff = LineDiff.lines(from: old.joined(separator: "\n"), to: new.joined(separator: "\n"))
      #expect(diff.filter { $0.change != .added }.map { String($0.text) } == old)
      #expect(diff.filter { $0.change != .removed }.map { String($0.text) } == new)
      // A shortest script keeps a longest common subsequence.
      var lengths = Array(repeating: Array(repeating: 0, count: new.count + 1), count: old.count + 1)
      for i in old.indices.reversed() {
        for j in new.indices.reversed() {
          lengths[i][j] =
            old[i] == new[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
        }
      }
      #expect(diff.count { $0.change == .same } == lengths[0][0], "\(old) → \(new)")
      // Between two unchanged lines, the removals come first.
      #expect(!zip(diff, diff.dropFirst()).contains { $0.change == .added && $1.change == .removed })
    }
  }

  @Test func hunksKeepThreeLinesAroundEachChangeAndCountTheRest() {
    let before = (1...20).map { "l\($0)" }.joined(separator: "\n")
    let after = before.replacingOccurrences(of: "l10\n", with: "").replacingOccurrences(of: "l12\n", with: "")
    let shown = LineDiff.hunks(LineDiff.lines(from: before, to: after)).map {
      switch $0.change {
      case .same: " " + $0.text
      case .added: "+" + $0.text
      case .removed: "-" + $0.text
      case .skipped: "~" + $0.text
      }
    }
    #expect(
      shown == [
        "~6 unchanged lines", " l7", " l8", " l9", "-l10", " l11", "-l12", " l13", " l14", " l15",
        "~5 unchanged lines",
      ])
    // One hidden line would cost a line anyway, so it is shown.
    let short = LineDiff.hunks(LineDiff.lines(from: "a\nb\nc\nd\ne", to: "b\nc\nd\ne"))
    #expect(short.map(\.change) == [.removed, .same, .same, .same, .same])
    #expect(LineDiff.hunks(LineDiff.lines(from: "a\nb", to: "a\nb")).map(\.change) == [.same, .same])
  }

  @Test func theBytesPathGivesTheSameHunksAsTheStringPath() {
    let long = (1...30).map { "    \"line \($0)\"," }.joined(separator: "\n")
    let cases: [(String, String)] = [
      ("a\nb\nc\nd", "a\nx\nc"), ("", "a"), ("a\nb", ""), ("a\nb\n", "a\nb"), ("a\n", "a\n"),
      ("é\n→ ü\nz", "é\nz"), (long, long.replacingOccurrences(of: "    \"line 12\",\n", with: "")),
    ]
    for (before, after) in cases {
      #expect(
        LineDiff.hunks(from: Array(before.utf8), to: Array(after.utf8))
          == LineDiff.hunks(LineDiff.lines(from: before, to: after)), "\(before) → \(after)")
    }
  }

  @Test func theMarkupOfTheLinesIsWhatASectionOverThemMakes() throws {
    let before = (1...12).map { "  \"line \($0)\"," }.joined(separator: "\n") + "\n  \"<b> & \u{202E}é\""
    let after = before.replacingOccurrences(of: "  \"line 10\",\n", with: "")
      .replacingOccurrences(of: "\"<b> & \u{202E}é\"", with: "\"<i>\"")
    let diff = LineDiff.hunks(from: Array(before.utf8), to: Array(after.utf8))
    let html = String(decoding: diff.html(escapedBy: VisibleBidiEscaper()), as: UTF8.self)
    // Quotes stay as they are in an element's content; markup, ampersands and bidi controls do not.
    #expect(
      html
        == "<span class=\"skipped\">  ⋯ 6 unchanged lines</span><span>    \"line 7\",</span>"
        + "<span>    \"line 8\",</span><span>    \"line 9\",</span>"
        + "<del>-   \"line 10\",</del><span>    \"line 11\",</span>"
        + "<span>    \"line 12\",</span>"
        + "<del>-   \"&lt;b&gt; &amp; [U+202E]é\"</del><ins>+   \"&lt;i&gt;\"</ins>")
    // The markup the default theme made with a section over the lines, before it used the value,
    // whose `{{text}}` also escaped the quotes.
    let section =
      "{{#diff}}{{#isRemoved}}<del>- {{text}}</del>{{/isRemoved}}{{#isAdded}}<ins>+ {{text}}</ins>{{/isAdded}}"
      + "{{#isSame}}<span>  {{text}}</span>{{/isSame}}{{#isSkipped}}<span class=\"skipped\">  ⋯ {{text}}</span>"
      + "{{/isSkipped}}{{/diff}}|{{{diffHTML}}}"
    let library = try TemplateLibrary(templates: ["page": section], escaper: VisibleBidiEscaper())
    let model = PolicyChangeModel(
      name: "p", arn: "", hasARN: false, kindLabel: "", origin: "", removed: "", hasRemoved: false, notes: [],
      hasNotes: false, diff: diff, hasDiff: true, afterJSON: [], hasAfter: false)
    let rendered = try library.render("page", with: model).split(
      separator: "|", omittingEmptySubsequences: false)
    #expect(rendered.count == 2)
    #expect(rendered.first?.replacing("&quot;", with: "\"") == html[...])
    #expect(rendered.last == html[...])
    #expect(LineDiff.Diff.empty.html(escapedBy: VisibleBidiEscaper()).isEmpty)
  }

  @Test func emptySides() {
    #expect(LineDiff.lines(from: "", to: "a").map(\.change) == [.added])
    #expect(LineDiff.lines(from: "a\nb", to: "").map(\.change) == [.removed, .removed])
  }
}

@Suite struct VisibleBidiEscaperTests {
  @Test func controlsAnywhereInLongTextBecomeMarksAndTheRestIsEscaped() throws {
    let library = try TemplateLibrary(
      templates: ["page": "{{text}}|{{{text}}}"], escaper: VisibleBidiEscaper())
    for prefix in ["", "a", "abcdefg", "abcdefgh", String(repeating: "x", count: 37)] {
      let text = prefix + "<\u{202E}b\u{061C}é\u{2066}"
      let expected = prefix + "&lt;[U+202E]b[U+061C]é[U+2066]|" + prefix + "<[U+202E]b[U+061C]é[U+2066]"
      #expect(try library.render("page", with: TemplateDictionary(["text": .string(text)])) == expected)
    }
    // Words of eight bytes are skipped when they hold no D8 or E2 byte: controls, lookalikes
    // (› is E2 80 BA, ؠ is D8 A0) and other non-ASCII text at every offset.
    for offset in 0..<24 {
      let filler = String(repeating: "é", count: offset % 3) + String(repeating: "x", count: offset)
      let text = filler + "›\u{200F}ؠ" + filler + "\u{2069}–" + filler
      let marked = filler + "›[U+200F]ؠ" + filler + "[U+2069]–" + filler
      #expect(
        try library.render("page", with: TemplateDictionary(["text": .utf8(Array(text.utf8))]))
          == marked + "|" + marked, "offset \(offset)")
    }
    let ascii = String(repeating: "plain & simple ", count: 9)
    #expect(
      try library.render("page", with: TemplateDictionary(["text": .string(ascii)]))
        == ascii.replacingOccurrences(of: "&", with: "&amp;") + "|" + ascii)
  }
}

@Suite struct FeedTextTests {
  @Test(
    arguments: [
      ("s3:GetObject of payments-api passed its removal deadline on 2026-11-22.", nil),
      ("", nil),
      ("Tom & Jerry's <role> \"x\"", "Tom &amp; Jerry&apos;s &lt;role&gt; &quot;x&quot;"),
      ("a\u{1}b\tc", "a\u{FFFD}b\tc"),
      ("twelve bytes\u{7}", "twelve bytes\u{FFFD}"),
      ("café", nil),
      ("abc\u{202E}def", "abc[U+202E]def"),
    ] as [(String, String?)])
  func feedTextIsEscapedOnlyWhereItMustBe(text: String, expected: String?) {
    #expect(XMLText.escape(text) == expected ?? text)
  }

  @Test func feedEntriesEscapeEveryPartTheyAreMadeOf() {
    let principal = Principal(
      arn: "arn:aws:iam::111122223333:role/a&b<c>", kind: .role, name: "a&b<c>\u{202E}x",
      accountID: "111122223333")
    let (day, dayBefore) = (Day(iso: "2026-11-20")!, Day(iso: "2026-11-19")!)
    let changes = [
      Change(kind: .overdue, principal: principal, teamID: "t", access: "s3:Get'\"", day: day),
      Change(kind: .resolved, principal: principal, teamID: "t", access: "s3:Put", day: dayBefore),
      Change(kind: .new, principal: principal, teamID: "t", access: "s3:<New>", day: day),
      Change(kind: .regressed, principal: principal, teamID: "t", access: "s3:A&B", day: day),
    ]
    let feed = AtomFeed(
      title: "T & <U>", path: "feeds/t.atom", pagePath: "teams/t/index.html", changes: changes,
      updated: day, baseURL: nil, principalPage: { _ in "teams/t/principals/a.html" })
    let expected = """
      <?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom">
        <title>T &amp; &lt;U&gt;</title>
        <id>tag:permsite.invalid,2026:feed/feeds/t.atom</id>
        <updated>2026-11-20T00:00:00Z</updated>
        <author><name>permsite</name></author>
        <link rel="alternate" type="text/html" href="../teams/t/index.html"/>
        <entry>
          <title>Overdue: s3:Get&apos;&quot; on a&amp;b&lt;c&gt;[U+202E]x</title>
          <id>tag:permsite.invalid,2026:overdue/arn:aws:iam::111122223333:role/a&amp;b%3Cc%3E/\
      s3:get&apos;%22/2026-11-20</id>
          <updated>2026-11-20T00:00:00Z</updated>
          <link rel="alternate" type="text/html" href="../teams/t/principals/a.html"/>
          <summary>s3:Get&apos;&quot; of a&amp;b&lt;c&gt;[U+202E]x (111122223333) passed its removal deadline \
      on 2026-11-20.</summary>
        </entry>
        <entry>
          <title>New unused permission: s3:&lt;New&gt; on a&amp;b&lt;c&gt;[U+202E]x</title>
          <id>tag:permsite.invalid,2026:new/arn:aws:iam::111122223333:role/a&amp;b%3Cc%3E/s3:%3Cnew%3E/2026-11-20</id>
          <updated>2026-11-20T00:00:00Z</updated>
          <link rel="alternate" type="text/html" href="../teams/t/principals/a.html"/>
          <summary>a&amp;b&lt;c&gt;[U+202E]x (111122223333) has s3:&lt;New&gt;, unused, since the snapshot of \
      2026-11-20.</summary>
        </entry>
        <entry>
          <title>Unused again: s3:A&amp;B on a&amp;b&lt;c&gt;[U+202E]x</title>
          <id>tag:permsite.invalid,2026:regressed/arn:aws:iam::111122223333:role/a&amp;b%3Cc%3E/s3:a&amp;b/2026-11-20</id>
          <updated>2026-11-20T00:00:00Z</updated>
          <link rel="alternate" type="text/html" href="../teams/t/principals/a.html"/>
          <summary>s3:A&amp;B of a&amp;b&lt;c&gt;[U+202E]x (111122223333) was removed, and is granted and unused \
      again since 2026-11-20.</summary>
        </entry>
      </feed>

      """
    #expect(String(decoding: feed.bytes, as: UTF8.self) == expected)
  }

  @Test func tagNamesEncodeWhatATagURIDoesNotAllow() {
    #expect(
      AtomFeed.tagEncoded("new/arn:aws:iam::1:role/a-b_c/s3:getobject/2026-11-22")
        == "new/arn:aws:iam::1:role/a-b_c/s3:getobject/2026-11-22")
    #expect(AtomFeed.tagEncoded("a b%/é#") == "a%20b%25/%C3%A9%23")
  }

  @Test func bytesStandForThemselvesExactlyWhenNeitherEncodedNorEscaped() {
    for value in UInt8(0)..<0x80 {
      let text = String(UnicodeScalar(value))
      let isUnchanged = XMLText.escape(AtomFeed.tagEncoded(text)) == text
      #expect(AtomFeed.standsForItself(value) == isUnchanged, "byte \(value)")
    }
    #expect(!(UInt8(0x80)...UInt8(0xFF)).contains(where: AtomFeed.standsForItself))
  }

  @Test func feedIdsCopyPlainNamesAndLowerCaseTheAction() {
    let principal = Principal(
      arn: "arn:aws:iam::111122223333:role/Payments-API", kind: .role, name: "Payments-API",
      accountID: "111122223333")
    let day = Day(iso: "2026-11-20")!
    let changes = [
      Change(kind: .new, principal: principal, teamID: "t", access: "s3:GetObject", day: day),
      Change(kind: .new, principal: principal, teamID: "t", access: "kms:ÉCRIRE", day: day),
    ]
    let feed = AtomFeed(
      title: "T", path: "feeds/t.atom", pagePath: "teams/t/index.html", changes: changes, updated: day,
      baseURL: "https://iam.example.com/site", principalPage: { _ in nil })
    let ids = String(decoding: feed.bytes, as: UTF8.self).split(separator: "\n")
      .filter { $0.contains("<id>") }.map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(
      ids == [
        "<id>tag:iam.example.com,2026:feed/feeds/t.atom</id>",
        "<id>tag:iam.example.com,2026:new/arn:aws:iam::111122223333:role/Payments-API/s3:getobject/2026-11-20</id>",
        "<id>tag:iam.example.com,2026:new/arn:aws:iam::111122223333:role/Payments-API/kms:%C3%A9crire/2026-11-20</id>",
      ])
  }
}

@Suite struct RecommendationTextsTests {
  @Test func eachItemGetsItsOwnRecommendationHoweverOftenAsked() {
    func item(_ service: String, _ detail: String, _ principal: PrincipalKind, accepted: Bool = false)
      -> OpenItem
    {
      OpenItem(
        kind: .permission, service: service, detail: detail, displayName: service + ":" + detail,
        lastUsedOn: nil,
        openSince: Day(iso: "2026-06-01")!, daysOpen: 3, isAccepted: accepted,
        principalKind: principal, sources: .analyzer)
    }
    let items = [
      item("s3", "GetObject", .role), item("s3", "GetObject", .user), item("s3", "PutObject", .role),
      item("s3", "*", .role), item("s3", "GetObject", .role), item("iam", "GetObject", .role),
      item("s3", "GetObject", .role, accepted: true),
    ]
    let texts = RecommendationTexts()
    for _ in 0..<2 {
      for var item in items {
        let expected = item.isAccepted ? nil : item.recommendation
        #expect(withUnsafePointer(to: &item) { texts.text(for: $0) } == expected, "\(item.displayName)")
      }
    }
  }
}

@Suite struct RenderScratchPoolTests {
  @Test func aScratchServesOneJobAtATimeAndIsKeptForTheNext() throws {
    let pool = RenderScratchPool(theme: try Theme.builtInCheckingNames())
    let first = pool.withScratch { ObjectIdentifier($0) }
    #expect(pool.withScratch { ObjectIdentifier($0) } == first, "the next job gets the same scratch")
    let (outer, inner) = pool.withScratch { outer in
      (ObjectIdentifier(outer), pool.withScratch { ObjectIdentifier($0) })
    }
    #expect(outer != inner, "two jobs at once get a scratch each")
    let afterBoth = Set((0..<2).map { _ in pool.withScratch { ObjectIdentifier($0) } })
    #expect(afterBoth.count == 1, "both scratches are kept, and one serves jobs one after another")
  }
}

@Suite struct PrincipalPageJobTests {
  /// A job renders its pages one after another in one buffer, handing each straight to the sink:
  /// every page must hold exactly what rendering it by itself gives, whatever came before it.
  @Test func pagesRenderedInOneBufferMatchPagesRenderedAlone() throws {
    let site = SiteRendering(input: try Fixtures.input(), theme: try Theme.builtInCheckingNames())
    var checked = 0
    for job in site.jobs() {
      guard case .principalPages(let team, let range) = job else { continue }
      let collector = FileCollector()
      try site.write(job, into: collector)
      let written = Dictionary(uniqueKeysWithValues: collector.files.map { ($0.path, $0.contents) })
      let report = site.input.report.teams[team]
      for position in range {
        let principal = report.principals[position]
        let path = try #require(site.builder.paths.principalPage(principal.principal.arn))
        let alone = try site.page(
          path, title: "\(principal.principal.name) (\(report.team.name))", template: "principal-page",
          model: site.builder.principalPage(principal, team: report), section: "teams")
        #expect(written[path] == alone.contents, "\(path)")
        checked += 1
      }
    }
    // The fixture's team has a principal with three items before one with one: a shorter page
    // follows a longer one in the same buffer.
    #expect(checked >= 2)
  }
}
