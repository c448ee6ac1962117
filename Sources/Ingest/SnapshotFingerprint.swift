import Foundation
import Model

/// Tells whether a snapshot folder changed since it was recorded, cheaply when it did not.
///
/// The fingerprint has two parts: a quick one from file names, sizes and modification times,
/// and one from the files' content. A build compares the quick part first and reads the content
/// only when that differs, so copying folders around (which changes times) does not force a
/// re-recording, and unchanged folders are never read again.
public struct SnapshotFingerprint: Hashable, Sendable, CustomStringConvertible {
  /// Hash of names, sizes and modification times.
  public var quick: String
  /// Hash of names and contents.
  public var content: String

  /// A fingerprint from its stored form `quick/content`; nil when malformed.
  public init?(stored: String) {
    let parts = stored.split(separator: "/")
    guard parts.count == 2 else { return nil }
    quick = String(parts[0])
    content = String(parts[1])
  }

  init(quick: String, content: String) {
    self.quick = quick
    self.content = content
  }

  /// The stored form, `quick/content`.
  public var description: String { quick + "/" + content }

  /// The quick part of a folder's fingerprint.
  public static func quick(of folder: URL) throws -> String {
    var hash = FNV1a()
    for file in try FileListing.regularFiles(under: folder) {
      // `lstat` rather than `FileManager.attributesOfItem`, which costs ten times as much: every
      // build looks at every file of every snapshot folder (tens of thousands in a large
      // organisation). The time goes through `Date` as Foundation's does, so that fingerprints
      // stored by earlier versions still match to the last digit.
      var status = stat()
      guard lstat(file.path, &status) == 0 else {
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: file.path])
      }
      let modified =
        (Date(timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec))
        + TimeInterval(status.st_mtim.tv_nsec) / 1_000_000_000).timeIntervalSince1970
      hash.add(file.relativePath + "\u{0}\(Int64(status.st_size))\u{0}\(modified)\u{0}")
    }
    return hash.hex
  }

  /// The whole fingerprint of a folder, reading every file. Its content part is in the form of
  /// `previous`'s, when given, so that the two compare: fingerprints stored before the content
  /// part had its version prefix hashed each file with FNV-1a, a byte at a time.
  public static func of(_ folder: URL, like previous: SnapshotFingerprint? = nil) throws
    -> SnapshotFingerprint
  {
    let legacy = previous.map { !$0.content.hasPrefix(contentVersion) } ?? false
    var files: [(path: String, digest: String)] = []
    for file in try FileListing.regularFiles(under: folder) {
      let data = try Data(contentsOf: file.url, options: .alwaysMapped)
      let digest = data.withUnsafeBytes { bytes in
        if legacy {
          var hash = FNV1a()
          hash.add(bytes: bytes)
          return String(hash.value, radix: 16)
        }
        return ContentDigest(of: bytes).hex
      }
      files.append((file.relativePath, digest))
    }
    return SnapshotFingerprint(quick: try quick(of: folder), content: content(of: files, legacy: legacy))
  }

  /// What starts a content part made from `ContentDigest`s.
  static let contentVersion = "2-"

  /// Whether the content part is in the form versions before `ContentDigest` stored: FNV-1a of
  /// each file, a byte at a time, and no version prefix.
  public var isFromAnEarlierVersion: Bool { !content.hasPrefix(Self.contentVersion) }

  /// The content part from each file's digest, in path order: what `SnapshotReader` computes
  /// while it has the files open anyway, so a recorded folder is not read a second time.
  static func content(of files: [(path: String, digest: String)], legacy: Bool = false) -> String {
    var hash = FNV1a()
    for file in files.sorted(by: { $0.path < $1.path }) {
      hash.add(file.path + "\u{0}" + file.digest + "\u{0}")
    }
    return (legacy ? "" : contentVersion) + hash.hex
  }
}
