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

/// What a snapshot says about its principals that needs nothing from the store, worked out on
/// another core while the store is read: each policy's content hash and a signature of each
/// description. A night has about a hundred thousand principals, most with an inline policy of a
/// kilobyte or so, and most unchanged: their signature alone shows it.
struct Descriptions: Sendable {
  /// Per snapshot entry, the signature of its description.
  var signatures: [UInt64] = []
  /// For entry `i`, its policies' hashes in order are `policyHashes[starts[i] ..< starts[i + 1]]`.
  var starts: [Int] = [0]
  var policyHashes: [UInt64] = []

  init() {}

  init(_ principals: [Principal]) {
    signatures.reserveCapacity(principals.count)
    starts.reserveCapacity(principals.count + 1)
    var writer = ByteWriter(capacity: 4096)
    // Managed policies by the address of their document's statements: within one snapshot every
    // principal with a managed policy carries the same copy, which compares equal at once, so it
    // is encoded once rather than once a principal.
    var managed: [Int: (policy: AttachedPolicy, hash: UInt64)] = [:]
    for index in principals.indices {
      let first = policyHashes.count
      for policy in principals[index].policies.indices {
        policyHashes.append(Self.hash(principals[index].policies[policy], writer: &writer, managed: &managed))
      }
      starts.append(policyHashes.count)
      signatures.append(
        DescriptionCoding.signature(principals[index], policyHashes: policyHashes[first...], writer: &writer))
    }
  }

  private static func hash(
    _ policy: AttachedPolicy, writer: inout ByteWriter,
    managed: inout [Int: (policy: AttachedPolicy, hash: UInt64)]
  ) -> UInt64 {
    let address =
      policy.arn == nil
      ? nil : policy.document?.statements.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
    if let address, let known = managed[address], known.policy == policy { return known.hash }
    writer.removeAll()
    ValueCoding.encode(policy, into: &writer)
    let hash = writer.contentHash()
    if let address { managed[address] = (policy, hash) }
    return hash
  }

  /// The hashes of entry `index`'s policies.
  func policyHashes(ofEntry index: Int) -> ArraySlice<UInt64> {
    policyHashes[starts[index]..<starts[index + 1]]
  }
}

/// Service names, action names and other item details, stored once each and referred to by id.
struct TermTable {
  /// Texts numbered by id; read on first use.
  private var index: TextIndex?
  private let insert: RawStatement

  init(_ db: Database) throws {
    insert = try RawStatement(db, "INSERT INTO term (text) VALUES (?)")
  }

  /// The id of `text`, adding it when new. The table is read on first use: most nights add few
  /// items, and only new items need term ids.
  mutating func id(of text: String, db: Database) throws -> Int32 {
    if index == nil { index = try Self.load(db) }
    if let id = index?.number(of: text) { return Int32(id) }
    insert.bind(1, text)
    try insert.execute()
    guard Int(db.lastInsertedRowID) == index?.next, db.lastInsertedRowID <= Int32.max else {
      throw CorruptData("term ids are not consecutive")
    }
    index?.append(text)
    return Int32(db.lastInsertedRowID)
  }

  private static func load(_ db: Database) throws -> TextIndex {
    // Ids start at 1 and go up by one: terms are never deleted.
    var index = TextIndex(first: 1)
    let select = try RawStatement(db, "SELECT id, text FROM term ORDER BY id")
    while try select.step() {
      guard select.int64(0) == index.next, index.next < Int32.max else {
        throw CorruptData("term ids are not consecutive")
      }
      index.append(select.text(1))
    }
    select.reset()
    return index
  }
}
