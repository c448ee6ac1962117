import Model
import Testing

@testable import Analysis

@Suite struct ChecklistTests {
  static let role = "arn:aws:iam::111122223333:role/app"
  static let user = "arn:aws:iam::111122223333:user/dana"

  /// Three snapshots: Q3 (two), Q4 (one). The role has two unused permissions throughout; the
  /// user an unused access key at the end.
  static func timeline() -> Timeline {
    let principals = [
      Principal(
        arn: role, kind: .role, name: "app", accountID: "111122223333",
        tags: [Model.Tag(key: "team", value: "t")]),
      Principal(
        arn: user, kind: .user, name: "dana", accountID: "111122223333",
        tags: [Model.Tag(key: "team", value: "t")]),
    ]
    let items = [
      TrackedItem(principal: 0, kind: .permission, service: "s3", detail: "PutBucketPolicy"),
      TrackedItem(principal: 0, kind: .permission, service: "kms", detail: "Decrypt"),
      TrackedItem(principal: 1, kind: .accessKey, service: "", detail: "AKIAEXAMPLE"),
    ]
    let runs = [
      StatusInterval(item: 0, status: .active, first: 0, last: 2),
      StatusInterval(item: 1, status: .active, first: 0, last: 2),
      StatusInterval(item: 2, status: .active, first: 2, last: 2),
    ]
    return Timeline(
      snapshots: ["2026-08-01", "2026-09-30", "2026-11-20"].map { Day(iso: $0)! }, principals: principals,
      items: items,
      intervals: runs,
      presence: [
        PresenceInterval(principal: 0, first: 0, last: 2), PresenceInterval(principal: 1, first: 0, last: 2),
      ])
  }

  static func settings(reviews: [Review]) -> AnalysisSettings {
    AnalysisSettings(
      teams: [
        Team(
          id: "t", name: "Team T", champions: [Champion(name: "Ann")], rules: [.tag(key: "team", value: "t")])
      ],
      ownerTagKeys: [],
      procedures: [
        ChecklistProcedure(
          slug: "review", title: "Review",
          items: [
            ProcedureItem(
              id: "read", text: "Read {team}'s page before {due} ({quarter}), {champions}", section: []),
            ProcedureItem(id: "meet", text: "Meet the team {unknown}", section: []),
          ], teamIDs: nil)
      ], reviews: reviews)
  }

  static func review(_ quarter: String, signed: [String] = [], exceptions: [ReviewException] = []) -> Review {
    Review(
      quarter: Quarter(label: quarter)!, teamID: "t",
      signOffs: signed.map { SignOff(itemID: $0, by: "Ann", on: Day(iso: "2026-09-01")!, line: 3) },
      exceptions: exceptions, file: "content/reviews/\(quarter)/t.yml")
  }

  @Test func entriesWhoseIDsCollideAreNumbered() throws {
    // A user and a role both named "app" in one account give the same id; so does a procedure
    // item that happens to be named like a generated one.
    var timeline = Self.timeline()
    timeline.principals[1] = Principal(
      arn: "arn:aws:iam::111122223333:user/App", kind: .user, name: "App", accountID: "111122223333",
      tags: [Model.Tag(key: "team", value: "t")])
    timeline.items.append(TrackedItem(principal: 1, kind: .permission, service: "s3", detail: "GetObject"))
    timeline.intervals.append(StatusInterval(item: 3, status: .active, first: 2, last: 2))
    var settings = Self.settings(reviews: [])
    settings.procedures[0].items.append(
      ProcedureItem(id: "unused-app-111122223333-2", text: "Named like a generated entry", section: []))
    let report = try Analyzer.report(from: timeline, settings: settings)
    #expect(
      report.teams[0].checklist.entries.map(\.id) == [
        "read", "meet", "unused-app-111122223333-2", "unused-app-111122223333",
        "unused-app-111122223333-3", "credential-app-111122223333-akiaexample",
      ])
  }

  @Test func itemsComeFromProceduresPrincipalsAndCredentials() throws {
    let report = try Analyzer.report(from: Self.timeline(), settings: Self.settings(reviews: []))
    let checklist = report.teams[0].checklist
    #expect(checklist.quarter.label == "2026-Q4")
    #expect(
      checklist.entries.map(\.id) == [
        "read", "meet", "unused-app-111122223333", "credential-dana-111122223333-akiaexample",
      ])
    #expect(
      checklist.entries.map(\.text) == [
        "Read Team T's page before 2026-12-31 (2026-Q4), Ann", "Meet the team {unknown}",
        "Remove 2 unused permissions from app (111122223333), or record an exception",
        "Deactivate, then delete, access key AKIAEXAMPLE of dana (111122223333), unused since it was created",
      ])
  }

  @Test func itemsLeftOpenLastQuarterAreCarriedOver() throws {
    let reviews = [Self.review("2026-Q3", signed: ["read"]), Self.review("2026-Q4", signed: ["meet"])]
    let team = try Analyzer.report(from: Self.timeline(), settings: Self.settings(reviews: reviews)).teams[0]
    #expect(team.previousChecklist?.quarter.label == "2026-Q3")
    #expect(team.previousChecklist?.entries.map(\.id) == ["read", "meet", "unused-app-111122223333"])
    let carried = team.checklist.entries.filter(\.isCarriedOver).map(\.id)
    // "meet" was open in Q3 but is done now; the key did not exist in Q3; "read" was done in Q3.
    #expect(carried == ["unused-app-111122223333"])
    #expect(team.checklist.done == 1)
  }

  @Test func currentExceptionsAreNotOutstandingAndExpiredOnesComeBack() throws {
    let kept = ReviewException(
      principalARN: Self.role, permission: "s3:PutBucketPolicy", justification: "yearly rotation",
      approver: "Dana",
      expires: Day(iso: "2027-01-31")!)
    let expired = ReviewException(
      principalARN: Self.role, permission: "KMS:Decrypt", justification: "migration", approver: "Dana",
      expires: Day(iso: "2026-10-31")!)
    let reviews = [Self.review("2026-Q3", exceptions: [expired]), Self.review("2026-Q4", exceptions: [kept])]
    let report = try Analyzer.report(from: Self.timeline(), settings: Self.settings(reviews: reviews))
    let team = report.teams[0]
    #expect(team.totals.unusedPermissions == 2)
    #expect(team.totals.exceptedPermissions == 1)
    #expect(team.totals.outstandingPermissions == 1)
    #expect(report.totals.exceptedPermissions == 1)
    let items = try #require(team.principals.first { $0.principal.arn == Self.role }).items
    #expect(items.map(\.displayName) == ["kms:Decrypt", "s3:PutBucketPolicy"])
    #expect(items.map(\.isOutstanding) == [true, false])
    #expect(items.map(\.exceptionExpired) == [true, false])
    let texts = team.checklist.entries.map(\.text)
    #expect(texts.contains("Remove 1 unused permission from app (111122223333), or record an exception"))
    #expect(
      texts.contains(
        "Renew or end the exception for KMS:Decrypt of app (111122223333): it expired on 2026-10-31 (approved by Dana); 1 item is outstanding again"
      ))
  }

  @Test func unknownSignOffsAreDataProblems() throws {
    let report = try Analyzer.report(
      from: Self.timeline(), settings: Self.settings(reviews: [Self.review("2026-Q4", signed: ["nope"])]))
    #expect(
      report.dataProblems == [
        DataProblem(
          file: "content/reviews/2026-Q4/t.yml", line: 3,
          message: "sign-off for unknown checklist item id \"nope\" (the checklist page lists the ids)")
      ])
  }
}
