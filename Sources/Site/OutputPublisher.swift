import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Publishes the generated files so that a web server never sees a half-written site, and a failed
/// or killed build leaves the published site exactly as it was.
///
/// The output path is a symbolic link to one of two trees beside it, `.NAME.a` and `.NAME.b`. A
/// build brings the tree that is not published up to date (writing only files whose content
/// changed, deleting files no longer generated) and then switches the link with one atomic
/// `rename`. Files whose content did not change keep their modification time, so `rsync` copies
/// only what changed. The first build over an existing output folder turns that folder into one
/// of the two trees.
public struct OutputPublisher: Sendable {
  /// The output path, e.g. `SITE/output`.
  public let output: URL

  /// A publisher for the given output path.
  public init(output: URL) {
    self.output = output
  }

  /// What publishing did, for logs.
  public struct Outcome: Hashable, Sendable {
    /// Files written because they are new or their content changed.
    public var written: Int
    /// Files left as they were.
    public var unchanged: Int
    /// Files removed because the site no longer has them.
    public var removed: Int
  }

  private var parent: URL { output.deletingLastPathComponent() }
  private var name: String { output.lastPathComponent }
  private func tree(_ letter: String) -> URL { parent.appendingPathComponent(".\(name).\(letter)") }

  /// Writes `files` into the unpublished tree and publishes it.
  @discardableResult
  public func publish(_ files: [OutputFile]) throws -> Outcome {
    for file in files { try Self.checkPath(file.path) }
    return try publish { sink in
      for file in files { try sink.write(file) }
    }
  }

  /// The key recorded with the published site (see `publish(key:_:)`), when the output link still
  /// points at the tree it was recorded for.
  public func publishedKey() -> String? {
    guard let text = try? String(contentsOf: keyFile, encoding: .utf8) else { return nil }
    let parts = text.split(separator: " ", maxSplits: 1)
    guard parts.count == 2,
      let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: output.path),
      destination == parts[0],
      FileManager.default.fileExists(atPath: parent.appendingPathComponent(destination).path)
    else { return nil }
    return String(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// `.NAME.key` beside the trees: which tree a key describes, and the key.
  private var keyFile: URL { parent.appendingPathComponent(".\(name).key") }

  /// Lets `generate` write the site into the unpublished tree, file by file and from several
  /// threads at once, then deletes what it did not write and publishes the tree, recording `key`
  /// (what the site was built from) with it. Nothing is published when `generate` throws.
  @discardableResult
  public func publish(key: String? = nil, _ generate: (any OutputSink) throws -> Void) throws -> Outcome {
    let fileManager = FileManager.default
    do {
      try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
      throw SiteError.writeFailed(path: parent.path, reason: error.localizedDescription)
    }
    let published = try publishedTree()
    let target = published?.lastPathComponent == tree("a").lastPathComponent ? tree("b") : tree("a")
    let sync = TreeSync(target: target, reference: published)
    try generate(sync)
    let outcome = try sync.finish()
    // The old key goes first: a build killed after switching the link must not leave a key that
    // vouches for the new tree with the old inputs.
    unlink(keyFile.path)
    try switchLink(to: target)
    if let key { try recordKey(key, for: target) }
    return outcome
  }

  private func recordKey(_ key: String, for target: URL) throws {
    let temporary = parent.appendingPathComponent(".\(name).key.new")
    do {
      try Data((target.lastPathComponent + " " + key + "\n").utf8).write(to: temporary)
    } catch {
      throw SiteError.writeFailed(path: temporary.path, reason: error.localizedDescription)
    }
    guard rename(temporary.path, keyFile.path) == 0 else {
      throw SiteError.writeFailed(path: keyFile.path, reason: String(cString: strerror(errno)))
    }
  }

  /// The tree the output link points at now, after turning a plain output folder into a tree.
  private func publishedTree() throws -> URL? {
    let path = output.path
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    if (status.st_mode & S_IFMT) == S_IFLNK {
      guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
        return nil
      }
      let resolved =
        destination.hasPrefix("/")
        ? URL(fileURLWithPath: destination) : parent.appendingPathComponent(destination)
      return FileManager.default.fileExists(atPath: resolved.path) ? resolved : nil
    }
    // An output folder from before (or made by hand) becomes tree b; the new site goes into a.
    let b = tree("b")
    do {
      if FileManager.default.fileExists(atPath: b.path) { try FileManager.default.removeItem(at: b) }
      try FileManager.default.moveItem(at: output, to: b)
    } catch {
      throw SiteError.writeFailed(
        path: path, reason: "cannot move the existing output folder aside: \(error.localizedDescription)")
    }
    return b
  }

  /// Points the output link at `target` atomically: a new link is made beside it and renamed over it.
  private func switchLink(to target: URL) throws {
    let temporary = parent.appendingPathComponent(".\(name).link")
    unlink(temporary.path)
    guard symlink(target.lastPathComponent, temporary.path) == 0 else {
      throw SiteError.writeFailed(path: temporary.path, reason: String(cString: strerror(errno)))
    }
    guard rename(temporary.path, output.path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary.path)
      throw SiteError.writeFailed(path: output.path, reason: reason)
    }
  }

  /// Paths come from slugs, but a wrong one must never escape the output folder.
  static func checkPath(_ path: String) throws {
    let components = path.split(separator: "/", omittingEmptySubsequences: false)
    guard !path.hasPrefix("/"), !path.contains("\0"),
      !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." })
    else {
      throw SiteError.writeFailed(path: path, reason: "not a safe relative path")
    }
  }
}

/// Brings one tree to exactly the files written to it: a sink that writes only files whose
/// content changed, safe to call from several threads at once.
final class TreeSync: OutputSink, @unchecked Sendable {
  let target: URL
  /// The published tree: where an unchanged file's modification time is taken from.
  let reference: URL?
  // Guards everything below; file contents are compared and written outside it.
  private let lock = NSLock()
  private var wanted = Set<String>()
  private var outcome = OutputPublisher.Outcome(written: 0, unchanged: 0, removed: 0)

  init(target: URL, reference: URL?) {
    self.target = target
    self.reference = reference
  }

  func write(_ file: OutputFile) throws {
    try OutputPublisher.checkPath(file.path)
    let path = target.path + "/" + file.path
    lock.lock()
    let isNew = wanted.insert(file.path).inserted
    lock.unlock()
    guard isNew else { throw SiteError.writeFailed(path: file.path, reason: "generated twice") }
    let changed = try FileBytes.replace(path, with: file.contents) {
      // A missing folder is made on the first write into it; another thread may be making it too.
      try createFolder(String(path[..<path.lastIndex(of: "/")!]))
    }
    if changed, let reference {
      // The same bytes as the published file: keep its time, so nothing looks changed to rsync.
      let published = reference.path + "/" + file.path
      if FileBytes.hasContents(published, file.contents) { copyModificationTime(from: published, to: path) }
    }
    lock.lock()
    if changed { outcome.written += 1 } else { outcome.unchanged += 1 }
    lock.unlock()
  }

  /// Deletes what was not written and says what was done.
  func finish() throws -> OutputPublisher.Outcome {
    lock.lock()
    defer { lock.unlock() }
    outcome.removed = try removeFiles(notIn: wanted)
    return outcome
  }

  private func createFolder(_ path: String) throws {
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw SiteError.writeFailed(path: path, reason: error.localizedDescription)
    }
  }

  private func copyModificationTime(from source: String, to destination: String) {
    var status = stat()
    guard stat(source, &status) == 0 else { return }
    var times = [status.st_atim, status.st_mtim]
    _ = utimensat(AT_FDCWD, destination, &times, 0)
  }

  /// Deletes files (and then empty folders) the site no longer has. Returns how many files went.
  private func removeFiles(notIn wanted: Set<String>) throws -> Int {
    var files: [String] = []
    var folders: [String] = []
    Self.walk(root: target.path, "", files: &files, folders: &folders)
    let unwanted = files.filter { !wanted.contains($0) }
    for relative in unwanted { unlink(target.path + "/" + relative) }
    // Deepest first, so a folder is empty when its turn comes; a non-empty one stays.
    for relative in folders.sorted(by: { $0.count > $1.count }) {
      rmdir(target.path + "/" + relative)
    }
    return unwanted.count
  }

  /// Lists the files and folders below `root/relative` with `readdir`, which names each entry's
  /// type without a `stat` per file: the tree holds one file per principal.
  private static func walk(root: String, _ relative: String, files: inout [String], folders: inout [String]) {
    guard let folder = opendir(relative.isEmpty ? root : root + "/" + relative) else { return }
    defer { closedir(folder) }
    while let entry = readdir(folder) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard name != ".", name != ".." else { continue }
      let child = relative.isEmpty ? name : relative + "/" + name
      var isFolder = Int32(entry.pointee.d_type) == DT_DIR
      if Int32(entry.pointee.d_type) == DT_UNKNOWN {
        var status = stat()
        isFolder = lstat(root + "/" + child, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
      }
      if isFolder {
        folders.append(child)
        walk(root: root, child, files: &files, folders: &folders)
      } else {
        files.append(child)
      }
    }
  }
}

/// Comparing and writing files with plain POSIX calls: one open per file, the old bytes read only
/// when the size matches, and changed files overwritten in place without truncating first (on this
/// kind of disk that is far faster than truncating on open; see the performance notes).
enum FileBytes {
  /// Makes the file at `path` hold exactly `bytes`, calling `makeFolder` when its folder is missing.
  /// Returns false when it already did.
  static func replace(_ path: String, with bytes: [UInt8], makeFolder: () throws -> Void) throws -> Bool {
    var descriptor = open(path, O_RDWR | O_CREAT, 0o644)
    if descriptor < 0 && errno == ENOENT {
      try makeFolder()
      descriptor = open(path, O_RDWR | O_CREAT, 0o644)
    }
    guard descriptor >= 0 else {
      throw SiteError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
    if has(descriptor, bytes) { return false }
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { buffer in
        pwrite(descriptor, buffer.baseAddress! + offset, bytes.count - offset, off_t(offset))
      }
      guard written > 0 else {
        throw SiteError.writeFailed(
          path: path, reason: written < 0 ? String(cString: strerror(errno)) : "nothing written (disk full?)")
      }
      offset += written
    }
    guard ftruncate(descriptor, off_t(bytes.count)) == 0 else {
      throw SiteError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
    return true
  }

  /// Whether the file at `path` exists and holds exactly `bytes`.
  static func hasContents(_ path: String, _ bytes: [UInt8]) -> Bool {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    return has(descriptor, bytes)
  }

  private static func has(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
    var status = stat()
    guard fstat(descriptor, &status) == 0, Int(status.st_size) == bytes.count else { return false }
    guard !bytes.isEmpty else { return true }
    let existing = [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
      var offset = 0
      while offset < bytes.count {
        let read = pread(descriptor, buffer.baseAddress! + offset, bytes.count - offset, off_t(offset))
        guard read > 0 else { break }
        offset += read
      }
      count = offset
    }
    guard existing.count == bytes.count else { return false }
    return existing.withUnsafeBytes { old in
      bytes.withUnsafeBytes { new in memcmp(old.baseAddress!, new.baseAddress!, new.count) == 0 }
    }
  }
}
