import Dispatch
import Foundation
import Model

/// A dated folder under `content/analysis/` holding one night's exports.
public struct SnapshotFolder: Hashable, Sendable {
  /// The day from the folder name.
  public var day: Day
  /// The folder.
  public var url: URL
  /// The folder relative to the site root, for messages.
  public var relativePath: String

  /// A snapshot folder with every field given.
  public init(day: Day, url: URL, relativePath: String) {
    self.day = day
    self.url = url
    self.relativePath = relativePath
  }
}

/// Reads a snapshot folder: every file in it (at any depth, hidden files aside), recognised by
/// content, as one JSON document, a JSON array of responses or pages, or JSON Lines.
public struct SnapshotReader: Sendable {
  /// A reader; file names in messages are shown relative to `siteRoot`.
  public init() {}

  /// The result of reading one folder.
  public struct Result: Sendable {
    /// What the folder says.
    public var snapshot: Snapshot
    /// Things skipped or odd, which do not stop the build.
    public var warnings: [IngestWarning]
  }

  /// Reads every file of the folder, on all cores, and merges them into one snapshot.
  /// Throws `IngestErrors` listing every bad file.
  public func read(_ folder: SnapshotFolder) throws -> Result {
    let files = try FileListing.regularFiles(under: folder.url)
    let outcomes = ParallelMap.map(files) { file in
      FileOutcome.reading(file, displayName: folder.relativePath + "/" + file.relativePath)
    }
    var errors: [IngestError] = []
    var warnings: [IngestWarning] = []
    var sources: [SourceFile] = []
    var inventory: [String: Principal] = [:]
    var named: [String: Principal] = [:]
    var observations: [String: Observation] = [:]
    var hasInventory = false
    var hasFindings = false
    for (file, outcome) in zip(files, outcomes) {
      switch outcome {
      case .failure(let error):
        errors.append(error)
      case .success(let content):
        warnings += content.warnings
        if content.isInventory {
          hasInventory = true
          sources.append(
            SourceFile(name: file.relativePath, kind: .inventory, records: content.principals.count))
          for principal in content.principals { inventory[principal.arn] = principal }
        }
        if content.isFindings {
          hasFindings = true
          sources.append(
            SourceFile(name: file.relativePath, kind: .analyzerFindings, records: content.findings))
          for principal in content.findingPrincipals where named[principal.arn] == nil {
            named[principal.arn] = principal
          }
          for observation in content.observations {
            let key = observation.access.principalARN + "\u{1F}" + observation.access.key
            observations[key] = observations[key].map { $0.merged(with: observation) } ?? observation
          }
        }
      }
    }
    if !errors.isEmpty { throw IngestErrors(errors) }
    if !hasFindings {
      throw IngestErrors([
        IngestError(
          file: folder.relativePath, message: "no Access Analyzer findings export in this snapshot folder",
          hint:
            "Add the output of `aws accessanalyzer get-finding-v2` (one response per line, or an array); an empty array `[]` means no findings. `list-findings-v2` summaries carry no details and do not count"
        )
      ])
    }
    // Principals named only by findings are kept so that their items have an owner to show.
    for (arn, principal) in named where inventory[arn] == nil { inventory[arn] = principal }
    let principals = inventory.values.sorted { $0.arn < $1.arn }
    let merged = observations.values.sorted {
      ($0.access.principalARN, $0.access.key) < ($1.access.principalARN, $1.access.key)
    }
    let snapshot = Snapshot(
      day: folder.day, principals: principals, hasInventory: hasInventory, observations: merged,
      sources: sources.sorted { $0.name < $1.name })
    return Result(snapshot: snapshot, warnings: warnings)
  }
}

/// What one file held.
struct FileContent: Sendable {
  var principals: [Principal] = []
  var findingPrincipals: [Principal] = []
  var observations: [Observation] = []
  var findings = 0
  var isInventory = false
  var isFindings = false
  var warnings: [IngestWarning] = []
}

enum FileOutcome: Sendable {
  case success(FileContent)
  case failure(IngestError)

  static func reading(_ file: FileListing.Entry, displayName: String) -> FileOutcome {
    do {
      return .success(try ExportFileReader.read(file.url, displayName: displayName))
    } catch {
      return .failure(error)
    }
  }
}

/// Reads one export file of any supported shape.
enum ExportFileReader {
  static func read(_ url: URL, displayName: String) throws(IngestError) -> FileContent {
    let data: Data
    do {
      data = try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
      throw IngestError(file: displayName, message: "cannot be read: \(error.localizedDescription)")
    }
    let outcome = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<FileContent, IngestError> in
      do throws(IngestError) {
        return .success(try read(raw.bindMemory(to: UInt8.self), displayName: displayName))
      } catch {
        return .failure(error)
      }
    }
    return try outcome.get()
  }

  static func read(_ bytes: UnsafeBufferPointer<UInt8>, displayName: String) throws(IngestError)
    -> FileContent
  {
    var start = 0
    if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
      throw IngestError(
        file: displayName, message: "the file is UTF-16 text",
        hint:
          "Save it as UTF-8 (Windows PowerShell 5 writes UTF-16 with `>`; use `| Out-File -Encoding utf8`)")
    }
    // A UTF-8 byte order mark, as some Windows editors and PowerShell redirections write.
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
    var parser = JSONParser(bytes: bytes, start: start)
    let first = parser.offsetAfterWhitespace()
    guard first < bytes.count else {
      throw IngestError(
        file: displayName, message: "the file is empty",
        hint: "An export with no findings is `[]`; remove the file if the export failed")
    }
    let lead = bytes[first]
    guard lead == UInt8(ascii: "{") || lead == UInt8(ascii: "[") else {
      if startsWith(bytes, at: first, "user,arn,") {
        var content = FileContent()
        content.warnings.append(
          IngestWarning(file: displayName, message: "a credential report (CSV) is not read yet; skipped"))
        return content
      }
      throw IngestError(
        file: displayName, line: parser.currentLine,
        message: "not a JSON export (it starts with neither '{' nor '[')",
        hint: "Put only AWS CLI JSON output (--output json) in snapshot folders")
    }
    var content = FileContent()
    var unread: Set<String> = []
    // One value for a plain response or an array; several for JSON Lines or concatenated JSON.
    var recordIndex = 0
    while parser.offsetAfterWhitespace() < bytes.count {
      let value: JSONValue
      do {
        value = try parser.parseValue()
      } catch {
        throw IngestError(
          file: displayName, line: error.line,
          message: "invalid JSON at column \(error.column): \(error.message)")
      }
      let records: [JSONField]
      if let elements = value.arrayElements {
        records = elements.enumerated().map {
          JSONField($1, file: displayName, path: "[\(recordIndex + $0)]")
        }
        recordIndex += elements.count
        if elements.isEmpty { content.isFindings = true }
      } else {
        records = [JSONField(value, file: displayName, path: "")]
        recordIndex += 1
      }
      for record in records {
        try absorb(record, into: &content, unread: &unread)
      }
    }
    for kind in unread.sorted() {
      content.warnings.append(IngestWarning(file: displayName, message: kind))
    }
    return content
  }

  private static func absorb(_ record: JSONField, into content: inout FileContent, unread: inout Set<String>)
    throws(IngestError)
  {
    switch try AWSRecordReader.read(record) {
    case .finding(let principal, let observations):
      content.isFindings = true
      content.findings += 1
      content.findingPrincipals.append(principal)
      content.observations += observations
    case .otherFinding:
      content.isFindings = true
    case .inventory(let principals):
      content.isInventory = true
      content.principals += principals
    case .unread(let kind, let advice):
      unread.insert("\(kind): \(advice); skipped")
    }
  }

  private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ prefix: String)
    -> Bool
  {
    let expected = Array(prefix.utf8)
    guard bytes.count - offset >= expected.count else { return false }
    return (0..<expected.count).allSatisfy { bytes[offset + $0] == expected[$0] }
  }
}
