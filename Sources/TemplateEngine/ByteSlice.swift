/// A part of a byte array, such as one line of a longer document: the array and where the part
/// lies in it, in two words.
///
/// `ArraySlice<UInt8>` takes four words, which made every ``TemplateValue`` too large to be
/// passed and returned in registers: each name a render looks up made and dropped one.
public struct ByteSlice: Sendable, Equatable {
  /// The whole array the part lies in.
  public let base: [UInt8]
  private let start: Int32
  /// The number of bytes in the part.
  private let length: Int32

  /// The bytes of `base` in `range`, which must lie inside it (and below 2 GiB).
  public init(_ base: [UInt8], _ range: Range<Int>) {
    precondition(range.lowerBound >= 0 && range.upperBound <= base.count, "the range lies outside the bytes")
    precondition(range.upperBound <= Int(Int32.max), "a slice of text beyond 2 GiB")
    self.base = base
    start = Int32(range.lowerBound)
    length = Int32(range.count)
  }

  /// All of `bytes`.
  public init(_ bytes: [UInt8]) {
    self.init(bytes, 0..<bytes.count)
  }

  /// The UTF-8 of `text`.
  public init(_ text: String) {
    self.init(Array(text.utf8))
  }

  /// The number of bytes in the part.
  public var count: Int { Int(length) }

  /// The part's positions in ``base``.
  public var range: Range<Int> { Int(start)..<(Int(start) + Int(length)) }

  /// Calls `body` with the part's bytes, read in place.
  @inlinable
  public func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows
    -> Result
  {
    let range = range
    return try base.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
  }

  /// Whether two parts hold the same bytes, wherever they lie.
  public static func == (left: ByteSlice, right: ByteSlice) -> Bool {
    left.withUnsafeBufferPointer { leftBytes in
      right.withUnsafeBufferPointer { leftBytes.elementsEqual($0) }
    }
  }
}
