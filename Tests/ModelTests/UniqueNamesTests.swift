import Model
import Testing

@Suite struct UniqueNamesTests {
  @Test func laterClaimsOfABaseAreNumberedSkippingTakenNames() {
    var names = UniqueNames()
    names.take("a-3")
    names.take("a-3")
    #expect(names.claim("a") == "a")
    #expect(names.claim("a") == "a-2")
    #expect(names.claim("a-2") == "a-2-2")
    #expect(names.claim("a") == "a-4")
    #expect(names.claim("a-3") == "a-3-2")
    #expect(names.claim("b") == "b")
  }

  @Test func manyClaimsGiveWhatScanningFromTwoGives() {
    var names = UniqueNames()
    var taken = Set<String>()
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<500 {
      let base = ["x", "x-2", "y", "x-3", "x-2-2"].randomElement(using: &generator)!
      var expected = base
      var suffix = 2
      while taken.contains(expected) {
        expected = "\(base)-\(suffix)"
        suffix += 1
      }
      taken.insert(expected)
      #expect(names.claim(base) == expected)
    }
  }
}
