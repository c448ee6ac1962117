import Analysis
import Foundation
import Markdown
import Model
import Testing

@testable import Site

/// A small organisation built through the real analysis, for page tests.
enum Fixtures {
  static let hostileTeamName = #"Pay<script>alert(1)</script> & "Co""#
  static let hostileRole = #"api"><img src=x onerror=alert(1)>"#

  static func report() throws -> OrganisationReport {
    let principals = [
      Principal(
        arn: "arn:aws:iam::111122223333:role/payments-api", kind: .role, name: "payments-api",
        accountID: "111122223333", tags: [Model.Tag(key: "team", value: "pay")],
        lastUsedOn: Day(iso: "2026-11-20")),
      Principal(
        arn: "arn:aws:iam::111122223333:role/\(hostileRole)", kind: .role, name: hostileRole,
        accountID: "111122223333", tags: [Model.Tag(key: "team", value: "pay")]),
      Principal(
        arn: "arn:aws:iam::999988887777:user/bob", kind: .user, name: "bob", accountID: "999988887777"),
    ]
    let items = [
      TrackedItem(principal: 0, kind: .permission, service: "s3", detail: "PutBucketPolicy"),
      TrackedItem(
        principal: 0, kind: .permission, service: "ec2", detail: "*", lastUsedOn: Day(iso: "2026-01-02")),
      TrackedItem(principal: 1, kind: .permission, service: "iam", detail: "PassRole"),
      TrackedItem(principal: 2, kind: .accessKey, service: "", detail: "AKIAEXAMPLE"),
      TrackedItem(principal: 0, kind: .permission, service: "s3", detail: "GetObject"),
    ]
    let intervals = [
      StatusInterval(item: 0, status: .active, first: 0, last: 2),
      StatusInterval(item: 1, status: .active, first: 1, last: 2),
      StatusInterval(item: 2, status: .active, first: 0, last: 2),
      StatusInterval(item: 3, status: .active, first: 2, last: 2),
      StatusInterval(item: 4, status: .active, first: 0, last: 0),
      StatusInterval(item: 4, status: .resolved, first: 1, last: 1),
    ]
    let timeline = Timeline(
      snapshots: ["2026-09-15", "2026-10-15", "2026-11-15"].map { Day(iso: $0)! }, principals: principals,
      items: items, intervals: intervals,
      presence: (0..<3).map { PresenceInterval(principal: $0, first: 0, last: 2) })
    let settings = AnalysisSettings(
      teams: [
        Team(
          id: "pay", name: hostileTeamName,
          champions: [Champion(name: "Priya <b>Raman</b>", email: "p@example.com")],
          rules: [.tag(key: "team", value: "pay")])
      ],
      ownerTagKeys: [],
      procedures: [
        ChecklistProcedure(
          slug: "review", title: "Quarterly review",
          items: [ProcedureItem(id: "read", text: "Read the <team> page", section: ["Steps"])], teamIDs: nil)
      ],
      reviews: [
        Review(
          quarter: Quarter(label: "2026-Q4")!, teamID: "pay",
          signOffs: [
            SignOff(itemID: "read", by: "Priya", on: Day(iso: "2026-11-02")!, note: "done <quickly>")
          ],
          exceptions: [], file: "content/reviews/2026-Q4/pay.yml")
      ])
    return try Analyzer.report(from: timeline, settings: settings)
  }

  static func input() throws -> SiteInput {
    let procedure = ProcedureSource(
      name: "review", title: "Quarterly review",
      document: MarkdownDocument(parsing: "# Quarterly review\n\n- [ ] Read the <team> page {#read}\n"),
      isQuarterlyChecklist: true)
    return SiteInput(
      config: SiteConfig(title: "Example <Corp>"), report: try report(), procedures: [procedure],
      generatedAt: Timestamp(secondsSinceEpoch: 1_795_000_000))
  }

  static func files() throws -> [String: String] {
    // Every name a built-in template uses must have a value in the page models.
    let files = try SiteGenerator(theme: Theme.builtInCheckingNames()).files(for: input())
    return Dictionary(
      uniqueKeysWithValues: files.map { ($0.path, String(decoding: $0.contents, as: UTF8.self)) })
  }
}
