import Foundation
import Sample
import Testing

/// The benchmark-size sample, run only on request because it writes about 8.2 GB in 28,000 files
/// (5.1 GB before last-accessed data, credential reports and recommendations). Other test targets
/// use `@testable import`, so a release build of the tests needs `-enable-testing`:
///
///     swift build -c release --build-tests -Xswiftc -enable-testing
///     PERMSITE_SAMPLE_BENCHMARK_OUT=/tmp/sample-big swift test -c release -Xswiftc -enable-testing \
///       --skip-build --filter SampleTests.benchmark
@Test(
  "Benchmark: 100,000 principals, 200 teams, 12 snapshots",
  .enabled(if: ProcessInfo.processInfo.environment["PERMSITE_SAMPLE_BENCHMARK_OUT"] != nil))
func benchmark() throws {
  let out = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PERMSITE_SAMPLE_BENCHMARK_OUT"]!)
  let start = Date()
  let summary = try SampleSite.write(
    to: out, options: SampleOptions(teams: 200, principals: 100_000, snapshots: 12), replacing: true)
  let seconds = Date().timeIntervalSince(start)
  print(summary)
  print("Generated in \((seconds * 10).rounded() / 10) s")
  #expect(summary.newestOpenUnusedPermissions > 700_000)
}
