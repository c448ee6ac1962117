import Foundation
import Model
import Testing

@testable import Ingest

/// The fixture folders, copied into the test bundle.
enum Fixtures {
  static let root: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

  static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

  /// A fixture folder read as the snapshot folder of `day`.
  static func snapshot(_ name: String, day: String = "2026-11-22") -> SnapshotFolder {
    SnapshotFolder(day: Day(iso: day)!, url: url(name), relativePath: "content/analysis/" + day)
  }
}

/// A fresh folder under the system's temporary folder.
struct TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "permsite-ingest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  func write(_ path: String, _ text: String) throws {
    try write(path, bytes: Array(text.utf8))
  }

  func write(_ path: String, bytes: [UInt8]) throws {
    let file = url.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: file)
  }

  /// Copies a fixture file to `path` (its own name by default).
  func copy(fixture: String, to path: String? = nil) throws {
    let source = Fixtures.url(fixture)
    try write(path ?? source.lastPathComponent, bytes: Array(try Data(contentsOf: source)))
  }

  /// This folder read as the snapshot folder of `day`.
  func snapshot(day: String = "2026-11-22") -> SnapshotFolder {
    SnapshotFolder(day: Day(iso: day)!, url: url, relativePath: "content/analysis/" + day)
  }

  func remove() {
    try? FileManager.default.removeItem(at: url)
  }
}

func day(_ text: String) -> Day { Day(iso: text)! }

/// Reads a snapshot folder that must be refused, and returns the problems listed.
func snapshotErrors(_ folder: SnapshotFolder, sourceLocation: SourceLocation = #_sourceLocation)
  -> [IngestError]
{
  do {
    _ = try SnapshotReader().read(folder)
    Issue.record("the folder was read without errors", sourceLocation: sourceLocation)
  } catch let errors as IngestErrors {
    return errors.errors
  } catch {
    Issue.record("expected IngestErrors, got \(error)", sourceLocation: sourceLocation)
  }
  return []
}

/// Reads one bad fixture file as the only file of a snapshot folder and returns its single problem.
func singleError(fixture: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> IngestError {
  let folder = try TemporaryFolder()
  defer { folder.remove() }
  try folder.copy(fixture: fixture)
  let errors = snapshotErrors(folder.snapshot(), sourceLocation: sourceLocation)
  #expect(errors.count == 1, "\(errors)", sourceLocation: sourceLocation)
  return try #require(errors.first, sourceLocation: sourceLocation)
}
