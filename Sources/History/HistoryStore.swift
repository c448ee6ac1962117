import Foundation
import GRDB
import Model
import Synchronization

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
  /// Folds recorded pages into the file on another core (nil for a store in memory).
  private let checkpoints: Checkpointer?
  /// What the last recording leaves for the next `timeline()`: its principals (most of loading
  /// principals is decoding the descriptions and policies the recording just encoded) and every
  /// history as it left it (read back from the store, they cost the core the loading waits for
  /// as long as the recording's own reading).
  let lastRecording = Mutex<Recording?>(nil)

  /// See `lastRecording`.
  struct Recording: Sendable {
    var principals: RecordedPrincipals
    var histories: RecordedHistories
  }

  /// Opens the store at `url`, creating it and its tables when missing, and converting a store an
  /// earlier version made.
  public init(url: URL) throws {
    path = url.path
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      var configuration = Configuration()
      configuration.label = "history"
      // WAL: a snapshot's pages are appended and committed at once, rather than each old page being
      // copied to a rollback journal first; a killed build still leaves the last commit intact.
      configuration.journalMode = .wal
      // The store is read through a second connection at the same time (see `timeline()`); when
      // one of them briefly holds a lock (opening the log, a checkpoint), the other waits for it
      // instead of failing the build with "database is locked".
      configuration.busyMode = .timeout(30)
      configuration.prepareDatabase { db in
        // Large pages: a night rewrites most history rows, and writing and checkpointing a
        // sixteenth as many pages took a third less time than with 4 KiB ones. Only a new file
        // takes the size here; a converted one gets it when it is compacted.
        try db.execute(sql: "PRAGMA page_size = 65536")
        // A small cache: every table is read in one pass, and changed pages go to the log as it
        // fills; 64 MiB only kept pages read once, and recording and loading were slower for it.
        try db.execute(sql: "PRAGMA cache_size = -8192; PRAGMA journal_size_limit = 67108864")
        // The log is folded into the file by `Checkpointer`, on another core when the caller asks
        // (`foldLogInBackground()`), rather than by the commit that crosses SQLite's threshold,
        // which spent a third of a night's recording on it.
        try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
      }
      database = try DatabaseQueue(path: url.path, configuration: configuration)
      checkpoints = Checkpointer(path: url.path)
      try Self.migrate(database)
    } catch let error as HistoryError {
      throw error
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
    checkpoints = nil
    try Self.migrate(database)
  }

  deinit {
    // Closing the store folds in what is left of the log, and removes it.
    checkpoints?.wait()
  }

  /// Brings the tables up to date. Converting an older store (v3, or v4 whose inline policies
  /// move out of the shared table) leaves pages free, so the file is compacted once afterwards,
  /// taking the large pages a new store has (the page size can change only outside WAL mode).
  private static func migrate(_ database: DatabaseQueue) throws {
    let migrator = Schema.migrator
    let converts = try database.read { db in
      let applied = try migrator.appliedIdentifiers(db)
      return !applied.isEmpty && !applied.contains(Schema.v5Identifier)
    }
    try migrator.migrate(database)
    guard converts else { return }
    try database.writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA journal_mode = DELETE")
      try db.execute(sql: "PRAGMA page_size = 65536")
      try db.execute(sql: "VACUUM")
      try db.execute(sql: "PRAGMA journal_mode = WAL")
    }
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
    // Policy hashes and description signatures need nothing from the store: another core starts
    // on them while this one reads it (see `DescriptionWork`).
    let digests = DescriptionWork(snapshot.principals)
    dropKeptRecording()
    let (outcome, recording) = try readable {
      try database.write { db in
        let days = try Int.fetchAll(db, sql: "SELECT day FROM snapshot ORDER BY day")
        let day = snapshot.day.daysSinceEpoch
        if let newest = days.last, day < newest {
          throw days.contains(day)
            ? HistoryError.changedAfterRecording(
              day: snapshot.day, newest: Day(daysSinceEpoch: newest), path: path)
            : HistoryError.olderThanRecorded(
              day: snapshot.day, newest: Day(daysSinceEpoch: newest), path: path)
        }
        let replacing = days.last == day
        if replacing {
          try db.execute(sql: "DELETE FROM snapshot WHERE day = ?", arguments: [day])
        }
        var writer = try SnapshotWriter(
          db: db, snapshot: snapshot, digests: digests,
          days: PrincipalHistory.Days(day: day, previous: replacing ? days.dropLast().last : days.last),
          replacing: replacing, lastItemID: try Self.lastItemID(db))
        let outcome = try writer.record()
        try db.execute(
          sql: "UPDATE counter SET value = ? WHERE name = 'lastItem'", arguments: [outcome.lastItemID])
        try Self.insertSnapshotRow(snapshot, fingerprint: fingerprint, db: db)
        return (
          RecordingOutcome(replaced: replacing, runsStarted: outcome.started, runsEnded: outcome.ended),
          Recording(principals: outcome.principals, histories: outcome.histories)
        )
      }
    }
    // Only once the transaction is in: a failed recording leaves the store as it was.
    lastRecording.withLock { $0 = recording }
    return outcome
  }

  static func lastItemID(_ db: Database) throws -> Int64 {
    try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE name = 'lastItem'") ?? 0
  }

  private static func insertSnapshotRow(_ snapshot: Snapshot, fingerprint: String, db: Database) throws {
    var rootAccounts = ByteWriter()
    ValueCoding.encode(snapshot.rootAccounts, into: &rootAccounts)
    try db.execute(
      sql: """
        INSERT INTO snapshot (day, fingerprint, hasInventory, sources, rootAccounts, notes, truncated)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """,
      arguments: [
        snapshot.day.daysSinceEpoch, fingerprint, snapshot.hasInventory,
        snapshot.sources.map { "\($0.kind.rawValue)\t\($0.records)\t\($0.name)" }.joined(separator: "\n"),
        Data(rootAccounts.bytes), snapshot.notes.joined(separator: "\n"),
        snapshot.truncated.joined(separator: "\n"),
      ])
  }

  /// Drops what the last recording kept for the next `timeline()` (its principals and histories,
  /// a few hundred megabytes for a large organisation): for a caller about to read another
  /// snapshot, so that they are not held while it is parsed.
  public func dropKeptRecording() {
    lastRecording.withLock { $0 = nil }
  }

  /// Starts folding what was recorded into the store file, on another thread, while the caller
  /// goes on; closing the store waits for it. Until then the recordings live in the write-ahead
  /// log, which every read searches, and closing the store folds them in on the closing thread.
  public func foldLogInBackground() { checkpoints?.start() }

  /// Waits for a fold started by `foldLogInBackground()`, for tests.
  func waitForFold() { checkpoints?.wait() }

  /// The whole history, for analysis.
  public func timeline() throws -> Timeline {
    try timeline(sharingFrom: TimelineLoader.principalsToShare)
  }

  /// `timeline()`, a recording's histories laid out on two cores from `principalsToShare`
  /// principals on (tests share small histories too).
  func timeline(sharingFrom principalsToShare: Int) throws -> Timeline {
    // What the recording just made kept stands for most of the reading. Principals it does not
    // have, with their policy documents, are read and decoded on another core through a
    // connection of their own, while this one lays out the histories (a store in memory has
    // only one connection).
    let path = self.path
    let recording = lastRecording.withLock { recording in
      defer { recording = nil }
      return recording
    }
    let recorded = recording?.principals
    let principals =
      path == ":memory:" ? nil : BackgroundWork { try LoadedPrincipals.read(path: path, reusing: recorded) }
    return try readable {
      try database.read { db in
        try TimelineLoader.load(db, histories: recording?.histories, sharingFrom: principalsToShare) {
          try principals?.result() ?? LoadedPrincipals.read(from: db, reusing: recorded)
        }
      }
    }
  }

  /// How many rows of each kind the store holds, for benchmarks and logs: snapshots, principals,
  /// items, status runs (`run`) and runs of inventory presence (`presence`), counted the same way
  /// whatever tables hold them.
  public func statistics() throws -> [String: Int] {
    try readable {
      try database.read { db in
        var counts = [
          "snapshot": try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshot") ?? 0,
          "principal": 0, "item": 0, "run": 0, "presence": 0,
        ]
        var history = PrincipalHistory()
        counts["principal"] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM principal") ?? 0
        let select = try RawStatement(db, "SELECT data FROM history")
        while try select.step() {
          try history.decode(select.blob(0))
          counts["item", default: 0] += history.items.count
          counts["run", default: 0] += history.runs.count
          counts["presence", default: 0] += history.presence.count
        }
        select.reset()
        return counts
      }
    }
  }

  /// Runs `body`, turning a blob that does not decode into a message naming the store.
  private func readable<Result>(_ body: () throws -> Result) throws -> Result {
    do {
      return try body()
    } catch let error as CorruptData {
      throw HistoryError.unreadable(path: path, reason: error.description)
    }
  }
}
