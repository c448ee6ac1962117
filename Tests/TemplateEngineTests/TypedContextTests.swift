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
  private let site = Self.sampleSite

  static let sampleSite = Site(
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

  /// Values that are not contexts are pushed beside the stack of contexts: leaving a section
  /// over one must bring back the value of the section around it, however deep, and names must
  /// still be found in the contexts under them.
  @Test func nestedSectionsOverPlainValuesRestoreTheOuterValue() throws {
    let library = try TemplateLibrary(templates: [
      "page":
        "{{#outer}}[{{.}}:{{#inner}}{{.}}{{#flag}}!{{title}}{{/flag}}{{/inner}}:{{.}}]{{/outer}}{{title}}"
    ])
    let context: TemplateDictionary = [
      "outer": .list(["a", "b"]), "inner": [1, 2.5], "flag": true, "title": "t",
    ]
    #expect(try library.render("page", with: context) == "[a:1!t2.5!t:a][b:1!t2.5!t:b]t")
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

/// The same models with their names in enums, as the site's page models are written.
struct KeyedMember: KeyedTemplateContext {
  var member: Member

  enum TemplateKey: String, TemplateKeys {
    case name, role, isLead, tags
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(member.name)
    case .role: .string(member.role)
    case .isLead: .bool(member.isLead)
    case .tags: .list(member.tags)
    }
  }
}

struct KeyedTeam: KeyedTemplateContext {
  var team: Team

  enum TemplateKey: String, TemplateKeys {
    case name, members, lead, openCount, share
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .name: .string(team.name)
    case .members: .list(team.members.map(KeyedMember.init))
    case .lead: team.lead.map { .object(KeyedMember(member: $0)) } ?? .null
    case .openCount: .int(team.openCount)
    case .share: .double(team.share)
    }
  }
}

struct KeyedSite: KeyedTemplateContext {
  var site: Site

  enum TemplateKey: String, TemplateKeys {
    case title, teams
    static let table = TemplateKeyTable<TemplateKey>()
  }

  func templateValue(for key: TemplateKey) -> TemplateValue {
    switch key {
    case .title: .string(site.title)
    case .teams: .list(site.teams.map(KeyedTeam.init))
    }
  }
}

struct KeyedContextTests {
  private let site = TypedContextTests.sampleSite

  /// Templates where names are found in the innermost context, missed there and found further
  /// out, missed everywhere, dotted, and the same name asked of three context types in turn.
  private static let templates = [
    "page": """
    {{title}}|{{#teams}}{{name}}:{{title}}:{{lead.name}}{{^lead.name}}-{{/lead.name}}:\
    {{#members}}{{name}}/{{role}}/{{title}}/{{openCount}}/{{missing}}{{#isLead}}*{{/isLead}}\
    {{#tags}}[{{.}}]{{/tags}};{{/members}}{{#lead}}({{name}} of {{title}}){{/lead}}|{{/teams}}
    """
  ]

  @Test func keyedContextsRenderAsStringKeyedOnes() throws {
    let library = try TemplateLibrary(templates: Self.templates)
    let expected =
      "Access &amp; reviews|Payments:Access &amp; reviews:Ana:"
      + "Ana/owner/Access &amp; reviews/3/*[iam][kms];Ben/&lt;ops&gt;/Access &amp; reviews/3/;"
      + "(Ana of Access &amp; reviews)|Search:Access &amp; reviews:-:|"
    #expect(try library.render("page", with: site) == expected)
    #expect(try library.render("page", with: KeyedSite(site: site)) == expected)
  }

  @Test func keyedAndStringKeyedContextsMix() throws {
    // A keyed page over rows that are looked up by string, and the other way round.
    let library = try TemplateLibrary(templates: [
      "page": "{{#teams}}{{name}}<{{#members}}{{name}}@{{title}},{{/members}}>{{/teams}}"
    ])
    struct Outer: KeyedTemplateContext {
      var teams: [Team]
      enum TemplateKey: String, TemplateKeys {
        case title, teams
        static let table = TemplateKeyTable<TemplateKey>()
      }
      func templateValue(for key: TemplateKey) -> TemplateValue {
        switch key {
        case .title: "T"
        case .teams: .list(teams)
        }
      }
    }
    let expected = "Payments<Ana@T,Ben@T,>Search<>"
    #expect(try library.render("page", with: Outer(teams: site.teams)) == expected)
    let stringKeyedOuter: TemplateDictionary = [
      "title": "T", "teams": .list(site.teams.map(KeyedTeam.init)),
    ]
    #expect(try library.render("page", with: stringKeyedOuter) == expected)
  }

  @Test func aKeptLookupCacheGivesTheSameOutputRenderAfterRender() throws {
    let library = try TemplateLibrary(templates: Self.templates)
    let other = try TemplateLibrary(templates: [
      // Numbers its names differently: "teams" comes first here.
      "page": "{{#teams}}{{title}}.{{name}};{{/teams}}"
    ])
    let expected = try library.render("page", with: KeyedSite(site: site))
    let cache = TemplateLookupCache(for: library)
    for _ in 0..<3 {
      var output = TemplateOutput()
      try library.render("page", with: KeyedSite(site: site), into: &output, cache: cache)
      #expect(output.string == expected)
    }
    // A cache made for another library is not used.
    var output = TemplateOutput()
    try other.render("page", with: KeyedSite(site: site), into: &output, cache: cache)
    #expect(output.string == "Access &amp; reviews.Payments;Access &amp; reviews.Search;")
    output.removeAll()
    try library.render("page", with: KeyedSite(site: site), into: &output, cache: cache)
    #expect(output.string == expected)
  }

  @Test func aKeyedContextAnswersByStringToo() {
    let member = KeyedMember(member: Member(name: "Ana", role: "owner", isLead: true, tags: []))
    #expect(member.templateValue(forKey: "role").map { "\($0)" } == "\(TemplateValue.string("owner"))")
    #expect(member.templateValue(forKey: "missing") == nil)
    #expect(KeyedMember.TemplateKey.table.slot(of: "isLead") == 2)
    #expect(
      TemplateObject(member).templateValue(forKey: "name").map { "\($0)" } == "\(TemplateValue.string("Ana"))"
    )
  }

  @Test func namesMissingFromKeyedContextsAreReported() throws {
    let library = try TemplateLibrary(
      templates: ["page": "{{#teams}}{{nmae}}{{#members}}{{rol}}{{/members}}{{/teams}}"], missingNames: .fail)
    #expect(throws: TemplateError.missingNames(template: "page", names: ["nmae", "rol"])) {
      try library.render("page", with: KeyedSite(site: site))
    }
  }
}

/// Key types the site does not use, each numbered its own way.
struct KeyTableShapeTests {
  struct SingleKey: KeyedTemplateContext {
    // An enum of one case takes no bytes: its slot cannot be its byte.
    enum TemplateKey: String, TemplateKeys {
      case only
      static let table = TemplateKeyTable<TemplateKey>()
    }
    func templateValue(for key: TemplateKey) -> TemplateValue { "one" }
  }

  struct Unusual: KeyedTemplateContext {
    // Raw values other than the case names, and `allCases` out of order and without one case.
    enum TemplateKey: String, TemplateKeys {
      case first = "zeta"
      case retired
      case third = "alpha"
      case fourth
      static var allCases: [TemplateKey] { [.fourth, .third, .first] }
      static let table = TemplateKeyTable<TemplateKey>()
    }
    func templateValue(for key: TemplateKey) -> TemplateValue {
      switch key {
      case .first: "Z"
      case .retired: "R"
      case .third: "A"
      case .fourth: "F"
      }
    }
  }

  struct ManyKeys: KeyedTemplateContext {
    // More names than a byte numbers.
    struct TemplateKey: TemplateKeys, Hashable {
      var rawValue: String
      init?(rawValue: String) { self.rawValue = rawValue }
      static let allCases = (0..<300).map { TemplateKey(rawValue: "k\($0)")! }
      static let table = TemplateKeyTable<TemplateKey>()
    }
    func templateValue(for key: TemplateKey) -> TemplateValue { .string("v" + key.rawValue.dropFirst()) }
  }

  @Test func everyShapeOfKeyTypeFindsItsNames() throws {
    let library = try TemplateLibrary(templates: [
      "single": "{{only}}{{^only}}none{{/only}}",
      "unusual": "{{zeta}}{{alpha}}{{fourth}}[{{retired}}]",
      "many": "{{k0}},{{k255}},{{k256}},{{k299}},[{{k300}}]",
    ])
    let cache = TemplateLookupCache(for: library)
    for _ in 0..<2 {
      var output = TemplateOutput()
      try library.render("single", with: SingleKey(), into: &output, cache: cache)
      try library.render("unusual", with: Unusual(), into: &output, cache: cache)
      try library.render("many", with: ManyKeys(), into: &output, cache: cache)
      #expect(output.string == "one" + "ZAF[]" + "v0,v255,v256,v299,[]")
    }
  }

  @Test func namesAskedByStringFindTheSameValues() throws {
    // By string: what dotted names and `TemplateObject` ask, rather than the slot a render uses.
    #expect(Unusual().templateValue(forKey: "zeta").map { "\($0)" } == "\(TemplateValue.string("Z"))")
    #expect(Unusual().templateValue(forKey: "fourth").map { "\($0)" } == "\(TemplateValue.string("F"))")
    #expect(Unusual().templateValue(forKey: "retired") == nil)
    #expect(ManyKeys().templateValue(forKey: "k256").map { "\($0)" } == "\(TemplateValue.string("v256"))")
    let library = try TemplateLibrary(templates: [
      "page": "{{row.zeta}}{{row.alpha}}{{row.fourth}}{{row.retired}}"
    ])
    #expect(try library.render("page", with: TemplateDictionary(["row": .object(Unusual())])) == "ZAF")
  }

  @Test func aCacheKeptPastItsLibraryIsNotUsedByTheNextOne() throws {
    // Each new library may be given the address of the one before: the cache must still tell
    // them apart, since they number their names differently.
    let many = (1...40).map { "{{n\($0)}}" }.joined()
    var cache: TemplateLookupCache?
    for _ in 0..<50 {
      let library = try TemplateLibrary(templates: ["page": "{{fourth}}{{zeta}}{{alpha}}", "many": many])
      var output = TemplateOutput()
      try library.render("many", with: Unusual(), into: &output, cache: cache)
      try library.render("page", with: Unusual(), into: &output, cache: cache)
      #expect(output.string == "FZA")
      cache = TemplateLookupCache(
        for: try TemplateLibrary(templates: ["page": "{{zeta}}{{alpha}}{{fourth}}"]))
    }
  }
}
