import Dispatch
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
    while try select.step() {
      var reader = ByteReader(select.blob(2), sharing: strings)
      var (principal, ids) = try DescriptionCoding.decode(arn: select.text(1), &reader)
      principal.policies = try ids.map { id throws(CorruptData) in
        guard let policy = policies[id] else { throw CorruptData("policy \(id) is missing") }
        return policy
      }
      if !select.isNull(3) {
        var reader = ByteReader(select.blob(3))
        loaded.recommendations[loaded.principals.count] = DatedRecommendations(
          day: Day(daysSinceEpoch: select.optionalInt(4) ?? newestDay),
          recommendations: try ValueCoding.decodeRecommendations(&reader))
      }
      loaded.ids.append(select.int64(0))
      loaded.principals.append(principal)
    }
    select.reset()
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

/// Work started on a global queue at once, whose result is waited for when needed.
final class BackgroundWork<Output: Sendable>: @unchecked Sendable {
  private let done = DispatchGroup()
  // Written once on the queue before `done` is left; read only after waiting for `done`.
  private var outcome: Result<Output, any Error>?

  init(_ work: @escaping @Sendable () throws -> Output) {
    done.enter()
    DispatchQueue.global().async {
      self.outcome = Result { try work() }
      self.done.leave()
    }
  }

  func result() throws -> Output {
    done.wait()
    guard let outcome else { throw CorruptData("background work did not finish") }
    return try outcome.get()
  }
}
