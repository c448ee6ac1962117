import Foundation
import Testing

@testable import History

@Suite struct OrderedPipelineTests {
  struct Failure: Error, Equatable {
    var piece: Int
  }

  @Test func everyPieceIsMadeOnceAndUsedInOrder() throws {
    let madeCount = Counter()
    var used: [Int] = []
    try OrderedPipeline.run(count: 200) { index in
      madeCount.add()
      // Uneven pieces, so that the two threads finish them out of order.
      if index % 7 == 0 { usleep(200) }
      return index * 3
    } use: { index, output in
      #expect(output == index * 3)
      used.append(index)
    }
    #expect(used == Array(0..<200))
    #expect(madeCount.value == 200)
  }

  @Test func nothingToMake() throws {
    var used = 0
    try OrderedPipeline<Int>.run(count: 0) {
      $0
    } use: { _, _ in
      used += 1
    }
    #expect(used == 0)
  }

  @Test func aFailureToMakeIsThrownWhenItsTurnComesAndThePiecesBeforeItAreUsed() {
    var used: [Int] = []
    #expect(throws: Failure(piece: 37)) {
      try OrderedPipeline.run(count: 100) { index in
        if index == 37 { throw Failure(piece: index) }
        return index
      } use: { index, _ in
        used.append(index)
      }
    }
    #expect(used == Array(0..<37))
  }

  @Test func aFailureToUseStopsTheOtherThread() {
    let madeCount = Counter()
    #expect(throws: Failure(piece: 5)) {
      try OrderedPipeline.run(count: 10_000) { index in
        madeCount.add()
        return index
      } use: { index, _ in
        if index == 5 { throw Failure(piece: index) }
      }
    }
    // Making runs at most a few pieces ahead of using.
    #expect(madeCount.value <= 5 + 1 + OrderedPipeline<Int>.lookahead + 1)
  }
}

private final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0

  func add() {
    lock.lock()
    count += 1
    lock.unlock()
  }

  var value: Int {
    lock.lock()
    defer { lock.unlock() }
    return count
  }
}
