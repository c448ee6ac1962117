import Model
import Testing

@Suite struct InPlaceTests {
  let words = ["alpha", "beta", "gamma", "delta", "epsilon"]

  @Test func countContainsAndFilterAgreeWithTheLibrary() {
    #expect(words.countInPlace { $0.pointee.count == 5 } == 3)
    #expect(words.containsInPlace { $0.pointee.hasPrefix("eps") })
    #expect(!words.containsInPlace { $0.pointee.isEmpty })
    #expect(words.filterInPlace { $0.pointee.contains("l") } == ["alpha", "delta", "epsilon"])
  }

  @Test func forEachVisitsEveryElementInOrder() {
    var seen: [String] = []
    words.forEachInPlace { seen.append($0.pointee) }
    #expect(seen == words)
  }

  @Test func anEmptyArrayHasNothingToVisit() {
    let empty: [String] = []
    #expect(empty.countInPlace { _ in true } == 0)
    #expect(!empty.containsInPlace { _ in true })
    #expect(empty.filterInPlace { _ in true }.isEmpty)
    var visited = false
    empty.forEachInPlace { _ in visited = true }
    #expect(!visited)
  }
}
