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

  static func read(path: String) throws -> LoadedPrincipals {
    try read(from: ReadConnection(path: path))
  }

  static func read(from source: some StatementSource) throws -> LoadedPrincipals {
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
    while try select.step() {
      let id = select.int64(0)
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
      if !select.isNull(3) {
        var reader = ByteReader(select.blob(3))
        loaded.recommendations[loaded.principals.count] = DatedRecommendations(
          day: Day(daysSinceEpoch: select.optionalInt(4) ?? newestDay),
          recommendations: try ValueCoding.decodeRecommendations(&reader))
      }
      loaded.ids.append(id)
      loaded.principals.append(principal)
    }
    select.reset()
    inlineRows.reset()
    return loaded
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
