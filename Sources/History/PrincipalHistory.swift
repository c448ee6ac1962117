import Model

/// One principal's items with their status runs, and its runs of presence in the inventory, as
/// kept in the principal's `history` row. Buffers are reused from one principal to the next.
///
/// Keeping a principal's whole history in one row is what makes a night cheap: reading a hundred
/// thousand blobs and rewriting the changed ones costs a fraction of reading and updating millions
/// of item and run rows, which SQLite steps through at several hundred nanoseconds each.
///
/// Blob layout (after the format version byte):
/// - the number of items, then each item's key hash (8 bytes), so finding which observations are
///   of new items reads only this;
/// - the finding ids the items refer to: a count, then each as a string;
/// - the items in id order: the id (as the difference from the previous one), a byte with the
///   kind in its low bits and whether the last-used and finding-created days follow, the service
///   and detail term ids, the finding's index, the sources, those days, then the item's runs;
/// - the presence runs.
///
/// Runs are a count, then for each a byte (status code, plus 4 while still open), the first day
/// as days after the previous run's end (after `dayBase` for the first run) and, when closed, the
/// days from first to last. Days stand alone as days after `dayBase`, which keeps them two bytes.
struct PrincipalHistory {
  /// 2025-01-01: days are stored relative to it.
  static let dayBase = 20_089

  struct Run: Equatable {
    var status: UInt8
    var first: Int
    /// Nil while the run is still going at the newest snapshot.
    var last: Int?
  }

  struct Item {
    var id: Int64
    var keyHash: UInt64
    var service: Int32
    var detail: Int32
    var finding: Int32
    var sources: Int
    var lastUsed: Int?
    var created: Int?
    /// This item's stored runs: `runs[firstRun ..< firstRun + runCount]`.
    var firstRun: Int32
    var runCount: Int32
    /// The run this snapshot starts, kept apart so stored runs never move.
    var added: Run?
    var kind: UInt8
    var observed = false
    /// Where the item's bytes were in the decoded blob (after the key hashes); empty for a new
    /// item. An item nothing changed is written back as those bytes.
    var source: Range<Int32> = 0..<0
    var changed = false
  }

  var findings: [String] = []
  var items: [Item] = []
  var runs: [Run] = []
  var presence: [Run] = []
  private var index = HashKeyedTable<Int>()
  private var indexed = false

  // MARK: Coding

  /// Reads only the items' key hashes.
  static func keyHashes(_ buffer: UnsafeRawBufferPointer, into hashes: inout [UInt64]) throws(CorruptData) {
    hashes.removeAll(keepingCapacity: true)
    guard !buffer.isEmpty else { return }
    var reader = ByteReader(buffer)
    try ValueCoding.checkVersion(&reader)
    let count = try reader.count(limit: buffer.count / 8)
    for _ in 0..<count { hashes.append(try reader.word()) }
  }

  mutating func decode(_ buffer: UnsafeRawBufferPointer) throws(CorruptData) {
    findings.removeAll(keepingCapacity: true)
    items.removeAll(keepingCapacity: true)
    runs.removeAll(keepingCapacity: true)
    presence.removeAll(keepingCapacity: true)
    index.removeAll(keepingCapacity: true)
    indexed = false
    guard !buffer.isEmpty else { return }
    var reader = ByteReader(buffer)
    try ValueCoding.checkVersion(&reader)
    let itemCount = try reader.count(limit: buffer.count / 8)
    var hashes = reader
    try reader.skip(8 * itemCount)
    for _ in 0..<(try reader.count(limit: buffer.count)) { findings.append(try reader.string()) }
    var id: Int64 = 0
    for _ in 0..<itemCount {
      let start = reader.position
      id += Int64(try reader.signed())
      let header = try reader.byte()
      let service = try reader.count(limit: Int(Int32.max))
      let detail = try reader.count(limit: Int(Int32.max))
      let finding = try reader.count(limit: findings.count - 1)
      let sources = try reader.signed()
      let lastUsed = header & 8 != 0 ? Self.dayBase + (try reader.signed()) : nil
      let created = header & 16 != 0 ? Self.dayBase + (try reader.signed()) : nil
      let firstRun = runs.count
      try Self.decodeRuns(&reader, into: &runs)
      items.append(
        Item(
          id: id, keyHash: try hashes.word(), service: Int32(service), detail: Int32(detail),
          finding: Int32(finding), sources: sources, lastUsed: lastUsed, created: created,
          firstRun: Int32(firstRun), runCount: Int32(runs.count - firstRun), kind: header & 7,
          source: Int32(start)..<Int32(reader.position)))
    }
    try Self.decodeRuns(&reader, into: &presence)
    guard reader.isAtEnd else { throw CorruptData("history has trailing bytes") }
  }

  private static func decodeRuns(_ reader: inout ByteReader, into runs: inout [Run]) throws(CorruptData) {
    let count = try reader.count(limit: 1 << 24)
    var previous = dayBase
    for _ in 0..<count {
      let flags = try reader.byte()
      let first = previous + (try reader.signed())
      let last = flags & 4 != 0 ? nil : first + (try reader.signed())
      runs.append(Run(status: flags & 3, first: first, last: last))
      previous = last ?? first
    }
  }

  /// Writes the history; findings no item refers to any more are left out. `source` is the blob
  /// it was decoded from: items nothing changed are copied from it, as long as their findings keep
  /// their places.
  func encode(into writer: inout ByteWriter, source: UnsafeRawBufferPointer? = nil) {
    writer.byte(ValueCoding.version)
    writer.varint(items.count)
    for item in items { writer.word(item.keyHash) }
    var used = [Int32](repeating: -1, count: findings.count)
    var kept: [Int] = []
    for item in items where used[Int(item.finding)] < 0 {
      used[Int(item.finding)] = Int32(kept.count)
      kept.append(Int(item.finding))
    }
    writer.varint(kept.count)
    for finding in kept { writer.string(findings[finding]) }
    let copies = source != nil && kept.indices.allSatisfy { kept[$0] == $0 }
    var previousID: Int64 = 0
    for item in items {
      if copies, let source, !item.changed, !item.source.isEmpty {
        writer.raw(
          UnsafeRawBufferPointer(rebasing: source[Int(item.source.lowerBound)..<Int(item.source.upperBound)]))
      } else {
        encode(item, after: previousID, finding: Int(used[Int(item.finding)]), into: &writer)
      }
      previousID = item.id
    }
    writer.varint(presence.count)
    var previous = Self.dayBase
    for run in presence { Self.encode(run, after: &previous, into: &writer) }
  }

  private func encode(_ item: Item, after previousID: Int64, finding: Int, into writer: inout ByteWriter) {
    writer.signed(Int(item.id - previousID))
    writer.byte(item.kind | (item.lastUsed == nil ? 0 : 8) | (item.created == nil ? 0 : 16))
    writer.varint(Int(item.service))
    writer.varint(Int(item.detail))
    writer.varint(finding)
    writer.signed(item.sources)
    if let day = item.lastUsed { writer.signed(day - Self.dayBase) }
    if let day = item.created { writer.signed(day - Self.dayBase) }
    writer.varint(Int(item.runCount) + (item.added == nil ? 0 : 1))
    var previous = Self.dayBase
    for run in runs[Int(item.firstRun)..<Int(item.firstRun + item.runCount)] {
      Self.encode(run, after: &previous, into: &writer)
    }
    if let added = item.added { Self.encode(added, after: &previous, into: &writer) }
  }

  /// The first day is written as days after the previous run's end (or its start, while open),
  /// the last as days after the first.
  private static func encode(_ run: Run, after previous: inout Int, into writer: inout ByteWriter) {
    writer.byte(run.status | (run.last == nil ? 4 : 0))
    writer.signed(run.first - previous)
    if let last = run.last { writer.signed(last - run.first) }
    previous = run.last ?? run.first
  }
}

/// What one night does to a principal's history.
extension PrincipalHistory {
  /// Where runs that stop now end, and where runs that start now begin.
  struct Days {
    /// The snapshot being recorded.
    var day: Int
    /// The newest recorded snapshot before it.
    var previous: Int?

    func closing() throws(CorruptData) -> Int {
      guard let previous else { throw CorruptData("a run is open but no earlier snapshot is recorded") }
      return previous
    }
  }

  /// Counts of runs started and ended, as `RecordingOutcome` reports them.
  struct Changes {
    var started = 0
    var ended = 0
  }

  /// Takes back the snapshot on `days.day`, the newest: runs it started go, and runs it ended
  /// (those ending on the snapshot before it) are open again.
  mutating func undo(_ days: Days) {
    for index in items.indices {
      var count = Int(items[index].runCount)
      if Self.undo(days, runs: &runs, first: Int(items[index].firstRun), count: &count) {
        items[index].runCount = Int32(count)
        items[index].changed = true
      }
    }
    var count = presence.count
    Self.undo(days, runs: &presence, first: 0, count: &count)
    presence.removeLast(presence.count - count)
  }

  /// Returns whether anything was undone.
  @discardableResult
  private static func undo(_ days: Days, runs: inout [Run], first: Int, count: inout Int) -> Bool {
    var undone = false
    if count > 0, runs[first + count - 1].first == days.day {
      count -= 1
      undone = true
    }
    if count > 0, let previous = days.previous, runs[first + count - 1].last == previous {
      runs[first + count - 1].last = nil
      undone = true
    }
    return undone
  }

  /// The index in `runs` of the item's open stored run, if it has one.
  private func openRun(of item: Item) -> Int? {
    guard item.runCount > 0 else { return nil }
    let last = Int(item.firstRun + item.runCount - 1)
    return runs[last].last == nil ? last : nil
  }

  /// Starts or ends the presence run when the snapshot has an inventory.
  mutating func recordPresence(inInventory: Bool, _ days: Days) throws(CorruptData) {
    let isOpen = presence.last.map { $0.last == nil } ?? false
    if inInventory, !isOpen {
      presence.append(Run(status: 0, first: days.day, last: nil))
    } else if !inInventory, isOpen {
      presence[presence.count - 1].last = try days.closing()
    }
  }

  /// The index of the item with this key hash, if the principal has one.
  mutating func item(withKeyHash keyHash: UInt64) -> Int? {
    // Most principals have a few dozen items, where a scan beats hashing.
    if items.count <= 48 {
      return items.firstIndex { $0.keyHash == keyHash }
    }
    if !indexed {
      index.reserveCapacity(items.count)
      for (position, item) in items.enumerated() { index.updateValue(position, forKey: item.keyHash) }
      indexed = true
    }
    return index[keyHash]
  }

  mutating func appendItem(_ item: Item) {
    if indexed { index.updateValue(items.count, forKey: item.keyHash) }
    items.append(item)
  }

  mutating func findingIndex(_ findingID: String) -> Int32 {
    if let index = findings.firstIndex(of: findingID) { return Int32(index) }
    findings.append(findingID)
    return Int32(findings.count - 1)
  }

  /// Applies one observation to a stored item: its latest details, and a new run when its status
  /// changed or it had none open.
  ///
  /// The observation is read where it is stored: a copy retained and released each of its strings,
  /// for each of a night's million observations.
  mutating func observe(
    _ observation: UnsafePointer<Observation>, at position: Int, _ days: Days, changes: inout Changes
  ) throws(CorruptData) {
    var item = items[position]
    let before = (item.lastUsed, item.finding, item.created, item.sources)
    item.observed = true
    item.lastUsed = observation.pointee.lastUsedOn?.daysSinceEpoch
    item.finding = findingIndex(observation.pointee.findingID)
    // The earliest finding date is kept: a finding re-created later does not make it younger.
    let created = observation.pointee.findingCreatedOn?.daysSinceEpoch
    item.created = Self.earliest(item.created, created)
    item.sources = observation.pointee.sources.rawValue
    if before != (item.lastUsed, item.finding, item.created, item.sources) { item.changed = true }
    let status = Codes.status(observation.pointee.status)
    if item.added != nil {
      // Reported twice in one snapshot: the later report's status stands.
      item.added?.status = status
    } else if let open = openRun(of: item) {
      if runs[open].status != status {
        runs[open].last = try days.closing()
        item.added = Run(status: status, first: days.day, last: nil)
        item.changed = true
        changes.ended += 1
        changes.started += 1
      }
    } else {
      item.added = Run(status: status, first: days.day, last: nil)
      item.changed = true
      changes.started += 1
    }
    items[position] = item
  }

  static func earliest(_ first: Int?, _ second: Int?) -> Int? {
    guard let first else { return second }
    guard let second else { return first }
    return min(first, second)
  }

  /// Ends the open runs of items no source reported this time: they are absent from now on.
  mutating func closeUnobserved(_ days: Days, changes: inout Changes) throws(CorruptData) {
    for index in items.indices where !items[index].observed && items[index].added == nil {
      guard let open = openRun(of: items[index]) else { continue }
      runs[open].last = try days.closing()
      items[index].changed = true
      changes.ended += 1
    }
  }
}
