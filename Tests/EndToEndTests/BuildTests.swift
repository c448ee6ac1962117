import Foundation
import History
import Ingest
import Logging
import Model
import PermsiteKit
import Testing

/// Builds a small site from an inline file tree and checks the published numbers against the
/// definitions in DESIGN.md, computed here independently by brute force over the fixture.
@Suite struct BuildTests {
  struct Fact {
    var arn: String
    var permission: String
    var status: String
  }

  static let payA = "arn:aws:iam::111122223333:role/pay-a"
  static let payB = "arn:aws:iam::111122223333:role/pay-b"
  static let etl = "arn:aws:iam::222233334444:role/etl"
  static let misc = "arn:aws:iam::999988887777:role/misc"

  /// Five snapshots over four quarters (none in Q3): removals, an exception, a resolution, a
  /// regression and a team with no progress.
  static let snapshots: [(day: String, facts: [Fact])] = [
    (
      "2026-03-15",
      [
        Fact(arn: payA, permission: "s3:GetObject", status: "ACTIVE"),
        Fact(arn: payA, permission: "s3:PutObject", status: "ACTIVE"),
        Fact(arn: payA, permission: "ec2:*", status: "ACTIVE"),
        Fact(arn: etl, permission: "glue:StartJobRun", status: "ACTIVE"),
        Fact(arn: misc, permission: "iam:PassRole", status: "ACTIVE"),
      ]
    ),
    (
      "2026-05-20",
      [
        Fact(arn: payA, permission: "s3:GetObject", status: "ACTIVE"),
        Fact(arn: payA, permission: "ec2:*", status: "ACTIVE"),
        Fact(arn: etl, permission: "glue:StartJobRun", status: "ARCHIVED"),
        Fact(arn: misc, permission: "iam:PassRole", status: "ACTIVE"),
        Fact(arn: payB, permission: "dynamodb:Scan", status: "ACTIVE"),
      ]
    ),
    (
      "2026-06-25",
      [
        Fact(arn: payA, permission: "s3:GetObject", status: "RESOLVED"),
        Fact(arn: payA, permission: "ec2:*", status: "ACTIVE"),
        Fact(arn: etl, permission: "glue:StartJobRun", status: "ARCHIVED"),
        Fact(arn: misc, permission: "iam:PassRole", status: "ACTIVE"),
        Fact(arn: payB, permission: "dynamodb:Scan", status: "ACTIVE"),
      ]
    ),
    (
      "2026-10-05",
      [
        Fact(arn: payA, permission: "ec2:*", status: "ACTIVE"),
        Fact(arn: payA, permission: "s3:PutObject", status: "ACTIVE"),
        Fact(arn: misc, permission: "iam:PassRole", status: "ACTIVE"),
        Fact(arn: etl, permission: "glue:StartJobRun", status: "ACTIVE"),
      ]
    ),
    (
      "2026-11-20",
      [
        Fact(arn: payA, permission: "ec2:*", status: "ACTIVE"),
        Fact(arn: payA, permission: "s3:PutObject", status: "ACTIVE"),
        Fact(arn: payB, permission: "kms:Decrypt", status: "ACTIVE"),
        Fact(arn: misc, permission: "iam:PassRole", status: "RESOLVED"),
        Fact(arn: etl, permission: "glue:StartJobRun", status: "ACTIVE"),
        Fact(arn: etl, permission: "glue:GetJob", status: "ACTIVE"),
      ]
    ),
  ]

  static let teamOf: [String: String] = [payA: "payments", payB: "payments", etl: "data", misc: "unowned"]

  static func siteFiles(snapshots: [(day: String, facts: [Fact])] = snapshots) -> [String: String] {
    var files: [String: String] = [
      "site.yml": "title: \"Example <Corp>\"\n",
      "teams.yml": """
      teams:
        - id: payments
          name: Payments
          champions:
            - name: Priya Raman
              email: priya@example.com
          match:
            tags: ["team=payments"]
        - id: data
          name: Data Platform
          match:
            accounts: ["222233334444"]
      """,
      "content/procedures/review.md": """
      ---
      checklist: quarterly
      ---
      # Quarterly review

      ## Steps

      - [ ] Read the team page {#read}
      - [ ] Remove what is unused {#remove}
      """,
      "content/reviews/2026-Q4/payments.yml": """
      signed_off:
        - id: read
          by: Priya Raman
          date: 2026-11-02
      """,
    ]
    let inventory = FindingJSON.inventory(roles: [
      (payA, ["team": "payments"]), (payB, ["team": "payments"]), (etl, [:]), (misc, [:]),
    ])
    for snapshot in snapshots {
      let folder = "content/analysis/\(snapshot.day)/"
      files[folder + "authorization-details.json"] = inventory
      // One finding per principal and status, grouping actions by service, as Access Analyzer does.
      var lines: [String] = []
      let groups = Dictionary(grouping: snapshot.facts) { $0.arn + " " + $0.status }
      for key in groups.keys.sorted() {
        let facts = groups[key]!
        let byService = Dictionary(grouping: facts) { String($0.permission.split(separator: ":")[0]) }
        let services = byService.keys.sorted().map { service -> (String, [String]?) in
          let actions = byService[service]!.map { String($0.permission.split(separator: ":")[1]) }
          return (service, actions == ["*"] ? nil : actions.sorted())
        }
        lines.append(
          FindingJSON.unusedPermission(
            id: "f-\(lines.count)-\(key.hashValue & 0xffff)", arn: facts[0].arn, status: facts[0].status,
            services: services))
      }
      files[folder + "findings.jsonl"] = lines.joined(separator: "\n") + "\n"
    }
    return files
  }

  // MARK: The independent model

  struct Expected {
    var identified: Int
    var removed: Int
  }

  static func quarter(of day: String) -> String {
    let month = Int(day.dropFirst(5).prefix(2))!
    return "\(day.prefix(4))-Q\((month - 1) / 3 + 1)"
  }

  /// identified/removed per quarter label for the principals `include` selects, by brute force.
  static func expected(_ include: (String) -> Bool) -> [String: Expected] {
    func key(_ fact: Fact) -> String { fact.arn + " " + fact.permission.lowercased() }
    let open = snapshots.map { Set($0.facts.filter { $0.status == "ACTIVE" && include($0.arn) }.map(key)) }
    let status = snapshots.map { snapshot in
      Dictionary(uniqueKeysWithValues: snapshot.facts.map { (key($0), $0.status) })
    }
    var result: [String: Expected] = [:]
    for label in ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] {
      let inside = snapshots.indices.filter { quarter(of: snapshots[$0].day) == label }
      let before = snapshots.indices.filter { quarter(of: snapshots[$0].day) < label }.last
      var identified = Set<String>()
      for index in inside + (before.map { [$0] } ?? []) { identified.formUnion(open[index]) }
      var removed = Set<String>()
      for index in inside where index > 0 {
        for item in open[index - 1] where status[index][item] == nil || status[index][item] == "RESOLVED" {
          removed.insert(item)
        }
      }
      result[label] = Expected(identified: identified.count, removed: removed.count)
    }
    return result
  }

  // MARK: Tests

  static func build(_ tree: SiteTree, date: Day? = nil) throws -> [String: Any] {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let options = BuildOptions(site: tree.root, date: date, now: Timestamp(secondsSinceEpoch: 1_795_000_000))
    _ = try BuildPipeline(options: options, logger: logger).run()
    let data = try Data(contentsOf: tree.root.appendingPathComponent("output/data/summary.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
  }

  @Test func quarterlyFiguresMatchTheDefinitions() throws {
    let tree = try SiteTree(Self.siteFiles())
    defer { tree.remove() }
    let summary = try Self.build(tree)
    let expected = Self.expected { _ in true }
    let quarters = summary["quarters"] as! [[String: Any]]
    #expect(quarters.map { $0["quarter"] as! String } == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
    for quarter in quarters {
      let label = quarter["quarter"] as! String
      #expect(quarter["identified"] as? Int == expected[label]!.identified, "identified in \(label)")
      #expect(quarter["removed"] as? Int == expected[label]!.removed, "removed in \(label)")
    }
    // The brute force itself, checked by hand against the fixture.
    #expect(expected["2026-Q2"]!.identified == 6 && expected["2026-Q2"]!.removed == 2)
    #expect(expected["2026-Q3"]!.identified == 3 && expected["2026-Q3"]!.removed == 0)
    #expect(expected["2026-Q4"]!.identified == 7 && expected["2026-Q4"]!.removed == 2)
    #expect(quarters[2]["hasSnapshots"] as? Bool == false)
    #expect(quarters[3]["reductionRate"] as? Double == 0.2857)
  }

  @Test func totalsAndTeamsMatchTheDefinitions() throws {
    let tree = try SiteTree(Self.siteFiles())
    defer { tree.remove() }
    let summary = try Self.build(tree)
    #expect(summary["snapshot"] as? String == "2026-11-20")
    #expect(summary["quarter"] as? String == "2026-Q4")
    let totals = summary["totals"] as! [String: Any]
    #expect(totals["principals"] as? Int == 4)
    #expect(totals["roles"] as? Int == 4)
    #expect(totals["rolesWithUnused"] as? Int == 3)
    #expect(totals["unusedPermissions"] as? Int == 5)
    #expect(totals["identifiedThisQuarter"] as? Int == 7)
    #expect(totals["removedThisQuarter"] as? Int == 2)

    let teams = summary["teams"] as! [[String: Any]]
    #expect(teams.map { $0["id"] as! String } == ["payments", "data", "unowned"])
    for team in teams {
      let id = team["id"] as! String
      let expected = Self.expected { Self.teamOf[$0] == id }["2026-Q4"]!
      #expect(team["identifiedThisQuarter"] as? Int == expected.identified, "identified by \(id)")
      #expect(team["removedThisQuarter"] as? Int == expected.removed, "removed by \(id)")
    }
    #expect(teams[0]["unusedPermissions"] as? Int == 3)
    #expect(teams[1]["unusedPermissions"] as? Int == 2)
    // Two procedure items and one generated item per principal with open access; one signed off.
    let checklist = teams[0]["checklist"] as! [String: Int]
    #expect(checklist == ["done": 1, "total": 4])

    let services = summary["byService"] as! [[String: Any]]
    #expect(services.map { $0["service"] as! String } == ["glue", "ec2", "kms", "s3"])
    #expect(services.map { $0["unusedPermissions"] as! Int } == [2, 1, 1, 1])
    let top = summary["topPrincipals"] as! [[String: Any]]
    #expect(top.map { $0["arn"] as! String } == [Self.payA, Self.etl, Self.payB], "ties by ARN")
  }

  @Test func pagesShowTheSameNumbers() throws {
    let tree = try SiteTree(Self.siteFiles())
    defer { tree.remove() }
    _ = try Self.build(tree)
    // Whitespace between tags depends on template indentation, not on what a reader sees.
    let dashboard = try tree.read("output/index.html").split(whereSeparator: \.isWhitespace).joined(
      separator: " ")
    #expect(dashboard.contains("<title>Dashboard · Example &lt;Corp&gt;</title>"))
    #expect(
      dashboard.contains(
        #"<span class="card-label">Open unused permissions</span> <span class="card-value">5</span>"#))
    #expect(
      dashboard.contains(
        #"<span class="card-label">Removed in 2026-Q4</span> <span class="card-value">2</span>"#))
    #expect(dashboard.contains(#"<a href="teams/payments/index.html">Payments</a>"#))
    #expect(dashboard.contains("29%"), "the Q4 reduction rate 2/7")

    let team = try tree.read("output/teams/payments/index.html")
    #expect(team.contains(#"<a href="principals/pay-a.html">pay-a</a>"#))
    #expect(team.contains("ec2:*") && team.contains("s3:PutObject"), "the first items, by name")
    #expect(team.contains(#"<a href="mailto:priya@example.com">Priya Raman</a>"#))
    #expect(!team.contains("glue:StartJobRun"), "another team's permission")
    let role = try tree.read("output/teams/payments/principals/pay-a.html")
    #expect(role.contains("<code>s3:PutObject</code>"))
    #expect(role.contains("<code>ec2:*</code>"))
    #expect(role.contains("Remove all ec2 actions (ec2:*) from the role&#39;s policies"))
    #expect(tree.exists("output/teams/unowned/index.html"))
    #expect(tree.exists("output/teams/payments/checklists/2026-Q4.html"))
    #expect(tree.exists("output/checklists/2026-Q4.html"))
    #expect(try tree.read("output/procedures/review.html").contains("Quarterly review"))
    #expect(tree.exists("output/assets/site.css"))
  }

  @Test func rebuildingCountsNothingTwice() throws {
    let tree = try SiteTree(Self.siteFiles())
    defer { tree.remove() }
    let first = try Self.build(tree)
    let second = try Self.build(tree)
    #expect(NSDictionary(dictionary: first) == NSDictionary(dictionary: second))
  }

  @Test func anEarlierDateShowsThatSnapshot() throws {
    let tree = try SiteTree(Self.siteFiles())
    defer { tree.remove() }
    _ = try Self.build(tree)
    let summary = try Self.build(tree, date: Day(iso: "2026-06-25"))
    #expect(summary["quarter"] as? String == "2026-Q2")
    let totals = summary["totals"] as! [String: Any]
    #expect(totals["unusedPermissions"] as? Int == 3)
    #expect(totals["removedThisQuarter"] as? Int == 2)
    #expect((summary["quarters"] as! [Any]).count == 2)
  }

  @Test func aChangedNewestSnapshotReplacesItsRecording() throws {
    let tree = try SiteTree(Self.siteFiles())
    defer { tree.remove() }
    _ = try Self.build(tree)
    // The night's export is redone without pay-b's finding.
    var changed = Self.snapshots
    changed[4].facts.removeAll { $0.arn == Self.payB }
    let files = Self.siteFiles(snapshots: changed)
    try tree.write(
      "content/analysis/2026-11-20/findings.jsonl", files["content/analysis/2026-11-20/findings.jsonl"]!)
    let summary = try Self.build(tree)
    let totals = summary["totals"] as! [String: Any]
    #expect(totals["unusedPermissions"] as? Int == 4)
    #expect(totals["identifiedThisQuarter"] as? Int == 6)
  }

  @Test func aCopiedFolderRecordedByAnEarlierVersionIsNotRecordedAgainAndGetsTheCurrentForm() throws {
    let tree = try SiteTree(Self.siteFiles())
    defer { tree.remove() }
    _ = try Self.build(tree)
    // What an earlier version stored for the newest folder: FNV-1a content, and (the folder
    // having been copied since) different times.
    let folder = tree.root.appendingPathComponent("content/analysis/2026-11-20")
    let legacy = try SnapshotFingerprint.of(folder, like: SnapshotFingerprint(stored: "0/0")!)
    #expect(legacy.isFromAnEarlierVersion)
    let storeURL = tree.root.appendingPathComponent("history.sqlite")
    do {
      let store = try HistoryStore(url: storeURL)
      try store.updateFingerprint(
        of: Day(iso: "2026-11-20")!, to: "0123456789abcdef/" + legacy.content)
    }
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let summary = try BuildPipeline(
      options: BuildOptions(site: tree.root, now: Timestamp(secondsSinceEpoch: 1_795_000_000)), logger: logger
    ).run()
    #expect(summary.recorded.isEmpty)
    let stored = try HistoryStore(url: storeURL).recordedSnapshots().first {
      $0.day == Day(iso: "2026-11-20")
    }
    #expect(stored?.fingerprint == (try SnapshotFingerprint.of(folder)).description)
    #expect(stored.flatMap { SnapshotFingerprint(stored: $0.fingerprint) }?.isFromAnEarlierVersion == false)
  }

  @Test func aBadFileFailsTheBuildAndKeepsTheOldSite() throws {
    let tree = try SiteTree(Self.siteFiles())
    defer { tree.remove() }
    _ = try Self.build(tree)
    let before = try tree.read("output/index.html")
    try tree.write(
      "content/analysis/2026-12-01/findings.jsonl", #"{"findingType":"UnusedPermission","status":"#)
    #expect {
      try Self.build(tree)
    } throws: { error in
      let text = "\(error)"
      return text.contains("record snapshots")
        && text.contains("content/analysis/2026-12-01/findings.jsonl:1")
        && text.contains("truncated")
    }
    #expect(try tree.read("output/index.html") == before)
  }
}
