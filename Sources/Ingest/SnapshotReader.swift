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
/// content, as one JSON document, a JSON array of responses or pages, JSON Lines, or (for the
/// credential report) CSV. Reports from different sources about the same permission are merged.
public struct SnapshotReader: Sendable {
  /// Access unused for this many days before the snapshot counts as unused.
  public let thresholdDays: Int

  /// A reader using the site's unused threshold (`unused_threshold_days`).
  public init(thresholdDays: Int = 90) {
    self.thresholdDays = thresholdDays
  }

  /// The result of reading one folder.
  public struct Result: Sendable {
    /// What the folder says.
    public var snapshot: Snapshot
    /// Things skipped or odd, which do not stop the build.
    public var warnings: [IngestWarning]
    /// The folder's fingerprint, hashed from the bytes as they were read.
    public var fingerprint: SnapshotFingerprint
    /// The size of every file read, for the reading speed in the log.
    public var bytesRead: Int
  }

  /// Reads every file of the folder, on all cores, and merges them into one snapshot.
  /// Throws `IngestErrors` listing every bad file.
  public func read(_ folder: SnapshotFolder) throws -> Result {
    let files = try FileListing.regularFiles(under: folder.url)
    let context = ReadContext(day: folder.day, thresholdDays: thresholdDays)
    // Largest first, so that no core is left idle at the end with the others' work done.
    let sizes = files.map { FileListing.size(atPath: $0.path) }
    let order = files.indices.sorted { (sizes[$1], $0) < (sizes[$0], $1) }
    ReadAhead.start(paths: order.map { files[$0].path })
    let (outcomes, workers) = ParallelMap.map(Array(files.indices), order: order, state: ReadBuffers.init) {
      position, buffers in
      let file = files[position]
      return FileOutcome.reading(
        file, at: position, displayName: folder.relativePath + "/" + file.relativePath, context: context,
        buffers: buffers)
    }
    var digests = [ContentDigest?](repeating: nil, count: files.count)
    for worker in workers {
      for (position, digest) in worker.digests { digests[position] = digest }
    }
    var errors: [IngestError] = []
    var contents: [FileContent] = []
    var sources: [SourceFile] = []
    var fileDigests: [(path: String, digest: String)] = []
    for (position, (file, outcome)) in zip(files, outcomes).enumerated() {
      switch outcome {
      case .failure(let error):
        errors.append(error)
      case .success(let content):
        // Every file read whole has its digest (`FileOutcome.reading` keeps it).
        guard let digest = digests[position] else {
          preconditionFailure("no digest for \(file.relativePath)")
        }
        fileDigests.append((file.relativePath, digest.hex))
        for kind in SourceKind.allCases {
          if let records = content.records[kind] {
            sources.append(SourceFile(name: file.relativePath, kind: kind, records: records))
          }
        }
        contents.append(content)
      }
    }
    if !errors.isEmpty { throw IngestErrors(errors) }
    let countingKinds: Set<SourceKind> = [
      .analyzerFindings, .findingSummaries, .lastAccessed, .credentialReport,
    ]
    guard sources.contains(where: { countingKinds.contains($0.kind) }) else {
      throw IngestErrors([
        IngestError(
          file: folder.relativePath, message: "no export of unused access in this snapshot folder",
          hint:
            "Add the output of `aws accessanalyzer get-finding-v2` (one response per line, or an array; `[]` when there are no findings), or IAM last-accessed data or the credential report"
        )
      ])
    }
    let snapshot = Reconciler(contents: contents).snapshot(
      day: folder.day, sources: sources.sorted { ($0.name, $0.kind.rawValue) < ($1.name, $1.kind.rawValue) })
    let warnings = contents.flatMap(\.warnings)
    // What the files held, now in the snapshot, is freed on another core: a million observations'
    // arrays and strings took this one a tenth of a second while the other had nothing to do.
    freeInBackground((consume contents, consume outcomes))
    let fingerprint = SnapshotFingerprint(
      quick: try SnapshotFingerprint.quick(of: folder.url),
      content: SnapshotFingerprint.content(of: fileDigests))
    return Result(
      snapshot: snapshot, warnings: warnings, fingerprint: fingerprint, bytesRead: sizes.reduce(0, +))
  }
}

/// What one file held.
struct FileContent: Sendable {
  var inventory = InventoryPage()
  var namedPrincipals: [Principal] = []
  var observations: [Observation] = []
  var recommendations: [PrincipalRecommendations] = []
  var rootAccounts: [RootAccount] = []
  var notes: [String] = []
  /// Exports that say more pages exist.
  var truncated: [String] = []
  /// Records read per source kind (a kind absent from the file is absent here).
  var records: [SourceKind: Int] = [:]
  var warnings: [IngestWarning] = []
  /// The observations' runs by principal, made by the worker that read the file.
  var observationRuns: [ObservationRun] = []

  mutating func count(_ kind: SourceKind, _ amount: Int = 1) {
    records[kind, default: 0] += amount
  }
}
