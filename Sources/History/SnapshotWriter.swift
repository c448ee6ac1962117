import GRDB
import Model

/// Writes one snapshot on top of the stored history, rewriting only the principal rows whose
/// description, history or recommendations changed.
///
/// Item ids are given in observation order, as they always were, so a store rebuilt from the same
/// snapshot folders lists its items in the same order.
struct SnapshotWriter {
  let db: Database
  let snapshot: Snapshot
  let days: PrincipalHistory.Days
  /// Whether the snapshot replaces the newest recorded one (same day).
  let replacing: Bool
  /// The highest item id given so far.
  var lastItemID: Int64

  var stored: PrincipalRows
  /// Rows before this index were stored before this recording; the rest are new principals.
  let storedCount: Int
  /// Rows by ARN, built on first need (see `row(of:after:)`).
  var indexOfARN: TextIndex?
  /// Per principal row: new column values, when they changed.
  var descriptions: [[UInt8]?] = []
  var signatures: [UInt64] = []
  var recommendations: [[UInt8]?] = []
  var recommendationDays: [Int?] = []
  /// Whether the description, recommendations or their day changed (the history is compared later).
  var isChanged: [Bool] = []
  /// Per principal row: whether this snapshot lists it, and whether as an inventory entry.
  var inSnapshot: [Bool] = []
  var inInventory: [Bool] = []
  /// Policies that changed principals no longer refer to.
  var droppedPolicies = Set<Int64>()

  /// Policy hashes and description signatures, being worked out on another core.
  let digests: DescriptionWork

  init(
    db: Database, snapshot: Snapshot, digests: DescriptionWork, days: PrincipalHistory.Days,
    replacing: Bool, lastItemID: Int64
  ) throws {
    self.db = db
    self.digests = digests
    self.snapshot = snapshot
    self.days = days
    self.replacing = replacing
    self.lastItemID = lastItemID
    stored = try PrincipalRows.load(db)
    storedCount = stored.rows.count
    descriptions = Array(repeating: nil, count: storedCount)
    signatures = stored.rows.map(\.signature)
    recommendations = Array(repeating: nil, count: storedCount)
    recommendationDays = stored.rows.map(\.recommendationsDay)
    isChanged = Array(repeating: false, count: storedCount)
    inSnapshot = isChanged
    inInventory = isChanged
  }

  /// What recording did: the runs started and ended, the highest item id now given, which
  /// principals' stored descriptions are now those of snapshot entries, and every history as it
  /// now is.
  struct Outcome {
    var started: Int
    var ended: Int
    var lastItemID: Int64
    var principals: RecordedPrincipals
    var histories: RecordedHistories
  }

  /// Records everything.
  ///
  /// What needs the digests comes last among the early steps, so that reading the store overlaps
  /// their working out; which observations are of new items is then worked out on the other
  /// core while this one stores descriptions and recommendations.
  mutating func record() throws -> Outcome {
    let (entryRows, described) = mapPrincipals()
    let groups = try groupObservations()
    let histories = try readHistories()
    let newObservations = BackgroundWork {
      [rowCount = stored.rows.count, storedCount, observationCount = snapshot.observations.count] in
      try Self.newObservations(
        groups, histories: histories, rowCount: rowCount, storedCount: storedCount,
        observationCount: observationCount)
    }
    let digests = self.digests.result()
    try describePrincipals(entryRows, described: described, digests: digests)
    let principals = recordedPrincipals(entryRows, described: described, digests: digests)
    try recordRecommendations()
    let (changes, recorded) = try recordItems(
      groups, histories: histories, newObservations: try newObservations.result())
    try collectPolicies()
    return Outcome(
      started: changes.started, ended: changes.ended, lastItemID: lastItemID, principals: principals,
      histories: recorded)
  }

  func isNew(_ row: Int) -> Bool { row >= storedCount }

  // MARK: Principals

  /// Finds or adds each entry's row, and notes which principals the snapshot lists and which it
  /// lists as inventory entries. Returns each entry's row and whether it describes its principal:
  /// the first entry of a new principal does, and any inventory entry does (a finding alone never
  /// overwrites what an inventory said about a principal).
  private mutating func mapPrincipals() -> (rows: [Int], described: [Bool]) {
    let principals = snapshot.principals
    var rows = [Int](repeating: 0, count: principals.count)
    var described = [Bool](repeating: false, count: principals.count)
    var index = -1
    for entry in principals.indices {
      index = row(of: principals[entry].arn, after: index) ?? addRow(arn: principals[entry].arn)
      rows[entry] = index
      described[entry] = (isNew(index) && !inSnapshot[index]) || principals[entry].isInInventory
      inSnapshot[index] = true
      inInventory[index] = inInventory[index] || principals[entry].isInInventory
    }
    return (rows, described)
  }

  /// Stores the descriptions whose signature changed, with any managed policy documents not
  /// stored yet, and the inline policies of those whose inline policies changed.
  private mutating func describePrincipals(
    _ entryRows: [Int], described: [Bool], digests: ChunkedDescriptions
  ) throws {
    let principals = snapshot.principals
    let changes = planDescriptions(entryRows, described: described, digests: digests)
    var policies = try PolicyStore(db)
    var writer = ByteWriter(capacity: 1 << 16)
    for change in changes {
      let index = change.row
      let (references, managed) = try policies.store(
        principals[change.entry].policies, hashes: digests.policyHashes(ofEntry: change.entry), db: db)
      if change.inlineChanged {
        try digests.withInline(ofEntry: change.entry) {
          try policies.storeInline($0, of: stored.rows[index].id)
        }
      }
      writer.removeAll()
      DescriptionCoding.encode(
        principals[change.entry], references: references, inlineHash: change.inlineHash, into: &writer)
      // A copy: a slice would keep the array shared, and the append below would copy it whole.
      let previous = Array(stored.policyIDs[stored.rows[index].policies])
      if !isNew(index), previous != managed {
        droppedPolicies.formUnion(Set(previous).subtracting(managed))
      }
      stored.rows[index].policies = stored.policyIDs.count..<(stored.policyIDs.count + managed.count)
      stored.policyIDs.append(contentsOf: managed)
      descriptions[index] = writer.copy()
      isChanged[index] = true
    }
  }

  /// The rows whose stored description is now that of a snapshot entry, with the entry. A
  /// described entry with the signature the row ends with is one: equal signatures are equal
  /// descriptions and policy documents (they are what decides whether a description is written),
  /// so the entry is what decoding the row would give.
  private func recordedPrincipals(_ entryRows: [Int], described: [Bool], digests: ChunkedDescriptions)
    -> RecordedPrincipals
  {
    var entryOfRow = [Int](repeating: -1, count: stored.rows.count)
    for entry in entryRows.indices where described[entry] {
      let row = entryRows[entry]
      if digests.signature(ofEntry: entry) == signatures[row] { entryOfRow[row] = entry }
    }
    var recorded = RecordedPrincipals(principals: snapshot.principals)
    // Rows are in id order, new ones last with the highest ids.
    for row in entryOfRow.indices where entryOfRow[row] >= 0 {
      recorded.ids.append(stored.rows[row].id)
      recorded.entries.append(entryOfRow[row])
    }
    return recorded
  }

  /// A description to store: entry `entry` of the snapshot, for principal row `row`.
  struct DescriptionChange: Sendable {
    var entry: Int
    var row: Int
    var inlineHash: UInt64
    var inlineChanged: Bool
  }

  /// The entries whose description differs from the stored one (every first entry of a new
  /// principal, and later entries of a principal listed twice when they differ from the first),
  /// noting the new signatures and inline hashes.
  private mutating func planDescriptions(_ entryRows: [Int], described: [Bool], digests: ChunkedDescriptions)
    -> [DescriptionChange]
  {
    var changes: [DescriptionChange] = []
    var inlineHashes = stored.rows.map(\.inlineHash)
    var seen = Set<Int>()
    for entry in entryRows.indices where described[entry] {
      let row = entryRows[entry]
      let isFirstEntry = isNew(row) && seen.insert(row).inserted
      let signature = digests.signature(ofEntry: entry)
      guard isFirstEntry || signature != signatures[row] else { continue }
      let inlineHash = digests.inlineHash(ofEntry: entry)
      changes.append(
        DescriptionChange(
          entry: entry, row: row, inlineHash: inlineHash,
          inlineChanged: isNew(row) || inlineHash != inlineHashes[row]))
      signatures[row] = signature
      inlineHashes[row] = inlineHash
      stored.rows[row].inlineHash = inlineHash
    }
    return changes
  }

  /// The row of the principal with this ARN. Snapshots list principals in much the same order
  /// every night, so the rows just after the last one found are tried before the dictionary, which
  /// is only built when that fails.
  mutating func row(of arn: String, after hint: Int, trying count: Int = 3) -> Int? {
    if let found = Self.row(of: arn, after: hint, trying: count, in: stored.rows) { return found }
    if indexOfARN == nil {
      var index = TextIndex(capacity: stored.rows.count)
      for row in stored.rows { index.append(row.arn) }
      indexOfARN = index
    }
    return indexOfARN?.number(of: arn)
  }

  /// The row among the `count` after `hint` with this ARN, if one is.
  static func row(of arn: String, after hint: Int, trying count: Int, in rows: [PrincipalRows.Row]) -> Int? {
    let end = min(hint + 1 + count, rows.count)
    guard hint + 1 < end else { return nil }
    // Compared in place: copying each row out would retain and release its ARN.
    return rows.withUnsafeBufferPointer { rows in (hint + 1..<end).first { rows[$0].arn == arn } }
  }

  private mutating func addRow(arn: String) -> Int {
    let index = stored.rows.count
    let id = (stored.rows.last?.id ?? 0) + 1
    stored.rows.append(
      PrincipalRows.Row(
        id: id, arn: arn, signature: 0, policies: 0..<0, inlineHash: 0, recommendations: nil,
        recommendationsDay: nil))
    indexOfARN?.append(arn)
    descriptions.append(nil)
    signatures.append(0)
    recommendations.append(nil)
    recommendationDays.append(nil)
    isChanged.append(true)
    inSnapshot.append(false)
    inInventory.append(false)
    return index
  }

  /// Keeps each principal's latest Access Analyzer recommendations, with the day they came with:
  /// a day column left empty means "the newest snapshot", so unchanged recommendations cost no
  /// write, and only those that stop arriving get their last day written.
  private mutating func recordRecommendations() throws {
    var carried = [Bool](repeating: false, count: stored.rows.count)
    var writer = ByteWriter(capacity: 1024)
    var index = -1
    for recommendation in snapshot.recommendations {
      // Recommendations are for some principals only, so a few more rows are tried.
      guard let found = row(of: recommendation.principalARN, after: index, trying: 8), inSnapshot[found]
      else { continue }
      index = found
      carried[index] = true
      writer.removeAll()
      ValueCoding.encode(recommendation, into: &writer)
      let hash = writer.contentHash()
      if recommendationDays[index] != nil || stored.rows[index].recommendations != hash {
        recommendations[index] = writer.copy()
        stored.rows[index].recommendations = hash
        recommendationDays[index] = nil
        isChanged[index] = true
      }
    }
    // Replacing the newest snapshot leaves the day the same, so nothing is carried over.
    guard !replacing, let previous = days.previous else { return }
    for index in stored.rows.indices where !carried[index] && recommendationDays[index] == nil {
      guard stored.rows[index].recommendations != nil else { continue }
      recommendationDays[index] = previous
      isChanged[index] = true
    }
  }

  /// Deletes policies that changed principals dropped, unless another principal still has them.
  private func collectPolicies() throws {
    guard !droppedPolicies.isEmpty else { return }
    var referenced = Set<Int64>()
    for row in stored.rows { referenced.formUnion(stored.policyIDs[row.policies]) }
    try PolicyTable.deleteUnreferenced(droppedPolicies, referenced: referenced, db: db)
  }
}
