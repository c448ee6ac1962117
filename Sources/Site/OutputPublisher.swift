import CPageCache
import Foundation
import Model

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
/// only what changed. Which bytes each tree's files hold is read from a list of digests kept beside
/// the tree (`.NAME.a.sums`), never from the files: on a large site the trees are out of the page
/// cache by the next night, and reading them back cost more than writing. Changed files are
/// overwritten in place rather than deleted and created again, because freeing and allocating
/// blocks is what costs most on a disk mounted with `discard` (see the README's performance notes).
/// The first build over an existing output folder turns that folder into one of the two trees.
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
    /// Files whose bytes are those already published (linked, not written).
    public var unchanged: Int
    /// Files of the published site that the new one no longer has.
    public var removed: Int
  }

  private var parent: URL { output.deletingLastPathComponent() }
  private var name: String { output.lastPathComponent }
  private func tree(_ letter: String) -> URL { parent.appendingPathComponent(".\(name).\(letter)") }
  /// Where the digests of a tree's files are kept: beside the tree, so a web server never serves them.
  private func sumsFile(of tree: URL) -> URL {
    parent.appendingPathComponent(tree.lastPathComponent + ".sums")
  }

  /// Writes `files` into the unpublished tree and publishes it.
  @discardableResult
  public func publish(_ files: [OutputFile]) throws -> Outcome {
    for file in files { try Self.checkPath(file.path) }
    return try publish { sink in
      for file in files { try sink.write(file) }
    }
  }

  /// The key recorded with the published site (see `publish(key:preparedAs:_:)`), when the output link still
  /// points at the tree it was recorded for and that tree still holds every file its digest list
  /// names: a page deleted from the published site by hand is then written again by the next
  /// build, rather than kept missing until a new snapshot comes.
  public func publishedKey() -> String? {
    guard let text = try? String(contentsOf: keyFile, encoding: .utf8) else { return nil }
    let parts = text.split(separator: " ", maxSplits: 1)
    guard parts.count == 2,
      let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: output.path),
      destination == parts[0],
      holdsEveryListedFile(parent.appendingPathComponent(destination))
    else { return nil }
    return String(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Whether `tree` exists and holds every file of its digest list (false without a list).
  private func holdsEveryListedFile(_ tree: URL) -> Bool {
    let listed = TreeSums.read(sumsFile(of: tree))
    guard !listed.isEmpty else { return false }
    return TreeListing(of: tree.path).missing(of: listed.keys) { listed[$0] != nil }.isEmpty
  }

  /// `.NAME.key` beside the trees: which tree a key describes, and the key.
  private var keyFile: URL { parent.appendingPathComponent(".\(name).key") }

  /// What publishing reads about the two trees before the first file is written: which tree is
  /// published, the digest lists of both, and the files the other tree holds.
  struct Trees: Sendable {
    var published: URL?
    var target: URL
    /// What the digest lists of the target and the published tree say each file holds.
    var sums: [String: KnownSums]
    var existing: TreeListing
  }

  /// Publishing's reading of the trees, started on another thread by `prepare()`.
  public struct Preparation: Sendable {
    let reading: BackgroundWork<Trees>

    /// The trees as read, once the reading is done; nil if they were read for another published
    /// tree than `published` (another build switched the link meanwhile).
    func trees(publishedAt published: URL?) -> Trees? {
      (try? reading.result()).flatMap { $0.published == published ? $0 : nil }
    }
  }

  /// Starts reading, on another thread, what `publish` needs to know about the trees: the digest
  /// lists (a line for each of a hundred thousand files) and the files of the tree to rewrite.
  /// A build calls it before analysing, so that this reading overlaps work that leaves a core idle.
  /// It changes nothing: an output folder that is not a link yet is moved aside by `publish`, and
  /// is read as it will be then.
  public func prepare() -> Preparation {
    let current = linkedTree()
    // `publish` makes a plain output folder tree b, and deletes the list an earlier tree b left.
    let isTakenOver = current == output
    return Preparation(
      reading: BackgroundWork {
        readTrees(publishedAt: isTakenOver ? tree("b") : current, readsReferenceList: !isTakenOver)
      })
  }

  /// The digest lists and the target's files, for the trees as they are with `published` published.
  private func readTrees(publishedAt published: URL?, readsReferenceList: Bool = true) -> Trees {
    let target = published?.lastPathComponent == tree("a").lastPathComponent ? tree("b") : tree("a")
    let referenceList = readsReferenceList ? published.map(sumsFile(of:)) : nil
    // One dictionary for both lists: every file written is looked up in both. Sized for the
    // larger list at once, rather than rehashing every path at each doubling.
    let targetSums = TreeSums.read(sumsFile(of: target))
    let referenceSums: [String: FileSum] = referenceList.map(TreeSums.read) ?? [:]
    var sums = [String: KnownSums](minimumCapacity: max(targetSums.count, referenceSums.count))
    for (path, sum) in targetSums { sums[path] = KnownSums(target: sum) }
    for (path, sum) in referenceSums { sums[path, default: KnownSums()].reference = sum }
    let existing = TreeListing(of: target.path)
    // A listed file the target no longer holds (deleted by hand, or the whole tree deleted with
    // its list left beside it) would otherwise count as already written, and be missing from the
    // published site.
    for path in existing.missing(of: targetSums.keys, isListed: { targetSums[$0] != nil }) {
      sums[path]?.target = nil
    }
    return Trees(published: published, target: target, sums: sums, existing: existing)
  }

  /// Lets `generate` write the site into the unpublished tree, file by file and from several
  /// threads at once, then deletes what it did not write and publishes the tree, recording `key`
  /// (what the site was built from) with it. Nothing is published when `generate` throws.
  /// `preparation`, when given, is this publisher's `prepare()` made earlier in the build; it is
  /// read again here if the published tree is no longer the one it read.
  @discardableResult
  public func publish(
    key: String? = nil, preparedAs preparation: Preparation? = nil,
    _ generate: (any OutputSink) throws -> Void
  ) throws -> Outcome {
    do {
      try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
      throw SiteError.writeFailed(path: parent.path, reason: error.localizedDescription)
    }
    let published = try publishedTree()
    var trees = preparation?.trees(publishedAt: published) ?? readTrees(publishedAt: published)
    let target = trees.target
    // The list goes before the first write: it must never describe a tree that is half rewritten.
    try removeIfPresent(sumsFile(of: target).path)
    // Folders first, so that what is in them can be listed and removed.
    try trees.existing.mendFolders(of: target.path)
    for link in trees.existing.links { try removeIfPresent(target.path + "/" + link) }
    let sync = TreeSync(
      target: target, reference: trees.published, known: trees.sums, existing: trees.existing)
    try generate(sync)
    // Files cut shorter on the side are cut before anything describes the tree.
    try sync.finishCuts()
    // The digest list is written on another core while this one deletes what was not written:
    // both only read what each file now holds.
    let sums = sync.writtenSums
    let listFile = sumsFile(of: target)
    let listing = BackgroundWork { try TreeSums.write(sums, to: listFile) }
    // The list is awaited before a failed removal is thrown: no thread outlives the build.
    let removal = Result { try sync.finish() }
    try listing.result()
    let outcome = try removal.get()
    // The key names the tree it vouches for, so it goes before the link: a build that fails or is
    // killed in between leaves a key naming a tree that is not published, which vouches for
    // nothing, and a key that cannot be written (a full disk) fails the build with the previous
    // site still published, as the error says.
    if let key { try recordKey(key, for: target) } else { unlink(keyFile.path) }
    try switchLink(to: target)
    return outcome
  }

  /// Removes the file (or link) at `path`; throws when it is there and stays.
  private func removeIfPresent(_ path: String) throws {
    guard unlink(path) == 0 || errno == ENOENT else {
      throw SiteError.cannotRemove(path: path, reason: systemErrorText())
    }
  }

  private func recordKey(_ key: String, for target: URL) throws {
    let temporary = parent.appendingPathComponent(".\(name).key.new")
    do {
      try Data((target.lastPathComponent + " " + key + "\n").utf8).write(to: temporary)
    } catch {
      throw SiteError.writeFailed(path: temporary.path, reason: error.localizedDescription)
    }
    guard rename(temporary.path, keyFile.path) == 0 else {
      throw SiteError.writeFailed(path: keyFile.path, reason: systemErrorText())
    }
  }

  /// The tree the output link points at now, after turning a plain output folder into a tree.
  private func publishedTree() throws -> URL? {
    guard let current = linkedTree() else { return nil }
    if current != output { return current }
    let path = output.path
    // An output folder from before (or made by hand) becomes tree b; the new site goes into a.
    // A digest list left beside b from an earlier tree b describes other files: it goes.
    let b = tree("b")
    // A mount point (or a folder of another file system) cannot be renamed into a tree, and each
    // tree is renamed into place: say so, rather than what the rename reports.
    var folder = stat()
    var above = stat()
    if lstat(path, &folder) == 0, stat(parent.path, &above) == 0, folder.st_dev != above.st_dev {
      throw SiteError.writeFailed(
        path: path,
        reason:
          "it is a mount point (or on another file system than \(parent.path)), which cannot become one of "
          + "the two trees the site is published from; give --output a folder inside it, such as \(path)/site"
      )
    }
    unlink(sumsFile(of: b).path)
    do {
      if FileManager.default.fileExists(atPath: b.path) { try FileManager.default.removeItem(at: b) }
      try FileManager.default.moveItem(at: output, to: b)
    } catch {
      throw SiteError.writeFailed(
        path: path, reason: "cannot move the existing output folder aside: \(error.localizedDescription)")
    }
    // The folder stays served through the link until a build succeeds.
    try switchLink(to: b)
    return b
  }

  /// The tree the output link points at, without changing anything: the output folder itself
  /// when it is not a link (`publishedTree()` moves it aside as tree b), nil when there is none.
  private func linkedTree() -> URL? {
    let path = output.path
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    guard (status.st_mode & S_IFMT) == S_IFLNK else { return output }
    guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
      return nil
    }
    let resolved =
      destination.hasPrefix("/")
      ? URL(fileURLWithPath: destination) : parent.appendingPathComponent(destination)
    return FileManager.default.fileExists(atPath: resolved.path) ? resolved : nil
  }

  /// Points the output link at `target` atomically: a new link is made beside it and renamed over it.
  private func switchLink(to target: URL) throws {
    let temporary = parent.appendingPathComponent(".\(name).link")
    unlink(temporary.path)
    guard symlink(target.lastPathComponent, temporary.path) == 0 else {
      throw SiteError.writeFailed(path: temporary.path, reason: systemErrorText())
    }
    guard rename(temporary.path, output.path) == 0 else {
      let reason = systemErrorText()
      unlink(temporary.path)
      throw SiteError.writeFailed(path: output.path, reason: reason)
    }
  }

  /// Paths come from slugs, but a wrong one must never escape the output folder.
  static func checkPath(_ path: String) throws {
    // Byte by byte rather than split into components: every file of the site passes here.
    var isSafe = !path.isEmpty
    var componentStart = 0
    var dots = 0
    var position = 0
    for byte in path.utf8 {
      if byte == 0 { isSafe = false }
      if byte == UInt8(ascii: "/") {
        // An empty component (a leading, doubled or trailing slash), `.` or `..`.
        if position == componentStart || dots == position - componentStart && dots <= 2 { isSafe = false }
        componentStart = position + 1
        dots = 0
      } else if byte == UInt8(ascii: ".") {
        dots += 1
      }
      position += 1
    }
    if position == componentStart || dots == position - componentStart && dots <= 2 { isSafe = false }
    guard isSafe else {
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
  /// What the target and the published tree hold, by path.
  let known: [String: KnownSums]
  /// `target`'s path and `reference`'s, made once: every file's path is joined to one of them.
  private let targetPath: String
  private let referencePath: String?
  // Guards everything below; files are written outside it.
  private let lock = NSLock()
  /// Files that were longer, cut to their new size on a thread of their own (see `FileCuts`).
  private let cuts = FileCuts()
  private var sums: [String: FileSum] = [:]
  private var outcome = OutputPublisher.Outcome(written: 0, unchanged: 0, removed: 0)

  /// The files and folders the target held before the first write.
  let existing: TreeListing

  init(target: URL, reference: URL?, known: [String: KnownSums], existing: TreeListing) {
    self.target = target
    self.reference = reference
    self.known = known
    self.existing = existing
    targetPath = target.path
    referencePath = reference?.path
    // A site usually has the files it had: room for them at once, where growing the table a
    // doubling at a time hashed every path written so far again, with the other core waiting
    // for the lock.
    sums.reserveCapacity(known.count)
  }

  func write(_ file: OutputFile) throws {
    try file.contents.withUnsafeBytes { try write(path: file.path, contents: $0) }
  }

  func write(path relative: String, contents: UnsafeRawBufferPointer) throws {
    try OutputPublisher.checkPath(relative)
    let sum = FileSum(of: contents)
    lock.lock()
    let isNew = sums.updateValue(sum, forKey: relative) == nil
    lock.unlock()
    guard isNew else { throw SiteError.writeFailed(path: relative, reason: "generated twice") }
    let known = self.known[relative]
    let path = targetPath + "/" + relative
    var changed = known?.target != sum
    if !changed {
      // Same bytes as the tree holds: only its permissions and time may need mending. One with
      // other hard links (a `cp -al` copy) is written anew instead, as a changed one would be:
      // mending the shared inode would change the copy too.
      changed = try !mendUnchangedFile(
        at: path, isServedAsIs: referencePath == nil || known?.reference == sum)
    }
    if changed {
      let isLonger = try FileBytes.replace(
        path, with: contents,
        makeFolder: {
          // A missing folder is made on the first write into it; another thread may be making it too.
          try createFolder(String(path[..<path.lastIndex(of: "/")!]))
        }, mayRemoveFolder: { !holdsWrittenFiles(below: relative) })
      // The same bytes as the published file: keep its time, so nothing looks changed to rsync.
      // A file still to be cut takes the time after the cut, which sets it.
      let timeSource = known?.reference == sum ? referencePath.map { $0 + "/" + relative } : nil
      if isLonger {
        cuts.cut(path, to: contents.count, thenTakingTimeFrom: timeSource)
      } else if let timeSource {
        Self.copyModificationTime(from: timeSource, to: path)
      }
    }
    lock.lock()
    if changed { outcome.written += 1 } else { outcome.unchanged += 1 }
    lock.unlock()
  }

  /// Whether this build writes the file at `relative`.
  private func isWritten(_ relative: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return sums[relative] != nil
  }

  /// Whether this build writes any file below the folder `relative`. Asked only when a folder
  /// stands where a file goes, which a build into its own tree seldom meets: a scan will do.
  private func holdsWrittenFiles(below relative: String) -> Bool {
    let prefix = relative + "/"
    lock.lock()
    defer { lock.unlock() }
    return sums.keys.contains { $0.hasPrefix(prefix) }
  }

  /// Waits until every file left longer than its new bytes is cut; throws the first cut that
  /// failed. Call it after the last write and before anything describes the tree.
  func finishCuts() throws {
    try cuts.finish()
  }

  /// What each file written holds, by path.
  var writtenSums: [String: FileSum] {
    lock.lock()
    defer { lock.unlock() }
    return sums
  }

  /// Deletes what was not written; says what was done. Throws when a file the site no longer
  /// has cannot be removed: published, the tree would still serve it (a removed role's page).
  func finish() throws -> OutputPublisher.Outcome {
    lock.lock()
    defer { lock.unlock() }
    outcome.removed = try removeFiles(notIn: sums)
    return outcome
  }

  /// Makes the folder at `path` in the target, with the folders above it. A file (or link) the
  /// tree held before standing where one of them goes is removed first: the tree is permsite's
  /// own, and every build would otherwise fail at it. One this build wrote is left, and the write
  /// fails: the site names a file and a folder alike.
  private func createFolder(_ path: String) throws {
    if (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil {
      return
    }
    var relative = ""
    for part in path.dropFirst(targetPath.count + 1).split(separator: "/") {
      relative += (relative.isEmpty ? "" : "/") + part
      var status = stat()
      let full = targetPath + "/" + relative
      if lstat(full, &status) == 0 && (status.st_mode & S_IFMT) != S_IFDIR && !isWritten(relative) {
        unlink(full)
      }
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw SiteError.writeFailed(path: path, reason: error.localizedDescription)
    }
  }

  /// Gives the unchanged file at `path` back the permissions of a new file, and the present
  /// time unless `isServedAsIs` (the published tree serves the same bytes); returns false, having
  /// changed nothing, when the file must be written anew: gone, not a plain file, or hard-linked.
  private func mendUnchangedFile(at path: String, isServedAsIs: Bool) throws -> Bool {
    var status = stat()
    guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_nlink == 1 else {
      return false
    }
    try FileBytes.mendPermissions(of: path, currentMode: status.st_mode, to: FileBytes.fileMode)
    // The tree holds these bytes from two builds ago, but the published site served others
    // since: left alone, the page's time would go back, and a server answering If-Modified-Since
    // from it would tell a browser holding the newer page to keep it. (With the published tree's
    // digest list lost, every unchanged file is taken for such a one: rsync then sends them once.)
    if !isServedAsIs {
      guard utimensat(AT_FDCWD, path, nil, AT_SYMLINK_NOFOLLOW) == 0 else {
        throw SiteError.writeFailed(path: path, reason: systemErrorText())
      }
    }
    return true
  }

  fileprivate static func copyModificationTime(from source: String, to destination: String) {
    var status = stat()
    guard stat(source, &status) == 0 else { return }
    var times = [status.st_atim, status.st_mtim]
    _ = utimensat(AT_FDCWD, destination, &times, 0)
  }

  /// Deletes files (and then empty folders) the site no longer has. Returns how many files went.
  private func removeFiles(notIn wanted: [String: FileSum]) throws -> Int {
    // The listing of the tree made when the build began (see `prepare()`), rather than the digest
    // list: a file put into the tree by hand is named by no list, and the tree must end up
    // holding the site alone. A file this build wrote is wanted, whether the listing saw it or
    // not; one put there by hand while the build ran is left for the next build into this tree.
    var removed = 0
    for relative in existing.files where wanted[relative] == nil {
      let path = target.path + "/" + relative
      if unlink(path) == 0 {
        removed += 1
      } else if errno != ENOENT && errno != ENOTDIR && errno != EISDIR {
        // Gone already is as good as removed: with its folder, when this build wrote a file where
        // the folder stood (ENOTDIR). A folder now standing there was made by this build where a
        // file stood (see `createFolder`), or is left to the folders below.
        throw SiteError.cannotRemove(path: path, reason: systemErrorText())
      }
    }
    // Deepest first, so a folder is empty when its turn comes; a non-empty one stays.
    for relative in existing.folders.sorted(by: { $0.count > $1.count }) {
      rmdir(target.path + "/" + relative)
    }
    return removed
  }
}

/// The files and folders below a folder, relative to it, as `readdir` lists them.
struct TreeListing: Sendable {
  var files: [String] = []
  var folders: [String] = []
  /// Symbolic links: no tree of permsite's holds one, and a build removes them before writing
  /// (a link to a folder would have the site's files written outside the tree).
  var links: [String] = []
  /// Folders (the root as "") whose permissions are not `FileBytes.folderMode`; a build gives
  /// them back before writing (see `mendFolders(of:)`).
  var foldersWithOtherModes: [String] = []
  /// Folders among those that could not be read (a build not run by root, after a `chmod 000`):
  /// listed once their permissions are mended.
  var unreadFolders: [String] = []

  /// Gives the folders of `foldersWithOtherModes` below `root` the permissions of new ones, and
  /// adds what the folders that could not be read hold.
  mutating func mendFolders(of root: String) throws {
    // Listing a folder once mended may find more below it; each is mended and listed once.
    var mended = Set<String>()
    while !foldersWithOtherModes.isEmpty {
      let mending = foldersWithOtherModes.filter { mended.insert($0).inserted }
      let unread = unreadFolders
      foldersWithOtherModes = []
      unreadFolders = []
      for folder in mending {
        let path = folder.isEmpty ? root : root + "/" + folder
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else { continue }
        try FileBytes.mendPermissions(of: path, currentMode: status.st_mode, to: FileBytes.folderMode)
      }
      for folder in unread where mending.contains(folder) { Self.walk(root: root, folder, into: &self) }
    }
  }

  /// The listing of `root`; empty when it does not exist.
  init(of root: String) {
    Self.walk(root: root, "", into: &self)
  }

  /// The paths of `listed` that are not among the listing's files; `isListed` says whether a
  /// path is one of `listed`. The listing names each file once, so when as many of its files are
  /// listed as `listed` has, none is missing and no set of the listing is made: the usual case.
  func missing(of listed: some Collection<String>, isListed: (String) -> Bool) -> [String] {
    var found = 0
    for file in files where isListed(file) { found += 1 }
    guard found < listed.count else { return [] }
    let present = Set(files)
    return listed.filter { !present.contains($0) }
  }

  /// Lists with `readdir`, which names each entry's type without a `stat` per file: the tree
  /// holds one file per principal.
  private static func walk(root: String, _ relative: String, into listing: inout TreeListing) {
    guard let folder = opendir(relative.isEmpty ? root : root + "/" + relative) else {
      // Its permissions taken away: mended before the first write, then listed.
      if errno == EACCES {
        listing.foldersWithOtherModes.append(relative)
        listing.unreadFolders.append(relative)
      }
      return
    }
    defer { closedir(folder) }
    var status = stat()
    if fstat(dirfd(folder), &status) == 0 && FileBytes.mended(status.st_mode, to: FileBytes.folderMode) != nil
    {
      listing.foldersWithOtherModes.append(relative)
    }
    while let entry = readdir(folder) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard name != ".", name != ".." else { continue }
      let child = relative.isEmpty ? name : relative + "/" + name
      var isFolder = Int32(entry.pointee.d_type) == DT_DIR
      var isLink = Int32(entry.pointee.d_type) == DT_LNK
      if Int32(entry.pointee.d_type) == DT_UNKNOWN {
        var status = stat()
        let type = lstat(root + "/" + child, &status) == 0 ? status.st_mode & S_IFMT : 0
        isFolder = type == S_IFDIR
        isLink = type == S_IFLNK
      }
      if isLink {
        listing.links.append(child)
      } else if isFolder {
        listing.folders.append(child)
        walk(root: root, child, into: &listing)
      } else {
        listing.files.append(child)
      }
    }
  }
}

/// What the digest lists say a file holds in the tree being rewritten and in the published tree.
struct KnownSums: Sendable {
  var target: FileSum?
  var reference: FileSum?
}

/// The size and a 128-bit digest of a file's bytes: enough to tell, without reading the published
/// file, that a new file holds the same bytes. Not cryptographic; the trees are permsite's own.
struct FileSum: Hashable, Sendable {
  var size: Int
  var high: UInt64
  var low: UInt64

  init(size: Int, high: UInt64, low: UInt64) {
    self.size = size
    self.high = high
    self.low = low
  }

  /// The size and digest of `bytes`.
  init(of bytes: UnsafeRawBufferPointer) {
    let digest = ContentDigest(of: bytes)
    self.init(size: bytes.count, high: digest.high, low: digest.low)
  }
}

/// The list of a tree's files and their digests: `HIGH LOW SIZE PATH` per line, in no particular
/// order, hexadecimal digests and a decimal size.
enum TreeSums {
  /// The list, or nothing when it is missing or damaged: every file is then written again.
  static func read(_ url: URL) -> [String: FileSum] {
    guard let data = FileManager.default.contents(atPath: url.path) else { return [:] }
    // Parsed byte by byte: the list has a line per file of the site (read on another thread
    // from the start of the build, see `prepare()`).
    return data.withUnsafeBytes { raw -> [String: FileSum] in
      let bytes = raw.bindMemory(to: UInt8.self)
      var sums: [String: FileSum] = [:]
      sums.reserveCapacity(bytes.count / 80)
      var position = 0
      func hex() -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        while position < bytes.count, bytes[position] != UInt8(ascii: " ") {
          let byte = bytes[position]
          let digit: UInt8
          switch byte {
          case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
          case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
          default: return nil
          }
          value = value << 4 | UInt64(digit)
          digits += 1
          position += 1
        }
        guard digits > 0, digits <= 16, position < bytes.count else { return nil }
        position += 1
        return value
      }
      func decimal() -> Int? {
        var value = 0
        var digits = 0
        while position < bytes.count, bytes[position] != UInt8(ascii: " ") {
          let byte = bytes[position]
          guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 else { return nil }
          value = value * 10 + Int(byte - UInt8(ascii: "0"))
          digits += 1
          position += 1
        }
        guard digits > 0, position < bytes.count else { return nil }
        position += 1
        return value
      }
      while position < bytes.count {
        guard let high = hex(), let low = hex(), let size = decimal() else { return [:] }
        let start = position
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
        guard position > start else { return [:] }
        let path = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        sums[path] = FileSum(size: size, high: high, low: low)
        position += 1
      }
      return sums
    }
  }

  /// Writes the list through a temporary file, so a killed build never leaves half a list.
  static func write(_ sums: [String: FileSum], to url: URL) throws {
    // Bytes in the dictionary's order, not sorted: the list is read back into a dictionary, and
    // it is written at the end of the build while the other core waits.
    var bytes: [UInt8] = []
    bytes.reserveCapacity(sums.count * 100)
    for (path, sum) in sums {
      appendHex(sum.high, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      appendHex(sum.low, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      appendDecimal(sum.size, to: &bytes)
      bytes.append(UInt8(ascii: " "))
      bytes.appendUTF8(path)
      bytes.append(UInt8(ascii: "\n"))
    }
    let temporary = url.appendingPathExtension("new")
    do {
      try Data(bytes).write(to: temporary)
    } catch {
      throw SiteError.writeFailed(path: temporary.path, reason: error.localizedDescription)
    }
    guard rename(temporary.path, url.path) == 0 else {
      throw SiteError.writeFailed(path: url.path, reason: systemErrorText())
    }
  }
}

/// `value` in decimal, as `String(value)` writes it, without making a string for each line.
private func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
  if value < 0 { bytes.append(UInt8(ascii: "-")) }
  var magnitude = value.magnitude
  var divisor: UInt = 1
  while divisor <= magnitude / 10 { divisor *= 10 }
  repeat {
    bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
    magnitude %= divisor
    divisor /= 10
  } while divisor > 0
}

/// `value` in lower-case hexadecimal without leading zeros, as `String(value, radix: 16)` writes it.
private func appendHex(_ value: UInt64, to bytes: inout [UInt8]) {
  let digits: StaticString = "0123456789abcdef"
  var shift = max(0, (63 - value.leadingZeroBitCount) / 4 * 4)
  while shift >= 0 {
    bytes.append(digits.utf8Start[Int((value >> UInt64(shift)) & 0xF)])
    shift -= 4
  }
}

/// Files cut to a shorter size one after another on a queue of their own, while the threads that
/// render go on. Cutting a file by a block waits for the disk where it is mounted with `discard`
/// (about 0.2 ms a file here, most of it waiting, not working): a night on which teams removed
/// permissions shortens many pages, and each cut held up the thread rendering them.
final class FileCuts: @unchecked Sendable {
  // Unchecked: `firstError` is guarded by `lock`; the queue runs one cut at a time.
  private let queue = DispatchQueue(label: "permsite.file-cuts")
  private let lock = NSLock()
  private var firstError: SiteError?

  /// Cuts the file at `path` to `size` bytes, then gives it the modification time of the file
  /// at `timeSource`, when given (a cut sets the time).
  func cut(_ path: String, to size: Int, thenTakingTimeFrom timeSource: String?) {
    queue.async { [self] in
      guard truncate(path, off_t(size)) == 0 else {
        let error = SiteError.writeFailed(path: path, reason: systemErrorText())
        lock.lock()
        if firstError == nil { firstError = error }
        lock.unlock()
        return
      }
      if let timeSource { TreeSync.copyModificationTime(from: timeSource, to: path) }
    }
  }

  /// Waits for every cut asked for; throws the first that failed.
  func finish() throws {
    queue.sync {}
    lock.lock()
    defer { lock.unlock() }
    if let firstError { throw firstError }
  }
}

/// What the last failed system call left in `errno`, as a reason to print.
private func systemErrorText() -> String { String(cString: strerror(errno)) }

/// Writing files with plain POSIX calls: one open per file and no reads. A changed file is
/// overwritten in place without truncating first, which keeps its blocks: freeing and allocating
/// them is what costs most on a disk mounted with `discard` (see the README's performance notes).
enum FileBytes {
  /// The permissions asked for when a file is made; the process's umask takes from them.
  private static let newFileMode: mode_t = 0o644
  /// The permissions asked for when a folder is made (as `FileManager` does).
  private static let newFolderMode: mode_t = 0o777

  /// The permissions a file made now gets. A tree's files are given them back when they differ
  /// (changed by hand, or by a copy): a page the web server may no longer read would otherwise
  /// stay so, whatever the builds wrote into it.
  static let fileMode: mode_t = newFileMode & ~creationMask
  /// The permissions a folder made now gets, given back to a tree's folders as `fileMode` is.
  static let folderMode: mode_t = newFolderMode & ~creationMask

  /// The process's umask, read without changing it (`umask()` can only be read by setting it,
  /// which would race with files being made on other threads).
  private static let creationMask: mode_t = {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
      let mask = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8)
    else { return 0o022 }
    return mask
  }()

  /// The mode to give a file or folder whose mode is `current` so that its permissions are
  /// `permissions` (the setgid and sticky bits it has kept: a setgid folder gives new pages the
  /// web server's group); nil when they already are.
  static func mended(_ current: mode_t, to permissions: mode_t) -> mode_t? {
    current & 0o777 == permissions ? nil : (current & 0o7000) | permissions
  }

  /// Gives the file or folder at `path`, whose mode is `currentMode`, the permissions
  /// `permissions` when it has others (see `mended(_:to:)`).
  static func mendPermissions(of path: String, currentMode: mode_t, to permissions: mode_t) throws {
    guard let mode = mended(currentMode, to: permissions) else { return }
    guard chmod(path, mode) == 0 else {
      throw SiteError.writeFailed(path: path, reason: systemErrorText())
    }
  }

  /// Makes the file at `path` start with `bytes`, calling `makeFolder` when its folder is missing
  /// (or a file stands in the way of it), and returns whether it is longer than `bytes`: its old
  /// end is left for the caller to cut (see `FileCuts`).
  ///
  /// Only a plain file of the tree's own is overwritten in place. Anything else at `path` is
  /// removed first and a new file made: a symbolic link (written through, it would change a file
  /// outside the tree), a file with other hard links (a copy made with `cp -al` would change with
  /// it) and a folder (when `mayRemoveFolder` allows). Its size is the file's own, not what the
  /// digest list says: a file changed by hand keeps no stale end.
  static func replace(
    _ path: String, with bytes: UnsafeRawBufferPointer, makeFolder: () throws -> Void,
    mayRemoveFolder: () -> Bool = { true }
  ) throws -> Bool {
    let flags = O_WRONLY | O_CREAT | O_NOFOLLOW
    var descriptor = open(path, flags, newFileMode)
    // A folder above the file missing (ENOENT), or a file standing where one goes (ENOTDIR).
    if descriptor < 0 && (errno == ENOENT || errno == ENOTDIR) {
      try makeFolder()
      descriptor = open(path, flags, newFileMode)
    }
    func failure() -> SiteError {
      SiteError.writeFailed(path: path, reason: systemErrorText())
    }
    /// Removes what is at `path` and makes an empty file there.
    func madeAnew() throws -> Int32 {
      var removal: (any Error)?
      do { try FileManager.default.removeItem(atPath: path) } catch { removal = error }
      let made = open(path, flags | O_EXCL, newFileMode)
      guard made >= 0 else {
        // What kept the old one there says more than that it is still there.
        if errno == EEXIST, let removal {
          throw SiteError.writeFailed(path: path, reason: removal.localizedDescription)
        }
        throw failure()
      }
      return made
    }
    var status = stat()
    // A link (ELOOP), a folder where the file goes (EISDIR) unless `mayRemoveFolder` says it
    // holds what must stay, or a file whose permissions were taken away by hand (EACCES, for a
    // build not run by root): none is the tree's own.
    if descriptor < 0 && (errno == ELOOP || errno == EACCES || (errno == EISDIR && mayRemoveFolder())) {
      descriptor = try madeAnew()
    } else {
      guard descriptor >= 0 else { throw failure() }
      guard fstat(descriptor, &status) == 0 else {
        close(descriptor)
        throw failure()
      }
      if status.st_nlink > 1 || (status.st_mode & S_IFMT) != S_IFREG {
        close(descriptor)
        descriptor = try madeAnew()
        status = stat()
      } else if let mode = mended(status.st_mode, to: fileMode) {
        guard fchmod(descriptor, mode) == 0 else {
          close(descriptor)
          throw failure()
        }
      }
    }
    defer { close(descriptor) }
    // A page written in part must first be read from the disk when the file held bytes there and
    // the page has left the cache. Nearly every file overwritten in place ends within such a page:
    // by the next night the tree written two nights before has left the cache, and those reads,
    // one for each file and inside the write, took longer than rendering the whole site. Such a
    // file is written to the end of that page (zeros after the new bytes) and then cut to its
    // size: a whole page is never read. A page still in the cache needs neither the zeros nor the
    // cut, which cost 1.3 s of system time for 92,778 files. Reading the last pages ahead on a
    // thread of its own instead (as builds before did) took more CPU time than writing them whole
    // (18,249 files out of the cache: 0.80-0.85 s of system time against 0.47-0.56 s), and the
    // snapshot, read meanwhile, took 2 s longer.
    let oldSize = Int(status.st_size)
    let lastPage = bytes.count / pageSize * pageSize
    let mustFillLastPage =
      bytes.count > lastPage && lastPage < oldSize
      && permsite_cached_pages(descriptor, Int64(lastPage), Int64(pageSize)) != 1
    let length = mustFillLastPage ? lastPage + pageSize : bytes.count
    try writeAll(bytes, padding: length - bytes.count, to: descriptor, path: path)
    // A file longer than what was written has blocks to free, which is slow on a disk mounted
    // with `discard`: the caller cuts it on the side. Cutting within the last page frees none.
    if oldSize > length { return true }
    if length > bytes.count {
      guard ftruncate(descriptor, off_t(bytes.count)) == 0 else { throw failure() }
    }
    return false
  }

  /// The size of a page of the page cache; at least 4 KiB, a block on the disk, should `sysconf`
  /// fail.
  static let pageSize: Int = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

  /// Zeros to write after a file's bytes, up to the end of its last page.
  // Never written after it is made, so shared by every thread.
  nonisolated(unsafe) private static let zeros: UnsafeMutableRawPointer = calloc(pageSize, 1)!

  /// Writes `bytes` and then `padding` zero bytes from the start of the file at `descriptor`, in
  /// one call unless the kernel takes less.
  private static func writeAll(
    _ bytes: UnsafeRawBufferPointer, padding: Int, to descriptor: Int32, path: String
  ) throws {
    let total = bytes.count + padding
    var offset = 0
    while offset < total {
      var parts = (iovec(), iovec())
      var count: Int32 = 0
      if offset < bytes.count {
        parts.0 = iovec(
          iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress! + offset),
          iov_len: bytes.count - offset)
        count = 1
      }
      let zerosLeft = total - max(offset, bytes.count)
      if zerosLeft > 0 {
        let part = iovec(iov_base: zeros, iov_len: zerosLeft)
        if count == 0 { parts.0 = part } else { parts.1 = part }
        count += 1
      }
      let written = withUnsafePointer(to: &parts) {
        $0.withMemoryRebound(to: iovec.self, capacity: 2) { pwritev(descriptor, $0, count, off_t(offset)) }
      }
      guard written > 0 else {
        throw SiteError.writeFailed(
          path: path, reason: written < 0 ? systemErrorText() : "nothing written (disk full?)")
      }
      offset += written
    }
  }
}
