import Foundation
import Model
import Sample
import Testing

@Suite("Organisation and history")
struct EvolutionTests {
  /// Open unused permissions per team index (teams.count for unowned) and snapshot, from the files.
  private func openByTeam(_ sample: LoadedSample) -> [[Int]] {
    let owners = sample.owners()
    let teamCount = sample.teams().count
    var counts = [[Int]](repeating: [Int](repeating: 0, count: sample.snapshots.count), count: teamCount + 1)
    for (index, _, finding) in sample.allFindings where finding["status"] as? String == "ACTIVE" {
      let owner = owners[finding["resource"] as! String] ?? nil
      counts[owner ?? teamCount][index] += LoadedSample.unusedPermissionCount(finding)
    }
    return counts
  }

  @Test("The summary's per-team series match teams.yml applied by Model's TeamDirectory")
  func summaryMatchesTeamDirectory() throws {
    let sample = try LoadedSample.standard.get()
    let counts = openByTeam(sample)
    let teams = sample.teams()
    #expect(teams.map(\.id) == sample.summary.teams.dropLast().map(\.teamID))
    #expect(sample.summary.teams.last?.teamID == Team.unownedID)
    for (index, series) in sample.summary.teams.enumerated() {
      #expect(series.openUnusedPermissions == counts[index], "\(series.teamID)")
    }
  }

  @Test("Some teams reduce their open unused permissions over time, others do not")
  func teamsDiffer() throws {
    let sample = try LoadedSample.standard.get()
    let counts = openByTeam(sample).dropLast()
    let falling = counts.filter { Double($0.last!) < Double($0.first!) * 0.7 }
    let notFalling = counts.filter { $0.last! >= $0.first! }
    #expect(!falling.isEmpty)
    #expect(!notFalling.isEmpty)
    // New unused permissions keep appearing for every team: none falls to nothing.
    #expect(counts.allSatisfy { $0.last! > 0 })
  }

  @Test("New unused permissions are identified in every month, and removals differ by quarter")
  func identifiedAndRemoved() throws {
    let sample = try LoadedSample.standard.get()
    var removedByQuarter: [String: Int] = [:]
    for index in 1..<sample.snapshots.count {
      let before = sample.permissions(at: index - 1)
      let after = sample.permissions(at: index)
      #expect(!after.subtracting(before).isEmpty, "nothing new at \(sample.snapshots[index].day)")
      let quarter = Quarter(containing: sample.snapshots[index].day).label
      removedByQuarter[quarter, default: 0] += before.subtracting(after).count
    }
    #expect(Set(removedByQuarter.values).count > 1)
  }

  @Test("The organisation averages about ten open unused permissions per principal")
  func density() throws {
    let sample = try LoadedSample.standard.get()
    let perPrincipal =
      Double(sample.summary.newestOpenUnusedPermissions)
      / Double(sample.summary.roles + sample.summary.users)
    #expect(perPrincipal > 7 && perPrincipal < 14)
    #expect(sample.summary.roles + sample.summary.users == 120)
  }

  @Test("Teams are matched by tag, account and ARN glob; some principals are unowned")
  func ownership() throws {
    let sample = try LoadedSample.standard.get()
    let teams = sample.teams()
    #expect(teams.count == 6)
    var tagTeams = 0
    var accountTeams = 0
    var globTeams = 0
    for team in teams {
      for rule in team.rules {
        switch rule {
        case .tag: tagTeams += 1
        case .account: accountTeams += 1
        case .arn: globTeams += 1
        }
      }
    }
    #expect(tagTeams >= 3)
    #expect(accountTeams >= 1)
    #expect(globTeams >= 1)
    let owners = sample.owners()
    let newest = sample.snapshots.last!.accounts.flatMap { $0.principalARNs }
    let unowned = newest.filter { (owners[$0] ?? nil) == nil }
    #expect(!unowned.isEmpty)
    #expect(unowned.count == sample.summary.unownedPrincipals)
    // Every team owns somebody, and the sandbox account is mapped by no rule.
    for index in teams.indices {
      #expect(newest.contains { owners[$0] == index }, "\(teams[index].id) owns nobody")
    }
    let accountRules = teams.flatMap(\.rules).compactMap { rule -> String? in
      if case .account(let id) = rule { id } else { nil }
    }
    let accounts = sample.snapshots.last!.accounts.map(\.accountID)
    #expect(accounts.count > accountRules.count)
  }

  @Test("Realistic names: workload roles, break-glass roles, CI users and people")
  func names() throws {
    let sample = try LoadedSample.standard.get()
    let newest = sample.snapshots.last!.accounts
    let roleNames = Set(newest.flatMap { $0.roles.compactMap { $0["RoleName"] as? String } })
    let userNames = Set(newest.flatMap { $0.users.compactMap { $0["UserName"] as? String } })
    #expect(roleNames.contains("payments-api"))
    #expect(roleNames.contains("OrganizationAccountAccessRole"))
    #expect(roleNames.contains("github-actions-deploy"))
    #expect(userNames.contains { $0.hasSuffix("ci-deployer") })
    #expect(userNames.contains { $0.contains(".") })
    let paths = Set(newest.flatMap { $0.roles.compactMap { $0["Path"] as? String } })
    #expect(paths.contains("/service-role/"))
  }

  @Test("Roles appear and disappear over the history")
  func inventoryChanges() throws {
    let sample = try LoadedSample.standard.get()
    let first = Set(sample.snapshots.first!.accounts.flatMap(\.principalARNs))
    let last = Set(sample.snapshots.last!.accounts.flatMap(\.principalARNs))
    #expect(!last.subtracting(first).isEmpty)
    #expect(!first.subtracting(last).isEmpty)
  }

  @Test("Snapshots fall on the same day of each month, clamped to short months")
  func snapshotDays() throws {
    let folder = try TemporaryFolder()
    let summary = try SampleSite.write(
      to: folder.url,
      options: SampleOptions(principals: 20, snapshots: 4, lastSnapshot: Day(year: 2028, month: 3, day: 31)!))
    #expect(summary.snapshotDays.map(\.iso) == ["2027-12-31", "2028-01-31", "2028-02-29", "2028-03-31"])
    let folders = try FileManager.default.contentsOfDirectory(
      atPath: folder.url.appendingPathComponent("content/analysis").path)
    #expect(folders.sorted() == summary.snapshotDays.map(\.iso))
  }

  @Test(
    "The smallest and odd sizes still make a consistent folder",
    arguments: [(1, 1, 1), (10, 10, 2), (3, 40, 1)])
  func smallSizes(teams: Int, principals: Int, snapshots: Int) throws {
    let sample = try LoadedSample(
      options: SampleOptions(seed: 11, teams: teams, principals: principals, snapshots: snapshots))
    #expect(sample.snapshots.count == snapshots)
    #expect(sample.summary.roles + sample.summary.users == principals)
    #expect(sample.teams().count == teams)
    for snapshot in sample.snapshots {
      for account in snapshot.accounts {
        for finding in account.findings {
          #expect(account.principalARNs.contains(finding["resource"] as! String))
        }
      }
    }
  }
}
