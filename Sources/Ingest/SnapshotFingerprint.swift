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
      guard lstat(file.url.path, &status) == 0 else {
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: file.url.path])
      }
      let modified =
        (Date(timeIntervalSince1970: TimeInterval(status.st_mtim.tv_sec))
        + TimeInterval(status.st_mtim.tv_nsec) / 1_000_000_000).timeIntervalSince1970
      hash.add(file.relativePath + "\u{0}\(Int64(status.st_size))\u{0}\(modified)\u{0}")
    }
    return hash.hex
  }

  /// The whole fingerprint of a folder, reading every file.
  public static func of(_ folder: URL) throws -> SnapshotFingerprint {
    var files: [(String, UInt64)] = []
    for file in try FileListing.regularFiles(under: folder) {
      var hash = FNV1a()
      let data = try Data(contentsOf: file.url, options: .alwaysMapped)
      data.withUnsafeBytes { hash.add(bytes: $0) }
      files.append((file.relativePath, hash.value))
    }
    return SnapshotFingerprint(quick: try quick(of: folder), content: content(of: files))
  }

  /// The content part from each file's own hash, in path order: what `SnapshotReader` computes
  /// while it has the files open anyway, so a recorded folder is not read a second time.
  static func content(of files: [(path: String, hash: UInt64)]) -> String {
    var hash = FNV1a()
    for file in files.sorted(by: { $0.path < $1.path }) {
      hash.add(file.path + "\u{0}" + String(file.hash, radix: 16) + "\u{0}")
    }
    return hash.hex
  }
}

extension FNV1a {
  /// The hashes of several buffers, computed side by side: each is a chain of dependent
  /// multiplications, so four chains interleaved take about the time of one.
  static func values(of inputs: [UnsafeRawBufferPointer]) -> [UInt64] {
    var states = [UInt64](repeating: FNV1a.offsetBasis, count: inputs.count)
    var active = inputs.indices.filter { !inputs[$0].isEmpty }
    var done = 0
    while !active.isEmpty {
      let end = active.map { inputs[$0].count }.min()!
      for group in stride(from: 0, to: active.count, by: 4) {
        // Missing lanes repeat the first one; their results are dropped.
        let lanes = (0..<4).map { active[group + $0 < active.count ? group + $0 : group] }
        let (a, b, c, d) = (inputs[lanes[0]], inputs[lanes[1]], inputs[lanes[2]], inputs[lanes[3]])
        var (ha, hb, hc, hd) = (states[lanes[0]], states[lanes[1]], states[lanes[2]], states[lanes[3]])
        for index in done..<end {
          ha = (ha ^ UInt64(a[index])) &* prime
          hb = (hb ^ UInt64(b[index])) &* prime
          hc = (hc ^ UInt64(c[index])) &* prime
          hd = (hd ^ UInt64(d[index])) &* prime
        }
        for (lane, value) in zip(lanes, [ha, hb, hc, hd]).reversed() { states[lane] = value }
      }
      done = end
      active.removeAll { inputs[$0].count == end }
    }
    return states
  }
}
