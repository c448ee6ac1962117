import Model
import Testing

@testable import Analysis

@Suite struct OrderingTests {
  @Test func lowercasedComparisonAgreesWithComparingLowercasedStrings() {
    let words = [
      "GetObject", "getobject", "Get", "GETOBJECTS", "", "ListBucket", "list", "Zeta", "a", "É", "é", "éa",
      "[x]", "_y", "s3:PutBucketTagging", "S3:PUTBUCKETTAGGINGS", "s3:putbucket", "aé", "aÉb", "ab\u{0}",
    ]
    for a in words {
      for b in words {
        #expect(PageOrder.lowercasedPrecedes(a, b) == (a.lowercased() < b.lowercased()), "\(a) < \(b)")
      }
    }
  }

  @Test func changeKindsSortInTheOrderOfTheirNames() {
    let kinds: [Change.Kind] = [.new, .regressed, .resolved, .overdue]
    #expect(
      kinds.sorted { ChangeLog.kindOrder($0) < ChangeLog.kindOrder($1) }.map(\.rawValue)
        == kinds.map(\.rawValue).sorted())
    #expect(Set(kinds.map(ChangeLog.kindOrder)).count == kinds.count)
  }

  @Test func theOldestItemsAreTheFirstOfTheFullSort() {
    var generator = SystemRandomNumberGenerator()
    var offered: [(OpenItem, Principal)] = []
    var oldest = OldestItems(limit: 10)
    for index in 0..<200 {
      let principal = Principal(
        arn: "arn:aws:iam::1:role/r\(Int.random(in: 0..<20, using: &generator))", kind: .role, name: "r",
        accountID: "1")
      let item = OpenItem(
        kind: .permission, service: "s3", detail: "A\(index % 7)", displayName: "s3:A\(index % 7)",
        lastUsedOn: nil, openSince: Day(iso: "2026-01-01")!,
        daysOpen: Int.random(in: 0..<30, using: &generator),
        isAccepted: false, principalKind: .role, sources: .analyzer)
      offered.append((item, principal))
      oldest.offer(item, of: principal, teamID: "t")
    }
    let sorted = offered.sorted {
      ($1.0.daysOpen, $0.1.arn, $0.0.displayName) < ($0.0.daysOpen, $1.1.arn, $1.0.displayName)
    }
    #expect(
      oldest.items.map { "\($0.item.daysOpen) \($0.principal.arn) \($0.item.displayName)" }
        == sorted.prefix(10).map { "\($0.0.daysOpen) \($0.1.arn) \($0.0.displayName)" })
  }

  @Test func mergingSortedTeamListsGivesTheSortOfTheirConcatenation() {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<50 {
      // Few days, kinds, principals and actions, so that every tie the order breaks occurs:
      // principals in two lists, two principals with one ARN, equal changes in two lists.
      let principals = (0..<6).map { index in
        Principal(arn: "arn:aws:iam::1:role/r\(index % 5)", kind: .role, name: "r", accountID: "1")
      }
      let holders = principals.map(PrincipalHolder.init)
      let lists = (0..<Int.random(in: 0..<7, using: &generator)).map { list in
        (0..<Int.random(in: 0..<25, using: &generator)).map { _ in
          Change(
            kind: [.new, .regressed, .resolved, .overdue].randomElement(using: &generator)!,
            holder: holders.randomElement(using: &generator)!, teamID: "t\(list)",
            access: "s3:A\(Int.random(in: 0..<3, using: &generator))",
            day: Day(daysSinceEpoch: Int.random(in: 0..<3, using: &generator)))
        }
      }.map(ChangeLog.sorted)
      let described = { (changes: [Change]) in
        changes.map { "\($0.day.iso) \($0.kind) \($0.principal.arn) \($0.access) \($0.teamID)" }
      }
      #expect(described(ChangeLog.merged(lists)) == described(ChangeLog.sorted(lists.flatMap { $0 })))

      // What pages take of the organisation's changes, without merging them all.
      let merging = Changes(since: nil, merging: lists)
      let all = ChangeLog.merged(lists)
      #expect(merging == Changes(entries: all))
      for kind in [Change.Kind.new, .regressed, .resolved, .overdue] {
        #expect(merging.count(of: kind) == all.filter { $0.kind == kind }.count)
        for limit in [0, 1, 3, 200] {
          #expect(
            described(merging.first(limit, where: { $0 == kind }))
              == described(Array(all.filter { $0.kind == kind }.prefix(limit))))
        }
      }
      #expect(
        described(merging.first(5, where: { $0 != .resolved }))
          == described(Array(all.filter { $0.kind != .resolved }.prefix(5))))
    }
  }
}

@Suite struct ConcurrentlyTests {
  @Test func mapGivesResultsInIndexOrderWhateverOrderTheCoresTakeThem() {
    let squares = (0..<50).map { $0 * $0 }
    #expect(Concurrently.map(count: 50) { $0 * $0 } == squares)
    #expect(Concurrently.map(count: 50, order: Array((0..<50).reversed())) { $0 * $0 } == squares)
    #expect(Concurrently.map(count: 0, order: []) { $0 }.isEmpty)
  }
}

@Suite struct ServiceTallyTests {
  @Test func servicesAreCountedApartEvenWhenTheirHashesAreEqual() {
    var tally = ServiceTally()
    // The same hash for two services, as a collision would give: each keeps its own count.
    tally.add(1, to: "s3", hash: 5)
    tally.add(2, to: "ec2", hash: 5)
    tally.add(3, to: "s3", hash: 5)
    tally.add(4, to: "ec2", hash: 5)
    tally.add(7, to: "iam", hash: 9)
    let counts = Dictionary(uniqueKeysWithValues: tally.counts.map { ($0.service, $0.count) })
    #expect(counts == ["s3": 4, "ec2": 6, "iam": 7])
    #expect(tally.counts.count == 3)
  }
}

@Suite struct TextNumberTests {
  /// A timeline of many items across services and actions (mixed case, repeated pairs).
  static func timeline() -> Timeline {
    let principals = (0..<3).map { index in
      Principal(
        arn: "arn:aws:iam::111122223333:role/r\(index)", kind: .role, name: "r\(index)",
        accountID: "111122223333")
    }
    let pairs = [
      ("s3", "GetObject"), ("s3", "getobject"), ("ec2", "RunInstances"), ("s3", "PutObject"),
      ("iam", "PassRole"),
      ("s3", "*"), ("ec2", "runinstances"), ("kms", "Decrypt"), ("s3", "Étiquette"), ("s3", "etiquette"),
    ]
    var items: [TrackedItem] = []
    var intervals: [StatusInterval] = []
    for principal in principals.indices {
      for (offset, pair) in pairs.enumerated().reversed() where (offset + principal) % 3 != 0 {
        intervals.append(StatusInterval(item: items.count, status: .active, first: 0, last: 1))
        items.append(TrackedItem(principal: principal, kind: .permission, service: pair.0, detail: pair.1))
      }
      intervals.append(StatusInterval(item: items.count, status: .active, first: 1, last: 1))
      items.append(TrackedItem(principal: principal, kind: .role, service: "", detail: ""))
    }
    return Timeline(
      snapshots: [Day(iso: "2026-09-30")!, Day(iso: "2026-11-20")!], principals: principals, items: items,
      intervals: intervals,
      presence: principals.indices.map { PresenceInterval(principal: $0, first: 0, last: 1) })
  }

  @Test func theStoresNumbersGiveTheReportTheTextsGive() throws {
    let plain = Self.timeline()
    var numbered = plain
    // Numbered as the history store numbers its texts: each distinct text once.
    var texts: [String] = []
    func number(_ text: String) -> Int {
      if let index = texts.firstIndex(where: { $0.utf8.elementsEqual(text.utf8) }) { return index }
      texts.append(text)
      return texts.count - 1
    }
    let numbers = plain.items.map { (number($0.service), number($0.detail)) }
    let serviceRanks = PageOrder.ranks(of: texts, by: <)
    let detailRanks = PageOrder.ranks(of: texts, by: PageOrder.lowercasedPrecedes)
    numbered.itemTexts = numbers.map { UInt64($0.0) << 32 | UInt64($0.1) }
    numbered.itemPageOrder = zip(plain.items, numbers).map { item, number in
      PageOrder.key(kind: item.kind, serviceRank: serviceRanks[number.0], detailRank: detailRanks[number.1])
    }
    let settings = AnalysisSettings(teams: [], ownerTagKeys: [], procedures: [], reviews: [])
    let fromTexts = try Analyzer.report(from: plain, settings: settings)
    let fromNumbers = try Analyzer.report(from: numbered, settings: settings)
    let reports = fromTexts.teams.flatMap(\.principals)
    #expect(reports.flatMap(\.items).count == 23)
    #expect(
      reports.map { $0.items.map(\.displayName) }
        == fromNumbers.teams.flatMap(\.principals).map { $0.items.map(\.displayName) })
    #expect(fromTexts == fromNumbers)
    // Items added after the numbers were given leave them unused rather than misread.
    func extended(_ timeline: Timeline) -> Timeline {
      var timeline = timeline
      timeline.intervals.append(
        StatusInterval(item: timeline.items.count, status: .active, first: 1, last: 1))
      timeline.items.append(
        TrackedItem(principal: 0, kind: .permission, service: "s3", detail: "AbortUpload"))
      return timeline
    }
    #expect(
      try Analyzer.report(from: extended(plain), settings: settings)
        == Analyzer.report(from: extended(numbered), settings: settings))
  }
}
