import History
import Model
import Testing

@Suite struct HistoryStoreTests {
  static let role = "arn:aws:iam::111122223333:role/api"
  static let user = "arn:aws:iam::111122223333:user/bob"

  static func day(_ text: String) -> Day { Day(iso: text)! }

  static func permission(
    _ action: String, _ status: FindingStatus, arn: String = role, lastUsed: String? = nil
  )
    -> Observation
  {
    let parts = action.split(separator: ":").map(String.init)
    return Observation(
      access: .permission(principalARN: arn, service: parts[0], action: parts[1]), status: status,
      lastUsedOn: lastUsed.map(day), findingID: "f-" + parts[0])
  }

  static func snapshot(
    _ day: String, _ observations: [Observation], tags: [Model.Tag] = [], inventory: Bool = true
  ) -> Snapshot {
    var principals = [
      Principal(arn: role, kind: .role, name: "api", accountID: "111122223333", tags: tags),
      Principal(arn: user, kind: .user, name: "bob", accountID: "111122223333"),
    ]
    if !inventory { principals = [Principal(arnOnly: role, kind: .role)] }
    return Snapshot(
      day: Self.day(day), principals: principals, hasInventory: inventory, observations: observations,
      sources: [])
  }

  /// The runs of each item as `detail status first...last` strings, for exact comparison.
  static func runs(_ timeline: Timeline) -> [String] {
    timeline.intervals.map { run in
      "\(timeline.items[run.item].service):\(timeline.items[run.item].detail) \(run.status.rawValue) \(run.first)...\(run.last)"
    }
  }

  @Test func recordsRunsOfUnchangedStatusOnce() throws {
    let store = try HistoryStore()
    try store.record(
      Self.snapshot(
        "2026-01-31",
        [Self.permission("s3:GetObject", .active), Self.permission("ec2:RunInstances", .active)]),
      fingerprint: "a")
    try store.record(
      Self.snapshot(
        "2026-02-28",
        [Self.permission("s3:GetObject", .active), Self.permission("ec2:RunInstances", .resolved)]),
      fingerprint: "b")
    try store.record(
      Self.snapshot("2026-03-31", [Self.permission("s3:GetObject", .archived)]), fingerprint: "c")
    let timeline = try store.timeline()
    #expect(timeline.snapshots.map(\.iso) == ["2026-01-31", "2026-02-28", "2026-03-31"])
    #expect(
      Self.runs(timeline) == [
        "s3:GetObject ACTIVE 0...1", "s3:GetObject ARCHIVED 2...2", "ec2:RunInstances ACTIVE 0...0",
        "ec2:RunInstances RESOLVED 1...1",
      ])
    #expect(try store.recordedSnapshots().map(\.fingerprint) == ["a", "b", "c"])
  }

  @Test func loadedItemsCarryTheirPlaceInPageOrder() throws {
    let store = try HistoryStore()
    let actions = [
      "s3:PutObject", "s3:getObject", "ec2:RunInstances", "s3:GetBucketPolicy", "s3:GETOBJECT",
      "iam:PassRole",
      "s3:Étiquette", "s3:etiquette", "s3:*",
    ]
    var observations = actions.map { Self.permission($0, .active) }
    observations.append(
      Observation(access: UnusedAccess(principalARN: Self.user, kind: .password), status: .active))
    observations.append(
      Observation(
        access: UnusedAccess(principalARN: Self.user, kind: .accessKey, detail: "AKIAEXAMPLEKEY0001"),
        status: .active))
    try store.record(Self.snapshot("2026-01-31", observations), fingerprint: "a")
    let timeline = try store.timeline()
    #expect(timeline.itemPageOrder.count == timeline.items.count)
    #expect(timeline.itemTexts.count == timeline.items.count)
    for a in timeline.items.indices {
      for b in timeline.items.indices {
        let (x, y) = (timeline.items[a], timeline.items[b])
        // Equal text numbers, and only they, are equal texts.
        #expect(
          (timeline.itemTexts[a] == timeline.itemTexts[b]) == (x.service == y.service && x.detail == y.detail)
        )
        #expect(
          (timeline.itemPageOrder[a] < timeline.itemPageOrder[b])
            == PageOrder.precedes(x.kind, x.service, x.detail, y.kind, y.service, y.detail),
          "\(x.service):\(x.detail) \(y.service):\(y.detail)")
      }
    }
  }

  @Test func storageGrowsWithChangesNotWithSnapshots() throws {
    let store = try HistoryStore()
    let observations = (0..<50).map { Self.permission("s3:Action\($0)", .active) }
    for month in 1...12 {
      let day = Day(year: 2026, month: month, day: 15)!
      try store.record(Self.snapshot(day.iso, observations), fingerprint: "\(month)")
    }
    let statistics = try store.statistics()
    #expect(statistics["run"] == 50)
    #expect(statistics["item"] == 50)
    #expect(statistics["snapshot"] == 12)
    #expect(statistics["presence"] == 2)
  }

  @Test func recordingTheNewestDayAgainReplacesIt() throws {
    let store = try HistoryStore()
    try store.record(
      Self.snapshot("2026-01-31", [Self.permission("s3:GetObject", .active)]), fingerprint: "a")
    try store.record(
      Self.snapshot("2026-02-28", [Self.permission("s3:PutObject", .active)]), fingerprint: "b")
    let outcome = try store.record(
      Self.snapshot("2026-02-28", [Self.permission("s3:GetObject", .active)]), fingerprint: "b2")
    #expect(outcome.replaced)
    let timeline = try store.timeline()
    #expect(timeline.snapshots.count == 2)
    #expect(Self.runs(timeline) == ["s3:GetObject ACTIVE 0...1"])
    #expect(try store.recordedSnapshots().last?.fingerprint == "b2")
  }

  @Test func anOlderDayIsRefusedWithAWayOut() throws {
    let store = try HistoryStore()
    try store.record(Self.snapshot("2026-02-28", []), fingerprint: "a")
    #expect {
      try store.record(Self.snapshot("2026-01-31", []), fingerprint: "b")
    } throws: { error in
      "\(error)".contains(
        "content/analysis/2026-01-31: this snapshot is older than the newest recorded one (2026-02-28)")
        && "\(error)".contains("delete :memory: and build again")
    }
    try store.record(Self.snapshot("2026-03-31", []), fingerprint: "c")
    #expect {
      try store.record(Self.snapshot("2026-02-28", []), fingerprint: "d")
    } throws: { error in
      "\(error)".contains("this snapshot changed after it was recorded")
    }
    #expect(try store.recordedSnapshots().map(\.day.iso) == ["2026-02-28", "2026-03-31"])
  }

  @Test func inventoryPresenceCarriesOverSnapshotsWithoutAnInventory() throws {
    let store = try HistoryStore()
    try store.record(
      Self.snapshot("2026-01-31", [], tags: [Model.Tag(key: "team", value: "a")]), fingerprint: "a")
    try store.record(Self.snapshot("2026-02-28", [], inventory: false), fingerprint: "b")
    let timeline = try store.timeline()
    #expect(timeline.presence.map { "\($0.principal) \($0.first)...\($0.last)" } == ["0 0...1", "1 0...1"])
    // A finding alone never overwrites the inventory's description of a principal.
    #expect(timeline.principals[0].tags == [Model.Tag(key: "team", value: "a")])
    #expect(timeline.principals[0].isInInventory)
  }

  @Test func principalsLeavingTheInventoryEndTheirPresence() throws {
    let store = try HistoryStore()
    try store.record(Self.snapshot("2026-01-31", []), fingerprint: "a")
    var second = Self.snapshot("2026-02-28", [], tags: [Model.Tag(key: "team", value: "b")])
    second.principals.removeLast()
    try store.record(second, fingerprint: "b")
    let timeline = try store.timeline()
    #expect(timeline.presence.map { "\($0.principal) \($0.first)...\($0.last)" } == ["0 0...1", "1 0...0"])
    #expect(
      timeline.principals[0].tags == [Model.Tag(key: "team", value: "b")], "the latest inventory entry wins")
  }

  @Test func itemsKeepTheirLatestDetails() throws {
    let store = try HistoryStore()
    try store.record(
      Self.snapshot("2026-01-31", [Self.permission("s3:GetObject", .active, lastUsed: "2025-06-01")]),
      fingerprint: "a")
    try store.record(
      Self.snapshot("2026-02-28", [Self.permission("s3:GetObject", .active, lastUsed: "2025-07-01")]),
      fingerprint: "b")
    let timeline = try store.timeline()
    #expect(timeline.items.count == 1)
    #expect(timeline.items[0].lastUsedOn == Self.day("2025-07-01"))
    #expect(Self.runs(timeline) == ["s3:GetObject ACTIVE 0...1"])
  }

  @Test func anEmptyStoreHasAnEmptyTimeline() throws {
    let timeline = try HistoryStore().timeline()
    #expect(timeline.snapshots.isEmpty && timeline.items.isEmpty && timeline.intervals.isEmpty)
  }
}
