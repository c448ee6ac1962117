import Analysis
import Model
import Testing

@Suite struct AnalyzerTests {
  static func day(_ text: String) -> Day { Day(iso: text)! }

  /// Two roles, one tagged for team `a`; items given as (principal, action, runs).
  static func timeline(
    snapshots: [String], items: [(principal: Int, action: String, runs: [(FindingStatus, Int, Int)])],
    createdOn: String? = nil
  ) -> Timeline {
    let principals = [
      Principal(
        arn: "arn:aws:iam::111122223333:role/a-api", kind: .role, name: "a-api", accountID: "111122223333",
        tags: [Model.Tag(key: "team", value: "a")]),
      Principal(
        arn: "arn:aws:iam::999988887777:role/misc", kind: .role, name: "misc", accountID: "999988887777"),
    ]
    var tracked: [TrackedItem] = []
    var intervals: [StatusInterval] = []
    for (index, item) in items.enumerated() {
      let parts = item.action.split(separator: ":").map(String.init)
      tracked.append(
        TrackedItem(
          principal: item.principal, kind: .permission, service: parts[0], detail: parts[1],
          findingCreatedOn: createdOn.map(day)))
      for (status, first, last) in item.runs {
        intervals.append(StatusInterval(item: index, status: status, first: first, last: last))
      }
    }
    let last = snapshots.count - 1
    return Timeline(
      snapshots: snapshots.map(day), principals: principals, items: tracked, intervals: intervals,
      presence: [
        PresenceInterval(principal: 0, first: 0, last: last),
        PresenceInterval(principal: 1, first: 0, last: last),
      ])
  }

  static let settings = AnalysisSettings(teams: [Team(id: "a", name: "Team A")], ownerTagKeys: ["team"])

  @Test func archivedIsNeitherOpenNorRemoved() throws {
    let timeline = Self.timeline(
      snapshots: ["2026-10-01", "2026-11-01"],
      items: [
        (0, "s3:GetObject", [(.active, 0, 0), (.archived, 1, 1)]),
        (0, "s3:PutObject", [(.active, 0, 0), (.resolved, 1, 1)]),
        (0, "s3:ListBucket", [(.active, 0, 0)]),
      ])
    let report = try Analyzer.report(from: timeline, settings: Self.settings)
    #expect(report.totals.unusedPermissions == 0)
    #expect(report.totals.acceptedPermissions == 1)
    #expect(report.quarters.map(\.identified) == [3])
    #expect(report.quarters.map(\.removed) == [2], "resolved and absent count, archived does not")
  }

  @Test func aRegressionCountsOncePerQuarter() throws {
    let timeline = Self.timeline(
      snapshots: ["2026-10-01", "2026-10-15", "2026-11-01", "2026-11-15"],
      items: [(0, "iam:PassRole", [(.active, 0, 0), (.active, 2, 2)])])
    let report = try Analyzer.report(from: timeline, settings: Self.settings)
    #expect(report.quarters.map(\.identified) == [1])
    #expect(report.quarters.map(\.removed) == [1])
    #expect(report.openOverTime.map(\.count) == [1, 0, 1, 0])
  }

  @Test func aQuarterWithoutSnapshotsIsAGapWithCarriedOverItems() throws {
    let timeline = Self.timeline(
      snapshots: ["2026-03-31", "2026-10-01"],
      items: [(0, "ec2:RunInstances", [(.active, 0, 0)]), (1, "kms:Decrypt", [(.active, 0, 1)])])
    let report = try Analyzer.report(from: timeline, settings: Self.settings)
    #expect(report.quarters.map(\.quarter.label) == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
    #expect(report.quarters.map(\.hasSnapshots) == [true, false, false, true])
    #expect(report.quarters.map(\.identified) == [2, 2, 2, 2])
    #expect(report.quarters.map(\.removed) == [0, 0, 0, 1], "removed when the next snapshot is in Q4")
  }

  @Test func fiscalQuartersFollowTheStartMonth() throws {
    let timeline = Self.timeline(
      snapshots: ["2026-09-30", "2026-10-01"], items: [(0, "s3:GetObject", [(.active, 0, 0)])])
    var settings = Self.settings
    settings.fiscalYearStartMonth = 10
    let report = try Analyzer.report(from: timeline, settings: settings)
    #expect(report.quarters.map(\.quarter.label) == ["2026-Q4", "2027-Q1"])
    #expect(report.quarters.map(\.removed) == [0, 1])
  }

  @Test func aChosenDateIgnoresLaterSnapshots() throws {
    let timeline = Self.timeline(
      snapshots: ["2026-10-01", "2026-11-01", "2026-12-01"],
      items: [(0, "s3:GetObject", [(.active, 0, 1)]), (0, "s3:PutObject", [(.active, 2, 2)])])
    var settings = Self.settings
    settings.currentDay = Self.day("2026-11-01")
    let report = try Analyzer.report(from: timeline, settings: settings)
    #expect(report.snapshot == Self.day("2026-11-01"))
    #expect(report.totals.unusedPermissions == 1)
    #expect(report.quarters.map(\.removed) == [0])
    #expect(report.openOverTime.map(\.count) == [1, 1])
    settings.currentDay = Self.day("2026-11-02")
    #expect(throws: AnalysisError.self) { try Analyzer.report(from: timeline, settings: settings) }
  }

  @Test func principalsGoToTheirTeamOrUnowned() throws {
    let timeline = Self.timeline(
      snapshots: ["2026-11-01"],
      items: [
        (0, "s3:GetObject", [(.active, 0, 0)]), (1, "s3:GetObject", [(.active, 0, 0)]),
        (1, "s3:PutObject", [(.active, 0, 0)]),
      ])
    let report = try Analyzer.report(from: timeline, settings: Self.settings)
    #expect(report.teams.map(\.team.id) == ["a", "unowned"])
    #expect(report.teams.map(\.totals.unusedPermissions) == [1, 2])
    #expect(report.topPrincipals.map(\.principal.name) == ["misc", "a-api"])
    #expect(report.totals.rolesWithUnused == 2)
    #expect(report.totals.roles == 2)
  }

  @Test func openSinceUsesTheFindingDateBeforeHistoryBegins() throws {
    let timeline = Self.timeline(
      snapshots: ["2026-10-01", "2026-11-01"],
      items: [(0, "s3:GetObject", [(.active, 0, 1)]), (0, "s3:PutObject", [(.active, 1, 1)])],
      createdOn: "2026-06-01")
    let report = try Analyzer.report(from: timeline, settings: Self.settings)
    let items = report.teams[0].principals[0].items
    #expect(items.map(\.displayName) == ["s3:GetObject", "s3:PutObject"])
    #expect(items.map(\.openSince.iso) == ["2026-06-01", "2026-11-01"])
    #expect(items.map(\.daysOpen) == [153, 0])
  }

  @Test func noSnapshotsGiveAnEmptyReport() throws {
    let report = try Analyzer.report(from: .empty, settings: Self.settings)
    #expect(report.snapshot == nil)
    #expect(report.teams.map(\.team.id) == ["a"])
    #expect(report.totals == Totals())
  }
}
