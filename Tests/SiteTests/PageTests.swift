import Foundation
import Model
import Testing

@testable import Site

@Suite struct PageTests {
  @Test func theSiteMapIsComplete() throws {
    let files = try Fixtures.files()
    #expect(
      files.keys.sorted() == [
        "assets/site.css", "charts/organisation-leaderboard.svg", "charts/organisation-open.svg",
        "charts/organisation-quarterly.svg", "charts/organisation-services.svg", "charts/team-pay-open.svg",
        "charts/team-pay-quarterly.svg", "charts/team-unowned-open.svg", "charts/team-unowned-quarterly.svg",
        "checklists/2026-Q3.html", "checklists/2026-Q4.html", "data/summary.json", "data/teams/pay.csv",
        "data/teams/pay.json", "data/teams/unowned.csv", "data/teams/unowned.json", "feeds/organisation.atom",
        "feeds/pay.atom", "feeds/unowned.atom", "index.html",
        "procedures/review.html", "teams/pay/checklists/2026-Q3.html", "teams/pay/checklists/2026-Q3.md",
        "teams/pay/checklists/2026-Q4.html", "teams/pay/checklists/2026-Q4.md", "teams/pay/index.html",
        "teams/pay/principals/api-img-src-x-onerror-alert-1.html", "teams/pay/principals/payments-api.html",
        "teams/unowned/index.html", "teams/unowned/principals/bob.html",
      ])
  }

  @Test func inputTextIsEscapedEverywhere() throws {
    let files = try Fixtures.files()
    for (path, text) in files where path.hasSuffix(".html") {
      #expect(!text.contains("<script>"), "\(path) carries a script tag")
      #expect(!text.contains("<img src=x"), "\(path) carries an injected image")
      #expect(!text.contains("<b>Raman</b>"), "\(path) carries champion markup")
    }
    let team = files["teams/pay/index.html"]!
    #expect(team.contains("<h1>Pay&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</h1>"))
    #expect(team.contains("api&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
    #expect(team.contains(#"<a href="mailto:p@example.com">Priya &lt;b&gt;Raman&lt;/b&gt;</a>"#))
    let checklist = files["teams/pay/checklists/2026-Q4.html"]!
    #expect(checklist.contains("Read the &lt;team&gt; page"))
    #expect(checklist.contains("done &lt;quickly&gt;"))
    let procedure = files["procedures/review.html"]!
    #expect(
      procedure.contains("Read the") && !procedure.contains("<team>"), "raw HTML in procedures is dropped")
  }

  @Test func unownedPrincipalsAreShownAsSuch() throws {
    let files = try Fixtures.files()
    let unowned = files["teams/unowned/index.html"]!
    #expect(unowned.contains("These principals match no team"))
    #expect(unowned.contains("<code>access key AKIAEXAMPLE</code>"))
    let bob = files["teams/unowned/principals/bob.html"]!
    #expect(bob.contains("Deactivate access key AKIAEXAMPLE, then delete it"))
  }

  @Test func aPrincipalPageListsItsTagsAsKeyAndValue() throws {
    // The tag row's `key` field was once shadowed by the lookup's own parameter, named `key` too,
    // so every tag read "key=...".
    let principal = try Fixtures.files()["teams/pay/principals/payments-api.html"]!
    #expect(principal.contains(#"<span class="tag">team=pay</span>"#))
  }

  @Test func linksAreRelative() throws {
    let files = try Fixtures.files()
    let checklist = files["teams/pay/checklists/2026-Q4.html"]!
    #expect(checklist.contains(#"<link rel="stylesheet" href="../../../assets/site.css">"#))
    #expect(checklist.contains(#"<a href="../../../procedures/review.html">Quarterly review</a>"#))
    let dashboard = files["index.html"]!
    #expect(dashboard.contains(#"<a href="teams/pay/principals/payments-api.html">payments-api</a>"#))
    let team = files["teams/pay/index.html"]!
    #expect(team.contains(#"<a href="principals/payments-api.html">payments-api</a>"#))
    let principal = files["teams/pay/principals/payments-api.html"]!
    #expect(principal.contains(#"<link rel="stylesheet" href="../../../assets/site.css">"#))
    #expect(principal.contains(#"<a href="../index.html">"#))
    for (path, text) in files where path.hasSuffix(".html") {
      #expect(!text.contains("href=\"/"), "\(path) has a root-relative link")
      #expect(!text.contains("src=\"/"), "\(path) has a root-relative source")
    }
  }

  @Test func summaryFollowsTheContract() throws {
    let summary = try Fixtures.files()["data/summary.json"]!
    let object = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as! [String: Any]
    #expect(
      Set(object.keys) == [
        "snapshot", "quarter", "totals", "byService", "topPrincipals", "quarters", "teams",
      ])
    let totals = object["totals"] as! [String: Any]
    for key in [
      "principals", "roles", "rolesWithUnused", "unusedPermissions", "identifiedThisQuarter",
      "removedThisQuarter",
      "reductionRate",
    ] {
      #expect(totals[key] != nil, "totals.\(key)")
    }
    #expect(totals["unusedPermissions"] as? Int == 3)
    #expect(totals["removedThisQuarter"] as? Int == 1)
    #expect(totals["identifiedThisQuarter"] as? Int == 4)
    #expect(totals["reductionRate"] as? Double == 0.25)
    let team = (object["teams"] as! [[String: Any]])[0]
    #expect(
      Set(team.keys) == [
        "id", "name", "principals", "rolesWithUnused", "unusedPermissions", "identifiedThisQuarter",
        "removedThisQuarter", "reductionRate", "overduePermissions", "checklist",
      ])
    #expect(team["checklist"] as? [String: Int] == ["done": 1, "total": 3])
    #expect(
      summary.hasPrefix("{\n  \"snapshot\": \"2026-11-15\",\n  \"quarter\": \"2026-Q4\",\n  \"totals\": {\n"))
  }

  @Test func theBuildTimeComesFromTheInput() throws {
    let dashboard = try Fixtures.files()["index.html"]!
    #expect(dashboard.contains("Generated 2026-11-18 11:06 UTC"))
  }
}

@Suite struct ChecklistPageTests {
  @Test func theMarkdownCopyEscapesInput() throws {
    let markdown = try #require(try Fixtures.files()["teams/pay/checklists/2026-Q4.md"])
    #expect(markdown.hasPrefix("# Pay\\<script\\>alert(1)\\</script\\> & \"Co\": 2026-Q4 review checklist\n"))
    #expect(markdown.contains("- [x] Read the \\<team\\> page (`read`) (signed off by Priya on 2026-11-02)"))
    #expect(!markdown.contains("<script>"))
  }

  @Test func itemsLeftOpenLastQuarterAreMarkedCarriedOver() throws {
    let page = try #require(try Fixtures.files()["teams/pay/checklists/2026-Q4.html"])
    // payments-api had unused permissions at the end of Q3 too and nobody signed its item off.
    #expect(
      page.contains("items carried over from last quarter")
        || page.contains("item carried over from last quarter"))
    #expect(page.contains(#"<strong class="carried">carried over</strong>"#))
  }
}
