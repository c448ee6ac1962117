import Foundation
import Testing

@testable import Site

#if canImport(Glibc)
  import Glibc
#endif

/// Each test has a folder of its own, `root`, removed when the test ends.
@Suite final class TailPrefetchTests {
  let root: URL

  init() throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("prefetch-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(at: root)
  }

  /// Writes `size` bytes to `path` below `root` and returns the file as the prefetch lists it.
  func write(_ path: String, size: Int) throws -> TailPrefetch.File {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(repeating: UInt8(ascii: "x"), count: size).write(to: url)
    return TailPrefetch.File(path: path, size: size)
  }

  @Test func theLastTwoPagesOfAFileAreReadAhead() {
    #expect(TailPrefetch.tail(ofSize: 0, pageSize: 4096) == nil)
    #expect(TailPrefetch.tail(ofSize: 1, pageSize: 4096) == 0..<1)
    #expect(TailPrefetch.tail(ofSize: 4096, pageSize: 4096) == 0..<4096)
    #expect(TailPrefetch.tail(ofSize: 4097, pageSize: 4096) == 0..<4097)
    #expect(TailPrefetch.tail(ofSize: 8192, pageSize: 4096) == 0..<8192)
    #expect(TailPrefetch.tail(ofSize: 8193, pageSize: 4096) == 4096..<8193)
    #expect(TailPrefetch.tail(ofSize: 12_288, pageSize: 4096) == 4096..<12_288)
    #expect(TailPrefetch.tail(ofSize: 13_000, pageSize: 4096) == 8192..<13_000)
  }

  #if os(Linux)
    /// Drops the pages of the file at `path` (below `folder`, `root` by default) from the page
    /// cache, as a night out of use does; false where the file system keeps them anyway (tmpfs holds
    /// its files only there), and the tests that need it then check nothing more.
    func evict(_ path: String, size: Int, in folder: URL? = nil) -> Bool {
      let url = (folder ?? root).appendingPathComponent(path)
      let descriptor = open(url.path, O_RDONLY)
      guard descriptor >= 0 else { return false }
      defer { close(descriptor) }
      fsync(descriptor)
      _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
      return TailPrefetch.isLastPageResident(url.path, size: size) == false
    }

    @Test func everyFileThereIsAskedForAndNoneIsChanged() throws {
      let files = [
        try write("teams/a/index.html", size: 13_000), try write("teams/b/index.html", size: 100),
        try write("empty.html", size: 0), TailPrefetch.File(path: "gone.html", size: 5000),
      ]
      let prefetch = TailPrefetch.start(root: root.path, files: files, onlyIfUncached: false)
      // The empty file has nothing to read, and the one gone since the list was written is skipped.
      #expect(prefetch.wait() == 2)
      #expect(prefetch.isReadingAhead)
      #expect(
        try Data(contentsOf: root.appendingPathComponent("teams/a/index.html"))
          == Data(repeating: 0x78, count: 13_000))
      #expect(
        try Data(contentsOf: root.appendingPathComponent("teams/b/index.html"))
          == Data(repeating: 0x78, count: 100))
      #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("gone.html").path))
    }

    @Test func aStoppedPassEndsBeforeTheEndOfTheList() throws {
      let file = try write("page.html", size: 5000)
      let prefetch = TailPrefetch.start(
        root: root.path, files: Array(repeating: file, count: 1_000_000), onlyIfUncached: false)
      prefetch.stop()
      #expect(prefetch.wait() < 1_000_000)
    }

    @Test func filesJustWrittenAreInTheCacheAndNotReadAhead() throws {
      let files = try (0..<8).map { try write("page-\($0).html", size: 6000) }
      #expect(
        TailPrefetch.isLastPageResident(root.appendingPathComponent(files[0].path).path, size: 6000) == true)
      #expect(
        TailPrefetch.isLastPageResident(root.appendingPathComponent(files[0].path).path, size: 0) == nil)
      #expect(!TailPrefetch.isPartlyUncached(root: root.path, files: files, sampleSize: 4))
      let prefetch = TailPrefetch.start(root: root.path, files: files)
      #expect(prefetch.wait() == 0)
      #expect(!prefetch.isReadingAhead)
    }

    @Test func filesOutOfTheCacheAreReadAheadAndComeBackIntoIt() throws {
      let files = try (0..<8).map { try write("page-\($0).html", size: 6000) }
      guard files.map({ evict($0.path, size: $0.size) }).allSatisfy({ $0 }) else { return }
      #expect(TailPrefetch.isPartlyUncached(root: root.path, files: files, sampleSize: 8))
      let prefetch = TailPrefetch.start(root: root.path, files: files)
      #expect(prefetch.wait() == 8)
      #expect(prefetch.isReadingAhead)
      // The reads were only asked for: wait for them, up to five seconds on a busy disk.
      let last = root.appendingPathComponent(files[7].path).path
      var resident = false
      for _ in 0..<500 where !resident {
        resident = TailPrefetch.isLastPageResident(last, size: 6000) == true
        if !resident { usleep(10_000) }
      }
      #expect(resident)
    }

    /// The page cache here hands back pages idle for a minute a little at a time, so a build soon
    /// after another finds part of its tree gone: one file in eight is enough to read ahead.
    @Test func oneFileInEightOutOfTheCacheIsEnoughToReadAhead() throws {
      let files = try (0..<16).map { try write("page-\($0).html", size: 6000) }
      guard evict(files[3].path, size: 6000) else { return }
      #expect(!TailPrefetch.isPartlyUncached(root: root.path, files: files, sampleSize: 16))
      guard evict(files[11].path, size: 6000) else { return }
      #expect(TailPrefetch.isPartlyUncached(root: root.path, files: files, sampleSize: 16))
      let prefetch = TailPrefetch.start(root: root.path, files: files, sampleSize: 16)
      #expect(prefetch.wait() == 16)
      #expect(prefetch.isReadingAhead)
    }

    @Test func aPreparedBuildReadsAheadATreeOutOfTheCacheAndStopsOnceWritten() throws {
      let output = root.appendingPathComponent("output")
      let publisher = OutputPublisher(output: output)
      let pages = (0..<6).map {
        OutputFile(path: "teams/t/p\($0).html", text: String(repeating: "a", count: 9000))
      }
      // Two builds: the third rewrites the tree the first wrote.
      try publisher.publish(pages)
      try publisher.publish(pages.map { OutputFile(path: $0.path, text: "b") })
      let target = root.appendingPathComponent(".output.a")
      let evicted = pages.map { evict($0.path, size: 9000, in: target) }.allSatisfy { $0 }
      let preparation = publisher.prepare()
      let changed = pages.map { OutputFile(path: $0.path, text: String(repeating: "c", count: 8000)) }
      let outcome = try publisher.publish(key: nil, preparedAs: preparation) { sink in
        for page in changed { try sink.write(page) }
      }
      #expect(outcome.written == 6)
      for page in changed {
        #expect(
          try String(contentsOf: output.appendingPathComponent(page.path), encoding: .utf8)
            == String(decoding: page.contents, as: UTF8.self))
      }
      let prefetch = try #require(preparation.readingAhead.prefetch)
      // Publishing stopped it: waiting ends however far it got.
      prefetch.wait()
      if evicted { #expect(prefetch.isReadingAhead) }
    }

    @Test func aReadingAheadStoppedBeforeItStartsNeverStarts() throws {
      _ = try write("page.html", size: 5000)
      let trees = OutputPublisher.Trees(
        published: nil, target: root,
        sums: ["page.html": KnownSums(target: FileSum(size: 5000, high: 1, low: 2))],
        existing: TreeListing(of: root.path))
      let stoppedFirst = OutputPublisher.Preparation.ReadingAhead()
      stoppedFirst.stop()
      stoppedFirst.start(for: trees)
      #expect(stoppedFirst.prefetch == nil)
      let startedFirst = OutputPublisher.Preparation.ReadingAhead()
      startedFirst.start(for: trees)
      let prefetch = try #require(startedFirst.prefetch)
      startedFirst.stop()
      prefetch.wait()
    }
  #endif
}
