import Dispatch
import Foundation

/// Pieces of work made on two cores and used in order on the calling thread: the caller uses each
/// piece as soon as it is made, and makes pieces itself whenever the next one it needs is not
/// ready, so neither core waits for the other while there is work left.
///
/// Recording a night applies the snapshot to every principal's history (work that splits by
/// principal) and writes the changed ones through the store's one connection (work that does
/// not): made in batches that both cores applied before the caller wrote them, the other core
/// sat idle through every write.
final class OrderedPipeline<Output: Sendable>: @unchecked Sendable {
  /// How far making may run ahead of using, in pieces: what is made waits in memory until used.
  static var lookahead: Int { 8 }

  private let count: Int
  private let make: @Sendable (Int) throws -> Output
  private let condition = NSCondition()
  // Guarded by `condition`.
  private var nextToMake = 0
  private var nextToUse = 0
  private var made: [Int: Result<Output, any Error>] = [:]
  private var helperStarted = false
  private var helperDone = false
  /// Set when the caller finished before the other thread started: it then makes nothing.
  private var helperNotNeeded = false

  private init(count: Int, make: @escaping @Sendable (Int) throws -> Output) {
    self.count = count
    self.make = make
  }

  /// Makes pieces `0..<count` with `make` on this thread and another, handing each to `use` on
  /// this thread in order. The first error thrown by either is rethrown, once the other thread
  /// has stopped.
  static func run(
    count: Int, make: @escaping @Sendable (Int) throws -> Output, use: (Int, Output) throws -> Void
  ) throws {
    let pipeline = OrderedPipeline(count: count, make: make)
    DispatchQueue.global().async { pipeline.help() }
    defer { pipeline.stopAndWait() }
    try pipeline.useAll(use)
  }

  /// The other thread: makes pieces until none is left or it may not run further ahead.
  private func help() {
    condition.lock()
    guard !helperNotNeeded else {
      condition.unlock()
      return
    }
    helperStarted = true
    while nextToMake < count {
      guard nextToMake < nextToUse + Self.lookahead else {
        condition.wait()
        continue
      }
      makeNextPiece()
      condition.broadcast()
    }
    helperDone = true
    condition.broadcast()
    condition.unlock()
  }

  private func useAll(_ use: (Int, Output) throws -> Void) throws {
    while let (index, result) = nextReady() {
      try use(index, try result.get())
    }
  }

  /// The next piece to use, made here if the other thread has not made it; nil when all are used.
  private func nextReady() -> (Int, Result<Output, any Error>)? {
    condition.lock()
    defer { condition.unlock() }
    while nextToUse < count {
      if let result = made.removeValue(forKey: nextToUse) {
        nextToUse += 1
        // The other thread may run further ahead now.
        condition.broadcast()
        return (nextToUse - 1, result)
      }
      // Not beyond the lookahead either: while the other thread was descheduled in the middle
      // of the piece needed next, this one made piece after piece, without bound (30 pieces made
      // for 6 used, under load).
      if nextToMake < count && nextToMake < nextToUse + Self.lookahead {
        makeNextPiece()
      } else {
        condition.wait()
      }
    }
    return nil
  }

  /// Claims the next piece to make and makes it, outside the lock, which the caller holds before
  /// and after.
  private func makeNextPiece() {
    let index = nextToMake
    nextToMake += 1
    condition.unlock()
    let result = Result { try make(index) }
    condition.lock()
    made[index] = result
  }

  /// Lets the other thread stop (after an error, pieces are left unmade) and waits for it, if it
  /// started: a thread that had not started by the end (every core was busy) is not waited for.
  private func stopAndWait() {
    condition.lock()
    nextToMake = count
    condition.broadcast()
    if helperStarted {
      while !helperDone { condition.wait() }
    } else {
      helperNotNeeded = true
    }
    condition.unlock()
  }
}
