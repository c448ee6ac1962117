import Foundation
import Ingest
import Model

/// Every field of a read snapshot as lines of text, in the order the reader returns them.
enum SnapshotDump {
  static func write(_ result: SnapshotReader.Result, to path: String) throws {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
    defer { try? handle.close() }
    var buffer = ""
    func emit(_ line: String) {
      buffer += line
      buffer += "\n"
      if buffer.utf8.count > 1 << 20 {
        handle.write(Data(buffer.utf8))
        buffer = ""
      }
    }
    let snapshot = result.snapshot
    emit("day \(snapshot.day) inventory \(snapshot.hasInventory)")
    emit("fingerprint \(result.fingerprint)")
    for warning in result.warnings { emit("warning \(warning)") }
    for source in snapshot.sources { emit("source \(source.name) \(source.kind) \(source.records)") }
    for principal in snapshot.principals { principalLines(principal).forEach(emit) }
    for observation in snapshot.observations { emit(line(observation)) }
    for recommendation in snapshot.recommendations { emit("recommendation \(recommendation)") }
    for root in snapshot.rootAccounts { emit("root \(root)") }
    for note in snapshot.notes { emit("note \(note)") }
    for truncated in snapshot.truncated { emit("truncated \(truncated)") }
    handle.write(Data(buffer.utf8))
  }

  static func principalLines(_ principal: Principal) -> [String] {
    var lines = [
      "principal \(principal.arn) \(principal.kind) \(principal.name) \(principal.accountID) \(principal.path) "
        + "\(principal.createdOn?.iso ?? "-") \(principal.lastUsedOn?.iso ?? "-") \(principal.isInInventory)"
    ]
    for tag in principal.tags { lines.append("  tag \(tag.key)=\(tag.value)") }
    for policy in principal.policies {
      lines.append("  policy \(policy.name) \(policy.arn ?? "-")")
      if let document = policy.document { lines.append(document.json) }
    }
    return lines
  }

  static func line(_ observation: Observation) -> String {
    let access = observation.access
    return
      "observation \(access.principalARN) \(access.kind) \(access.service) \(access.detail) "
      + "\(observation.status) \(observation.lastUsedOn?.iso ?? "-") \(observation.findingID) "
      + "\(observation.findingCreatedOn?.iso ?? "-") \(observation.sources.rawValue)"
  }
}
