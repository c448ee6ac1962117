import Model
import Testing

/// `Testing` has a `Tag` too.
private typealias Tag = Model.Tag

@Suite struct GlobTests {
  @Test func aRoleNamePrefixInAnyAccount() {
    let glob = Glob("arn:aws:iam::*:role/payments-*")
    #expect(glob.pattern == "arn:aws:iam::*:role/payments-*")
    #expect(glob.description == "arn:aws:iam::*:role/payments-*")
    #expect(glob.matches("arn:aws:iam::111122223333:role/payments-api"))
    #expect(glob.matches("arn:aws:iam::444455556666:role/payments-"))
    #expect(glob.matches("arn:aws:iam::111122223333:role/payments-team/batch"))
    #expect(!glob.matches("arn:aws:iam::111122223333:role/service-role/payments-api"))
    #expect(!glob.matches("arn:aws:iam::111122223333:role/billing-payments-api"))
    #expect(!glob.matches("arn:aws:iam::111122223333:user/payments-api"))
    #expect(!glob.matches("arn:aws:iam::111122223333:role/Payments-api"))
    #expect(!glob.matches("arn:aws-cn:iam::111122223333:role/payments-api"))
  }

  @Test func aQuestionMarkIsExactlyOneCharacter() {
    let glob = Glob("arn:aws:iam::11112222333?:role/app-?")
    #expect(glob.matches("arn:aws:iam::111122223333:role/app-a"))
    #expect(glob.matches("arn:aws:iam::111122223339:role/app-/"))
    #expect(!glob.matches("arn:aws:iam::111122223333:role/app-"))
    #expect(!glob.matches("arn:aws:iam::111122223333:role/app-ab"))
    #expect(!glob.matches("arn:aws:iam::11112222333:role/app-a"))
    #expect(Glob("?").matches("é"))
    #expect(!Glob("?").matches(""))
    // Characters, not bytes, whether or not the text or the pattern is ASCII.
    #expect(Glob("a?c").matches("aéc"))
    #expect(!Glob("a??c").matches("aéc"))
    #expect(Glob("é*").matches("épée") && !Glob("é*").matches("epee"))
    #expect(Glob("?").matches("\r\n") && !Glob("??").matches("\r\n"))
  }

  @Test func severalStars() {
    let glob = Glob("*-*-*")
    #expect(glob.matches("a-b-c"))
    #expect(glob.matches("--"))
    #expect(glob.matches("a-b-c-d"))
    #expect(!glob.matches("a-b"))
    #expect(Glob("arn:*:iam::*:role/*/batch-*").matches("arn:aws:iam::1:role/team/x/batch-nightly"))
    #expect(!Glob("arn:*:iam::*:role/*/batch-*").matches("arn:aws:iam::1:role/batch-nightly"))
    #expect(Glob("**a**").matches("xxaxx"))
    #expect(Glob("*a").matches("banana"))
    #expect(!Glob("*a").matches("bananas"))
  }

  @Test func withoutStarsTheWholeTextMustBeEqual() {
    let glob = Glob("arn:aws:iam::111122223333:role/ops")
    #expect(glob.matches("arn:aws:iam::111122223333:role/ops"))
    #expect(!glob.matches("arn:aws:iam::111122223333:role/ops2"))
    #expect(!glob.matches("arn:aws:iam::111122223333:role/op"))
    #expect(!glob.matches("xarn:aws:iam::111122223333:role/ops"))
  }

  @Test func emptyPatternsAndTexts() {
    #expect(Glob("").matches(""))
    #expect(!Glob("").matches("a"))
    #expect(Glob("*").matches(""))
    #expect(Glob("*").matches("arn:aws:iam::1:role/anything/at/all"))
    #expect(Glob("***").matches(""))
    #expect(!Glob("a").matches(""))
  }

  @Test func pathologicalPatternsReturnQuickly() {
    let text = String(repeating: "a", count: 20_000)
    let clock = ContinuousClock()
    var results: [Bool] = []
    let elapsed = clock.measure {
      results.append(Glob("*a*a*a*a*b").matches(text))
      results.append(Glob("*a*a*a*a*a").matches(text))
      results.append(Glob("*a*a*a*a*b").matches(text + "b"))
      results.append(Glob(String(repeating: "*a", count: 40) + "b").matches(text))
    }
    #expect(results == [false, true, true, false])
    #expect(elapsed < .seconds(2))
  }

  @Test func aStarInThePatternIsAWildcardEvenWhereTheTextHasAStar() {
    #expect(Glob("a*").matches("a*b"))

    #expect(Glob("a*").matches("a*"))
  }
}

@Suite struct TeamDirectoryTests {
  static let payments = Team(
    id: "payments", name: "Payments Platform", champions: [Champion(name: "Priya Raman")],
    rules: [.arn(Glob("arn:aws:iam::*:role/payments-*"))])
  static let platform = Team(id: "platform", name: "Platform", rules: [.account("111122223333")])
  static let data = Team(id: "Data", name: "Data", rules: [.tag(key: "cost-centre", value: "analytics")])

  private func principal(_ arn: String, tags: [Tag] = []) -> Principal {
    var principal = Principal(arnOnly: arn)
    principal.tags = tags
    principal.isInInventory = true
    return principal
  }

  @Test func theFirstMatchingTeamInFileOrderWins() {
    let directory = TeamDirectory(teams: [Self.payments, Self.platform, Self.data], ownerTagKeys: ["team"])
    // Matches both payments (ARN) and platform (account): payments comes first.
    #expect(directory.teamIndex(for: principal("arn:aws:iam::111122223333:role/payments-api")) == 0)
    #expect(directory.teamIndex(for: principal("arn:aws:iam::111122223333:role/ops")) == 1)
    let reversed = TeamDirectory(teams: [Self.platform, Self.payments], ownerTagKeys: [])
    #expect(reversed.teamIndex(for: principal("arn:aws:iam::111122223333:role/payments-api")) == 0)
    #expect(reversed.teamIndex(for: principal("arn:aws:iam::444455556666:role/payments-api")) == 1)
  }

  @Test func tagRulesNeedTheExactKeyAndValue() {
    let directory = TeamDirectory(teams: [Self.data], ownerTagKeys: [])
    let tagged = principal(
      "arn:aws:iam::444455556666:role/etl", tags: [Tag(key: "cost-centre", value: "analytics")])
    #expect(directory.teamIndex(for: tagged) == 0)
    let otherValue = principal(
      "arn:aws:iam::444455556666:role/etl", tags: [Tag(key: "cost-centre", value: "Analytics")])
    #expect(directory.teamIndex(for: otherValue) == nil)
    let otherKey = principal(
      "arn:aws:iam::444455556666:role/etl", tags: [Tag(key: "Cost-Centre", value: "analytics")])
    #expect(directory.teamIndex(for: otherKey) == nil)
  }

  @Test func anOwnerTagNamesTheTeamIgnoringCase() {
    let directory = TeamDirectory(
      teams: [Self.payments, Self.platform, Self.data], ownerTagKeys: ["team", "owner"])
    let tagged = principal("arn:aws:iam::999999999999:role/x", tags: [Tag(key: "team", value: "PAYMENTS")])
    #expect(directory.teamIndex(for: tagged) == 0)
    let owner = principal("arn:aws:iam::999999999999:role/x", tags: [Tag(key: "owner", value: "data")])
    #expect(directory.teamIndex(for: owner) == 2)
    // Tag keys are compared exactly, as AWS does.
    let wrongKey = principal("arn:aws:iam::999999999999:role/x", tags: [Tag(key: "Team", value: "payments")])
    #expect(directory.teamIndex(for: wrongKey) == nil)
    // Without owner tag keys, the tag means nothing.
    let noKeys = TeamDirectory(teams: [Self.payments], ownerTagKeys: [])
    #expect(noKeys.teamIndex(for: tagged) == nil)
  }

  @Test func anEarlierTeamsRuleBeatsALaterTeamsOwnerTagAndViceVersa() {
    let directory = TeamDirectory(teams: [Self.payments, Self.platform], ownerTagKeys: ["team"])
    let ruleFirst = principal(
      "arn:aws:iam::111122223333:role/payments-api", tags: [Tag(key: "team", value: "platform")])
    #expect(directory.teamIndex(for: ruleFirst) == 0)
    let tagFirst = principal(
      "arn:aws:iam::111122223333:role/ops", tags: [Tag(key: "team", value: "payments")])
    #expect(directory.teamIndex(for: tagFirst) == 0)
  }

  @Test func amongManyTeamsTheFirstWithTheAccountTagOrIdWinsAndTagsMatchAsPairs() {
    // Teams sharing accounts, tags and ids (ids ignore case): the first in file order wins.
    let teams = (0..<300).map { index in
      Team(
        id: "team-\(index % 100)", name: "Team \(index)",
        rules: [
          .account(String(100_000_000_000 + index % 150)), .tag(key: "k\(index % 120)", value: "v=\(index)"),
        ])
    }
    let directory = TeamDirectory(teams: teams, ownerTagKeys: ["owner"])
    for index in [0, 99, 149, 150, 299] {
      let byAccount = principal("arn:aws:iam::\(100_000_000_000 + index % 150):role/x")
      #expect(directory.teamIndex(for: byAccount) == index % 150)
      let byTag = principal("arn:aws:iam::1:role/x", tags: [Tag(key: "k\(index % 120)", value: "v=\(index)")])
      #expect(directory.teamIndex(for: byTag) == index)
      let byOwner = principal(
        "arn:aws:iam::1:role/x", tags: [Tag(key: "owner", value: "TEAM-\(index % 100)")])
      #expect(directory.teamIndex(for: byOwner) == index % 100)
    }
    // The same text split otherwise between key and value is another tag.
    let shifted = principal("arn:aws:iam::1:role/x", tags: [Tag(key: "k1=v", value: "1")])
    #expect(directory.teamIndex(for: shifted) == nil)
  }

  @Test func noMatchIsNil() {
    let directory = TeamDirectory(teams: [Self.payments, Self.platform, Self.data], ownerTagKeys: ["team"])
    #expect(directory.teamIndex(for: principal("arn:aws:iam::444455556666:role/ops")) == nil)
    #expect(
      directory.teamIndex(
        for: principal("arn:aws:iam::444455556666:role/x", tags: [Tag(key: "team", value: "nobody")])) == nil)
    #expect(
      TeamDirectory(teams: [], ownerTagKeys: ["team"]).teamIndex(for: principal("arn:aws:iam::1:role/x"))
        == nil)
  }

  @Test func accountRulesCompareTheWholeAccountID() {
    let rule = MatchRule.account("011122223333")
    #expect(rule.matches(principal("arn:aws:iam::011122223333:role/x")))
    #expect(!rule.matches(principal("arn:aws:iam::11122223333:role/x")))
    #expect(!rule.matches(principal("arn:aws:iam::0111222233334:role/x")))
  }

  @Test func theUnownedGroup() {
    #expect(Team.unownedID == "unowned")
    #expect(Team.unowned.id == "unowned")
    #expect(Team.unowned.name == "Unowned")
    #expect(Team.unowned.rules.isEmpty)
  }
}
