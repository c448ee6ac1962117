import Foundation
import GRDB
import Model

/// What went wrong with the history store, in terms a user can act on.
public enum HistoryError: Error, Sendable, CustomStringConvertible {
  /// The store could not be opened or read.
  case unreadable(path: String, reason: String)
  /// A snapshot older than the newest recorded one arrived (a late backfill).
  case olderThanRecorded(day: Day, newest: Day, path: String)
  /// An already recorded snapshot that is not the newest changed on disk.
  case changedAfterRecording(day: Day, newest: Day, path: String)

  /// A message naming the store and what to do.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "\(path): the history store cannot be used: \(reason). "
        + "Move it aside and build again to rebuild history from the snapshot folders"
    case .olderThanRecorded(let day, let newest, let path):
      return
        "content/analysis/\(day.iso): this snapshot is older than the newest recorded one (\(newest.iso)). "
        + "To include it, delete \(path) and build again: history is rebuilt from all snapshot folders"
    case .changedAfterRecording(let day, let newest, let path):
      return "content/analysis/\(day.iso): this snapshot changed after it was recorded, and later snapshots "
        + "(up to \(newest.iso)) are recorded on top of it. To record the change, delete \(path) and build "
        + "again: history is rebuilt from all snapshot folders"
    }
  }
}

/// A snapshot the store has recorded, with the fingerprints of the folder it came from.
public struct RecordedSnapshot: Hashable, Sendable {
  /// The snapshot's day.
  public var day: Day
  /// The folder's fingerprint at recording time (see `SnapshotFingerprint`).
  public var fingerprint: String
}

/// The SQLite store of every snapshot's outcome, in which each item's history is kept as runs of
/// consecutive snapshots with one status, so the store grows with changes, not with snapshots.
///
/// An open run (still going at the newest snapshot) has no last day; recording a new snapshot only
/// writes rows for items whose status changed, appeared or disappeared.
public final class HistoryStore: Sendable {
  private let database: DatabaseQueue
  /// Where the store lives, for messages.
  public let path: String

  /// Opens the store at `url`, creating it and its tables when missing.
  public init(url: URL) throws {
    path = url.path
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      var configuration = Configuration()
      configuration.label = "history"
      database = try DatabaseQueue(path: url.path, configuration: configuration)
      try Self.migrator.migrate(database)
    } catch let error as DatabaseError {
      throw HistoryError.unreadable(path: url.path, reason: error.message ?? "\(error)")
    } catch {
      throw HistoryError.unreadable(path: url.path, reason: "\(error)")
    }
  }

  /// An in-memory store, for tests.
  public init() throws {
    path = ":memory:"
    database = try DatabaseQueue()
    try Self.migrator.migrate(database)
  }

  private static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.execute(
        sql: """
          CREATE TABLE snapshot (
            day INTEGER PRIMARY KEY,
            fingerprint TEXT NOT NULL,
            hasInventory INTEGER NOT NULL,
            sources TEXT NOT NULL
          );
          CREATE TABLE principal (
            id INTEGER PRIMARY KEY,
            arn TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            account TEXT NOT NULL,
            path TEXT NOT NULL,
            tags TEXT NOT NULL,
            createdDay INTEGER,
            lastUsedDay INTEGER,
            inInventory INTEGER NOT NULL
          );
          CREATE TABLE presence (
            principal INTEGER NOT NULL REFERENCES principal(id),
            firstDay INTEGER NOT NULL,
            lastDay INTEGER,
            PRIMARY KEY (principal, firstDay)
          ) WITHOUT ROWID;
          CREATE TABLE item (
            id INTEGER PRIMARY KEY,
            principal INTEGER NOT NULL REFERENCES principal(id),
            kind TEXT NOT NULL,
            service TEXT NOT NULL,
            detail TEXT NOT NULL,
            itemKey TEXT NOT NULL,
            lastUsedDay INTEGER,
            findingID TEXT NOT NULL,
            findingCreatedDay INTEGER,
            UNIQUE (principal, itemKey)
          );
          CREATE TABLE run (
            item INTEGER NOT NULL REFERENCES item(id),
            status TEXT NOT NULL,
            firstDay INTEGER NOT NULL,
            lastDay INTEGER,
            PRIMARY KEY (item, firstDay)
          ) WITHOUT ROWID;
          CREATE INDEX runOpen ON run(lastDay);
          CREATE INDEX presenceOpen ON presence(lastDay);
          """)
    }
    migrator.registerMigration("v2: sources, policies, recommendations, root users") { db in
      try db.execute(
        sql: """
          ALTER TABLE item ADD COLUMN sources INTEGER NOT NULL DEFAULT 1;
          ALTER TABLE principal ADD COLUMN policies TEXT NOT NULL DEFAULT '';
          ALTER TABLE principal ADD COLUMN recommendations TEXT NOT NULL DEFAULT '';
          ALTER TABLE principal ADD COLUMN recommendationsDay INTEGER;
          ALTER TABLE snapshot ADD COLUMN rootAccounts TEXT NOT NULL DEFAULT '';
          ALTER TABLE snapshot ADD COLUMN notes TEXT NOT NULL DEFAULT '';
          """)
    }
    migrator.registerMigration("v3: truncated exports") { db in
      try db.execute(sql: "ALTER TABLE snapshot ADD COLUMN truncated TEXT NOT NULL DEFAULT ''")
    }
    return migrator
  }

  /// Every recorded snapshot, oldest first.
  public func recordedSnapshots() throws -> [RecordedSnapshot] {
    try database.read { db in
      try Row.fetchAll(db, sql: "SELECT day, fingerprint FROM snapshot ORDER BY day").map {
        RecordedSnapshot(day: Day(daysSinceEpoch: $0[0]), fingerprint: $0[1])
      }
    }
  }

  /// Replaces the stored fingerprint of a recorded snapshot whose content is unchanged.
  public func updateFingerprint(of day: Day, to fingerprint: String) throws {
    try database.write { db in
      try db.execute(
        sql: "UPDATE snapshot SET fingerprint = ? WHERE day = ?",
        arguments: [fingerprint, day.daysSinceEpoch])
    }
  }

  /// How recording went.
  public struct RecordingOutcome: Hashable, Sendable {
    /// Whether an earlier recording of the same day was replaced.
    public var replaced: Bool
    /// Status runs started (items that appeared or changed status).
    public var runsStarted: Int
    /// Status runs ended (items that changed status or disappeared).
    public var runsEnded: Int
  }

  /// Records a snapshot in one transaction. Recording the newest day again replaces it; a day
  /// older than the newest recorded one is refused, since runs after it would be wrong.
  @discardableResult
  public func record(_ snapshot: Snapshot, fingerprint: String) throws -> RecordingOutcome {
    try database.write { db in
      let newest = try Int.fetchOne(db, sql: "SELECT MAX(day) FROM snapshot").map(Day.init(daysSinceEpoch:))
      var replaced = false
      if let newest, snapshot.day < newest {
        let isRecorded = try Bool.fetchOne(
          db, sql: "SELECT COUNT(*) > 0 FROM snapshot WHERE day = ?", arguments: [snapshot.day.daysSinceEpoch]
        )
        throw isRecorded == true
          ? HistoryError.changedAfterRecording(day: snapshot.day, newest: newest, path: path)
          : HistoryError.olderThanRecorded(day: snapshot.day, newest: newest, path: path)
      }
      if newest == snapshot.day {
        try Self.undoNewest(snapshot.day, in: db)
        replaced = true
      }
      var writer = try SnapshotWriter(db: db, snapshot: snapshot)
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
          StoredJSON.encode(snapshot.rootAccounts), snapshot.notes.joined(separator: "\n"),
          snapshot.truncated.joined(separator: "\n"),
        ])
      return RecordingOutcome(replaced: replaced, runsStarted: started, runsEnded: ended)
    }
  }

  /// Takes back the newest snapshot: runs it started go, runs it ended are open again.
  private static func undoNewest(_ day: Day, in db: Database) throws {
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

  /// The whole history, for analysis.
  public func timeline() throws -> Timeline {
    try database.read { db in try TimelineLoader.load(db) }
  }

  /// Sizes of the store's tables, for benchmarks and logs.
  public func statistics() throws -> [String: Int] {
    try database.read { db in
      var counts: [String: Int] = [:]
      for table in ["snapshot", "principal", "presence", "item", "run"] {
        counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
      }
      return counts
    }
  }
}
