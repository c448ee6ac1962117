import GRDB
import Model

/// Principals as a timeline lists them (by id, each with its latest description, policies and
/// recommendations), read by themselves so that a `ReadConnection` can do it on another core
/// while the store's connection reads histories.
struct LoadedPrincipals: Sendable {
  var ids: [Int64] = []
  var principals: [Principal] = []
  /// By index in `principals`.
  var recommendations: [Int: DatedRecommendations] = [:]

  /// Reads through a connection of its own; see `read(from:reusing:)`.
  static func read(path: String, reusing recorded: RecordedPrincipals? = nil) throws -> LoadedPrincipals {
    try read(from: ReadConnection(path: path), reusing: recorded)
  }

  /// Reads every principal; those `recorded` has are taken from it rather than decoded.
  static func read(from source: some StatementSource, reusing recorded: RecordedPrincipals? = nil) throws
    -> LoadedPrincipals
  {
    let newest = try source.statement("SELECT MAX(day) FROM snapshot")
    guard try newest.step(), let newestDay = newest.optionalInt(0) else { return LoadedPrincipals() }
    newest.reset()
    let strings = StringTable()
    let policies = try self.policies(from: source, sharing: strings)
    var loaded = LoadedPrincipals()
    let select = try source.statement(
      "SELECT id, arn, description, recommendations, recommendationsDay FROM principal ORDER BY id")
    let inlineRows = try source.statement("SELECT principal, policies FROM inlinePolicies ORDER BY principal")
    var hasInline = try inlineRows.step()
    var nextRecorded = 0
    while try select.step() {
      let id = select.int64(0)
      // Both are ordered by principal id.
      if let recorded, nextRecorded < recorded.ids.count, recorded.ids[nextRecorded] == id {
        try loaded.append(
          recorded.principals[recorded.entries[nextRecorded]], id: id, select, newestDay: newestDay)
        nextRecorded += 1
        continue
      }
      var reader = ByteReader(select.blob(2), sharing: strings)
      var (principal, references) = try DescriptionCoding.decode(arn: select.text(1), &reader)
      // Both are ordered by principal id; a principal without inline policies has no row.
      while hasInline, inlineRows.int64(0) < id { hasInline = try inlineRows.step() }
      var inline: [AttachedPolicy] = []
      if hasInline, inlineRows.int64(0) == id {
        var reader = ByteReader(inlineRows.blob(1), sharing: strings)
        inline = try InlineCoding.decode(&reader)
      }
      principal.policies = try references.map { reference throws(CorruptData) in
        switch reference {
        case .managed(let id):
          guard let policy = policies[id] else { throw CorruptData("policy \(id) is missing") }
          return policy
        case .inline(let index):
          guard index < inline.count else { throw CorruptData("inline policy \(index) of \(id) is missing") }
          return inline[index]
        }
      }
      try loaded.append(principal, id: id, select, newestDay: newestDay)
    }
    guard nextRecorded == recorded?.ids.count ?? 0 else {
      throw CorruptData("principals recorded are missing from the store")
    }
    select.reset()
    inlineRows.reset()
    return loaded
  }

  /// Adds a principal with the recommendations of the row `select` is on.
  private mutating func append(_ principal: Principal, id: Int64, _ select: RawStatement, newestDay: Int)
    throws(CorruptData)
  {
    if !select.isNull(3) {
      var reader = ByteReader(select.blob(3))
      recommendations[principals.count] = DatedRecommendations(
        day: Day(daysSinceEpoch: select.optionalInt(4) ?? newestDay),
        recommendations: try ValueCoding.decodeRecommendations(&reader))
    }
    ids.append(id)
    principals.append(principal)
  }

  /// Every stored policy, decoded once however many principals have it.
  private static func policies(from source: some StatementSource, sharing strings: StringTable) throws
    -> [Int64: AttachedPolicy]
  {
    var policies: [Int64: AttachedPolicy] = [:]
    let select = try source.statement("SELECT id, body FROM policy")
    while try select.step() {
      var reader = ByteReader(select.blob(1), sharing: strings)
      policies[select.int64(0)] = try ValueCoding.decodePolicy(&reader)
    }
    select.reset()
    return policies
  }
}

/// The principals of a snapshot just recorded, for the timeline loaded next: the rows whose stored
/// description is an entry's are taken from the snapshot rather than decoded again (for a large
/// organisation, decoding a hundred thousand principals' inline policies).
struct RecordedPrincipals: Sendable {
  /// The snapshot's principal entries.
  var principals: [Principal]
  /// The ids of the rows whose description is that of an entry, ascending.
  var ids: [Int64] = []
  /// For each of `ids`, the index of its entry in `principals`.
  var entries: [Int] = []
}
