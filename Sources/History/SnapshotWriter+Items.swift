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

  /// Rows are read and rewritten this many at a time.
  static let batchSize = 1024

  mutating func recordItems() throws -> PrincipalHistory.Changes {
    let groups = groupObservations()
    let newItems = try findNewItems(groups)
    let select = try RawStatement(
      db, "SELECT principal, data FROM history WHERE principal BETWEEN ? AND ? ORDER BY principal")
    var output = RowOutput(try RowStatements(db))
    var batch = HistoryBatch()
    var history = PrincipalHistory()
    var changes = PrincipalHistory.Changes()
    for start in stride(from: 0, to: stored.rows.count, by: Self.batchSize) {
      let end = min(start + Self.batchSize, stored.rows.count)
      try batch.load(start..<max(start, min(end, storedCount)), of: stored.rows, using: select)
      for row in start..<end {
        if isNew(row) {
          try history.decode(UnsafeRawBufferPointer(start: nil, count: 0))
        } else {
          try batch.withHistory(ofRow: row) { try history.decode($0) }
        }
        try apply(to: &history, row: row, groups: groups, newItems: newItems, changes: &changes)
        try output.write(row: row, history: history, writer: self, batch: batch)
      }
    }
    return changes
  }

  /// Undoes the replaced snapshot if any, then applies this one to a principal's history.
  private func apply(
    to history: inout PrincipalHistory, row: Int, groups: Groups, newItems: NewItems,
    changes: inout PrincipalHistory.Changes
  ) throws {
    if replacing { history.undo(days) }
    if snapshot.hasInventory { try history.recordPresence(inInventory: inInventory[row], days) }
    for observationIndex in groups.observations(ofRow: row) {
      let index = Int(observationIndex)
      let observation = snapshot.observations[index]
      if let position = history.item(withKeyHash: groups.keyHashes[index]) {
        try history.observe(observation, at: position, days, changes: &changes)
      } else {
        let given = newItems.items[Int(newItems.indexOfObservation[index])]
        history.appendItem(
          newItem(observation, keyHash: groups.keyHashes[index], stored: given, history: &history))
        changes.started += 1
      }
    }
    try history.closeUnobserved(days, changes: &changes)
  }

  private func newItem(
    _ observation: Observation, keyHash: UInt64, stored: NewItems.Item, history: inout PrincipalHistory
  ) -> PrincipalHistory.Item {
    PrincipalHistory.Item(
      id: stored.id, keyHash: keyHash, service: stored.service, detail: stored.detail,
      finding: history.findingIndex(observation.findingID), sources: observation.sources.rawValue,
      lastUsed: observation.lastUsedOn?.daysSinceEpoch, created: observation.findingCreatedOn?.daysSinceEpoch,
      firstRun: Int32(history.runs.count), runCount: 0,
      added: PrincipalHistory.Run(status: Codes.status(observation.status), first: days.day, last: nil),
      kind: Codes.kind(observation.access.kind), observed: true)
  }

  /// Groups observations by principal row with a counting sort. Observations of principals the
  /// snapshot does not list are left out, as they always were.
  private func groupObservations() -> Groups {
    let observations = snapshot.observations
    var rowOf = [Int32](repeating: -1, count: observations.count)
    var keyHashes = [UInt64](repeating: 0, count: observations.count)
    var starts = [Int](repeating: 0, count: stored.rows.count + 1)
    var lastARN: String?
    var lastRow = -1
    for (index, observation) in observations.enumerated() {
      let arn = observation.access.principalARN
      // Observations come grouped by principal, so one lookup serves many.
      if arn != lastARN {
        lastARN = arn
        lastRow = indexOfARN[arn].flatMap { inSnapshot[$0] ? $0 : nil } ?? -1
      }
      guard lastRow >= 0 else { continue }
      rowOf[index] = Int32(lastRow)
      starts[lastRow + 1] += 1
      keyHashes[index] = ItemKeyHash.of(observation.access)
    }
    for row in stored.rows.indices { starts[row + 1] += starts[row] }
    var next = starts
    var order = [Int32](repeating: 0, count: starts[stored.rows.count])
    for (index, row) in rowOf.enumerated() where row >= 0 {
      order[next[Int(row)]] = Int32(index)
      next[Int(row)] += 1
    }
    return Groups(starts: starts, order: order, keyHashes: keyHashes)
  }

  /// Finds the observations of items not stored yet, reading every history once, then gives them
  /// ids and term ids in snapshot order.
  private mutating func findNewItems(_ groups: Groups) throws -> NewItems {
    var isNewItem = [Bool](repeating: false, count: snapshot.observations.count)
    var hashes: [UInt64] = []
    var lookup = Set<UInt64>()
    let select = try RawStatement(db, "SELECT principal, data FROM history ORDER BY principal")
    var row = 0
    while try select.step() {
      guard row < storedCount, select.int64(0) == stored.rows[row].id else {
        select.reset()
        throw CorruptData("principal rows changed while recording")
      }
      if groups.starts[row] < groups.starts[row + 1] {
        try PrincipalHistory.keyHashes(select.blob(1), into: &hashes)
        Self.markNewItems(groups.observations(ofRow: row), groups, &hashes, &lookup, &isNewItem)
      }
      row += 1
    }
    select.reset()
    for newRow in storedCount..<stored.rows.count {
      hashes.removeAll(keepingCapacity: true)
      Self.markNewItems(groups.observations(ofRow: newRow), groups, &hashes, &lookup, &isNewItem)
    }
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

/// The statements that write principal and history rows.
struct RowStatements {
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
}

/// Writes each principal's rows whose content changed, as soon as it is known.
struct RowOutput {
  let statements: RowStatements
  var encoded = ByteWriter(capacity: 1 << 16)

  init(_ statements: RowStatements) {
    self.statements = statements
  }

  mutating func write(row: Int, history: PrincipalHistory, writer: SnapshotWriter, batch: HistoryBatch) throws
  {
    let isNew = writer.isNew(row)
    let id = writer.stored.rows[row].id
    if writer.isChanged[row] {
      let statement = isNew ? statements.insertPrincipal : statements.updatePrincipal
      statement.bind(1, id)
      statement.bind(2, writer.signatures[row])
      statement.bind(3, blob: writer.descriptions[row])
      statement.bind(4, blob: writer.recommendations[row])
      statement.bind(5, writer.recommendationDays[row])
      let dayChanged = isNew || writer.recommendationDays[row] != writer.stored.rows[row].recommendationsDay
      statement.bind(6, Int64(dayChanged ? 1 : 0))
      if isNew { statement.bind(7, writer.stored.rows[row].arn) }
      try statement.execute()
    }
    encoded.removeAll()
    history.encode(into: &encoded)
    guard isNew || !batch.withHistory(ofRow: row, { encoded.hasSameBytes(as: $0) }) else { return }
    let statement = isNew ? statements.insertHistory : statements.updateHistory
    statement.bind(1, id)
    statement.bind(2, blob: encoded.bytes)
    try statement.execute()
  }
}
