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

@Suite struct UTF8BytesTests {
  @Test func appendingAStringAddsExactlyItsUTF8() {
    // Empty, small (stored inside the string value), large, non-ASCII, and a string made from
    // a slice of another: each way a string may hold its bytes.
    let large = String(repeating: "s3:GetObjectVersion,", count: 40)
    let texts = ["", "a", "s3:GetObject", "ünïcödé ✓ 🚀", large, String(large.dropFirst(3).prefix(50))]
    for text in texts {
      var bytes: [UInt8] = [0x7B]
      bytes.appendUTF8(text)
      #expect(bytes == [0x7B] + Array(text.utf8))
      #expect(text.withUTF8Bytes { Array($0) } == Array(text.utf8))
    }
  }

  @Test func joiningPutsTheSeparatorBetweenEachTwoParts() {
    #expect(
      String(joining: ["s3:GetObject", "s3:PutObject", "iam:ListRoles"], separator: ", ")
        == "s3:GetObject, s3:PutObject, iam:ListRoles")
    #expect(String(joining: ["only"], separator: ", ") == "only")
    #expect(String(joining: [], separator: ", ") == "")
    #expect(String(joining: ["", ""], separator: "–") == "–")
    #expect(String(joining: ["ü", "✓"], separator: " · ") == "ü · ✓")
  }

  @Test func concatenatingGivesThePartsOneAfterAnother() {
    let large = String(repeating: "s3:GetObjectVersion,", count: 40)
    let sliced = String(large.dropFirst(3).prefix(50))
    #expect(
      String(concatenating: "Remove ", "s3", ":", "GetObject", " from ", "the role's", " policies")
        == "Remove s3:GetObject from the role's policies")
    #expect(String(concatenating: "", "", "") == "")
    #expect(String(concatenating: "") == "")
    #expect(String(concatenating: "a", "", "b") == "ab")
    #expect(String(concatenating: "ünï", "cödé ✓ ", "🚀") == "ünïcödé ✓ 🚀")
    #expect(String(concatenating: large, sliced, "x") == large + sliced + "x")
    // Short results are small strings, long ones are stored; both compare and hash as usual.
    let short = String(concatenating: "iam", ":", "ListRoles")
    #expect(short == "iam:ListRoles" && short.hashValue == "iam:ListRoles".hashValue)
  }
}

/// Arrays are reordered by swapping along the order's cycles (principals into ARN order): every
/// permutation of up to six elements, and shuffles of longer lists, must come out as picking by
/// index does.
@Suite struct PermutationTests {
  @Test func swappingAlongCyclesPicksWhatTheOrderSays() {
    func check(_ order: [Int]) {
      var elements = order.indices.map { "element \($0)" }
      let expected = order.map { elements[$0] }
      elements.permute(into: order)
      #expect(elements == expected, "order \(order)")
    }
    func permutations(_ count: Int) -> [[Int]] {
      guard count > 0 else { return [[]] }
      return permutations(count - 1).flatMap { shorter in
        (0...shorter.count).map { position in
          var longer = shorter
          longer.insert(count - 1, at: position)
          return longer
        }
      }
    }
    for count in 0...6 { permutations(count).forEach(check) }
    var generator = SystemRandomNumberGenerator()
    for count in [50, 1_000] {
      for _ in 0..<20 { check(Array(0..<count).shuffled(using: &generator)) }
    }
  }
}
