import TemplateEngine
import Testing

/// Page models conform with a hand-written switch, as the site's do.
struct Member: TemplateContext {
  var name: String
  var role: String
  var isLead: Bool
  var tags: [String]

  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "name": .string(name)
    case "role": .string(role)
    case "isLead": .bool(isLead)
    case "tags": .list(tags)
    default: nil
    }
  }
}

struct Team: TemplateContext {
  var name: String
  var members: [Member]
  var lead: Member?
  var openCount: Int
  var share: Double

  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "name": .string(name)
    case "members": .list(members)
    case "lead": lead.map { .object($0) } ?? .null
    case "openCount": .int(openCount)
    case "share": .double(share)
    default: nil
    }
  }
}

struct Site: TemplateContext {
  var title: String
  var teams: [Team]

  func templateValue(forKey key: String) -> TemplateValue? {
    switch key {
    case "title": .string(title)
    case "teams": .list(teams)
    default: nil
    }
  }
}

struct TypedContextTests {
  private let site = Site(
    title: "Access & reviews",
    teams: [
      Team(
        name: "Payments",
        members: [
          Member(name: "Ana", role: "owner", isLead: true, tags: ["iam", "kms"]),
          Member(name: "Ben", role: "<ops>", isLead: false, tags: []),
        ],
        lead: Member(name: "Ana", role: "owner", isLead: true, tags: []), openCount: 3, share: 0.25),
      Team(name: "Search", members: [], lead: nil, openCount: 0, share: 1.0),
    ])

  @Test func nestedSectionsOverTypedContexts() throws {
    let library = try TemplateLibrary(templates: [
      "teams": """
      <h1>{{title}}</h1>
      {{#teams}}
      <h2>{{name}} ({{openCount}} open, {{share}})</h2>
      {{#lead}}
      <p>Lead: {{name}}</p>
      {{/lead}}
      {{^lead}}
      <p>No lead</p>
      {{/lead}}
      <ul>
        {{#members}}
        <li>{{name}}, {{role}} of {{title}}{{#isLead}}, lead{{/isLead}}: {{#tags}}[{{.}}]{{/tags}}{{^tags}}no tags{{/tags}}</li>
        {{/members}}
      </ul>
      {{/teams}}

      """
    ])
    let output = try library.render("teams", with: site)
    #expect(
      output == """
        <h1>Access &amp; reviews</h1>
        <h2>Payments (3 open, 0.25)</h2>
        <p>Lead: Ana</p>
        <ul>
          <li>Ana, owner of Access &amp; reviews, lead: [iam][kms]</li>
          <li>Ben, &lt;ops&gt; of Access &amp; reviews: no tags</li>
        </ul>
        <h2>Search (0 open, 1.0)</h2>
        <p>No lead</p>
        <ul>
        </ul>

        """)
  }

  @Test func dottedNamesReachIntoTypedContexts() throws {
    let library = try TemplateLibrary(templates: [
      "page": "{{#teams}}{{name}}: {{lead.name}}/{{lead.role}}{{^lead.name}}nobody{{/lead.name}}; {{/teams}}"
    ])
    #expect(try library.render("page", with: site) == "Payments: Ana/owner; Search: /nobody; ")
  }

  @Test func aNameWithANullValueHidesTheSameNameFurtherOut() throws {
    // Search's lead is `.null`: `{{lead.name}}` must not fall through to anything outside.
    let library = try TemplateLibrary(templates: ["page": "{{#teams}}[{{#lead}}{{name}}{{/lead}}]{{/teams}}"])
    #expect(try library.render("page", with: site) == "[Ana][]")
  }

  @Test func implicitIteratorOverATypedElementIsItsContext() throws {
    let library = try TemplateLibrary(templates: ["page": "{{#teams}}{{#.}}{{name}};{{/.}}{{/teams}}"])
    #expect(try library.render("page", with: site) == "Payments;Search;")
  }

  @Test func valuesBuildFromLiteralsAndDictionaries() throws {
    let library = try TemplateLibrary(templates: [
      "page": "{{#rows}}{{a}}={{b.c}} {{/rows}}{{#list}}{{.}},{{/list}}"
    ])
    let context: TemplateDictionary = [
      "rows": [["a": "x", "b": ["c": 1]], ["a": "y", "b": ["c": 2.5]]],
      "list": .list(["p", "q"]),
    ]
    #expect(try library.render("page", with: context) == "x=1 y=2.5 p,q,")
  }

  @Test func zeroAndTheEmptyStringAreTruthy() throws {
    let library = try TemplateLibrary(templates: [
      "page":
        "{{#zero}}zero{{/zero}} {{#empty}}empty{{/empty}} {{^none}}none{{/none}} {{^missing}}missing{{/missing}}"
    ])
    let context: TemplateDictionary = ["zero": 0, "empty": "", "none": .null]
    #expect(try library.render("page", with: context) == "zero empty none missing")
  }
}
