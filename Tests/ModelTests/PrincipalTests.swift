import Model
import Testing

/// `Testing` has a `Tag` too.
private typealias Tag = Model.Tag

@Suite struct IAMARNTests {
  @Test func aRoleWithAServicePath() throws {
    let arn = try #require(IAMARN("arn:aws:iam::123456789012:role/service-role/x"))
    #expect(arn.text == "arn:aws:iam::123456789012:role/service-role/x")
    #expect(arn.accountID == "123456789012")
    #expect(arn.kind == .role)
    #expect(arn.path == "/service-role/")
    #expect(arn.name == "x")
  }

  @Test func aRoleWithoutAPath() throws {
    let arn = try #require(IAMARN("arn:aws:iam::111122223333:role/payments-api"))
    #expect(arn.kind == .role)
    #expect(arn.path == "/")
    #expect(arn.name == "payments-api")
    #expect(arn.accountID == "111122223333")
  }

  @Test func aUserWithANestedPath() throws {
    let arn = try #require(IAMARN("arn:aws:iam::111122223333:user/division/team/alice"))
    #expect(arn.kind == .user)
    #expect(arn.path == "/division/team/")
    #expect(arn.name == "alice")
  }

  @Test func otherPartitions() throws {
    let china = try #require(IAMARN("arn:aws-cn:iam::123456789012:role/ops"))
    #expect(china.accountID == "123456789012")
    #expect(china.kind == .role)
    #expect(china.name == "ops")
    let govCloud = try #require(IAMARN("arn:aws-us-gov:iam::123456789012:user/bob"))
    #expect(govCloud.kind == .user)
    #expect(govCloud.name == "bob")
  }

  @Test func otherResourcesAreKindOther() throws {
    let root = try #require(IAMARN("arn:aws:iam::123456789012:root"))
    #expect(root.kind == .other)
    #expect(root.name == "root")
    #expect(root.path == "/")
    let group = try #require(IAMARN("arn:aws:iam::123456789012:group/admins"))
    #expect(group.kind == .other)
    #expect(group.name == "admins")
    let bucket = try #require(IAMARN("arn:aws:s3:::payments-reports"))
    #expect(bucket.kind == .other)
    #expect(bucket.accountID == "")
    #expect(bucket.name == "payments-reports")
  }

  @Test(arguments: [
    "", "payments-api", "role/payments-api", "arn:aws:iam", "arn:aws:iam::123456789012",
    "aws:iam::123456789012:role/x", "urn:aws:iam::123456789012:role/x", "AKIAIOSFODNN7EXAMPLE",
  ])
  func nonARNsAreNil(text: String) {
    #expect(IAMARN(text) == nil)
  }
}

@Suite struct PrincipalTests {
  @Test func aPrincipalKnownOnlyFromItsARN() {
    let role = Principal(arnOnly: "arn:aws:iam::444455556666:role/service-role/etl-runner", kind: .user)
    #expect(
      role
        == Principal(
          arn: "arn:aws:iam::444455556666:role/service-role/etl-runner", kind: .role, name: "etl-runner",
          accountID: "444455556666", path: "/service-role/", isInInventory: false))
  }

  @Test func theFallbackKindIsUsedWhenTheARNDoesNotSay() {
    let root = Principal(arnOnly: "arn:aws:iam::444455556666:root", kind: .user)
    #expect(root.kind == .user)
    #expect(root.name == "root")
    let garbage = Principal(arnOnly: "not-an-arn", kind: .role)
    #expect(
      garbage
        == Principal(arn: "not-an-arn", kind: .role, name: "not-an-arn", accountID: "", isInInventory: false))
    #expect(Principal(arnOnly: "not-an-arn").kind == .other)
  }

  @Test func tagValueIsTheFirstTagWithTheExactKey() {
    let principal = Principal(
      arn: "arn:aws:iam::111122223333:role/x", kind: .role, name: "x", accountID: "111122223333",
      tags: [
        Tag(key: "team", value: "payments"), Tag(key: "Team", value: "data"), Tag(key: "team", value: "late"),
      ])
    #expect(principal.tagValue("team") == "payments")
    #expect(principal.tagValue("Team") == "data")
    #expect(principal.tagValue("TEAM") == nil)
    #expect(principal.tagValue("owner") == nil)
  }

  @Test func defaults() {
    let principal = Principal(
      arn: "arn:aws:iam::111122223333:user/u", kind: .user, name: "u", accountID: "111122223333")
    #expect(principal.path == "/")
    #expect(principal.tags.isEmpty)
    #expect(principal.createdOn == nil)
    #expect(principal.lastUsedOn == nil)
    #expect(principal.isInInventory)
  }

  @Test func changingACopyLeavesTheOriginalAsItWas() {
    let original = Principal(
      arn: "arn:aws:iam::111122223333:user/u", kind: .user, name: "u", accountID: "111122223333",
      tags: [Tag(key: "team", value: "payments")])
    var copy = original
    copy.lastUsedOn = Day(year: 2026, month: 11, day: 2)!
    copy.tags.append(Tag(key: "env", value: "prod"))
    copy.policies += [AttachedPolicy(name: "inline", arn: nil, document: nil)]
    copy.name = "v"
    #expect(original.lastUsedOn == nil)
    #expect(original.tags == [Tag(key: "team", value: "payments")])
    #expect(original.policies.isEmpty)
    #expect(original.name == "u")
    #expect(copy.lastUsedOn == Day(year: 2026, month: 11, day: 2))
    #expect(copy.tags.map(\.key) == ["team", "env"])
    #expect(copy.policies.map(\.name) == ["inline"])
    #expect(copy.name == "v")
    #expect(copy != original)
  }

  @Test func principalsMadeApartAreEqualAndHashAlikeWhenEveryFieldIs() {
    func make(lastUsedOn: Day?) -> Principal {
      var principal = Principal(
        arn: "arn:aws:iam::111122223333:role/x", kind: .role, name: "x", accountID: "111122223333",
        lastUsedOn: lastUsedOn)
      principal.policies = [AttachedPolicy(name: "p", arn: nil, document: nil)]
      return principal
    }
    let day = Day(year: 2026, month: 1, day: 5)!
    #expect(make(lastUsedOn: day) == make(lastUsedOn: day))
    #expect(Set([make(lastUsedOn: day), make(lastUsedOn: day)]).count == 1)
    #expect(make(lastUsedOn: day) != make(lastUsedOn: nil))
    var renamed = make(lastUsedOn: day)
    renamed.policies[0] = AttachedPolicy(name: "q", arn: nil, document: nil)
    #expect(renamed != make(lastUsedOn: day))
  }
}
