import Foundation
import GRDB
import GRDBSQLite
import Model

/// A GRDB statement driven through SQLite's C API: binding and reading integers and blobs this way
/// costs a few nanoseconds, where `StatementArguments` and `Row` box every value, which dominates
/// when a night writes a hundred thousand rows and a load reads them all.
///
/// Use one only inside the `Database` access that made it; GRDB's own `execute` is never called on
/// it, so the two never disagree about its state.
struct RawStatement {
  private let handle: OpaquePointer
  private let connection: OpaquePointer?
  private let sql: String
  /// What keeps the statement alive: GRDB's `Statement`, or an `OwnedStatement`.
  private let owner: AnyObject

  init(_ db: Database, _ sql: String) throws {
    let statement = try db.makeStatement(sql: sql)
    handle = statement.sqliteStatement
    connection = db.sqliteConnection
    self.sql = sql
    owner = statement
  }

  /// A statement on a connection opened outside GRDB (see `ReadConnection`).
  init(connection: OpaquePointer, _ sql: String) throws {
    var prepared: OpaquePointer?
    let code = sqlite3_prepare_v2(connection, sql, -1, &prepared, nil)
    guard code == SQLITE_OK, let prepared else {
      sqlite3_finalize(prepared)
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql
      )
    }
    handle = prepared
    self.connection = connection
    self.sql = sql
    owner = OwnedStatement(prepared)
  }

  func bind(_ index: Int32, _ value: Int64) {
    sqlite3_bind_int64(handle, index, value)
  }

  func bind(_ index: Int32, _ value: Int?) {
    if let value {
      sqlite3_bind_int64(handle, index, Int64(value))
    } else {
      sqlite3_bind_null(handle, index)
    }
  }

  func bind(_ index: Int32, _ value: UInt64) {
    sqlite3_bind_int64(handle, index, Int64(bitPattern: value))
  }

  func bind(_ index: Int32, _ text: String) {
    text.withUTF8Bytes { bytes in
      guard let base = bytes.baseAddress else {
        sqlite3_bind_text(handle, index, "", 0, transient)
        return
      }
      base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
        _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
      }
    }
  }

  /// Binds a blob, copied by SQLite (an empty buffer binds an empty blob, not NULL).
  func bind(_ index: Int32, blob bytes: UnsafeRawBufferPointer) {
    sqlite3_bind_blob(
      handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), transient)
  }

  func bind(_ index: Int32, blob bytes: [UInt8]?) {
    guard let bytes else {
      sqlite3_bind_null(handle, index)
      return
    }
    bytes.withUnsafeBytes { bind(index, blob: $0) }
  }

  /// Steps once: true when a row is ready to read, false when done.
  func step() throws -> Bool {
    switch sqlite3_step(handle) {
    case SQLITE_ROW: return true
    case SQLITE_DONE: return false
    case let code:
      let message = connection.map { String(cString: sqlite3_errmsg($0)) }
      sqlite3_reset(handle)
      throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
  }

  /// Runs a statement that returns no rows, then makes it ready for new bindings.
  func execute() throws {
    while try step() {}
    sqlite3_reset(handle)
  }

  func reset() {
    sqlite3_reset(handle)
  }

  func isNull(_ column: Int32) -> Bool {
    sqlite3_column_type(handle, column) == SQLITE_NULL
  }

  func int64(_ column: Int32) -> Int64 {
    sqlite3_column_int64(handle, column)
  }

  func int(_ column: Int32) -> Int {
    Int(sqlite3_column_int64(handle, column))
  }

  func optionalInt(_ column: Int32) -> Int? {
    isNull(column) ? nil : int(column)
  }

  func text(_ column: Int32) -> String {
    guard let pointer = sqlite3_column_text(handle, column) else { return "" }
    let count = Int(sqlite3_column_bytes(handle, column))
    return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
  }

  /// The blob of the current row, valid until the next step or reset.
  func blob(_ column: Int32) -> UnsafeRawBufferPointer {
    let pointer = sqlite3_column_blob(handle, column)
    return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
  }
}

/// Finalizes a statement prepared outside GRDB when the last `RawStatement` using it goes.
private final class OwnedStatement {
  let handle: OpaquePointer

  init(_ handle: OpaquePointer) {
    self.handle = handle
  }

  deinit { sqlite3_finalize(handle) }
}

/// A read-only connection of its own, for reading one table on another core while the store's
/// connection reads others. In WAL mode it sees the last committed snapshot, as the store does.
final class ReadConnection {
  let handle: OpaquePointer

  init(path: String) throws {
    var opened: OpaquePointer?
    let code = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READONLY, nil)
    guard code == SQLITE_OK, let opened else {
      let message = opened.map { String(cString: sqlite3_errmsg($0)) }
      sqlite3_close(opened)
      throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
    }
    handle = opened
    // As the store's own connection does: wait for a lock another connection holds briefly.
    sqlite3_busy_timeout(opened, 30_000)
  }

  // Closes once the last statement made on it is finalized, whatever order they go in.
  deinit { sqlite3_close_v2(handle) }
}

/// Folds the write-ahead log into the store file through a connection of its own, on another
/// thread, when the store's owner asks (`HistoryStore.foldLogInBackground()`). A checkpoint asked
/// for while one runs is run after it; readers and writers go on meanwhile.
final class Checkpointer: @unchecked Sendable {
  private let path: String
  private let lock = NSLock()
  private let idle = DispatchGroup()
  // Guarded by `lock`.
  private var running = false
  private var again = false

  init(path: String) {
    self.path = path
  }

  func start() {
    lock.lock()
    defer { lock.unlock() }
    guard !running else {
      again = true
      return
    }
    running = true
    idle.enter()
    DispatchQueue.global().async { self.run() }
  }

  /// Waits for the checkpoint running, if any.
  func wait() {
    idle.wait()
  }

  private func run() {
    repeat {
      var connection: OpaquePointer?
      // A checkpoint that cannot run now (another is running, or the store cannot be opened) is
      // left to the next one, or to closing the store, which folds in the log too.
      if sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK {
        // As the store's own connection does: wait for a lock another connection holds briefly.
        sqlite3_busy_timeout(connection, 30_000)
        // A new connection has not opened the log until it reads: a checkpoint asked for before
        // that finds no log and does nothing, and says so only through the frame counts.
        sqlite3_exec(connection, "PRAGMA schema_version", nil, nil, nil)
        var frames: Int32 = 0
        var folded: Int32 = 0
        let code = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, &frames, &folded)
        assert(code != SQLITE_OK || frames >= 0, "the checkpoint found no write-ahead log to fold")
      }
      sqlite3_close_v2(connection)
    } while runAgain()
    idle.leave()
  }

  private func runAgain() -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard again else {
      running = false
      return false
    }
    again = false
    return true
  }
}

/// Where `RawStatement`s come from: the store's GRDB connection or a `ReadConnection`.
protocol StatementSource {
  func statement(_ sql: String) throws -> RawStatement
}

extension Database: StatementSource {
  func statement(_ sql: String) throws -> RawStatement { try RawStatement(self, sql) }
}

extension ReadConnection: StatementSource {
  func statement(_ sql: String) throws -> RawStatement { try RawStatement(connection: handle, sql) }
}

/// SQLite copies a value bound with this destructor before the bind returns.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
