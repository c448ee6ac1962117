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
    let fileManager = FileManager.default
    do {
      try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
      throw SiteError.writeFailed(path: parent.path, reason: error.localizedDescription)
    }
    let published = try publishedTree()
    let target = published?.lastPathComponent == tree("a").lastPathComponent ? tree("b") : tree("a")
    let outcome = try TreeSync(target: target, reference: published).sync(files)
    try switchLink(to: target)
    return outcome
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

/// Brings one tree to exactly the given files.
struct TreeSync {
  let target: URL
  /// The published tree: where an unchanged file's modification time is taken from.
  let reference: URL?

  func sync(_ files: [OutputFile]) throws -> OutputPublisher.Outcome {
    var outcome = OutputPublisher.Outcome(written: 0, unchanged: 0, removed: 0)
    var wanted = Set<String>()
    var folders = Set<String>()
    for file in files {
      wanted.insert(file.path)
      let url = target.appendingPathComponent(file.path)
      let folder = url.deletingLastPathComponent().path
      if !folders.contains(folder) {
        try createFolder(folder)
        folders.insert(folder)
      }
      if let existing = FileManager.default.contents(atPath: url.path), Array(existing) == file.contents {
        outcome.unchanged += 1
        continue
      }
      try write(file.contents, to: url.path)
      // The same bytes as the published file: keep its time, so nothing looks changed to rsync.
      if let reference,
        let published = FileManager.default.contents(
          atPath: reference.appendingPathComponent(file.path).path),
        Array(published) == file.contents
      {
        copyModificationTime(from: reference.appendingPathComponent(file.path).path, to: url.path)
      }
      outcome.written += 1
    }
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

  /// Overwrites in place without truncating first, then cuts to size: on this kind of disk that is
  /// far faster than truncating on open (see the performance notes).
  private func write(_ bytes: [UInt8], to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT, 0o644)
    guard descriptor >= 0 else {
      throw SiteError.writeFailed(path: path, reason: String(cString: strerror(errno)))
    }
    defer { close(descriptor) }
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
  }

  private func copyModificationTime(from source: String, to destination: String) {
    var status = stat()
    guard stat(source, &status) == 0 else { return }
    var times = [status.st_atim, status.st_mtim]
    _ = utimensat(AT_FDCWD, destination, &times, 0)
  }

  /// Deletes files (and then empty folders) the site no longer has. Returns how many files went.
  private func removeFiles(notIn wanted: Set<String>) throws -> Int {
    guard let enumerator = FileManager.default.enumerator(atPath: target.path) else { return 0 }
    var files: [String] = []
    var folders: [String] = []
    while let relative = enumerator.nextObject() as? String {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(
        atPath: target.appendingPathComponent(relative).path, isDirectory: &isFolder)
      if isFolder.boolValue {
        folders.append(relative)
      } else if !wanted.contains(relative) {
        files.append(relative)
      }
    }
    for relative in files {
      try? FileManager.default.removeItem(at: target.appendingPathComponent(relative))
    }
    // Deepest first, so a folder is empty when its turn comes; a non-empty one stays.
    for relative in folders.sorted(by: { $0.count > $1.count }) {
      rmdir(target.appendingPathComponent(relative).path)
    }
    return files.count
  }
}
