import Foundation
import Model
import Sample
import Testing

@Suite("Settings, procedures and reviews")
struct DocumentTests {
  @Test("site.yml has the documented keys")
  func siteSettings() throws {
    let sample = try LoadedSample.standard.get()
    for key in [
      "title:", "base_url:", "unused_threshold_days: 90", "fiscal_year_start_month: 1", "history_store:",
      "owner_tags: [team, owner]", "allow_raw_html: false",
    ] {
      #expect(sample.siteYAML.contains("\n" + key), "site.yml lacks \(key)")
    }
  }

  @Test("teams.yml lists ids, names, champions with e-mail and match rules")
  func teamsFile() throws {
    let sample = try LoadedSample.standard.get()
    let text = sample.teamsYAML
    #expect(
      text.contains("\nteams:\n  - id: payments\n    name: Payments Platform\n    champions:\n      - name: ")
    )
    #expect(text.contains("email: "))
    #expect(text.contains("name: Identity & Access"))
    for team in sample.teams() {
      #expect(team.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" })
      #expect(!team.rules.isEmpty)
    }
  }

  /// `(id, text)` of the task items of a procedure.
  private func taskItems(_ markdown: String) -> [(id: String, text: String)] {
    markdown.split(separator: "\n").compactMap { line in
      guard line.hasPrefix("- [ ] "), let open = line.range(of: " {#", options: .backwards),
        line.hasSuffix("}")
      else { return nil }
      let id = String(line[open.upperBound..<line.index(before: line.endIndex)])
      return (id, String(line[line.index(line.startIndex, offsetBy: 6)..<open.lowerBound]))
    }
  }

  @Test("The quarterly procedure is a checklist of 8 to 15 items with stable ids under headings")
  func quarterlyProcedure() throws {
    let sample = try LoadedSample.standard.get()
    let text = try #require(sample.documents["procedures/quarterly-access-review.md"])
    #expect(text.hasPrefix("---\ntitle: Quarterly access review\nchecklist: quarterly\nteams: all\n---\n"))
    let items = taskItems(text)
    #expect((8...15).contains(items.count))
    #expect(items.count == text.components(separatedBy: "\n- [ ] ").count - 1)
    for item in items {
      #expect(!item.id.isEmpty)
      #expect(
        item.id.unicodeScalars.allSatisfy {
          ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        })
    }
    #expect(Set(items.map(\.id)).count == items.count)
    #expect(text.components(separatedBy: "\n## ").count >= 5)
  }

  @Test("The how-to has a code block with aws commands, a link and a list, and no checklist")
  func howTo() throws {
    let sample = try LoadedSample.standard.get()
    let text = try #require(sample.documents["procedures/removing-unused-permissions.md"])
    #expect(text.contains("checklist: false"))
    #expect(text.contains("\n```sh\n"))
    #expect(text.contains("\naws accessanalyzer get-finding-v2"))
    #expect(text.contains("](https://"))
    #expect(text.contains("\n1. "))
    #expect(taskItems(text).isEmpty)
  }

  @Test("Review files sign off procedure items and record exceptions, one of them expired")
  func reviews() throws {
    let sample = try LoadedSample.standard.get()
    let newest = sample.snapshots.last!.day
    let quarter = Quarter(containing: newest)
    let all = sample.documents.filter { $0.key.hasPrefix("reviews/") }
    let reviews = all.filter { $0.key.hasPrefix("reviews/\(quarter.label)/") }
    #expect((2...3).contains(reviews.count))
    // Last quarter's reviews: one per team, finished but for one team's.
    let previous = all.filter { $0.key.hasPrefix("reviews/\(quarter.previous.label)/") }
    #expect(previous.count == sample.teams().count)
    let procedure = try #require(sample.documents["procedures/quarterly-access-review.md"])
    let ids = Set(taskItems(procedure).map(\.id))
    let teamIDs = Set(sample.teams().map(\.id))
    let arns = Set(sample.snapshots.last!.accounts.flatMap(\.principalARNs))
    var expired = 0
    for (path, text) in reviews {
      let parts = path.split(separator: "/")
      #expect(parts[1] == Substring(quarter.label))
      #expect(teamIDs.contains(String(parts[2].dropLast(4))))
      #expect(text.hasPrefix("# Quarterly review sign-offs: "))
      #expect(text.contains("\nsigned_off:\n"))
      #expect(text.contains("\nexceptions:"))
      for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
        if line.hasPrefix("- id: ") { #expect(ids.contains(String(line.dropFirst(6)))) }
        if line.hasPrefix("date: ") {
          let day = try #require(Day(iso: line.dropFirst(6)))
          #expect(day <= newest && quarter.contains(day))
        }
        if line.hasPrefix("- principal: ") { #expect(arns.contains(String(line.dropFirst(13)))) }
        if line.hasPrefix("permission: ") { #expect(line.dropFirst(12).contains(":")) }
        if line.hasPrefix("expires: "), let day = Day(iso: line.dropFirst(9)), day < newest { expired += 1 }
      }
    }
    #expect(expired == 1)
  }
}
