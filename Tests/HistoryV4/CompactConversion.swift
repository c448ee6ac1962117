import Foundation
import GRDB
import Model

/// Converts a v3 store (a row per item and per status run, policies as JSON) into the v4 layout,
/// inside the migration's transaction, so a store is either converted whole or left as it was.
///
/// Principals keep their ids and items theirs, so the timeline reads back exactly as before.
enum CompactConversion {
  static func convert(_ db: Database) throws {
    try db.execute(
      sql: Schema.v4.replacingOccurrences(of: "CREATE TABLE snapshot ", with: "CREATE TABLE snapshot_v4 ")
        .replacingOccurrences(of: "CREATE TABLE principal ", with: "CREATE TABLE principal_v4 "))
    try convertSnapshots(db)
    let runs = try StoredRuns.load(db)
    let presence = try loadPresence(db)
    var principals = try PrincipalConverter(db)
    try principals.convert(runs: runs, presence: presence)
    try db.execute(
      sql: "UPDATE counter SET value = (SELECT COALESCE(MAX(id), 0) FROM item) WHERE name = 'lastItem'")
    try db.execute(
      sql: """
        DROP TABLE run;
        DROP TABLE presence;
        DROP TABLE item;
        DROP TABLE principal;
        DROP TABLE snapshot;
        ALTER TABLE snapshot_v4 RENAME TO snapshot;
        ALTER TABLE principal_v4 RENAME TO principal;
        """)
  }

  private static func convertSnapshots(_ db: Database) throws {
    let insert = try RawStatement(
      db,
      """
      INSERT INTO snapshot_v4 (day, fingerprint, hasInventory, sources, rootAccounts, notes, truncated)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      """)
    let rows = try Row.fetchAll(
      db, sql: "SELECT day, fingerprint, hasInventory, sources, rootAccounts, notes, truncated FROM snapshot")
    for row in rows {
      var writer = ByteWriter()
      ValueCoding.encode(StoredJSON.decode([RootAccount].self, from: row[4]) ?? [], into: &writer)
      insert.bind(1, row[0] as Int64)
      insert.bind(2, row[1] as String)
      insert.bind(3, row[2] as Int64)
      insert.bind(4, row[3] as String)
      insert.bind(5, blob: writer.bytes)
      insert.bind(6, row[5] as String)
      insert.bind(7, row[6] as String)
      try insert.execute()
    }
  }

  /// Presence runs by principal id, oldest first.
  private static func loadPresence(_ db: Database) throws -> [Int64: [PrincipalHistory.Run]] {
    var presence: [Int64: [PrincipalHistory.Run]] = [:]
    let select = try RawStatement(
      db, "SELECT principal, firstDay, lastDay FROM presence ORDER BY principal, firstDay")
    while try select.step() {
      presence[select.int64(0), default: []].append(
        PrincipalHistory.Run(status: 0, first: select.int(1), last: select.optionalInt(2)))
    }
    select.reset()
    return presence
  }
}

/// Every v3 status run, grouped by item id.
struct StoredRuns {
  var runs: [PrincipalHistory.Run] = []
  /// For item id `i`, its runs are `runs[starts[i] ..< starts[i + 1]]`.
  var starts: [Int] = [0]

  static func load(_ db: Database) throws -> StoredRuns {
    var loaded = StoredRuns()
    let lastItem = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM item") ?? 0
    var counts = [Int](repeating: 0, count: lastItem + 2)
    let select = try RawStatement(
      db, "SELECT item, status, firstDay, lastDay FROM run ORDER BY item, firstDay")
    while try select.step() {
      let item = select.int(0)
      // Runs of items that are gone or with a status this version does not know were never read.
      guard item > 0, item <= lastItem, let status = FindingStatus(rawValue: select.text(1)) else { continue }
      counts[item + 1] += 1
      loaded.runs.append(
        PrincipalHistory.Run(status: Codes.status(status), first: select.int(2), last: select.optionalInt(3)))
    }
    select.reset()
    for index in 1..<counts.count { counts[index] += counts[index - 1] }
    loaded.starts = counts
    return loaded
  }

  func runs(ofItem id: Int) -> ArraySlice<PrincipalHistory.Run> {
    guard id > 0, id + 1 < starts.count else { return [] }
    return runs[starts[id]..<starts[id + 1]]
  }
}

/// Turns each v3 principal row and its items into a v4 principal row.
private struct PrincipalConverter {
  let db: Database
  var policies: PolicyTable
  var terms: TermTable
  let insert: RawStatement
  let insertHistory: RawStatement
  let items: RawStatement
  var history = PrincipalHistory()
  var writer = ByteWriter(capacity: 1 << 16)

  init(_ db: Database) throws {
    self.db = db
    policies = try PolicyTable(db)
    terms = try TermTable(db)
    insert = try RawStatement(
      db,
      """
      INSERT INTO principal_v4 (id, arn, signature, description, recommendations, recommendationsDay)
      VALUES (?1, ?2, ?3, ?4, ?6, ?7)
      """)
    insertHistory = try RawStatement(db, "INSERT INTO history (principal, data) VALUES (?, ?)")
    items = try RawStatement(
      db,
      """
      SELECT id, principal, kind, service, detail, itemKey, lastUsedDay, findingID, findingCreatedDay, sources
      FROM item ORDER BY principal, id
      """)
  }

  mutating func convert(runs: StoredRuns, presence: [Int64: [PrincipalHistory.Run]]) throws {
    let principals = try RawStatement(
      db,
      """
      SELECT id, arn, kind, name, account, path, tags, createdDay, lastUsedDay, inInventory, policies,
        recommendations, recommendationsDay
      FROM principal ORDER BY id
      """)
    var hasItem = try items.step()
    while try principals.step() {
      let id = principals.int64(0)
      try describe(principals)
      history = PrincipalHistory()
      // Both are ordered by principal id; items of principals that are gone were never read.
      while hasItem, items.int64(1) < id { hasItem = try items.step() }
      while hasItem, items.int64(1) == id {
        try addItem(runs: runs)
        hasItem = try items.step()
      }
      history.presence = presence[id] ?? []
      writer.removeAll()
      history.encode(into: &writer)
      insertHistory.bind(1, id)
      insertHistory.bind(2, blob: writer.bytes)
      try insertHistory.execute()
      insert.bind(1, id)
      insert.bind(2, principals.text(1))
      try bindRecommendations(principals)
      try insert.execute()
    }
    principals.reset()
    items.reset()
  }

  /// Binds the description and its signature, storing its policies.
  private mutating func describe(_ row: RawStatement) throws {
    let createdDay = row.optionalInt(7)
    let lastUsedDay = row.optionalInt(8)
    let principal = Principal(
      arn: row.text(1), kind: PrincipalKind(rawValue: row.text(2)) ?? .other, name: row.text(3),
      accountID: row.text(4), path: row.text(5), tags: TagCoding.decode(row.text(6)),
      createdOn: createdDay.map(Day.init(daysSinceEpoch:)),
      lastUsedOn: lastUsedDay.map(Day.init(daysSinceEpoch:)),
      isInInventory: row.int(9) != 0)
    let attached = StoredJSON.decode([AttachedPolicy].self, from: row.text(10)) ?? []
    var hashes: [UInt64] = []
    var ids: [Int64] = []
    for policy in attached {
      writer.removeAll()
      ValueCoding.encode(policy, into: &writer)
      hashes.append(writer.contentHash())
      ids.append(try policies.id(ofHash: hashes[hashes.count - 1], body: { writer.copy() }, db: db))
    }
    insert.bind(3, DescriptionCoding.signature(principal, policyHashes: hashes[...], writer: &writer))
    writer.removeAll()
    DescriptionCoding.encode(principal, policyIDs: ids, into: &writer)
    insert.bind(4, blob: writer.bytes)
  }

  private func bindRecommendations(_ row: RawStatement) throws {
    guard let day = row.optionalInt(12),
      let stored = StoredJSON.decode(PrincipalRecommendations.self, from: row.text(11))
    else {
      insert.bind(6, blob: nil)
      insert.bind(7, nil)
      return
    }
    var writer = ByteWriter()
    ValueCoding.encode(stored, into: &writer)
    insert.bind(6, blob: writer.bytes)
    insert.bind(7, day)
  }

  private mutating func addItem(runs: StoredRuns) throws {
    // Items of a kind this version does not know were never read.
    guard let kind = UnusedAccessKind(rawValue: items.text(2)) else { return }
    let service = try terms.id(of: items.text(3), db: db)
    let detail = try terms.id(of: items.text(4), db: db)
    let id = items.int(0)
    let itemRuns = runs.runs(ofItem: id)
    let firstRun = Int32(history.runs.count)
    history.runs.append(contentsOf: itemRuns)
    history.appendItem(
      PrincipalHistory.Item(
        id: Int64(id), keyHash: StableHash.fnv1a(items.text(5).utf8), service: service, detail: detail,
        finding: history.findingIndex(items.text(7)), sources: items.int(9), lastUsed: items.optionalInt(6),
        created: items.optionalInt(8), firstRun: firstRun, runCount: Int32(itemRuns.count),
        kind: Codes.kind(kind)))
  }
}

/// How v3 stored tags in one column: AWS tag keys and values cannot contain control characters,
/// so the ASCII unit and record separators cannot clash with their text.
enum TagCoding {
  static func decode(_ text: String) -> [Model.Tag] {
    guard !text.isEmpty else { return [] }
    return text.split(separator: "\u{1E}", omittingEmptySubsequences: false).map { pair in
      let parts = pair.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
      return Model.Tag(key: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
    }
  }
}

/// How v3 stored policies, recommendations and root accounts: JSON text, empty for empty values.
enum StoredJSON {
  static func decode<Value: Decodable>(_ type: Value.Type, from text: String) -> Value? {
    guard !text.isEmpty else { return nil }
    return try? JSONDecoder().decode(type, from: Data(text.utf8))
  }
}
