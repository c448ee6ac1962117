import Foundation
import GRDB
import Model

@testable import History

// The store as permsite wrote it before the compact layout (schema v3): this file keeps that
// version's recording and loading code, so tests can make a v3 store from snapshots, convert it,
// and compare timelines.

/// Makes and reads v3 stores.
enum V3Store {
  /// A store with the v3 tables, as the previous version created it.
  static func create(at url: URL) throws -> DatabaseQueue {
    let database = try DatabaseQueue(path: url.path)
    try Schema.migrator.migrate(database, upTo: "v3: truncated exports")
    return database
  }

  /// The timeline, read the way the previous version read it.
  static func timeline(_ database: DatabaseQueue) throws -> Timeline {
    try database.read { db in try V3Loader.load(db) }
  }

  /// Records a snapshot the way the previous version did; returns what `RecordingOutcome` held.
  @discardableResult
  static func record(_ snapshot: Snapshot, fingerprint: String, in database: DatabaseQueue) throws -> (
    replaced: Bool, started: Int, ended: Int
  ) {
    try database.write { db in
      let newest = try Int.fetchOne(db, sql: "SELECT MAX(day) FROM snapshot").map(Day.init(daysSinceEpoch:))
      var replaced = false
      if let newest, snapshot.day < newest {
        let isRecorded = try Bool.fetchOne(
          db, sql: "SELECT COUNT(*) > 0 FROM snapshot WHERE day = ?", arguments: [snapshot.day.daysSinceEpoch]
        )
        throw isRecorded == true
          ? HistoryError.changedAfterRecording(day: snapshot.day, newest: newest, path: "v3")
          : HistoryError.olderThanRecorded(day: snapshot.day, newest: newest, path: "v3")
      }
      if newest == snapshot.day {
        try undoNewest(snapshot.day, in: db)
        replaced = true
      }
      var writer = try V3Writer(db: db, snapshot: snapshot)
      try writer.recordPrincipals()
      try writer.recordRecommendations()
      let (started, ended) = try writer.recordItems()
      try db.execute(
        sql: """
          INSERT INTO snapshot (day, fingerprint, hasInventory, sources, rootAccounts, notes, truncated)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          snapshot.day.daysSinceEpoch, fingerprint, snapshot.hasInventory,
          snapshot.sources.map { "\($0.kind.rawValue)\t\($0.records)\t\($0.name)" }.joined(separator: "\n"),
          V3JSON.encode(snapshot.rootAccounts), snapshot.notes.joined(separator: "\n"),
          snapshot.truncated.joined(separator: "\n"),
        ])
      return (replaced, started, ended)
    }
  }

  /// Takes back the newest snapshot: runs it started go, runs it ended are open again.
  static func undoNewest(_ day: Day, in db: Database) throws {
    let previous = try Int.fetchOne(
      db, sql: "SELECT MAX(day) FROM snapshot WHERE day < ?", arguments: [day.daysSinceEpoch])
    for table in ["run", "presence"] {
      try db.execute(sql: "DELETE FROM \(table) WHERE firstDay = ?", arguments: [day.daysSinceEpoch])
      if let previous {
        // Every run that ended on the previous snapshot was ended by recording this one.
        try db.execute(sql: "UPDATE \(table) SET lastDay = NULL WHERE lastDay = ?", arguments: [previous])
      }
    }
    try db.execute(sql: "DELETE FROM snapshot WHERE day = ?", arguments: [day.daysSinceEpoch])
  }

}

/// Writes one snapshot on top of the stored history, touching only what changed.
private struct V3Writer {
  private let db: Database
  private let snapshot: Snapshot
  private let day: Int
  /// The newest recorded day before this snapshot: where runs that stop now end.
  private let previousDay: Int?
  private var principalIDs: [String: Int64] = [:]

  init(db: Database, snapshot: Snapshot) throws {
    self.db = db
    self.snapshot = snapshot
    self.day = snapshot.day.daysSinceEpoch
    self.previousDay = try Int.fetchOne(
      db, sql: "SELECT MAX(day) FROM snapshot WHERE day < ?", arguments: [day])
  }

  /// Adds new principals, refreshes those whose inventory entry changed, and records who is in
  /// the inventory (only when the snapshot has an inventory export; otherwise it carries on).
  mutating func recordPrincipals() throws {
    var stored: [String: (id: Int64, signature: String)] = [:]
    let rows = try Row.fetchCursor(
      db,
      sql: """
        SELECT id, arn, kind, name, account, path, tags, createdDay, lastUsedDay, inInventory, policies
        FROM principal
        """)
    while let row = try rows.next() {
      stored[row[1]] = (row[0], Self.signature(of: row))
    }
    let insert = try db.makeStatement(
      sql: """
        INSERT INTO principal (arn, kind, name, account, path, tags, createdDay, lastUsedDay, inInventory, policies)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let update = try db.makeStatement(
      sql: """
        UPDATE principal SET kind = ?, name = ?, account = ?, path = ?, tags = ?, createdDay = ?,
        lastUsedDay = ?, inInventory = ?, policies = ? WHERE id = ?
        """)
    for principal in snapshot.principals {
      let values = Self.columns(of: principal)
      if let existing = stored[principal.arn] {
        principalIDs[principal.arn] = existing.id
        // A finding alone never overwrites what an inventory said about the principal.
        if principal.isInInventory, existing.signature != Self.signature(of: values) {
          try update.execute(arguments: StatementArguments(Array(values.dropFirst()) + [existing.id]))
        }
      } else {
        try insert.execute(arguments: StatementArguments(values))
        principalIDs[principal.arn] = db.lastInsertedRowID
      }
    }
    guard snapshot.hasInventory else { return }
    let open = Set(try Int64.fetchAll(db, sql: "SELECT principal FROM presence WHERE lastDay IS NULL"))
    let present = Set(snapshot.principals.filter(\.isInInventory).compactMap { principalIDs[$0.arn] })
    let start = try db.makeStatement(
      sql: "INSERT INTO presence (principal, firstDay, lastDay) VALUES (?, ?, NULL)")
    for id in present.subtracting(open).sorted() {
      try start.execute(arguments: [id, day])
    }
    let end = try db.makeStatement(
      sql: "UPDATE presence SET lastDay = ? WHERE principal = ? AND lastDay IS NULL")
    for id in open.subtracting(present).sorted() {
      try end.execute(arguments: [previousDay, id])
    }
  }

  /// Keeps each principal's latest Access Analyzer recommendations, with the day they came with.
  func recordRecommendations() throws {
    let update = try db.makeStatement(
      sql: "UPDATE principal SET recommendations = ?, recommendationsDay = ? WHERE id = ?")
    for recommendation in snapshot.recommendations {
      guard let id = principalIDs[recommendation.principalARN] else { continue }
      try update.execute(arguments: [V3JSON.encode(recommendation), day, id])
    }
  }

  /// Adds new items, refreshes changed details, and starts and ends status runs.
  /// Returns how many runs started and ended.
  mutating func recordItems() throws -> (started: Int, ended: Int) {
    struct StoredItem {
      var id: Int64
      var lastUsedDay: Int?
      var findingID: String
      var findingCreatedDay: Int?
      var sources: Int
    }
    var items: [String: StoredItem] = [:]
    let rows = try Row.fetchCursor(
      db, sql: "SELECT id, principal, itemKey, lastUsedDay, findingID, findingCreatedDay, sources FROM item")
    while let row = try rows.next() {
      let principal: Int64 = row[1]
      let key: String = row[2]
      items["\(principal) \(key)"] = StoredItem(
        id: row[0], lastUsedDay: row[3], findingID: row[4], findingCreatedDay: row[5], sources: row[6])
    }
    var openRuns: [Int64: String] = [:]
    let openRows = try Row.fetchCursor(db, sql: "SELECT item, status FROM run WHERE lastDay IS NULL")
    while let row = try openRows.next() {
      openRuns[row[0]] = row[1]
    }
    let insertItem = try db.makeStatement(
      sql: """
        INSERT INTO item (
          principal, kind, service, detail, itemKey, lastUsedDay, findingID, findingCreatedDay, sources)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    let updateItem = try db.makeStatement(
      sql: "UPDATE item SET lastUsedDay = ?, findingID = ?, findingCreatedDay = ?, sources = ? WHERE id = ?")
    let startRun = try db.makeStatement(
      sql: "INSERT INTO run (item, status, firstDay, lastDay) VALUES (?, ?, ?, NULL)")
    let endRun = try db.makeStatement(sql: "UPDATE run SET lastDay = ? WHERE item = ? AND lastDay IS NULL")
    var observed = Set<Int64>()
    var started = 0
    var ended = 0
    for observation in snapshot.observations {
      let access = observation.access
      guard let principal = principalIDs[access.principalARN] else { continue }
      let key = access.key
      let lastUsed = observation.lastUsedOn?.daysSinceEpoch
      let created = observation.findingCreatedOn?.daysSinceEpoch
      let itemID: Int64
      if let stored = items["\(principal) \(key)"] {
        itemID = stored.id
        // The earliest finding date is kept: a finding re-created later does not make it younger.
        let earliest = [stored.findingCreatedDay, created].compactMap { $0 }.min()
        let sources = observation.sources.rawValue
        if stored.lastUsedDay != lastUsed || stored.findingID != observation.findingID
          || stored.findingCreatedDay != earliest || stored.sources != sources
        {
          try updateItem.execute(arguments: [lastUsed, observation.findingID, earliest, sources, itemID])
        }
      } else {
        try insertItem.execute(arguments: [
          principal, access.kind.rawValue, access.service, access.detail, key, lastUsed,
          observation.findingID, created, observation.sources.rawValue,
        ])
        itemID = db.lastInsertedRowID
      }
      observed.insert(itemID)
      let status = observation.status.rawValue
      if let current = openRuns[itemID] {
        if current == status { continue }
        try endRun.execute(arguments: [previousDay, itemID])
        ended += 1
      }
      try startRun.execute(arguments: [itemID, status, day])
      started += 1
    }
    // Items no source reported any more are absent from now on.
    for itemID in openRuns.keys.sorted() where !observed.contains(itemID) {
      try endRun.execute(arguments: [previousDay, itemID])
      ended += 1
    }
    return (started, ended)
  }

  private static func columns(of principal: Principal) -> [(any DatabaseValueConvertible)?] {
    [
      principal.arn, principal.kind.rawValue, principal.name, principal.accountID, principal.path,
      V3Tags.encode(principal.tags), principal.createdOn?.daysSinceEpoch,
      principal.lastUsedOn?.daysSinceEpoch,
      principal.isInInventory, V3JSON.encode(principal.policies),
    ]
  }

  private static func signature(of values: [(any DatabaseValueConvertible)?]) -> String {
    values.map { $0?.databaseValue.description ?? "NULL" }.joined(separator: "\u{1F}")
  }

  private static func signature(of row: Row) -> String {
    // Columns 1... match `columns(of:)` in order.
    (1..<row.count).map { (row[$0] as DatabaseValue).description }.joined(separator: "\u{1F}")
  }
}

/// Stores tags in one column. AWS tag keys and values cannot contain control characters, so the
/// ASCII unit and record separators cannot clash with their text.
enum V3Tags {
  static func encode(_ tags: [Tag]) -> String {
    tags.map { $0.key + "\u{1F}" + $0.value }.joined(separator: "\u{1E}")
  }

  static func decode(_ text: String) -> [Tag] {
    guard !text.isEmpty else { return [] }
    return text.split(separator: "\u{1E}", omittingEmptySubsequences: false).map { pair in
      let parts = pair.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
      return Tag(key: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
    }
  }
}

/// Reads the whole store into a `Timeline`, turning days into snapshot indices.
enum V3Loader {
  static func load(_ db: Database) throws -> Timeline {
    let snapshotRows = try Row.fetchAll(
      db, sql: "SELECT day, sources, rootAccounts, notes, truncated FROM snapshot ORDER BY day")
    guard !snapshotRows.isEmpty else { return .empty }
    let days: [Int] = snapshotRows.map { $0[0] }
    let details = snapshotRows.map { row in
      SnapshotDetails(
        sources: SourceCoding.decode(row[1]),
        rootAccounts: V3JSON.decode([RootAccount].self, from: row[2]) ?? [],
        notes: (row[3] as String).split(separator: "\n").map(String.init),
        truncated: (row[4] as String).split(separator: "\n").map(String.init))
    }
    var indexOfDay: [Int: Int] = [:]
    for (index, day) in days.enumerated() { indexOfDay[day] = index }
    let lastIndex = days.count - 1

    var principals: [Principal] = []
    var principalIndex: [Int64: Int] = [:]
    let principalRows = try Row.fetchCursor(
      db,
      sql: """
        SELECT id, arn, kind, name, account, path, tags, createdDay, lastUsedDay, inInventory, policies,
          recommendations, recommendationsDay
        FROM principal ORDER BY id
        """)
    var recommendations: [Int: DatedRecommendations] = [:]
    while let row = try principalRows.next() {
      principalIndex[row[0]] = principals.count
      let createdDay: Int? = row[7]
      let lastUsedDay: Int? = row[8]
      var principal = Principal(
        arn: row[1], kind: PrincipalKind(rawValue: row[2]) ?? .other, name: row[3], accountID: row[4],
        path: row[5], tags: V3Tags.decode(row[6]), createdOn: createdDay.map(Day.init(daysSinceEpoch:)),
        lastUsedOn: lastUsedDay.map(Day.init(daysSinceEpoch:)), isInInventory: row[9])
      principal.policies = V3JSON.decode([AttachedPolicy].self, from: row[10]) ?? []
      let recommendationsDay: Int? = row[12]
      if let day = recommendationsDay,
        let stored = V3JSON.decode(PrincipalRecommendations.self, from: row[11])
      {
        recommendations[principals.count] = DatedRecommendations(
          day: Day(daysSinceEpoch: day), recommendations: stored)
      }
      principals.append(principal)
    }

    var items: [TrackedItem] = []
    var itemIndex: [Int64: Int] = [:]
    let itemRows = try Row.fetchCursor(
      db,
      sql: """
        SELECT id, principal, kind, service, detail, lastUsedDay, findingID, findingCreatedDay, sources
        FROM item ORDER BY id
        """)
    while let row = try itemRows.next() {
      guard let principal = principalIndex[row[1]], let kind = UnusedAccessKind(rawValue: row[2]) else {
        continue
      }
      itemIndex[row[0]] = items.count
      let lastUsed: Int? = row[5]
      let created: Int? = row[7]
      items.append(
        TrackedItem(
          principal: principal, kind: kind, service: row[3], detail: row[4],
          lastUsedOn: lastUsed.map(Day.init(daysSinceEpoch:)),
          findingCreatedOn: created.map(Day.init(daysSinceEpoch:)), sources: SourceSet(rawValue: row[8])))
    }

    var intervals: [StatusInterval] = []
    let runRows = try Row.fetchCursor(
      db, sql: "SELECT item, status, firstDay, lastDay FROM run ORDER BY item, firstDay")
    while let row = try runRows.next() {
      let lastDay: Int? = row[3]
      guard let item = itemIndex[row[0]], let status = FindingStatus(rawValue: row[1]),
        let first = indexOfDay[row[2]]
      else { continue }
      intervals.append(
        StatusInterval(
          item: item, status: status, first: first, last: lastDay.flatMap { indexOfDay[$0] } ?? lastIndex))
    }

    var presence: [PresenceInterval] = []
    let presenceRows = try Row.fetchCursor(
      db, sql: "SELECT principal, firstDay, lastDay FROM presence ORDER BY principal, firstDay")
    while let row = try presenceRows.next() {
      let lastDay: Int? = row[2]
      guard let principal = principalIndex[row[0]], let first = indexOfDay[row[1]] else { continue }
      presence.append(
        PresenceInterval(
          principal: principal, first: first, last: lastDay.flatMap { indexOfDay[$0] } ?? lastIndex))
    }
    // Items are loaded in id order and runs sorted by item id, so runs are sorted by item index too.
    var timeline = Timeline(
      snapshots: days.map(Day.init(daysSinceEpoch:)), principals: principals, items: items,
      intervals: intervals,
      presence: presence)
    timeline.details = details
    timeline.recommendations = recommendations
    return timeline
  }
}

/// Values stored as JSON text in one column: deterministic (sorted keys), empty for empty values.
enum V3JSON {
  static func encode<Value: Encodable>(_ value: Value) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    guard let data = try? encoder.encode(value) else { return "" }
    let text = String(decoding: data, as: UTF8.self)
    return text == "[]" ? "" : text
  }

  static func decode<Value: Decodable>(_ type: Value.Type, from text: String) -> Value? {
    guard !text.isEmpty else { return nil }
    return try? JSONDecoder().decode(type, from: Data(text.utf8))
  }
}
