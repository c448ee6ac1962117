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

  /// Reads the histories of `rows[range]`, which must all be stored rows; `bytes` is how many
  /// bytes they hold, when known.
  mutating func load(
    _ range: Range<Int>, of rows: [PrincipalRows.Row], bytes: Int = 0, using select: RawStatement
  ) throws {
    arena.removeAll(keepingCapacity: true)
    ranges.removeAll(keepingCapacity: true)
    arena.reserveCapacity(bytes)
    ranges.reserveCapacity(range.count)
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
  private let insert: RawStatement

  init(_ db: Database) throws {
    let select = try RawStatement(db, "SELECT id, hash FROM policy")
    while try select.step() {
      idsByHash[UInt64(bitPattern: select.int64(1))] = select.int64(0)
    }
    select.reset()
    insert = try RawStatement(db, "INSERT INTO policy (hash, body) VALUES (?, ?)")
  }

  /// The hashes of the stored policies, for `Descriptions`.
  var storedHashes: [UInt64: Int64] { idsByHash }

  /// The id of the policy with this content hash, storing `body` (its encoding) when it is new.
  mutating func id(ofHash hash: UInt64, body: () throws -> [UInt8], db: Database) throws -> Int64 {
    if let existing = idsByHash[hash] { return existing }
    insert.bind(1, hash)
    insert.bind(2, blob: try body())
    try insert.execute()
    idsByHash[hash] = db.lastInsertedRowID
    return db.lastInsertedRowID
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

/// What a snapshot says about the principals it describes, worked out on both cores before
/// anything is looked up: each policy's content hash (keeping the encoding of documents not stored
/// yet) and a signature of each description. A night has about a hundred thousand principals, most
/// with an inline policy of a kilobyte or so, and most unchanged: their signature alone shows it.
struct Descriptions: Sendable {
  /// Per snapshot entry, the signature of its description (0 for entries not described).
  var signatures: [UInt64] = []
  /// For entry `i`, its policies' hashes in order are `policyHashes[starts[i] ..< starts[i + 1]]`.
  var starts: [Int] = [0]
  var policyHashes: [UInt64] = []
  /// The encoded documents whose hash is not stored yet.
  var newBodies: [UInt64: [UInt8]] = [:]

  /// Works out the entries with `described` set; `stored` has the hash of every stored policy.
  static func compute(_ principals: [Principal], described: [Bool], stored: [UInt64: Int64]) throws
    -> Descriptions
  {
    let parts = try Parallel.map(Parallel.split(principals.indices)) { range in
      var part = Descriptions()
      var work = Work()
      for index in range {
        part.add(principals[index], described: described[index], stored: stored, work: &work)
      }
      return part
    }
    var all = Descriptions()
    for part in parts {
      let offset = all.policyHashes.count
      all.signatures.append(contentsOf: part.signatures)
      all.starts.append(contentsOf: part.starts.dropFirst().map { $0 + offset })
      all.policyHashes.append(contentsOf: part.policyHashes)
      all.newBodies.merge(part.newBodies) { first, _ in first }
    }
    return all
  }

  /// A part's scratch: a writer, and the hashes of managed policies by the address of their
  /// document's statements. Within one snapshot every principal with a managed policy carries the
  /// same copy, which compares equal at once, so it is encoded once rather than once a principal.
  private struct Work {
    var writer = ByteWriter(capacity: 4096)
    var managed: [Int: (policy: AttachedPolicy, hash: UInt64)] = [:]
  }

  private mutating func add(
    _ principal: Principal, described: Bool, stored: [UInt64: Int64], work: inout Work
  ) {
    defer { starts.append(policyHashes.count) }
    guard described else {
      signatures.append(0)
      return
    }
    let first = policyHashes.count
    for policy in principal.policies.indices {
      policyHashes.append(
        Self.hash(principal.policies[policy], stored: stored, into: &newBodies, work: &work))
    }
    signatures.append(
      DescriptionCoding.signature(principal, policyHashes: policyHashes[first...], writer: &work.writer))
  }

  private static func hash(
    _ policy: AttachedPolicy, stored: [UInt64: Int64], into newBodies: inout [UInt64: [UInt8]],
    work: inout Work
  ) -> UInt64 {
    let address =
      policy.arn == nil
      ? nil : policy.document?.statements.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
    if let address, let known = work.managed[address], known.policy == policy { return known.hash }
    work.writer.removeAll()
    ValueCoding.encode(policy, into: &work.writer)
    let hash = work.writer.contentHash()
    if stored[hash] == nil, newBodies[hash] == nil { newBodies[hash] = work.writer.copy() }
    if let address { work.managed[address] = (policy, hash) }
    return hash
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
