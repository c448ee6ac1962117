import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Reads the last pages of the files a build will overwrite into the page cache, on a thread of
/// its own, when the tree has left the cache.
///
/// A changed file is overwritten in place (see `FileBytes.replace`). Its new end seldom falls on a
/// page boundary, and the kernel must read the old contents of a partly written page from the disk
/// before it can take the new bytes: one synchronous read for nearly every file, inside the write,
/// with both cores waiting. By the next night the tree written two nights before has usually left
/// the page cache (on this kind of machine the cache is handed back to the host within the hour),
/// and those reads took longer than rendering the whole site. Asking for the pages while the
/// snapshot is read and analysed turns them into reads the kernel does in the background
/// (`POSIX_FADV_WILLNEED`); opening each file also brings its inode in, which the write would
/// otherwise wait for too.
///
/// When the tree is still in the cache (a build soon after another) nothing is read: a sample of
/// the files is looked at first, and one file in eight out of the cache is enough to read ahead.
/// This kind of machine hands back pages idle for a minute a little at a time, so a tree written
/// a few minutes before is found partly gone: with 40 % of the files out of the cache, waiting for
/// half the sample left their reads inside the writes (write step 9.9-11.5 s against 7.0 s read
/// ahead, 100,000 principals), and at 15 % the write step still took 1.4-1.6 s longer; asking for
/// the pages of files still in the cache costs little. Only Linux reads ahead; elsewhere the pass does nothing.
final class TailPrefetch: Sendable {
  private let stopped = Atomic<Bool>(false)
  private let readsAhead = Atomic<Bool>(false)
  private let done = DispatchSemaphore(value: 0)
  private let filesAskedFor = Atomic<Int>(0)

  /// A file the build may overwrite: its path below the tree and its size as the tree's digest
  /// list records it.
  struct File: Sendable {
    var path: String
    var size: Int
  }

  private init() {}

  /// Starts a thread that looks at a sample of `files` (relative to `root`) and, when at least
  /// one in eight of it is out of the page cache, or always when `onlyIfUncached` is false, asks
  /// for the last pages of every file, in path order.
  static func start(root: String, files: [File], onlyIfUncached: Bool = true, sampleSize: Int = 64)
    -> TailPrefetch
  {
    let prefetch = TailPrefetch()
    // A thread rather than a dispatch queue: it spends its time waiting for the disk (even the
    // sample's `open` calls read inodes when the tree is out of the cache), and would hold one of
    // the few threads the queues share among the cores.
    let thread = Thread { [prefetch] in
      prefetch.run(root: root, files: files, onlyIfUncached: onlyIfUncached, sampleSize: sampleSize)
      prefetch.done.signal()
    }
    // It keeps no large values on its stack; the default 8 MB would only be reserved for nothing.
    thread.stackSize = 1 << 18
    thread.start()
    return prefetch
  }

  /// Asks the pass to end at the next file; the build calls it once every file is written, when
  /// what is left to read would serve nothing.
  func stop() {
    stopped.store(true, ordering: .relaxed)
  }

  /// Waits for the pass to end (after `stop()`, within one file); returns how many files had their
  /// last pages asked for.
  @discardableResult
  func wait() -> Int {
    done.wait()
    done.signal()
    return filesAskedFor.load(ordering: .relaxed)
  }

  /// Whether the sample was found out of the cache (or not asked about), so that the files are
  /// read ahead; final once `wait()` returns.
  var isReadingAhead: Bool { readsAhead.load(ordering: .relaxed) }

  private func run(root: String, files: [File], onlyIfUncached: Bool, sampleSize: Int) {
    #if os(Linux)
      guard !files.isEmpty else { return }
      if onlyIfUncached {
        guard Self.isPartlyUncached(root: root, files: files, sampleSize: sampleSize) else { return }
      }
      readsAhead.store(true, ordering: .relaxed)
      // In path order, so that the files of one folder, which lie close together on the disk, are
      // read one after another: the list comes from a dictionary, in no order.
      for file in files.sorted(by: { $0.path < $1.path }) {
        if stopped.load(ordering: .relaxed) { return }
        guard let range = Self.tail(ofSize: file.size) else { continue }
        let descriptor = open(root + "/" + file.path, O_RDONLY | O_CLOEXEC)
        // A file gone since the list was written is simply written anew.
        guard descriptor >= 0 else { continue }
        _ = posix_fadvise(descriptor, off_t(range.lowerBound), off_t(range.count), POSIX_FADV_WILLNEED)
        close(descriptor)
        filesAskedFor.add(1, ordering: .relaxed)
      }
    #endif
  }

  /// The bytes read ahead for a file of `size` bytes: its last two pages (the new end of a file
  /// that shrank a little falls in the one before the last), nil for an empty file.
  static func tail(ofSize size: Int, pageSize: Int = TailPrefetch.pageSize) -> Range<Int>? {
    guard size > 0 else { return nil }
    return max(0, lastPageStart(ofSize: size, pageSize: pageSize) - pageSize)..<size
  }

  /// Where the page holding the last byte of a file of `size` (> 0) bytes starts.
  static func lastPageStart(ofSize size: Int, pageSize: Int = TailPrefetch.pageSize) -> Int {
    (size - 1) / pageSize * pageSize
  }

  /// The system's page size; at least 4 KiB, the size of a block on the disk, should `sysconf`
  /// fail.
  static let pageSize: Int = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

  /// Whether at least one in eight of up to `sampleSize` files, spread over the list, have their
  /// last page out of the page cache. Looked at with `mincore`, which reads no file contents
  /// (opening a file may still read its inode).
  static func isPartlyUncached(root: String, files: [File], sampleSize: Int) -> Bool {
    var sampled = 0
    var uncached = 0
    for index in stride(from: 0, to: files.count, by: max(1, files.count / max(1, sampleSize))) {
      guard sampled < sampleSize else { break }
      let file = files[index]
      guard let resident = isLastPageResident(root + "/" + file.path, size: file.size) else { continue }
      sampled += 1
      if !resident { uncached += 1 }
    }
    return sampled > 0 && 8 * uncached >= sampled
  }

  /// Whether the last page of the file of `size` bytes at `path` is in the page cache; nil when
  /// it cannot be told (an empty or missing file, a system without `mincore`).
  static func isLastPageResident(_ path: String, size: Int) -> Bool? {
    #if os(Linux)
      guard size > 0 else { return nil }
      let descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { return nil }
      defer { close(descriptor) }
      let offset = lastPageStart(ofSize: size)
      guard let mapped = mmap(nil, pageSize, PROT_READ, MAP_SHARED, descriptor, off_t(offset)),
        mapped != MAP_FAILED
      else { return nil }
      defer { munmap(mapped, pageSize) }
      var vector: UInt8 = 0
      guard mincore(mapped, pageSize, &vector) == 0 else { return nil }
      return vector & 1 == 1
    #else
      return nil
    #endif
  }
}
