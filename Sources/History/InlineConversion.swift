import Foundation
import GRDB
import Model

/// Converts a v4 store into the v5 layout, inside the migration's transaction, so a store is
/// either converted whole or left as it was.
///
/// Each principal's inline policies move out of the shared `policy` table into its
/// `inlinePolicies` row, its description is written again with v5's head, and policy rows that no
/// description refers to any more (every inline one) are deleted. Histories, item texts, snapshots
/// and recommendations have the same layout in both and are left alone. Signatures are worked out
/// again the way a recording works them out from a snapshot: v4's would all differ from v5's, and
/// the next night would rewrite every description and inline row for nothing.
enum InlineConversion {
  static func convert(_ db: Database) throws {
    try db.execute(sql: Schema.v5)
    let policies = try StoredPolicies.load(db)
    var converter = try PrincipalConverter(db, policies: policies)
    try converter.convert()
    let delete = try RawStatement(db, "DELETE FROM policy WHERE id = ?")
    for id in policies.ids.sorted() where !converter.referenced.contains(id) {
      delete.bind(1, id)
      try delete.execute()
    }
  }

  /// What the conversion needs of every v4 policy row: its content hash, worked out from its body
  /// as a recording works it out from the policy, and whether it is an inline policy. Bodies are
  /// read again one at a time when moved, so memory does not grow with every inline document.
  private struct StoredPolicies {
    var policies: [Int64: (hash: UInt64, isInline: Bool)] = [:]

    var ids: [Int64] { Array(policies.keys) }

    static func load(_ db: Database) throws -> StoredPolicies {
      var loaded = StoredPolicies()
      let select = try RawStatement(db, "SELECT id, body FROM policy")
      while try select.step() {
        let body = select.blob(1)
        var reader = ByteReader(body)
        try ValueCoding.checkVersion(&reader)
        // The first byte after the version holds the flags; bit 0 says the policy has an ARN,
        // which only managed policies have (see `ValueCoding.encode(_: AttachedPolicy, into:)`).
        let flags = try reader.byte()
        loaded.policies[select.int64(0)] = (StableHash.content(body), flags & 1 == 0)
      }
      select.reset()
      return loaded
    }

    subscript(id: Int64) -> (hash: UInt64, isInline: Bool)? { policies[id] }
  }

  /// Rewrites every principal's description and writes its inline policies row.
  private struct PrincipalConverter {
    let policies: StoredPolicies
    let select: RawStatement
    let body: RawStatement
    let insertInline: RawStatement
    let update: RawStatement
    /// The managed policies some description refers to.
    private(set) var referenced = Set<Int64>()
    private var writer = ByteWriter(capacity: 1024)
    private var inline = ByteWriter(capacity: 1 << 16)

    init(_ db: Database, policies: StoredPolicies) throws {
      self.policies = policies
      select = try RawStatement(db, "SELECT id, arn, description FROM principal ORDER BY id")
      body = try RawStatement(db, "SELECT body FROM policy WHERE id = ?")
      insertInline = try RawStatement(db, "INSERT INTO inlinePolicies (principal, policies) VALUES (?, ?)")
      update = try RawStatement(db, "UPDATE principal SET signature = ?, description = ? WHERE id = ?")
    }

    mutating func convert() throws {
      // Rows are updated once the table has been read, rather than under the statement reading it.
      var converted: [(id: Int64, signature: UInt64, description: [UInt8])] = []
      while try select.step() {
        let id = select.int64(0)
        var reader = ByteReader(select.blob(2))
        let (principal, policyIDs) = try DescriptionCoding.V4.decode(arn: select.text(1), &reader)
        let (signature, description) = try convert(principal, id: id, policyIDs: policyIDs)
        converted.append((id, signature, description))
      }
      select.reset()
      for row in converted {
        update.bind(1, row.signature)
        update.bind(2, blob: row.description)
        update.bind(3, row.id)
        try update.execute()
      }
    }

    /// Stores the principal's inline policies, if it has any, and returns its v5 signature and
    /// description.
    private mutating func convert(_ principal: Principal, id: Int64, policyIDs: [Int64]) throws -> (
      UInt64, [UInt8]
    ) {
      var references: [PolicyReference] = []
      var hashes: [UInt64] = []
      var inlineIDs: [Int64] = []
      var inlineHashes: [UInt64] = []
      for policyID in policyIDs {
        guard let policy = policies[policyID] else { throw CorruptData("policy \(policyID) is missing") }
        hashes.append(policy.hash)
        if policy.isInline {
          references.append(.inline(index: inlineIDs.count))
          inlineIDs.append(policyID)
          inlineHashes.append(policy.hash)
        } else {
          references.append(.managed(id: policyID))
          referenced.insert(policyID)
        }
      }
      if !inlineIDs.isEmpty { try storeInline(inlineIDs, of: id) }
      let signature = DescriptionCoding.signature(principal, policyHashes: hashes[...], writer: &writer)
      let inlineHash = DescriptionCoding.inlineHash(inlineHashes, writer: &writer)
      writer.removeAll()
      DescriptionCoding.encode(principal, references: references, inlineHash: inlineHash, into: &writer)
      return (signature, writer.copy())
    }

    /// A v4 policy body is what `ValueCoding` writes for the policy, which is what an
    /// `inlinePolicies` row holds after its header: the bodies are copied as they are.
    private mutating func storeInline(_ ids: [Int64], of principal: Int64) throws {
      inline.removeAll()
      InlineCoding.header(count: ids.count, into: &inline)
      for id in ids {
        body.bind(1, id)
        guard try body.step() else { throw CorruptData("policy \(id) is missing") }
        inline.raw(body.blob(0))
        body.reset()
      }
      insertInline.bind(1, principal)
      insertInline.bind(2, blob: inline.bytes)
      try insertInline.execute()
    }
  }
}
