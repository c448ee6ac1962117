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
  var indexOfARN: [String: Int]?
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

  init(db: Database, snapshot: Snapshot, days: PrincipalHistory.Days, replacing: Bool, lastItemID: Int64)
    throws
  {
    self.db = db
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

  /// Records everything; returns the runs started and ended and the highest item id now given.
  mutating func record() throws -> (started: Int, ended: Int, lastItemID: Int64) {
    try recordPrincipals()
    try recordRecommendations()
    let changes = try recordItems()
    try collectPolicies()
    return (changes.started, changes.ended, lastItemID)
  }

  func isNew(_ row: Int) -> Bool { row >= storedCount }

  // MARK: Principals

  /// Adds new principals and refreshes those whose inventory entry changed. A finding alone never
  /// overwrites what an inventory said about a principal.
  private mutating func recordPrincipals() throws {
    var policies = try PolicyTable(db)
    let principals = snapshot.principals
    // Which entries describe their principal: the first of a new one, and any inventory entry.
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
    let digests = try Descriptions.compute(principals, described: described, stored: policies.storedHashes)
    var writer = ByteWriter(capacity: 1024)
    for entry in principals.indices where described[entry] {
      let index = rows[entry]
      let isFirstEntry = isNew(index) && descriptions[index] == nil
      let signature = digests.signatures[entry]
      guard isFirstEntry || signature != signatures[index] else { continue }
      let ids = try digests.policyHashes[digests.starts[entry]..<digests.starts[entry + 1]].map { hash in
        try policies.id(
          ofHash: hash,
          body: {
            guard let body = digests.newBodies[hash] else { throw CorruptData("a policy was not encoded") }
            return body
          }, db: db)
      }
      writer.removeAll()
      DescriptionCoding.encode(principals[entry], policyIDs: ids, into: &writer)
      // A copy: a slice would keep the array shared, and the append below would copy it whole.
      let previous = Array(stored.policyIDs[stored.rows[index].policies])
      if !isNew(index), previous != ids {
        droppedPolicies.formUnion(Set(previous).subtracting(ids))
      }
      stored.rows[index].policies = stored.policyIDs.count..<(stored.policyIDs.count + ids.count)
      stored.policyIDs.append(contentsOf: ids)
      descriptions[index] = writer.copy()
      signatures[index] = signature
      isChanged[index] = true
    }
  }

  /// The row of the principal with this ARN. Snapshots list principals in much the same order
  /// every night, so the rows just after the last one found are tried before the dictionary, which
  /// is only built when that fails.
  mutating func row(of arn: String, after hint: Int, trying count: Int = 3) -> Int? {
    if let found = Self.row(of: arn, after: hint, trying: count, in: stored.rows) { return found }
    if indexOfARN == nil {
      var rows: [String: Int] = [:]
      rows.reserveCapacity(stored.rows.count)
      for (index, row) in stored.rows.enumerated() { rows[row.arn] = index }
      indexOfARN = rows
    }
    return indexOfARN?[arn]
  }

  /// The row among the `count` after `hint` with this ARN, if one is.
  static func row(of arn: String, after hint: Int, trying count: Int, in rows: [PrincipalRows.Row]) -> Int? {
    let end = min(hint + 1 + count, rows.count)
    guard hint + 1 < end else { return nil }
    return (hint + 1..<end).first { rows[$0].arn == arn }
  }

  private mutating func addRow(arn: String) -> Int {
    let index = stored.rows.count
    let id = (stored.rows.last?.id ?? 0) + 1
    stored.rows.append(
      PrincipalRows.Row(
        id: id, arn: arn, signature: 0, policies: 0..<0, recommendations: nil, recommendationsDay: nil))
    indexOfARN?[arn] = index
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
      // Recommendations are for few principals, so the rows tried are many before the dictionary.
      guard let found = row(of: recommendation.principalARN, after: index, trying: 64), inSnapshot[found]
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
