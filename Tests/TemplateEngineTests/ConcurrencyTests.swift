import TemplateEngine
import Testing

struct ConcurrencyTests {
  @Test func concurrentRendersGiveIdenticalOutput() async throws {
    let library = try TemplateLibrary(templates: [
      "page": "<h1>{{title}}</h1>\n{{#teams}}\n  {{> team}}\n{{/teams}}\n",
      "team":
        "<h2>{{name}}</h2>\n<ul>\n{{#members}}\n  <li>{{name}} {{#tags}}[{{.}}]{{/tags}}</li>\n{{/members}}\n</ul>\n",
    ])
    let site = Site(
      title: "Sites & teams",
      teams: (0..<20).map { team in
        Team(
          name: "Team <\(team)>",
          members: (0..<10).map { Member(name: "M\($0)'s", role: "r", isLead: $0 == 0, tags: ["a", "b"]) },
          lead: nil, openCount: team, share: 0.5)
      })
    let expected = try library.render("page", with: site)
    #expect(expected.contains("<li>M9&#39;s [a][b]</li>"))

    let outputs = try await withThrowingTaskGroup(of: [String].self) { group in
      for _ in 0..<8 {
        group.addTask {
          try (0..<50).map { _ in try library.render("page", with: site) }
        }
      }
      return try await group.reduce(into: []) { $0 += $1 }
    }
    #expect(outputs.count == 400)
    #expect(outputs.allSatisfy { $0 == expected })
  }
}
