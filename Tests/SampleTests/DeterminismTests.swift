import Foundation
import Model
import Sample
import Testing

/// Relative path to contents of every file under `root`.
private func tree(_ root: URL) throws -> [String: Data] {
  var files: [String: Data] = [:]
  let manager = FileManager.default
  guard let walker = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
    return files
  }
  let prefix = root.standardizedFileURL.path + "/"
  for case let url as URL in walker
  where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
    let path = url.standardizedFileURL.path
    files[String(path.dropFirst(prefix.count))] = try Data(contentsOf: url)
  }
  return files
}

@Suite("Determinism")
struct DeterminismTests {
  @Test("The same options write byte-identical trees")
  func sameSeedSameBytes() throws {
    let first = try TemporaryFolder()
    let second = try TemporaryFolder()
    let options = SampleOptions(seed: 7, teams: 9, principals: 300, snapshots: 5)
    let summaryA = try SampleSite.write(to: first.url, options: options)
    let summaryB = try SampleSite.write(to: second.url, options: options)
    let a = try tree(first.url)
    let b = try tree(second.url)
    #expect(a.count == summaryA.filesWritten)
    #expect(a.keys.sorted() == b.keys.sorted())
    for (path, bytes) in a {
      #expect(b[path] == bytes, "\(path) differs between two runs with the same options")
    }
    #expect(summaryA.bytesWritten == summaryB.bytesWritten)
    #expect(summaryA.bytesWritten == a.values.reduce(0) { $0 + $1.count })
  }

  @Test("A different seed writes a different organisation")
  func differentSeedDifferentBytes() throws {
    let first = try TemporaryFolder()
    let second = try TemporaryFolder()
    _ = try SampleSite.write(to: first.url, options: SampleOptions(seed: 1, principals: 60, snapshots: 3))
    _ = try SampleSite.write(to: second.url, options: SampleOptions(seed: 2, principals: 60, snapshots: 3))
    let a = try tree(first.url)
    let b = try tree(second.url)
    // Account ids come from the seed, so the analysis file names differ, and so do the teams'
    // champions and account rules.
    #expect(Set(a.keys) != Set(b.keys))
    #expect(a["teams.yml"] != b["teams.yml"])
    // The hand-written procedures do not depend on the seed.
    let procedure = "content/procedures/quarterly-access-review.md"
    #expect(a[procedure] != nil && a[procedure] == b[procedure])
  }

  @Test("Generating a larger sample in parallel matches the numbers of its files")
  func parallelGenerationIsConsistent() throws {
    // Many accounts of different sizes run on all cores; the summary is merged from them.
    let sample = try LoadedSample(options: SampleOptions(seed: 3, teams: 25, principals: 1500, snapshots: 3))
    for (index, snapshot) in sample.snapshots.enumerated() {
      let open = snapshot.accounts.reduce(0) { total, account in
        total
          + account.findings.filter { $0["status"] as? String == "ACTIVE" }.reduce(0) {
            $0 + LoadedSample.unusedPermissionCount($1)
          }
      }
      #expect(open == sample.summary.openUnusedPermissions[index])
    }
    let newest = sample.snapshots.last!.accounts
    #expect(newest.reduce(0) { $0 + $1.roles.count } == sample.summary.roles)
    #expect(newest.reduce(0) { $0 + $1.users.count } == sample.summary.users)
    #expect(sample.summary.roles + sample.summary.users == 1500)
  }
}
