import GRDB
import Model

/// Reads the whole store into a `Timeline`, turning days into snapshot indices.
enum TimelineLoader {
  /// `principals` gives the principals; it is asked once histories are read, so a caller can
  /// read principals meanwhile on another core.
  static func load(_ db: Database, principals: () throws -> LoadedPrincipals) throws -> Timeline {
    let (days, details) = try snapshots(db)
    guard !days.isEmpty else { return .empty }
    let terms = try terms(db)
    var builder = Builder(days: days, terms: terms, lastItemID: try HistoryStore.lastItemID(db))
    var history = PrincipalHistory()
    var ids: [Int64] = []
    // Every principal has a history row, so a row's rank is its principal's index.
    let histories = try RawStatement(db, "SELECT principal, data FROM history ORDER BY principal")
    while try histories.step() {
      ids.append(histories.int64(0))
      try history.decode(histories.blob(1))
      try builder.add(history)
    }
    histories.reset()
    let loaded = try principals()
    guard loaded.ids == ids else { throw CorruptData("principals and histories do not match") }
    var timeline = try builder.timeline(principals: loaded.principals)
    timeline.details = details
    timeline.recommendations = loaded.recommendations
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
  /// How many principals were added.
  var principalCount = 0
  var presence: [PresenceInterval] = []
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
    // Items have about one and a half runs each; reserving spares copying as the array grows.
    runs.reserveCapacity(count * 2)
    itemRuns = Array(repeating: 0, count: count)
    runCounts = Array(repeating: 0, count: count)
  }

  func snapshotIndex(ofDay day: Int) -> Int? {
    let offset = day - firstDay
    guard offset >= 0, offset < indexOfDay.count, indexOfDay[offset] >= 0 else { return nil }
    return Int(indexOfDay[offset])
  }

  mutating func add(_ history: PrincipalHistory) throws(CorruptData) {
    let principalIndex = principalCount
    principalCount += 1
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
        findingCreatedOn: item.created.map(Day.init(daysSinceEpoch:)),
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
  mutating func timeline(principals: [Principal]) throws(CorruptData) -> Timeline {
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
    return Timeline(
      snapshots: snapshots, principals: principals, items: items, intervals: intervals, presence: presence)
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
