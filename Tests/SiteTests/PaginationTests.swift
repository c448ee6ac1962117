import Analysis
import Foundation
import Model
import Testing

@testable import Site

@Suite struct PaginationTests {
  @Test func pagesHoldAtMostAPageSizeAndTheRestFollows() {
    let pages = PrincipalPages(count: 2 * PrincipalPages.pageSize + 1)
    #expect(pages.pageCount == 3)
    #expect(pages.range(ofPage: 1) == 0..<250)
    #expect(pages.range(ofPage: 3) == 500..<501)
    #expect(PrincipalPages(count: 0).pageCount == 1)
    #expect(PrincipalPages(count: 250).pageCount == 1)
    #expect(PrincipalPages.file(ofPage: 1) == "index.html")
    #expect(PrincipalPages.file(ofPage: 7) == "principals-7.html")
  }

  @Test func thePagerShowsBothEndsAndTwoPagesEitherSide() {
    let pager = PrincipalPages(count: 20 * PrincipalPages.pageSize).pager(onPage: 10)
    let labels = pager.links.map { $0.isCurrent ? "[\($0.label)]" : $0.label }
    #expect(labels == ["1", "…", "8", "9", "[10]", "11", "12", "…", "20"])
    #expect(pager.summary == "Principals 2,251–2,500 of 5,000")
    #expect(pager.previousHref == "principals-9.html" && pager.nextHref == "principals-11.html")
    #expect(pager.links.first?.href == "index.html")
    let first = PrincipalPages(count: 3).pager(onPage: 1)
    #expect(!first.hasPages && !first.hasPrevious && !first.hasNext)
    #expect(first.summary == "Principals 1–3 of 3")
  }

  @Test func aLargeTeamIsListedOnSeveralPagesEachLinkingItsPrincipals() throws {
    let count = PrincipalPages.pageSize + 7
    let principals = (0..<count).map { index in
      Principal(
        arn: "arn:aws:iam::111122223333:role/r\(index)", kind: .role, name: "r\(index)",
        accountID: "111122223333")
    }
    let timeline = Timeline(
      snapshots: [Day(iso: "2026-11-15")!], principals: principals,
      items: (0..<count).map {
        TrackedItem(principal: $0, kind: .permission, service: "s3", detail: "GetObject")
      },
      intervals: (0..<count).map { StatusInterval(item: $0, status: .active, first: 0, last: 0) },
      presence: (0..<count).map { PresenceInterval(principal: $0, first: 0, last: 0) })
    let report = try Analyzer.report(
      from: timeline,
      settings: AnalysisSettings(teams: [
        Team(id: "big", name: "Big", champions: [], rules: [.account("111122223333")])
      ]))
    let files = try SiteGenerator(theme: Theme.builtInCheckingNames()).files(
      for: SiteInput(
        config: SiteConfig(), report: report, procedures: [],
        generatedAt: Timestamp(iso: "2026-11-16T00:00:00Z")!))
    let byPath = Dictionary(
      uniqueKeysWithValues: files.map { ($0.path, String(decoding: $0.contents, as: UTF8.self)) })
    let first = try #require(byPath["teams/big/index.html"])
    let second = try #require(byPath["teams/big/principals-2.html"])
    #expect(byPath["teams/big/principals-3.html"] == nil)
    let rows = { (page: String) in
      page.components(separatedBy: #"<th scope="row"><span class="kind">Role</span>"#).count - 1
    }
    #expect(rows(first) == PrincipalPages.pageSize)
    #expect(rows(second) == 7)
    #expect(first.contains(#"<a href="principals-2.html" rel="next">Next ›</a>"#))
    #expect(second.contains(#"<a href="index.html" rel="prev">‹ Previous</a>"#))
    #expect(second.contains(#"<span aria-current="page">2</span>"#))
    // Every principal has its own page, linked from exactly one list page.
    for index in 0..<count {
      #expect(byPath["teams/big/principals/r\(index).html"] != nil)
      let link = #"<a href="principals/r\#(index).html">"#
      #expect((first.contains(link) ? 1 : 0) + (second.contains(link) ? 1 : 0) == 1)
    }
  }
}
