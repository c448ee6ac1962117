import Foundation
import Testing

@testable import Site

/// Whole pages compared byte for byte with files in Golden/. After an intended change, run
/// `RECORD_GOLDEN=1 swift test --filter GoldenPageTests` to rewrite them, and review the diff.
@Suite struct GoldenPageTests {
  static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Golden")

  @Test(arguments: [
    "index.html", "teams/pay/index.html", "teams/pay/checklists/2026-Q4.html",
    "teams/pay/checklists/2026-Q4.md", "data/summary.json",
  ])
  func pageMatchesItsGoldenFile(path: String) throws {
    let actual = try #require(try Fixtures.files()[path])
    let golden = Self.goldenFolder.appendingPathComponent(path.replacingOccurrences(of: "/", with: "_"))
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
      try FileManager.default.createDirectory(at: Self.goldenFolder, withIntermediateDirectories: true)
      try Data(actual.utf8).write(to: golden)
      return
    }
    let expected = try String(contentsOf: golden, encoding: .utf8)
    #expect(
      actual == expected,
      "\(path) differs from Golden/\(golden.lastPathComponent); RECORD_GOLDEN=1 rewrites it")
  }
}
