import GRDB
import Model

/// Items: each principal's history is decoded, changed by the snapshot, and written back only
/// when its bytes differ.
extension SnapshotWriter {
  /// The snapshot's observations grouped by principal row, each group in snapshot order.
  struct Groups {
    /// Where each row's group starts in `order`; one more entry than there are rows.
    var starts: [Int]
    /// Observation indices.
    var order: [Int32]
    /// Each observation's key hash (0 for observations of principals the snapshot does not list).
    var keyHashes: [UInt64]

    func observations(ofRow row: Int) -> ArraySlice<Int32> {
      order[starts[row]..<starts[row + 1]]
    }
  }

  /// New items, given ids and term ids in observation order before any history is written.
  struct NewItems {
    struct Item {
      var id: Int64
      var service: Int32
      var detail: Int32
    }

    /// Per observation, its index in `items`, or -1 when it is of a stored item.
    var indexOfObservation: [Int32]
    var items: [Item] = []
  }

  /// Rows are worked on and rewritten this many at a time.
  static let batchSize = 512

  /// Every history, read once and kept: finding new items and applying the snapshot both need
  /// them (about 600 bytes a principal).
  func readHistories() throws -> HistoryBatch {
    var histories = HistoryBatch()
    // Sized first: grown as it filled, the buffer of a large organisation's histories (60 MB)
    // was copied again and again on the core the recording waits for. The sum reads only the
    // records' headers.
    let bytes = try Int.fetchOne(db, sql: "SELECT sum(length(data)) FROM history") ?? 0
    try histories.load(
      0..<storedCount, of: stored.rows, bytes: bytes,
      using: try RawStatement(
        db, "SELECT principal, data FROM history WHERE principal BETWEEN ? AND ? ORDER BY principal"))
    return histories
  }

  /// Applies the snapshot to every history and writes those that changed. Returns the runs started
  /// and ended, and every history as it now is (see `RecordedHistories`).
  mutating func recordItems(_ groups: Groups, histories: HistoryBatch, newObservations: [Bool]) throws
    -> (changes: PrincipalHistory.Changes, histories: RecordedHistories)
  {
    let newItems = try numberNewItems(newObservations)
    let applier = HistoryApplier(
      observations: snapshot.observations, groups: groups, newItems: newItems, days: days,
      replacing: replacing,
      hasInventory: snapshot.hasInventory, inInventory: inInventory, storedCount: storedCount)
    let output = try RowOutput(db)
    var changes = PrincipalHistory.Changes()
    let rowCount = stored.rows.count
    var recorded = RecordedHistories(stored: histories, ids: stored.rows.map(\.id))
    let batches = (rowCount + Self.batchSize - 1) / Self.batchSize
    @Sendable func rows(ofBatch batch: Int) -> Range<Int> {
      (batch * Self.batchSize)..<min((batch + 1) * Self.batchSize, rowCount)
    }
    // Batches are applied on both cores and written here in order, as each is ready.
    try OrderedPipeline.run(count: batches) { batch in
      try applier.apply(rows(ofBatch: batch), batch: histories)
    } use: { batch, part in
      for row in rows(ofBatch: batch) where isChanged[row] { try output.writePrincipal(row, of: self) }
      changes.started += part.changes.started
      changes.ended += part.changes.ended
      for (row, range) in part.changed {
        try part.bytes.withUnsafeBytes { bytes in
          let history = UnsafeRawBufferPointer(rebasing: bytes[range])
          try output.writeHistory(history, of: stored.rows[row].id, isNew: isNew(row))
        }
      }
      recorded.keep(part.bytes, changed: part.changed)
    }
    return (changes, recorded)
  }

  /// Groups observations by principal row with a counting sort. Observations of principals the
  /// snapshot does not list are left out, as they always were.
  mutating func groupObservations() throws -> Groups {
    let observations = snapshot.observations
    let located = Self.locate(observations, observations.indices, rows: stored.rows)
    var rowOf = located.rows
    var keyHashes = located.keyHashes
    // Parts give up on principals not found near the previous one; the dictionary knows them.
    var lastARN: String?
    var lastRow = -1
    for index in located.unresolved {
      if observations[index].access.principalARN != lastARN {
        lastARN = observations[index].access.principalARN
        lastRow = row(of: observations[index].access.principalARN, after: lastRow) ?? -1
      }
      rowOf[index] = Int32(lastRow)
      keyHashes[index] = ItemKeyHash.of(observations[index].access)
    }
    return Self.group(rowOf, keyHashes: keyHashes, inSnapshot: inSnapshot)
  }

  /// The counting sort: observation indices ordered by row, those of principals the snapshot does
  /// not list left out.
  private static func group(_ rowOf: [Int32], keyHashes: [UInt64], inSnapshot: [Bool]) -> Groups {
    var starts = [Int](repeating: 0, count: inSnapshot.count + 1)
    for row in rowOf where row >= 0 && inSnapshot[Int(row)] { starts[Int(row) + 1] += 1 }
    for row in inSnapshot.indices { starts[row + 1] += starts[row] }
    var next = starts
    var order = [Int32](repeating: 0, count: starts[inSnapshot.count])
    for (index, row) in rowOf.enumerated() where row >= 0 && inSnapshot[Int(row)] {
      order[next[Int(row)]] = Int32(index)
      next[Int(row)] += 1
    }
    return Groups(starts: starts, order: order, keyHashes: keyHashes)
  }

  /// The rows of `observations[range]` found near one another (-1 where that failed, listed in
  /// `unresolved`) and their key hashes. Fields are read in place: copying each observation out
  /// would retain and release its strings.
  ///
  /// A part has no row to start from, so its first principals are looked for through all rows, a
  /// few times at most.
  private static func locate(_ observations: [Observation], _ range: Range<Int>, rows: [PrincipalRows.Row])
    -> (
      rows: [Int32], keyHashes: [UInt64], unresolved: [Int]
    )
  {
    var found = [Int32](repeating: -1, count: range.count)
    var keyHashes = [UInt64](repeating: 0, count: range.count)
    var unresolved: [Int] = []
    var lastARN: String?
    var lastRow: Int?
    var hint = -1
    var scans = 8
    for index in range {
      // Observations come grouped by principal, so one lookup serves many.
      if observations[index].access.principalARN != lastARN {
        lastARN = observations[index].access.principalARN
        lastRow = row(of: observations[index].access.principalARN, after: hint, trying: 3, in: rows)
        if lastRow == nil, hint < 0, scans > 0 {
          scans -= 1
          lastRow = rows.firstIndex { $0.arn == observations[index].access.principalARN }
        }
        hint = lastRow ?? hint
      }
      guard let lastRow else {
        unresolved.append(index)
        continue
      }
      found[index - range.lowerBound] = Int32(lastRow)
      keyHashes[index - range.lowerBound] = ItemKeyHash.of(observations[index].access)
    }
    return (found, keyHashes, unresolved)
  }

  /// Which observations are of items not stored yet (`rowCount` principal rows, the first
  /// `storedCount` of them stored before), reading every history once. It needs nothing else of
  /// the recording, so another core works it out while descriptions are stored.
  static func newObservations(
    _ groups: Groups, histories: HistoryBatch, rowCount: Int, storedCount: Int, observationCount: Int
  ) throws -> [Bool] {
    var isNewItem = [Bool](repeating: false, count: observationCount)
    var hashes: [UInt64] = []
    var lookup = Set<UInt64>()
    for row in 0..<rowCount where groups.starts[row] < groups.starts[row + 1] {
      if row >= storedCount {
        hashes.removeAll(keepingCapacity: true)
      } else {
        try histories.withHistory(ofRow: row) { try PrincipalHistory.keyHashes($0, into: &hashes) }
      }
      markNewItems(groups.observations(ofRow: row), groups, &hashes, &lookup, &isNewItem)
    }
    return isNewItem
  }

  /// Gives the observations of new items ids and term ids, in snapshot order.
  private mutating func numberNewItems(_ isNewItem: [Bool]) throws -> NewItems {
    var terms = try TermTable(db)
    var newItems = NewItems(indexOfObservation: Array(repeating: -1, count: snapshot.observations.count))
    for (index, observation) in snapshot.observations.enumerated() where isNewItem[index] {
      lastItemID += 1
      newItems.indexOfObservation[index] = Int32(newItems.items.count)
      newItems.items.append(
        NewItems.Item(
          id: lastItemID, service: try terms.id(of: observation.access.service, db: db),
          detail: try terms.id(of: observation.access.detail, db: db)))
    }
    return newItems
  }

  /// Marks the observations whose key hash is not among the principal's `hashes`. A second report
  /// of the same new item in this snapshot is not another item.
  private static func markNewItems(
    _ observations: ArraySlice<Int32>, _ groups: Groups, _ hashes: inout [UInt64],
    _ lookup: inout Set<UInt64>,
    _ isNewItem: inout [Bool]
  ) {
    // Most principals have a few dozen items, where a scan beats hashing.
    let useSet = hashes.count > 48
    if useSet {
      lookup.removeAll(keepingCapacity: true)
      lookup.formUnion(hashes)
    }
    for observationIndex in observations {
      let keyHash = groups.keyHashes[Int(observationIndex)]
      let known = useSet ? lookup.contains(keyHash) : hashes.contains(keyHash)
      guard !known else { continue }
      isNewItem[Int(observationIndex)] = true
      hashes.append(keyHash)
      if useSet { lookup.insert(keyHash) }
    }
  }
}

/// Writes the rows of principals whose content changed.
struct RowOutput {
  let insertPrincipal: RawStatement
  /// Sets the columns whose parameters are not NULL; the day only when parameter 6 is true.
  let updatePrincipal: RawStatement
  let insertHistory: RawStatement
  let updateHistory: RawStatement

  init(_ db: Database) throws {
    insertPrincipal = try RawStatement(
      db,
      """
      INSERT INTO principal (id, signature, description, recommendations, recommendationsDay, arn)
      VALUES (?1, ?2, ?3, ?4, ?5, ?7)
      """)
    updatePrincipal = try RawStatement(
      db,
      """
      UPDATE principal SET signature = ?2, description = COALESCE(?3, description),
        recommendations = COALESCE(?4, recommendations),
        recommendationsDay = CASE WHEN ?6 THEN ?5 ELSE recommendationsDay END
      WHERE id = ?1
      """)
    insertHistory = try RawStatement(db, "INSERT INTO history (principal, data) VALUES (?, ?)")
    updateHistory = try RawStatement(db, "UPDATE history SET data = ?2 WHERE principal = ?1")
  }

  func writePrincipal(_ row: Int, of writer: SnapshotWriter) throws {
    let isNew = writer.isNew(row)
    let statement = isNew ? insertPrincipal : updatePrincipal
    statement.bind(1, writer.stored.rows[row].id)
    statement.bind(2, writer.signatures[row])
    statement.bind(3, blob: writer.descriptions[row])
    statement.bind(4, blob: writer.recommendations[row])
    statement.bind(5, writer.recommendationDays[row])
    let dayChanged = isNew || writer.recommendationDays[row] != writer.stored.rows[row].recommendationsDay
    statement.bind(6, Int64(dayChanged ? 1 : 0))
    if isNew { statement.bind(7, writer.stored.rows[row].arn) }
    try statement.execute()
  }

  func writeHistory(_ bytes: UnsafeRawBufferPointer, of id: Int64, isNew: Bool) throws {
    let statement = isNew ? insertHistory : updateHistory
    statement.bind(1, id)
    statement.bind(2, blob: bytes)
    try statement.execute()
  }
}

/// Every principal's history as a recording left it, for the timeline loaded next: those the
/// recording read and left as they were, and those it rewrote or added. Reading them back from the
/// store took as long as the recording's own reading of them, on the core the loading waits for.
struct RecordedHistories: Sendable {
  /// The histories of the rows stored before the recording, as they were read.
  let stored: HistoryBatch
  /// Every row's principal id, in row order (the order of ids).
  let ids: [Int64]
  /// The histories written, as the batches that wrote them held them: kept rather than copied
  /// into one buffer, which, grown as it filled, copied a large organisation's 60 MB of histories
  /// again and again on the core the recording waits for.
  private var written: [[UInt8]] = []
  /// Per row: which of `written` holds its new history and where in it; nil when none was written.
  private var writtenPlaces: [(batch: Int, range: Range<Int>)?]

  init(stored: HistoryBatch, ids: [Int64]) {
    self.stored = stored
    self.ids = ids
    writtenPlaces = Array(repeating: nil, count: ids.count)
  }

  /// Keeps `bytes`, in which the new history of each row of `changed` is at its range.
  mutating func keep(_ bytes: [UInt8], changed: [(row: Int, range: Range<Int>)]) {
    guard !changed.isEmpty else { return }
    written.append(bytes)
    for (row, range) in changed { writtenPlaces[row] = (written.count - 1, range) }
  }

  /// Whether row `row` has a history (see `withHistory(ofRow:_:)`).
  func hasHistory(ofRow row: Int) -> Bool {
    writtenPlaces[row] != nil || stored.rows.contains(row)
  }

  /// Calls `body` with the history of row `row`, or returns nil when the row has none (a new
  /// principal the recording wrote no history for; the store has no row for it either).
  func withHistory<Result>(ofRow row: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows
    -> Result?
  {
    if let (batch, range) = writtenPlaces[row] {
      return try written[batch].withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
    guard stored.rows.contains(row) else { return nil }
    return try stored.withHistory(ofRow: row, body)
  }
}
