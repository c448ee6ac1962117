import Model
import Testing

@testable import Ingest

@Suite struct PrincipalNumbersTests {
  @Test func eachARNKeepsItsNumberEvenWhenHashesAreEqual() {
    var numbers = PrincipalNumbers(capacity: 4)
    // Equal hashes for different ARNs, as a collision would give.
    #expect(numbers.number(of: "arn:aws:iam::1:role/a", hash: 7) == 0)
    #expect(numbers.number(of: "arn:aws:iam::1:role/b", hash: 7) == 1)
    #expect(numbers.number(of: "arn:aws:iam::1:role/c", hash: 8) == 2)
    #expect(numbers.number(of: "arn:aws:iam::1:role/b", hash: 7) == 1)
    #expect(numbers.number(of: "arn:aws:iam::1:role/a", hash: 7) == 0)
    #expect(numbers.number(of: "arn:aws:iam::1:role/d", hash: 7) == 3)
    #expect(numbers.number(of: "arn:aws:iam::1:role/c", hash: 8) == 2)
    #expect(numbers.arns.map { $0.split(separator: "/").last! } == ["a", "b", "c", "d"])
  }

  @Test func chunksCoverEveryPrincipalOnceInOrder() {
    for count in [0, 1, 5, 15, 16, 17, 100, 1_000, 100_003] {
      let ranges = (0..<ObservationReconciler.chunkCount).map {
        ObservationReconciler.range(of: $0, among: count)
      }
      #expect(ranges.flatMap { Array($0) } == Array(0..<count), "\(count)")
      #expect(ranges.allSatisfy { $0.count <= max(1, (count + 15) / 16) }, "\(count)")
    }
  }
}
