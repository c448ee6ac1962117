import Foundation
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
    /// The managed policies it refers to: `policyIDs[policies]`.
    var policies: Range<Int>
    /// See `DescriptionCoding.inlineHash`.
    var inlineHash: UInt64
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
      let head = try DescriptionCoding.head(&reader)
      for case .managed(let id) in head.references { loaded.policyIDs.append(id) }
      loaded.rows.append(
        Row(
          id: select.int64(0), arn: select.text(1), signature: UInt64(bitPattern: select.int64(2)),
          policies: start..<loaded.policyIDs.count, inlineHash: head.inlineHash,
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

  /// The rows whose histories it holds.
  var rows: Range<Int> { first..<(first + ranges.count) }

  /// How many bytes the histories of those of `rows` it holds take.
  func byteCount(ofRows rows: Range<Int>) -> Int {
    let held = rows.clamped(to: self.rows)
    guard !held.isEmpty else { return 0 }
    return ranges[held.upperBound - 1 - first].upperBound - ranges[held.lowerBound - first].lowerBound
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

/// What a snapshot says about some of its principals that needs nothing from the store: each
/// policy's content hash, a signature of each description, and each principal's inline policies
/// encoded as `InlineCoding` stores them. See `DescriptionWork`.
///
/// A night has about a hundred thousand principals, most with an inline policy of a kilobyte or
/// so, and most unchanged: their signature alone shows it. Removing unused access edits inline
/// policies, though, so a month changes most of them; they are kept encoded (about a hundred
/// megabytes) because reading every string of every document again cost more, in cache misses,
/// than the memory.
struct Descriptions: Sendable {
  /// Per snapshot entry, the signature of its description, and the hash of its inline policies.
  var signatures: [UInt64] = []
  var inlineHashes: [UInt64] = []
  /// For entry `i`, its policies' hashes in order are `policyHashes[starts[i] ..< starts[i + 1]]`.
  var starts: [Int] = [0]
  var policyHashes: [UInt64] = []
  /// For entry `i`, its inline policies are `inline[inlineRanges[i]]` (empty when it has none).
  private var inline: [UInt8] = []
  private var inlineRanges: [Range<Int>] = []

  /// Works out `principals[range]`; entries are then numbered from 0.
  init(_ principals: [Principal], _ range: Range<Int>) {
    signatures.reserveCapacity(range.count)
    inlineHashes.reserveCapacity(range.count)
    inlineRanges.reserveCapacity(range.count)
    starts.reserveCapacity(range.count + 1)
    var work = Work()
    for index in range {
      let first = policyHashes.count
      let start = inline.count
      add(principals[index].policies, work: &work)
      inlineRanges.append(start..<inline.count)
      starts.append(policyHashes.count)
      signatures.append(
        DescriptionCoding.signature(
          principals[index], policyHashes: policyHashes[first...], writer: &work.writer))
      inlineHashes.append(
        DescriptionCoding.inlineHash(work.inlineHashes, writer: &work.writer))
    }
  }

  /// A part's scratch: a writer, the hashes of the inline policies of the principal at hand, and
  /// the hashes of managed policies by the address of their document's statements. Within one
  /// snapshot every principal with a managed policy carries the same copy, which compares equal at
  /// once, so it is encoded once rather than once a principal.
  private struct Work {
    var writer = ByteWriter(capacity: 4096)
    var inlineHashes: [UInt64] = []
    var managed: [Int: (policy: AttachedPolicy, hash: UInt64)] = [:]
  }

  /// Hashes `policies`, appending the inline ones, encoded, to `inline`.
  private mutating func add(_ policies: [AttachedPolicy], work: inout Work) {
    work.inlineHashes.removeAll(keepingCapacity: true)
    let inlineCount = policies.reduce(0) { $0 + ($1.arn == nil ? 1 : 0) }
    if inlineCount > 0 {
      work.writer.removeAll()
      InlineCoding.header(count: inlineCount, into: &work.writer)
      inline.append(contentsOf: work.writer.bytes.assumingMemoryBound(to: UInt8.self))
    }
    for policy in policies.indices {
      // Inline is having no ARN, not having no document's address: a managed policy the
      // inventory lists without its document has none either.
      let isInline = policies[policy].arn == nil
      let address =
        isInline
        ? nil
        : policies[policy].document?.statements.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
      if let address, let known = work.managed[address], known.policy == policies[policy] {
        policyHashes.append(known.hash)
        continue
      }
      work.writer.removeAll()
      ValueCoding.encode(policies[policy], into: &work.writer)
      let hash = work.writer.contentHash()
      policyHashes.append(hash)
      if isInline {
        work.inlineHashes.append(hash)
        inline.append(contentsOf: work.writer.bytes.assumingMemoryBound(to: UInt8.self))
      } else if let address {
        work.managed[address] = (policies[policy], hash)
      }
    }
  }

  /// The hashes of entry `index`'s policies.
  func policyHashes(ofEntry index: Int) -> ArraySlice<UInt64> {
    policyHashes[starts[index]..<starts[index + 1]]
  }

  /// Calls `body` with entry `index`'s inline policies as `InlineCoding` stores them, or with nil
  /// when it has none.
  func withInline<Result>(ofEntry index: Int, _ body: (UnsafeRawBufferPointer?) throws -> Result) rethrows
    -> Result
  {
    let range = inlineRanges[index]
    guard !range.isEmpty else { return try body(nil) }
    return try inline.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
  }
}

/// Works out `Descriptions` a chunk of principals at a time: a thread started with the recording
/// takes chunks while the recording's own thread reads the store, and that thread takes the rest
/// when it needs them, so neither core waits for the other.
final class DescriptionWork: @unchecked Sendable {
  static let chunkSize = 2048
  private let principals: [Principal]
  private let lock = NSLock()
  private let finished = DispatchGroup()
  // Guarded by `lock`: the next chunk to take, and each chunk's result once worked out.
  private var next = 0
  private var chunks: [Descriptions?]

  init(_ principals: [Principal]) {
    self.principals = principals
    chunks = Array(repeating: nil, count: (principals.count + Self.chunkSize - 1) / Self.chunkSize)
    DispatchQueue.global().async { self.help() }
  }

  private func claim() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard next < chunks.count else { return nil }
    finished.enter()
    next += 1
    return next - 1
  }

  private func help() {
    while let chunk = claim() {
      let start = chunk * Self.chunkSize
      let descriptions = Descriptions(principals, start..<min(start + Self.chunkSize, principals.count))
      lock.lock()
      chunks[chunk] = descriptions
      lock.unlock()
      finished.leave()
    }
  }

  /// Takes what chunks are left, waits for the others, and returns them all.
  func result() -> ChunkedDescriptions {
    help()
    finished.wait()
    lock.lock()
    defer { lock.unlock() }
    return ChunkedDescriptions(chunks: chunks.compactMap { $0 })
  }
}

/// Every entry's `Descriptions`, found by entry number through the chunk that holds it.
struct ChunkedDescriptions {
  let chunks: [Descriptions]

  private func locate(_ entry: Int) -> (chunk: Int, local: Int) {
    (entry / DescriptionWork.chunkSize, entry % DescriptionWork.chunkSize)
  }

  func signature(ofEntry entry: Int) -> UInt64 {
    let (chunk, local) = locate(entry)
    return chunks[chunk].signatures[local]
  }

  func inlineHash(ofEntry entry: Int) -> UInt64 {
    let (chunk, local) = locate(entry)
    return chunks[chunk].inlineHashes[local]
  }

  func policyHashes(ofEntry entry: Int) -> ArraySlice<UInt64> {
    let (chunk, local) = locate(entry)
    return chunks[chunk].policyHashes(ofEntry: local)
  }

  func withInline<Result>(ofEntry entry: Int, _ body: (UnsafeRawBufferPointer?) throws -> Result) rethrows
    -> Result
  {
    let (chunk, local) = locate(entry)
    return try chunks[chunk].withInline(ofEntry: local, body)
  }
}

/// Stores a principal's policies: managed ones in the `policy` table (once each), inline ones in
/// its `inlinePolicies` row, replaced whole when they change and deleted when there are none.
struct PolicyStore {
  var table: PolicyTable
  private let replace: RawStatement
  private let delete: RawStatement
  private var writer = ByteWriter(capacity: 4096)

  init(_ db: Database) throws {
    table = try PolicyTable(db)
    replace = try RawStatement(
      db, "INSERT OR REPLACE INTO inlinePolicies (principal, policies) VALUES (?, ?)")
    delete = try RawStatement(db, "DELETE FROM inlinePolicies WHERE principal = ?")
  }

  /// Stores the managed policies among `policies` (whose content hashes are `hashes`) that are not
  /// stored yet, and returns how the principal's description refers to its policies, and the
  /// managed policies' ids.
  mutating func store(_ policies: [AttachedPolicy], hashes: some Collection<UInt64>, db: Database) throws -> (
    references: [PolicyReference], managed: [Int64]
  ) {
    var references: [PolicyReference] = []
    var managed: [Int64] = []
    for (policy, hash) in zip(policies, hashes) {
      guard policy.arn != nil else {
        references.append(.inline(index: references.count - managed.count))
        continue
      }
      let id = try table.id(
        ofHash: hash,
        body: {
          writer.removeAll()
          ValueCoding.encode(policy, into: &writer)
          return writer.copy()
        }, db: db)
      references.append(.managed(id: id))
      managed.append(id)
    }
    return (references, managed)
  }

  /// Replaces a principal's inline policies with `blob` (see `InlineCoding`), or deletes them when
  /// it is nil.
  func storeInline(_ blob: UnsafeRawBufferPointer?, of principal: Int64) throws {
    guard let blob else {
      delete.bind(1, principal)
      try delete.execute()
      return
    }
    replace.bind(1, principal)
    replace.bind(2, blob: blob)
    try replace.execute()
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
