import Model
import Testing

@testable import Ingest

@Suite struct SiteConfigReaderTests {
  @Test(arguments: [nil, "", "# nothing configured yet\n", "---\n", "\n\n"] as [String?])
  func missingOrEmptyGivesTheDefaults(text: String?) throws {
    let (config, warnings) = try ConfigReader.readSite(text, file: "site.yml")
    #expect(config == SiteConfig())
    #expect(config.title == "IAM unused access")
    #expect(config.baseURL == nil)
    #expect(config.unusedThresholdDays == 90)
    #expect(config.fiscalYearStartMonth == 1)
    #expect(config.historyPath == "history.sqlite")
    #expect(config.ownerTagKeys == ["team", "owner"])
    #expect(config.allowsRawHTML == false)
    #expect(warnings.isEmpty)
  }

  @Test func everyKey() throws {
    let text = """
      title: "Example Corp: IAM least privilege"
      base_url: "https://iam-reports.example.internal/"   # only for absolute links such as feeds
      unused_threshold_days: 120
      fiscal_year_start_month: 10
      history_store: state/history.sqlite
      owner_tags: [team, owner, squad]
      allow_raw_html: yes

      """
    let (config, warnings) = try ConfigReader.readSite(text, file: "site.yml")
    #expect(
      config
        == SiteConfig(
          title: "Example Corp: IAM least privilege", baseURL: "https://iam-reports.example.internal/",
          unusedThresholdDays: 120, fiscalYearStartMonth: 10, historyPath: "state/history.sqlite",
          ownerTagKeys: ["team", "owner", "squad"], allowsRawHTML: true))
    #expect(warnings.isEmpty)
  }

  @Test func singleValuesAndEmptyURLs() throws {
    let (config, _) = try ConfigReader.readSite(
      "owner_tags: team\nbase_url: \"\"\nallow_raw_html: false\ntitle: '  Spaced  '\n", file: "site.yml")
    #expect(config.ownerTagKeys == ["team"])
    #expect(config.baseURL == nil)
    #expect(config.allowsRawHTML == false)
    #expect(config.title == "Spaced")
  }

  @Test(
    arguments: [
      ("title: Demo\n\nfiscal_year_start_month: 13\n", 3, "fiscal_year_start_month", "13 is out of range"),
      ("fiscal_year_start_month: 0\n", 1, "fiscal_year_start_month", "0 is out of range"),
      ("unused_threshold_days: 0\n", 1, "unused_threshold_days", "0 is out of range"),
      (
        "unused_threshold_days: ninety\n", 1, "unused_threshold_days",
        "expected a whole number, found \"ninety\""
      ),
      ("unused_threshold_days: [90]\n", 1, "unused_threshold_days", "expected a single value, found a list"),
      (
        "base_url: ftp://example.com/\n", 1, "base_url",
        "expected an absolute http(s) URL, found \"ftp://example.com/\""
      ),
      (
        "title: Demo\nallow_raw_html: maybe\n", 2, "allow_raw_html", "expected true or false, found \"maybe\""
      ),
      ("title: \"\"\n", 1, "title", "must not be empty"),
      ("owner_tags: [team, \"\"]\n", 1, "owner_tags[1]", "must not be empty"),
    ] as [(String, Int, String, String)])
  func badValuesNameTheLineAndKey(text: String, line: Int, field: String, message: String) throws {
    let error = try #require(throws: IngestError.self) { try ConfigReader.readSite(text, file: "site.yml") }
    #expect(error.file == "site.yml")
    #expect(error.line == line)
    #expect(error.field == field)
    #expect(error.message == message)
  }

  @Test func theRangeIsInTheHint() throws {
    let error = try #require(throws: IngestError.self) {
      try ConfigReader.readSite("fiscal_year_start_month: 13", file: "site.yml")
    }
    #expect(error.hint == "Use a number from 1 to 12")
    #expect(
      error.description
        == "site.yml:1: field fiscal_year_start_month: 13 is out of range. Use a number from 1 to 12")
  }

  @Test func aMisspeltKeyIsAWarningWithTheClosestKnownKey() throws {
    let (config, warnings) = try ConfigReader.readSite(
      "title: Demo\nunused_treshold_days: 30\ncolour: blue\n", file: "site.yml")
    #expect(config.unusedThresholdDays == 90)
    #expect(warnings.count == 2)
    let known =
      "title, base_url, unused_threshold_days, fiscal_year_start_month, history_store, owner_tags, allow_raw_html, removal_deadline_days, stale_after_days, changes_since_days"
    #expect(
      warnings.first
        == IngestWarning(
          file: "site.yml", line: 2,
          message:
            "unknown key \"unused_treshold_days\" (did you mean unused_threshold_days?) is ignored; known keys: "
            + known))
    #expect(
      warnings.last
        == IngestWarning(
          file: "site.yml", line: 3, message: "unknown key \"colour\" is ignored; known keys: " + known))
  }

  @Test func closestKeys() {
    #expect(
      ConfigReader.closest("fiscal_year_start_mont", in: ConfigReader.siteKeys) == "fiscal_year_start_month")
    #expect(ConfigReader.closest("fiscal_year_start", in: ConfigReader.siteKeys) == nil)
    #expect(ConfigReader.closest("owner_tag", in: ConfigReader.siteKeys) == "owner_tags")
    #expect(ConfigReader.closest("baseurl", in: ConfigReader.siteKeys) == "base_url")
    #expect(ConfigReader.closest("zzz", in: ConfigReader.siteKeys) == nil)
    #expect(ConfigReader.editDistance("kitten", "sitting") == 3)
    #expect(ConfigReader.editDistance("", "abc") == 3)
    #expect(ConfigReader.editDistance("same", "same") == 0)
  }

  @Test func aListIsNotASiteFile() throws {
    let error = try #require(throws: IngestError.self) {
      try ConfigReader.readSite("- title\n", file: "site.yml")
    }
    #expect(error.line == 1)
    #expect(error.field == nil)
    #expect(error.message == "expected a mapping of keys to values, found a list")
  }

  @Test func invalidYAMLNamesTheLine() throws {
    let error = try #require(throws: IngestError.self) {
      try ConfigReader.readSite("title: Demo\nbase_url: \"https://unclosed\n", file: "site.yml")
    }
    #expect(error.file == "site.yml")
    #expect(error.line == 3)
    #expect(error.message.hasPrefix("invalid YAML at column 1: "))
    #expect(error.message.contains("found unexpected end of stream"))
    #expect(error.hint == "Check the indentation and quoting around that line")
  }
}

@Suite struct TeamsReaderTests {
  static let example = """
    # Teams and how their principals are found.
    teams:
      - id: payments                 # used in file names and review files
        name: Payments Platform
        champions:
          - name: Priya Raman
            email: priya.raman@example.com
          - Sam Okafor
        match:
          accounts: ["111122223333", 11122223333]
          arns: ["arn:aws:iam::*:role/payments-*", "*:role/billing-*"]
          tags: ["team=payments", "cost-centre=CC=42"]
      - id: data
        champions: Dana Whitfield
        match:
          accounts: 444455556666
          tags: team=data
      - id: platform
        name: Platform

    """

  @Test func theREADMEExampleAndMore() throws {
    let (teams, warnings) = try ConfigReader.readTeams(Self.example, file: "teams.yml")
    #expect(warnings.isEmpty)
    #expect(
      teams == [
        Team(
          id: "payments", name: "Payments Platform",
          champions: [
            Champion(name: "Priya Raman", email: "priya.raman@example.com"), Champion(name: "Sam Okafor"),
          ],
          rules: [
            .account("111122223333"), .account("011122223333"), .arn(Glob("arn:aws:iam::*:role/payments-*")),
            .arn(Glob("*:role/billing-*")), .tag(key: "team", value: "payments"),
            .tag(key: "cost-centre", value: "CC=42"),
          ]),
        Team(
          id: "data", name: "data", champions: [Champion(name: "Dana Whitfield")],
          rules: [.account("444455556666"), .tag(key: "team", value: "data")]),
        Team(id: "platform", name: "Platform"),
      ])
  }

  @Test func aBareListOfTeams() throws {
    let (teams, _) = try ConfigReader.readTeams("- id: a\n- id: b\n  name: Bee\n", file: "teams.yml")
    #expect(teams == [Team(id: "a", name: "a"), Team(id: "b", name: "Bee")])
  }

  @Test(arguments: [nil, "", "teams:\n", "teams: []\n", "# none yet\n"] as [String?])
  func noTeams(text: String?) throws {
    let (teams, warnings) = try ConfigReader.readTeams(text, file: "teams.yml")
    #expect(teams.isEmpty)
    #expect(warnings.isEmpty)
  }

  @Test(arguments: [
    ("accounts: [11122223333]", "011122223333"),
    ("accounts: 11122223333", "011122223333"),
    ("accounts: [\"011122223333\"]", "011122223333"),
    ("accounts: [011122223333]", "011122223333"),
    ("accounts: [2]", "000000000002"),
  ])
  func accountIDsWithDroppedLeadingZerosArePadded(match: String, account: String) throws {
    let (teams, _) = try ConfigReader.readTeams(
      "teams:\n  - id: a\n    match:\n      \(match)\n", file: "teams.yml")
    #expect(teams.first?.rules == [.account(account)])
  }

  @Test func aDuplicateIdIgnoringCaseNamesBothLines() throws {
    let text = """
      teams:
        - id: payments
          name: Payments
        - id: data
        - id: Payments
          name: Payments again

      """
    let error = try #require(throws: IngestError.self) { try ConfigReader.readTeams(text, file: "teams.yml") }
    #expect(error.file == "teams.yml")
    #expect(error.line == 5)
    #expect(error.message == "duplicate team id \"Payments\" (first defined on line 2)")
    #expect(error.hint == "Team ids must be unique, ignoring case")
  }

  @Test(arguments: ["unowned", "Unowned", "UNOWNED"])
  func theUnownedIdIsReserved(id: String) throws {
    let error = try #require(throws: IngestError.self) {
      try ConfigReader.readTeams("teams:\n  - id: payments\n  - id: \(id)\n", file: "teams.yml")
    }
    #expect(error.line == 3)
    #expect(error.field == "teams[1]")
    #expect(error.message == "the team id \"unowned\" is reserved for principals no team matches")
  }

  @Test(
    arguments: [
      (
        "teams:\n  - id: a\n    match:\n      tags: [\"team=a\", \"teampayments\"]\n", 4,
        "teams[0].match.tags[1]",
        "\"teampayments\" is not a tag rule"
      ),
      (
        "teams:\n  - id: a\n    match:\n      tags: \"=payments\"\n", 4, "teams[0].match.tags",
        "\"=payments\" is not a tag rule"
      ),
      (
        "teams:\n  - id: a\n  - id: b\n    match:\n      accounts: [1111222233334]\n", 5,
        "teams[1].match.accounts[0]",
        "\"1111222233334\" is not a 12-digit AWS account id"
      ),
      (
        "teams:\n  - id: a\n    match:\n      accounts: [\"1111-2222-3333\"]\n", 4,
        "teams[0].match.accounts[0]",
        "\"1111-2222-3333\" is not a 12-digit AWS account id"
      ),
      (
        "teams:\n  - id: a\n    match:\n      arns:\n        - role/payments-*\n", 5,
        "teams[0].match.arns[0]",
        "\"role/payments-*\" is not an ARN pattern"
      ),
      ("teams:\n  - name: Nameless\n", 2, "teams[0]", "a team needs an `id`"),
      ("teams:\n  - id: \"  \"\n", 2, "teams[0].id", "must not be empty"),
      (
        "teams:\n  - id: a\n    champions:\n      - email: x@example.com\n", 4, "teams[0].champions[0]",
        "a champion needs a `name`"
      ),
      (
        "teams:\n  - id: a\n    match: [accounts]\n", 3, "teams[0].match",
        "expected a mapping of keys to values, found a list"
      ),
      ("squads:\n  - id: a\n", 1, nil, "expected a `teams:` list"),
      ("teams: payments\n", 1, "teams", "expected a list, found a single value"),
    ] as [(String, Int, String?, String)])
  func badTeamsNameTheLineAndField(text: String, line: Int, field: String?, message: String) throws {
    let error = try #require(throws: IngestError.self) { try ConfigReader.readTeams(text, file: "teams.yml") }
    #expect(error.file == "teams.yml")
    #expect(error.line == line)
    #expect(error.field == field)
    #expect(error.message == message)
  }

  @Test func unknownKeysAreWarnings() throws {
    let text = "teams:\n  - id: a\n    colour: blue\n    match:\n      account: \"111122223333\"\n"
    let (teams, warnings) = try ConfigReader.readTeams(text, file: "teams.yml")
    #expect(teams == [Team(id: "a", name: "a")])
    #expect(
      warnings == [
        IngestWarning(
          file: "teams.yml", line: 3,
          message: "unknown key \"colour\" in a team is ignored; known keys: id, name, champions, match"),
        IngestWarning(
          file: "teams.yml", line: 5,
          message: "unknown match key \"account\" is ignored; known keys: accounts, arns, tags"),
      ])
  }

  @Test func invalidYAMLNamesTheLine() throws {
    let text = "teams:\n  - id: payments\n    name: [unclosed\n  - id: data\n"
    let error = try #require(throws: IngestError.self) { try ConfigReader.readTeams(text, file: "teams.yml") }
    #expect(error.file == "teams.yml")
    // libyaml notices the unclosed list where the next item starts.
    #expect(error.line == 4)
    #expect(
      error.message
        == "invalid YAML at column 7: while parsing a flow sequence: did not find expected ',' or ']'")
    #expect(error.field == nil)
  }

  @Test func aTabIndentIsInvalidYAML() throws {
    let text = "teams:\n  - id: payments\n\t- id: data\n"
    let error = try #require(throws: IngestError.self) { try ConfigReader.readTeams(text, file: "teams.yml") }
    #expect(error.line == 3)
    #expect(error.message.hasPrefix("invalid YAML at column 1: "))
  }
}
