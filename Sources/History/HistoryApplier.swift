import Model

/// Applies one snapshot to principals' histories: everything it needs is a plain value, so parts
/// of a batch of rows can be worked on at once, each by its own applier on its own core.
struct HistoryApplier: Sendable {
  let observations: [Observation]
  let groups: SnapshotWriter.Groups
  let newItems: SnapshotWriter.NewItems
  let days: PrincipalHistory.Days
  /// Whether the snapshot replaces the newest recorded one, which is undone first.
  let replacing: Bool
  let hasInventory: Bool
  /// Per principal row: whether the snapshot lists it as an inventory entry.
  let inInventory: [Bool]
  /// Rows from this index on are new: they have no stored history.
  let storedCount: Int

  /// The histories of `rows` that changed, encoded one after another, and the runs started and
  /// ended.
  struct Output: Sendable {
    var bytes: [UInt8] = []
    /// The changed rows and where their history is in `bytes`.
    var changed: [(row: Int, range: Range<Int>)] = []
    var changes = PrincipalHistory.Changes()
  }

  func apply(_ rows: Range<Int>, batch: HistoryBatch) throws -> Output {
    var output = Output()
    // Room for as many bytes as the rows' stored histories take, and a little for new principals:
    // grown as it filled, the buffer was copied several times (only changed histories go in, so
    // it rarely needs more).
    let newRows = rows.count - rows.clamped(to: batch.rows).count
    output.bytes.reserveCapacity(batch.byteCount(ofRows: rows) + 256 * newRows)
    var history = PrincipalHistory()
    var writer = ByteWriter(capacity: 1 << 16)
    for row in rows {
      if row >= storedCount {
        try history.decode(UnsafeRawBufferPointer(start: nil, count: 0))
      } else {
        try batch.withHistory(ofRow: row) { try history.decode($0) }
      }
      try apply(to: &history, row: row, changes: &output.changes)
      writer.removeAll()
      if row < storedCount {
        let same = batch.withHistory(ofRow: row) { stored in
          history.encode(into: &writer, source: stored)
          return writer.hasSameBytes(as: stored)
        }
        if same { continue }
      } else {
        history.encode(into: &writer)
      }
      let start = output.bytes.count
      output.bytes.append(contentsOf: writer.bytes.assumingMemoryBound(to: UInt8.self))
      output.changed.append((row, start..<output.bytes.count))
    }
    return output
  }

  /// Undoes the replaced snapshot if any, then applies this one to a principal's history.
  private func apply(to history: inout PrincipalHistory, row: Int, changes: inout PrincipalHistory.Changes)
    throws
  {
    if replacing { history.undo(days) }
    if hasInventory { try history.recordPresence(inInventory: inInventory[row], days) }
    try observations.withUnsafeBufferPointer { observations in
      for observationIndex in groups.observations(ofRow: row) {
        let index = Int(observationIndex)
        if let position = history.item(withKeyHash: groups.keyHashes[index]) {
          try history.observe(observations.baseAddress! + index, at: position, days, changes: &changes)
        } else {
          let given = newItems.items[Int(newItems.indexOfObservation[index])]
          history.appendItem(
            newItem(
              observations.baseAddress! + index, keyHash: groups.keyHashes[index], stored: given,
              history: &history))
          changes.started += 1
        }
      }
    }
    try history.closeUnobserved(days, changes: &changes)
  }

  /// The item a new observation starts, read where the observation is stored (see `observe`).
  private func newItem(
    _ observation: UnsafePointer<Observation>, keyHash: UInt64, stored: SnapshotWriter.NewItems.Item,
    history: inout PrincipalHistory
  ) -> PrincipalHistory.Item {
    PrincipalHistory.Item(
      id: stored.id, keyHash: keyHash, service: stored.service, detail: stored.detail,
      finding: history.findingIndex(observation.pointee.findingID),
      sources: observation.pointee.sources.rawValue,
      lastUsed: observation.pointee.lastUsedOn?.daysSinceEpoch,
      created: observation.pointee.findingCreatedOn?.daysSinceEpoch,
      firstRun: Int32(history.runs.count), runCount: 0,
      added: PrincipalHistory.Run(
        status: Codes.status(observation.pointee.status), first: days.day, last: nil),
      kind: Codes.kind(observation.pointee.access.kind), observed: true)
  }
}
