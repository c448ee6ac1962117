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

  /// Drops the file's pages from the page cache, as a night out of use does; false where the
  /// file system keeps them anyway (tmpfs holds its files only there).
  func evict(_ file: TailPrefetch.File) -> Bool {
    #if os(Linux)
      let descriptor = open(root.appendingPathComponent(file.path).path, O_RDONLY)
      guard descriptor >= 0 else { return false }
      defer { close(descriptor) }
      fsync(descriptor)
      _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
      return TailPrefetch.isLastPageResident(root.appendingPathComponent(file.path).path, size: file.size)
        == false
    #else
      return false
    #endif
  }

  @Test func theLastTwoPagesOfAFileAreReadAhead() {
    #expect(TailPrefetch.tail(ofSize: 0, pageSize: 4096) == nil)
    #expect(TailPrefetch.tail(ofSize: 1, pageSize: 4096) == 0..<1)
    #expect(TailPrefetch.tail(ofSize: 4096, pageSize: 4096) == 0..<4096)
    #expect(TailPrefetch.tail(ofSize: 8193, pageSize: 4096) == 4096..<8193)
    #expect(TailPrefetch.tail(ofSize: 13_000, pageSize: 4096) == 8192..<13_000)
    #expect(TailPrefetch.tail(ofSize: 12_288, pageSize: 4096) == 4096..<12_288)
  }

  @Test func everyFileThereIsAskedForAndNoneIsChanged() throws {
    let files = [
      try write("teams/a/index.html", size: 13_000), try write("teams/b/index.html", size: 100),
      try write("empty.html", size: 0), TailPrefetch.File(path: "gone.html", size: 5000),
    ]
    let asked = TailPrefetch.start(root: root.path, files: files).wait()
    // The empty file has nothing to read, and the one gone since the list was written is skipped.
    #expect(asked == 2)
    #expect(try Data(contentsOf: root.appendingPathComponent("teams/a/index.html")).count == 13_000)
    #expect(try Data(contentsOf: root.appendingPathComponent("teams/b/index.html")).count == 100)
    #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("gone.html").path))
  }

  @Test func aStoppedPassEndsBeforeTheEndOfTheList() throws {
    let file = try write("page.html", size: 5000)
    let prefetch = TailPrefetch.start(root: root.path, files: Array(repeating: file, count: 1_000_000))
    prefetch.stop()
    #expect(prefetch.wait() < 1_000_000)
  }

  @Test func filesJustWrittenAreInTheCacheAndNotReadAhead() throws {
    let files = try (0..<8).map { try write("page-\($0).html", size: 6000) }
    #expect(
      TailPrefetch.isLastPageResident(root.appendingPathComponent(files[0].path).path, size: 6000) == true)
    #expect(!TailPrefetch.isMostlyUncached(root: root.path, files: files, sampleSize: 4))
    #expect(TailPrefetch.startIfCold(root: root.path, files: files) == nil)
  }

  @Test func filesOutOfTheCacheAreReadAheadAndComeBackIntoIt() throws {
    let files = try (0..<8).map { try write("page-\($0).html", size: 6000) }
    let evicted = files.map(evict)
    // Only where the file system lets pages go (not tmpfs).
    guard evicted.allSatisfy({ $0 }) else { return }
    #expect(TailPrefetch.isMostlyUncached(root: root.path, files: files, sampleSize: 8))
    let prefetch = try #require(TailPrefetch.startIfCold(root: root.path, files: files))
    #expect(prefetch.wait() == 8)
    // The reads were only asked for: wait for them a little.
    var resident = false
    for _ in 0..<100 where !resident {
      resident =
        TailPrefetch.isLastPageResident(root.appendingPathComponent(files[7].path).path, size: 6000) == true
      if !resident { usleep(10_000) }
    }
    #expect(resident)
  }

  @Test func aPreparedBuildReadsAheadATreeOutOfTheCacheAndStillWritesEveryFile() throws {
    let output = root.appendingPathComponent("output")
    let publisher = OutputPublisher(output: output)
    let pages = (0..<6).map {
      OutputFile(path: "teams/t/p\($0).html", text: String(repeating: "a", count: 9000))
    }
    // Two builds: the third rewrites the tree the first wrote.
    try publisher.publish(pages)
    try publisher.publish(pages.map { OutputFile(path: $0.path, text: "b") })
    let target = root.appendingPathComponent(".output.a")
    let listed = pages.map { TailPrefetch.File(path: $0.path, size: 9000) }
    let evicted = listed.map { file -> Bool in
      #if os(Linux)
        let descriptor = open(target.appendingPathComponent(file.path).path, O_RDONLY)
        defer { close(descriptor) }
        fsync(descriptor)
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        return TailPrefetch.isLastPageResident(target.appendingPathComponent(file.path).path, size: 9000)
          == false
      #else
        return false
      #endif
    }
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
    if evicted.allSatisfy({ $0 }) {
      #expect(preparation.readingAhead.current?.wait() == 6)
    }
  }
}
