import GRDB
import Model

/// Reads the whole store into a `Timeline`, turning days into snapshot indices.
enum TimelineLoader {
  static func load(_ db: Database) throws -> Timeline {
    let (days, details) = try snapshots(db)
    guard let newestDay = days.last else { return .empty }
    var builder = Builder(days: days, terms: try terms(db), lastItemID: try HistoryStore.lastItemID(db))
    let policies = try self.policies(db)
    var history = PrincipalHistory()
    // Ordered by id: a principal's index in the timeline is its rank by id.
    let select = try RawStatement(
      db, "SELECT id, arn, description, recommendations, recommendationsDay FROM principal ORDER BY id")
    let histories = try RawStatement(db, "SELECT principal, data FROM history ORDER BY principal")
    var hasHistory = try histories.step()
    while try select.step() {
      let id = select.int64(0)
      var reader = ByteReader(select.blob(2))
      var (principal, ids) = try DescriptionCoding.decode(arn: select.text(1), &reader)
      principal.policies = try ids.map { id throws(CorruptData) in
        guard let policy = policies[id] else { throw CorruptData("policy \(id) is missing") }
        return policy
      }
      if !select.isNull(3) {
        var reader = ByteReader(select.blob(3))
        builder.recommendations[builder.principals.count] = DatedRecommendations(
          day: Day(daysSinceEpoch: select.optionalInt(4) ?? newestDay),
          recommendations: try ValueCoding.decodeRecommendations(&reader))
      }
      while hasHistory, histories.int64(0) < id { hasHistory = try histories.step() }
      if hasHistory, histories.int64(0) == id {
        try history.decode(histories.blob(1))
      } else {
        try history.decode(UnsafeRawBufferPointer(start: nil, count: 0))
      }
      try builder.add(principal, history)
    }
    select.reset()
    histories.reset()
    var timeline = try builder.timeline()
    timeline.details = details
    return timeline
  }

  private static func snapshots(_ db: Database) throws -> ([Int], [SnapshotDetails]) {
    var days: [Int] = []
    var details: [SnapshotDetails] = []
    let select = try RawStatement(
      db, "SELECT day, sources, rootAccounts, notes, truncated FROM snapshot ORDER BY day")
    while try select.step() {
      days.append(select.int(0))
      var reader = ByteReader(select.blob(2))
      details.append(
        SnapshotDetails(
          sources: SourceCoding.decode(select.text(1)),
          rootAccounts: try ValueCoding.decodeRootAccounts(&reader),
          notes: select.text(3).split(separator: "\n").map(String.init),
          truncated: select.text(4).split(separator: "\n").map(String.init)))
    }
    select.reset()
    return (days, details)
  }

  /// Item texts by id; every item refers to them, so each is one shared string.
  private static func terms(_ db: Database) throws -> [String] {
    var terms: [String] = []
    let select = try RawStatement(db, "SELECT id, text FROM term ORDER BY id")
    while try select.step() {
      let id = select.int(0)
      guard id >= 0, id < 1 << 31 else { throw CorruptData("term id \(id)") }
      if id >= terms.count { terms.append(contentsOf: repeatElement("", count: id + 1 - terms.count)) }
      terms[id] = select.text(1)
    }
    select.reset()
    return terms
  }

  /// Every stored policy, decoded once however many principals have it.
  private static func policies(_ db: Database) throws -> [Int64: AttachedPolicy] {
    var policies: [Int64: AttachedPolicy] = [:]
    let select = try RawStatement(db, "SELECT id, body FROM policy")
    while try select.step() {
      var reader = ByteReader(select.blob(1))
      policies[select.int64(0)] = try ValueCoding.decodePolicy(&reader)
    }
    select.reset()
    return policies
  }
}

/// Collects principals, items and runs in the order `Timeline` lists them: principals by id,
/// items by id (the order they were first seen), runs by item and then by first snapshot.
private struct Builder {
  struct PendingRun {
    var status: FindingStatus
    var first: Int32
    var last: Int32
  }

  let lastIndex: Int
  let firstDay: Int
  /// Snapshot index by day minus the first day; -1 for days without a snapshot.
  var indexOfDay: [Int32]
  let terms: [String]
  let snapshots: [Day]
  var principals: [Principal] = []
  var presence: [PresenceInterval] = []
  var recommendations: [Int: DatedRecommendations] = [:]
  var items: [TrackedItem]
  var filled: [Bool]
  /// Each item's runs, in `runs[itemRuns[i] ..< itemRuns[i] + runCounts[i]]`.
  var itemRuns: [Int32]
  var runCounts: [Int32]
  var runs: [PendingRun] = []

  init(days: [Int], terms: [String], lastItemID: Int64) {
    firstDay = days[0]
    lastIndex = days.count - 1
    indexOfDay = Array(repeating: -1, count: days[days.count - 1] - days[0] + 1)
    for (index, day) in days.enumerated() { indexOfDay[day - days[0]] = Int32(index) }
    self.terms = terms
    snapshots = days.map(Day.init(daysSinceEpoch:))
    let count = Int(max(0, min(lastItemID, Int64(Int32.max))))
    items = Array(
      repeating: TrackedItem(principal: 0, kind: .permission, service: "", detail: ""), count: count)
    filled = Array(repeating: false, count: count)
    itemRuns = Array(repeating: 0, count: count)
    runCounts = Array(repeating: 0, count: count)
  }

  func snapshotIndex(ofDay day: Int) -> Int? {
    let offset = day - firstDay
    guard offset >= 0, offset < indexOfDay.count, indexOfDay[offset] >= 0 else { return nil }
    return Int(indexOfDay[offset])
  }

  mutating func add(_ principal: Principal, _ history: PrincipalHistory) throws(CorruptData) {
    let principalIndex = principals.count
    principals.append(principal)
    let findings = history.findings
    for item in history.items {
      let position = Int(item.id) - 1
      guard position >= 0, position < items.count, !filled[position] else {
        throw CorruptData("item id \(item.id) out of range or repeated")
      }
      let service = Int(item.service)
      let detail = Int(item.detail)
      guard service < terms.count, detail < terms.count, Int(item.finding) < findings.count else {
        throw CorruptData("item \(item.id) refers to a missing text")
      }
      items[position] = TrackedItem(
        principal: principalIndex, kind: try Codes.kind(code: item.kind), service: terms[service],
        detail: terms[detail], lastUsedOn: item.lastUsed.map(Day.init(daysSinceEpoch:)),
        findingID: findings[Int(item.finding)], findingCreatedOn: item.created.map(Day.init(daysSinceEpoch:)),
        sources: SourceSet(rawValue: item.sources))
      filled[position] = true
      itemRuns[position] = Int32(runs.count)
      for run in history.runs[Int(item.firstRun)..<Int(item.firstRun + item.runCount)] {
        guard let first = snapshotIndex(ofDay: run.first) else { continue }
        let last = run.last.flatMap(snapshotIndex(ofDay:)) ?? lastIndex
        runs.append(
          PendingRun(status: try Codes.status(code: run.status), first: Int32(first), last: Int32(last)))
      }
      runCounts[position] = Int32(runs.count) - itemRuns[position]
    }
    for run in history.presence {
      guard let first = snapshotIndex(ofDay: run.first) else { continue }
      let last = run.last.flatMap(snapshotIndex(ofDay:)) ?? lastIndex
      presence.append(PresenceInterval(principal: principalIndex, first: first, last: last))
    }
  }

  /// The timeline; item ids never given (none, unless the store was edited) leave no gap.
  mutating func timeline() throws(CorruptData) -> Timeline {
    if filled.contains(false) { compact() }
    var intervals: [StatusInterval] = []
    intervals.reserveCapacity(runs.count)
    for item in items.indices {
      let start = Int(itemRuns[item])
      for run in runs[start..<(start + Int(runCounts[item]))] {
        intervals.append(
          StatusInterval(item: item, status: run.status, first: Int(run.first), last: Int(run.last)))
      }
    }
    runs = []
    var timeline = Timeline(
      snapshots: snapshots, principals: principals, items: items, intervals: intervals, presence: presence)
    timeline.recommendations = recommendations
    return timeline
  }

  private mutating func compact() {
    let kept = filled.indices.filter { filled[$0] }
    items = kept.map { items[$0] }
    itemRuns = kept.map { itemRuns[$0] }
    runCounts = kept.map { runCounts[$0] }
    filled = Array(repeating: true, count: kept.count)
  }
}

/// Reads back the `sources` column of the snapshot table: one `kind TAB records TAB name` line a file.
enum SourceCoding {
  static func decode(_ text: String) -> [SourceFile] {
    text.split(separator: "\n").compactMap { line in
      let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
      guard parts.count == 3, let kind = SourceKind(rawValue: String(parts[0])), let records = Int(parts[1])
      else {
        return nil
      }
      return SourceFile(name: String(parts[2]), kind: kind, records: records)
    }
  }
}
