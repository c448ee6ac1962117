import Foundation
import Sample
import Testing

/// The benchmark-size sample, run only on request because it writes about 5 GB:
///
///     swift build -c release --build-tests
///     PERMSITE_SAMPLE_BENCHMARK_OUT=/tmp/sample-big swift test -c release --skip-build \
///       --filter SampleTests.benchmark
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
