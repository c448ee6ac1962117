import Dispatch

/// Runs independent parts of a job on the host's cores at once: the nightly build has two, and a
/// night's decoding and encoding of histories is work that splits cleanly by principal.
enum Parallel {
  /// How many parts to split work into.
  static let parts = 2

  /// `range` cut into `parts` consecutive pieces of nearly equal size (some may be empty).
  static func split(_ range: Range<Int>, into parts: Int = parts) -> [Range<Int>] {
    (0..<parts).map { part in
      let lower = range.lowerBound + range.count * part / parts
      let upper = range.lowerBound + range.count * (part + 1) / parts
      return lower..<upper
    }
  }

  /// `body` applied to each piece, each on a thread of its own, results in piece order. The first
  /// error thrown is rethrown once every piece has finished.
  static func map<Piece: Sendable, Output: Sendable>(
    _ pieces: [Piece], _ body: @Sendable (Piece) throws -> Output
  ) throws -> [Output] {
    let slots = Slots<Output>(count: pieces.count)
    defer { slots.release() }
    DispatchQueue.concurrentPerform(iterations: pieces.count) { index in
      slots.store(Result { try body(pieces[index]) }, at: index)
    }
    return try slots.results()
  }
}

/// One result slot per piece. Each piece writes only its own slot, and the slots are read only
/// after `concurrentPerform` has returned, which orders the writes before the reads.
private final class Slots<Output: Sendable>: @unchecked Sendable {
  private let buffer: UnsafeMutableBufferPointer<Result<Output, any Error>?>

  init(count: Int) {
    buffer = .allocate(capacity: count)
    buffer.initialize(repeating: nil)
  }

  func store(_ result: Result<Output, any Error>, at index: Int) {
    buffer[index] = result
  }

  func results() throws -> [Output] {
    try buffer.map { slot in
      guard let slot else { throw CorruptData("a parallel part did not finish") }
      return try slot.get()
    }
  }

  func release() {
    _ = buffer.deinitialize()
    buffer.deallocate()
  }
}
