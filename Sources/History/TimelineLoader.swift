import GRDB
import Model
import Synchronization

/// Reads the whole store into a `Timeline`, turning days into snapshot indices.
enum TimelineLoader {
  /// Fewer principals than this are laid out on one core: starting the other costs more.
  static let principalsToShare = 4096

  /// `principals` gives the principals; it is asked once histories are read and laid out, so a
  /// caller can read principals meanwhile on another core. `histories`, when given, are the
  /// store's histories as the recording just made left them, read in place of the store's, and
  /// laid out on both cores from `principalsToShare` principals on.
  static func load(
    _ db: Database, histories recorded: RecordedHistories? = nil,
    sharingFrom principalsToShare: Int,
    principals: () throws -> LoadedPrincipals
  ) throws -> Timeline {
    let (days, details) = try snapshots(db)
    guard !days.isEmpty else { return .empty }
    let terms = try terms(db)
    var builder = Builder(days: days, terms: terms, lastItemID: try HistoryStore.lastItemID(db))
    var ids: [Int64] = []
    // Every principal has a history row, so a row's rank is its principal's index.
    if let recorded {
      let rows = recorded.ids.indices.filter { recorded.hasHistory(ofRow: $0) }
      ids = rows.map { recorded.ids[$0] }
      try builder.add(rows.count, sharingFrom: principalsToShare) { index, body in
        _ = try recorded.withHistory(ofRow: rows[index], body)
      }
    } else {
      var history = PrincipalHistory()
      let histories = try RawStatement(db, "SELECT principal, data FROM history ORDER BY principal")
      try builder.addInOrder { add in
        while try histories.step() {
          ids.append(histories.int64(0))
          try history.decode(histories.blob(1))
          try add(history)
        }
      }
      histories.reset()
    }
    // Items and runs are laid out before waiting for the principals, which the other core is
    // usually still reading.
    var timeline = try builder.timeline(principals: [])
    let loaded = try principals()
    guard loaded.ids == ids else { throw CorruptData("principals and histories do not match") }
    timeline.principals = loaded.principals
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
///
/// Histories handed by a recording are added on both cores, the first half of the principals on
/// this one and the second half on the other (laid out on one core, they kept it busy for half
/// a second with the other idle). Each item is written by the one principal that holds it, so
/// the two halves write the item-indexed arrays at once; each keeps its own runs and presence.
private struct Builder {
  struct PendingRun: Sendable {
    var status: FindingStatus
    var first: Int32
    var last: Int32
  }

  /// The runs and presence intervals one part of the principals adds, in its principals' order.
  struct Part: Sendable {
    var runs: [PendingRun] = []
    var presence: [PresenceInterval] = []
    /// How many items it added.
    var itemCount = 0
  }

  /// What adding a principal reads, fixed once the builder is made.
  struct Layout: Sendable {
    let lastIndex: Int
    let firstDay: Int
    /// Snapshot index by day minus the first day; -1 for days without a snapshot.
    let indexOfDay: [Int32]
    let terms: [String]
    /// The place of each text among all of them as a service and as a detail (see
    /// `PageOrder`): numbered once here, where each item's texts are known by number, so that
    /// analysis sorts items by numbers rather than by comparing their strings. Empty when there
    /// are too many texts to number in a key.
    let serviceRanks: [Int]
    let detailRanks: [Int]

    func snapshotIndex(ofDay day: Int) -> Int? {
      let offset = day - firstDay
      guard offset >= 0, offset < indexOfDay.count, indexOfDay[offset] >= 0 else { return nil }
      return Int(indexOfDay[offset])
    }

    /// The first and last snapshot indices of a stored run from day `first` to day `last` (nil:
    /// still going); nil when its first day has no snapshot.
    func snapshots(from first: Int, to last: Int?) -> (first: Int, last: Int)? {
      guard let firstIndex = snapshotIndex(ofDay: first) else { return nil }
      return (firstIndex, last.flatMap(snapshotIndex(ofDay:)) ?? lastIndex)
    }
  }

  /// The item-indexed arrays, open for writing by both parts at once (see `ItemClaims`).
  struct Columns: @unchecked Sendable {
    let items: UnsafeMutableBufferPointer<TrackedItem>
    /// Where each item's runs start in its part's runs: the index itself for the first part, its
    /// complement (`~`, negative) for the second.
    let itemRuns: UnsafeMutableBufferPointer<Int32>
    let runCounts: UnsafeMutableBufferPointer<Int32>
    /// Each item's `PageOrder.key`; empty when the texts are not numbered.
    let pageOrder: UnsafeMutableBufferPointer<UInt64>
    /// Each item's service and detail text numbers (see `Timeline.itemTexts`).
    let texts: UnsafeMutableBufferPointer<UInt64>
  }

  let layout: Layout
  let snapshots: [Day]
  var items: [TrackedItem]
  var itemRuns: [Int32]
  var runCounts: [Int32]
  var pageOrder: [UInt64]
  var texts: [UInt64]
  let claims: ItemClaims
  var parts: [Part] = []

  init(days: [Int], terms: [String], lastItemID: Int64) {
    var indexOfDay = [Int32](repeating: -1, count: days[days.count - 1] - days[0] + 1)
    for (index, day) in days.enumerated() { indexOfDay[day - days[0]] = Int32(index) }
    let numbered = terms.count < PageOrder.rankLimit
    layout = Layout(
      lastIndex: days.count - 1, firstDay: days[0], indexOfDay: indexOfDay, terms: terms,
      serviceRanks: numbered ? PageOrder.ranks(of: terms, by: <) : [],
      detailRanks: numbered ? PageOrder.ranks(of: terms, by: PageOrder.lowercasedPrecedes) : [])
    snapshots = days.map(Day.init(daysSinceEpoch:))
    let count = Int(max(0, min(lastItemID, Int64(Int32.max))))
    // Each slot made in place: `Array(repeating:count:)` copied the one item given through its
    // type's copy function, retaining and releasing its empty strings, two million times.
    items = Array(unsafeUninitializedCapacity: count) { slots, initialized in
      for index in 0..<count {
        (slots.baseAddress! + index).initialize(
          to: TrackedItem(principal: 0, kind: .permission, service: "", detail: ""))
      }
      initialized = count
    }
    claims = ItemClaims(count: count)
    itemRuns = Array(repeating: 0, count: count)
    runCounts = Array(repeating: 0, count: count)
    pageOrder = numbered ? Array(repeating: 0, count: count) : []
    texts = Array(repeating: 0, count: count)
  }

  /// Adds `count` principals, the history of the one at index `i` given by `history(i, body)`;
  /// on both cores from `principalsToShare` principals on.
  mutating func add(
    _ count: Int, sharingFrom principalsToShare: Int,
    history: @escaping @Sendable (Int, (UnsafeRawBufferPointer) throws -> Void) throws -> Void
  ) throws {
    let (layout, claims) = (self.layout, self.claims)
    // Items have about one and a half runs each; reserving spares copying as the arrays grow.
    let runsPerPrincipal = count == 0 ? 0 : 2 * items.count / count + 1
    let split = count >= max(principalsToShare, 2) ? count / 2 : count
    parts = try withColumns { columns in
      @Sendable func addPart(_ number: Int, _ principals: Range<Int>) throws -> Part {
        var part = Part()
        part.runs.reserveCapacity(runsPerPrincipal * principals.count)
        var decoded = PrincipalHistory()
        for index in principals {
          try history(index) { try decoded.decode($0) }
          try Self.add(
            decoded, as: index, part: number, into: &part, columns: columns, claims: claims, layout: layout)
        }
        return part
      }
      guard split < count else { return [try addPart(0, 0..<count)] }
      let second = BackgroundWork { try addPart(1, split..<count) }
      let first = Result { try addPart(0, 0..<split) }
      // Waited for even when the first part failed: the second writes into the columns until it ends.
      let other = Result { try second.result() }
      return [try first.get(), try other.get()]
    }
  }

  /// Adds the principals whose histories `produce` passes to the function it is given, in order,
  /// on this core: for histories read one at a time from the store.
  mutating func addInOrder(_ produce: ((PrincipalHistory) throws -> Void) throws -> Void) throws {
    let (layout, claims) = (self.layout, self.claims)
    var part = Part()
    part.runs.reserveCapacity(items.count * 2)
    var count = 0
    try withColumns { columns in
      try produce { history in
        try Self.add(
          history, as: count, part: 0, into: &part, columns: columns, claims: claims, layout: layout)
        count += 1
      }
    }
    parts = [part]
  }

  private mutating func withColumns<Result>(_ body: (Columns) throws -> Result) rethrows -> Result {
    try items.withUnsafeMutableBufferPointer { items in
      try itemRuns.withUnsafeMutableBufferPointer { itemRuns in
        try runCounts.withUnsafeMutableBufferPointer { runCounts in
          try pageOrder.withUnsafeMutableBufferPointer { pageOrder in
            try texts.withUnsafeMutableBufferPointer { texts in
              try body(
                Columns(
                  items: items, itemRuns: itemRuns, runCounts: runCounts, pageOrder: pageOrder, texts: texts))
            }
          }
        }
      }
    }
  }

  /// Adds one principal's items, runs and presence: `principalIndex` is its place among all
  /// principals, `number` the part it is in.
  private static func add(
    _ history: PrincipalHistory, as principalIndex: Int, part number: Int, into part: inout Part,
    columns: Columns, claims: ItemClaims, layout: Layout
  ) throws(CorruptData) {
    let findings = history.findings
    let terms = layout.terms
    for item in history.items {
      let position = Int(item.id) - 1
      guard position >= 0, position < columns.items.count, claims.claim(position) else {
        throw CorruptData("item id \(item.id) out of range or repeated")
      }
      let service = Int(item.service)
      let detail = Int(item.detail)
      guard service < terms.count, detail < terms.count, Int(item.finding) < findings.count else {
        throw CorruptData("item \(item.id) refers to a missing text")
      }
      let kind = try Codes.kind(code: item.kind)
      columns.items[position] = TrackedItem(
        principal: principalIndex, kind: kind, service: terms[service],
        detail: terms[detail], lastUsedOn: item.lastUsed.map(Day.init(daysSinceEpoch:)),
        findingCreatedOn: item.created.map(Day.init(daysSinceEpoch:)),
        sources: SourceSet(rawValue: item.sources))
      part.itemCount += 1
      columns.texts[position] = UInt64(service) << 32 | UInt64(UInt32(truncatingIfNeeded: detail))
      if !columns.pageOrder.isEmpty {
        columns.pageOrder[position] = PageOrder.key(
          kind: kind, serviceRank: layout.serviceRanks[service], detailRank: layout.detailRanks[detail])
      }
      let start = Int32(part.runs.count)
      columns.itemRuns[position] = number == 0 ? start : ~start
      for run in history.runs[Int(item.firstRun)..<Int(item.firstRun + item.runCount)] {
        guard let (first, last) = layout.snapshots(from: run.first, to: run.last) else { continue }
        part.runs.append(
          PendingRun(status: try Codes.status(code: run.status), first: Int32(first), last: Int32(last)))
      }
      columns.runCounts[position] = Int32(part.runs.count) - start
    }
    for run in history.presence {
      guard let (first, last) = layout.snapshots(from: run.first, to: run.last) else { continue }
      part.presence.append(PresenceInterval(principal: principalIndex, first: first, last: last))
    }
  }

  /// The timeline; item ids never given (none, unless the store was edited) leave no gap.
  mutating func timeline(principals: [Principal]) throws(CorruptData) -> Timeline {
    if parts.reduce(0, { $0 + $1.itemCount }) < items.count { compact() }
    var intervals: [StatusInterval] = []
    intervals.reserveCapacity(parts.reduce(0) { $0 + $1.runs.count })
    let first = parts.first?.runs ?? []
    let second = parts.count > 1 ? parts[1].runs : []
    first.withUnsafeBufferPointer { first in
      second.withUnsafeBufferPointer { second in
        for item in items.indices {
          let start = Int(itemRuns[item])
          let (runs, offset) = start >= 0 ? (first, start) : (second, ~start)
          for run in runs[offset..<(offset + Int(runCounts[item]))] {
            intervals.append(
              StatusInterval(item: item, status: run.status, first: Int(run.first), last: Int(run.last)))
          }
        }
      }
    }
    let presence = parts.count == 1 ? parts[0].presence : parts.flatMap(\.presence)
    parts = []
    var timeline = Timeline(
      snapshots: snapshots, principals: principals, items: items, intervals: intervals, presence: presence)
    timeline.itemPageOrder = pageOrder
    timeline.itemTexts = texts
    return timeline
  }

  private mutating func compact() {
    let kept = items.indices.filter { claims.isClaimed($0) }
    items = kept.map { items[$0] }
    if !pageOrder.isEmpty { pageOrder = kept.map { pageOrder[$0] } }
    texts = kept.map { texts[$0] }
    itemRuns = kept.map { itemRuns[$0] }
    runCounts = kept.map { runCounts[$0] }
  }
}

/// One flag per item, set by the first principal that holds it: the two parts of a timeline
/// being built find an item listed twice (a store edited by hand) without both writing it.
final class ItemClaims: @unchecked Sendable {
  // Unchecked: the flags are atomics, allocated once and freed with the object.
  private let flags: UnsafeMutablePointer<Atomic<UInt8>>
  /// How many items there are flags for.
  let count: Int

  init(count: Int) {
    self.count = count
    flags = .allocate(capacity: max(count, 1))
    for index in 0..<count { (flags + index).initialize(to: Atomic(0)) }
  }

  deinit {
    flags.deinitialize(count: count)
    flags.deallocate()
  }

  /// Sets item `index`'s flag; false when it was set already.
  func claim(_ index: Int) -> Bool {
    flags[index].exchange(1, ordering: .relaxed) == 0
  }

  /// Whether item `index`'s flag is set.
  func isClaimed(_ index: Int) -> Bool {
    flags[index].load(ordering: .relaxed) == 1
  }
}

/// Reads back the `sources` column of the snapshot table: one `kind TAB records TAB name` line a file.
enum SourceCoding {
  /// The files listed one per line as `kind<TAB>records<TAB>name`; lines of another shape are
  /// skipped. Split as bytes: splitting characters cost 173 million instructions for the twelve
  /// snapshots of a 20,000-principal history, whose folders list thousands of files each.
  static func decode(_ text: String) -> [SourceFile] {
    text.withUTF8Bytes { bytes in
      var files: [SourceFile] = []
      var start = 0
      while start < bytes.count {
        var end = start
        while end < bytes.count && bytes[end] != 0x0A { end += 1 }
        if let file = decodeLine(UnsafeBufferPointer(rebasing: bytes[start..<end])) { files.append(file) }
        start = end + 1
      }
      return files
    }
  }

  private static func decodeLine(_ line: UnsafeBufferPointer<UInt8>) -> SourceFile? {
    guard let firstTab = line.firstIndex(of: 0x09),
      let secondTab = line[(firstTab + 1)...].firstIndex(of: 0x09)
    else { return nil }
    func text(_ range: Range<Int>) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
    }
    guard let kind = SourceKind(rawValue: text(0..<firstTab)),
      let records = Int(text((firstTab + 1)..<secondTab))
    else { return nil }
    return SourceFile(name: text((secondTab + 1)..<line.count), kind: kind, records: records)
  }
}
