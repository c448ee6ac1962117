import Foundation
import Testing

@testable import Ingest

#if canImport(Glibc)
  import Glibc
#endif

#if os(Linux)
  struct ReadAheadTests {
    /// How many of the pages of the file at `path` are in the page cache, and how many it has;
    /// nil when it cannot be told.
    func residentPages(_ path: String) -> (resident: Int, pages: Int)? {
      let descriptor = open(path, O_RDONLY)
      guard descriptor >= 0 else { return nil }
      defer { close(descriptor) }
      var status = stat()
      guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
      let size = Int(status.st_size)
      let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
      guard let mapped = mmap(nil, size, PROT_READ, MAP_SHARED, descriptor, 0), mapped != MAP_FAILED else {
        return nil
      }
      defer { munmap(mapped, size) }
      var vector = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
      guard mincore(mapped, size, &vector) == 0 else { return nil }
      return (vector.filter { $0 & 1 == 1 }.count, vector.count)
    }

    /// Drops the file's pages from the page cache; false where the file system keeps them anyway
    /// (tmpfs holds its files only there), and the test then checks nothing more.
    func evict(_ path: String) -> Bool {
      let descriptor = open(path, O_RDONLY)
      guard descriptor >= 0 else { return false }
      defer { close(descriptor) }
      fsync(descriptor)
      _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
      return residentPages(path)?.resident == 0
    }

    @Test func aWholeFileOutOfTheCacheComesBackAndAMissingOneIsSkipped() throws {
      let folder = try TemporaryFolder()
      defer { try? FileManager.default.removeItem(at: folder.url) }
      try folder.write("findings.json", bytes: [UInt8](repeating: UInt8(ascii: " "), count: 300_000))
      let path = folder.url.appendingPathComponent("findings.json").path
      guard evict(path) else { return }
      #expect(ReadAhead.askFor([folder.url.appendingPathComponent("gone.json").path, path]) == 1)
      // The reads were only asked for: wait for them, up to five seconds on a busy disk.
      var pages = residentPages(path)
      for _ in 0..<500 where pages.map({ $0.resident < $0.pages }) ?? true {
        usleep(10_000)
        pages = residentPages(path)
      }
      let counted = try #require(pages)
      let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
      #expect(counted.pages == (300_000 + pageSize - 1) / pageSize)
      #expect(counted.resident == counted.pages)
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 300_000)
    }
  }
#endif
