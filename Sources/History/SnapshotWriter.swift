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
  var indexOfARN: [String: Int] = [:]
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
    indexOfARN.reserveCapacity(storedCount + snapshot.principals.count)
    for (index, row) in stored.rows.enumerated() { indexOfARN[row.arn] = index }
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
    var writer = ByteWriter(capacity: 1024)
    for principal in snapshot.principals {
      let index = indexOfARN[principal.arn] ?? addRow(arn: principal.arn)
      inSnapshot[index] = true
      inInventory[index] = inInventory[index] || principal.isInInventory
      let isFirstEntry = isNew(index) && descriptions[index] == nil
      guard isFirstEntry || principal.isInInventory else { continue }
      let ids = try principal.policies.map { try policies.id(of: $0, db: db) }
      writer.removeAll()
      DescriptionCoding.encode(principal, policyIDs: ids, into: &writer)
      let signature = writer.contentHash()
      guard isFirstEntry || signature != signatures[index] else { continue }
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

  private mutating func addRow(arn: String) -> Int {
    let index = stored.rows.count
    let id = (stored.rows.last?.id ?? 0) + 1
    stored.rows.append(
      PrincipalRows.Row(
        id: id, arn: arn, signature: 0, policies: 0..<0, recommendations: nil, recommendationsDay: nil))
    indexOfARN[arn] = index
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
    for recommendation in snapshot.recommendations {
      guard let index = indexOfARN[recommendation.principalARN], inSnapshot[index] else { continue }
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
