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
/// snapshot is read and analysed, when the disk is otherwise idle, turns them into reads the
/// kernel does in the background (`POSIX_FADV_WILLNEED`); opening each file also brings its inode
/// in, which the write would otherwise wait for too.
///
/// When the tree is still in the cache (a build soon after another) nothing is read: a sample of
/// the files is looked at first.
final class TailPrefetch: Sendable {
  private let stopped = Atomic<Bool>(false)
  private let done = DispatchSemaphore(value: 0)
  /// How many files had their last pages asked for; final once `wait()` returns.
  private let asked = Atomic<Int>(0)

  /// A file the build may overwrite: its path below the tree and its size now.
  struct File: Sendable {
    var path: String
    var size: Int
  }

  private init() {}

  /// Starts reading ahead when most of a sample of `files` (relative to `root`) is out of the
  /// page cache; nil when the sample is in the cache or there is nothing to read.
  static func startIfCold(root: String, files: [File], sampleSize: Int = 32) -> TailPrefetch? {
    guard !files.isEmpty, isMostlyUncached(root: root, files: files, sampleSize: sampleSize) else {
      return nil
    }
    return start(root: root, files: files)
  }

  /// Starts reading ahead the last pages of every file, whatever the cache holds.
  static func start(root: String, files: [File]) -> TailPrefetch {
    let prefetch = TailPrefetch()
    // A thread rather than a dispatch queue: it spends its time waiting for the disk, and would
    // hold one of the few threads the queues share among the cores.
    let thread = Thread { [prefetch] in
      prefetch.run(root: root, files: files)
      prefetch.done.signal()
    }
    thread.stackSize = 1 << 18
    thread.start()
    return prefetch
  }

  /// Asks the running pass to end at the next file; the build calls it once every file is written,
  /// when what is left to read would serve nothing.
  func stop() {
    stopped.store(true, ordering: .relaxed)
  }

  /// Waits for the pass to end (after `stop()`, within one file); returns how many files had their
  /// last pages asked for.
  @discardableResult
  func wait() -> Int {
    done.wait()
    done.signal()
    return asked.load(ordering: .relaxed)
  }

  private func run(root: String, files: [File]) {
    for file in files {
      if stopped.load(ordering: .relaxed) { return }
      guard file.size > 0, let range = Self.tail(ofSize: file.size) else { continue }
      #if os(Linux)
        let descriptor = open(root + "/" + file.path, O_RDONLY | O_CLOEXEC)
        // A file gone since the list was written is simply written anew.
        guard descriptor >= 0 else { continue }
        _ = posix_fadvise(descriptor, off_t(range.lowerBound), off_t(range.count), POSIX_FADV_WILLNEED)
        close(descriptor)
        asked.add(1, ordering: .relaxed)
      #endif
    }
  }

  /// The bytes read ahead for a file of `size` bytes: its last two pages (the new end of a file
  /// that shrank a little falls in the one before the last), nil for an empty file.
  static func tail(ofSize size: Int, pageSize: Int = TailPrefetch.pageSize) -> Range<Int>? {
    guard size > 0 else { return nil }
    let lastPage = (size - 1) / pageSize * pageSize
    return max(0, lastPage - pageSize)..<size
  }

  /// The system's page size.
  static let pageSize: Int = max(4096, Int(sysconf(Int32(_SC_PAGESIZE))))

  /// Whether at least half of up to `sampleSize` files, spread over the list, have their last
  /// page out of the page cache. Looked at with `mincore`, which reads nothing from the disk.
  static func isMostlyUncached(root: String, files: [File], sampleSize: Int) -> Bool {
    #if os(Linux)
      let step = max(1, files.count / max(1, sampleSize))
      var sampled = 0
      var uncached = 0
      var index = 0
      while index < files.count, sampled < sampleSize {
        defer { index += step }
        let file = files[index]
        guard file.size > 0, let resident = isLastPageResident(root + "/" + file.path, size: file.size) else {
          continue
        }
        sampled += 1
        if !resident { uncached += 1 }
      }
      return sampled > 0 && 2 * uncached >= sampled
    #else
      return false
    #endif
  }

  /// Whether the last page of the file at `path` is in the page cache; nil when it cannot be told.
  static func isLastPageResident(_ path: String, size: Int) -> Bool? {
    #if os(Linux)
      let descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { return nil }
      defer { close(descriptor) }
      let offset = (size - 1) / pageSize * pageSize
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
