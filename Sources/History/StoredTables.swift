import GRDB
import Model

/// What a recording needs of every principal row before it reads their histories: enough to find
/// a principal by ARN, tell whether its description or recommendations changed, and know which
/// policies it refers to. Histories are read later, a batch at a time, so memory stays small.
struct PrincipalRows {
  struct Row {
    var id: Int64
    var arn: String
    var signature: UInt64
    /// Its policies: `policyIDs[policies]`.
    var policies: Range<Int>
    /// The content hash of its recommendations blob; nil when it has none.
    var recommendations: UInt64?
    /// Nil while the newest snapshot carries the recommendations.
    var recommendationsDay: Int?
  }

  var rows: [Row] = []
  var policyIDs: [Int64] = []

  static func load(_ db: Database) throws -> PrincipalRows {
    var loaded = PrincipalRows()
    let select = try RawStatement(
      db,
      "SELECT id, arn, signature, description, recommendations, recommendationsDay FROM principal ORDER BY id"
    )
    while try select.step() {
      var reader = ByteReader(select.blob(3))
      let start = loaded.policyIDs.count
      loaded.policyIDs.append(contentsOf: try DescriptionCoding.policyIDs(&reader))
      loaded.rows.append(
        Row(
          id: select.int64(0), arn: select.text(1), signature: UInt64(bitPattern: select.int64(2)),
          policies: start..<loaded.policyIDs.count,
          recommendations: select.isNull(4) ? nil : StableHash.content(select.blob(4)),
          recommendationsDay: select.optionalInt(5)))
    }
    select.reset()
    return loaded
  }
}

/// Histories of a run of consecutive principal rows, copied out of SQLite so the rows can be
/// rewritten while the next ones wait.
struct HistoryBatch {
  private var arena: [UInt8] = []
  private var ranges: [Range<Int>] = []
  private(set) var first = 0

  /// Reads the histories of `rows[range]`, which must all be stored rows.
  mutating func load(_ range: Range<Int>, of rows: [PrincipalRows.Row], using select: RawStatement) throws {
    arena.removeAll(keepingCapacity: true)
    ranges.removeAll(keepingCapacity: true)
    first = range.lowerBound
    guard !range.isEmpty else { return }
    select.bind(1, rows[range.lowerBound].id)
    select.bind(2, rows[range.upperBound - 1].id)
    while try select.step() {
      guard ranges.count < range.count, select.int64(0) == rows[first + ranges.count].id else {
        select.reset()
        throw CorruptData("principal rows changed while recording")
      }
      let start = arena.count
      arena.append(contentsOf: select.blob(1))
      ranges.append(start..<arena.count)
    }
    select.reset()
    guard ranges.count == range.count else { throw CorruptData("principal rows changed while recording") }
  }

  func withHistory<Result>(ofRow row: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows
    -> Result
  {
    try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[ranges[row - first]])) }
  }
}

/// Policy documents, stored once each and found by a hash of their encoding, so the one managed
/// policy attached to thousands of principals is one row.
///
/// Two different documents with the same 64-bit hash would share a row; among the few hundred
/// thousand documents an organisation has, the chance of that is below one in ten million.
struct PolicyTable {
  private var idsByHash: [UInt64: Int64] = [:]
  /// The last id found for a managed policy ARN, with the policy it was found for: within one
  /// snapshot every principal carries the same copy, which compares equal at once.
  private var managed: [String: (policy: AttachedPolicy, id: Int64)] = [:]
  private var writer = ByteWriter(capacity: 4096)
  private let insert: RawStatement

  init(_ db: Database) throws {
    let select = try RawStatement(db, "SELECT id, hash FROM policy")
    while try select.step() {
      idsByHash[UInt64(bitPattern: select.int64(1))] = select.int64(0)
    }
    select.reset()
    insert = try RawStatement(db, "INSERT INTO policy (hash, body) VALUES (?, ?)")
  }

  /// The id of the stored copy of `policy`, storing it first when it is new.
  mutating func id(of policy: AttachedPolicy, db: Database) throws -> Int64 {
    if let arn = policy.arn, let known = managed[arn], known.policy == policy { return known.id }
    writer.removeAll()
    ValueCoding.encode(policy, into: &writer)
    let hash = writer.contentHash()
    let id: Int64
    if let existing = idsByHash[hash] {
      id = existing
    } else {
      insert.bind(1, hash)
      insert.bind(2, blob: writer.bytes)
      try insert.execute()
      id = db.lastInsertedRowID
      idsByHash[hash] = id
    }
    if let arn = policy.arn { managed[arn] = (policy, id) }
    return id
  }

  /// Deletes the given policies unless a principal still refers to them.
  static func deleteUnreferenced(_ candidates: Set<Int64>, referenced: Set<Int64>, db: Database) throws {
    let delete = try RawStatement(db, "DELETE FROM policy WHERE id = ?")
    for id in candidates.subtracting(referenced).sorted() {
      delete.bind(1, id)
      try delete.execute()
    }
  }
}

/// Service names, action names and other item details, stored once each and referred to by id.
struct TermTable {
  private var ids: [String: Int32]?
  private let insert: RawStatement

  init(_ db: Database) throws {
    insert = try RawStatement(db, "INSERT INTO term (text) VALUES (?)")
  }

  /// The id of `text`, adding it when new. The table is read on first use: most nights add few
  /// items, and only new items need term ids.
  mutating func id(of text: String, db: Database) throws -> Int32 {
    if ids == nil {
      var loaded: [String: Int32] = [:]
      let select = try RawStatement(db, "SELECT id, text FROM term")
      while try select.step() {
        let id = select.int64(0)
        guard id > 0, id <= Int32.max else { throw CorruptData("term id \(id)") }
        loaded[select.text(1)] = Int32(id)
      }
      select.reset()
      ids = loaded
    }
    if let id = ids?[text] { return id }
    insert.bind(1, text)
    try insert.execute()
    guard db.lastInsertedRowID <= Int32.max else { throw CorruptData("too many terms") }
    let id = Int32(db.lastInsertedRowID)
    ids?[text] = id
    return id
  }
}
