/// 64-bit FNV-1a: stable across runs and machines, unlike Swift's seeded `Hasher`, so it can be
/// stored (snapshot fingerprints, build keys, history keys). Not cryptographic.
public struct FNV1a: Sendable {
  /// The FNV-1a offset basis, the hash of nothing.
  public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
  /// The FNV-1a prime.
  public static let prime: UInt64 = 0x100_0000_01b3

  /// The hash of what was added so far.
  public var value: UInt64 { state }
  @usableFromInline var state: UInt64

  /// A hash starting from `value` (by default, of nothing).
  @inlinable
  public init(value: UInt64 = FNV1a.offsetBasis) {
    state = value
  }

  /// Adds the UTF-8 of `text`.
  @inlinable
  public mutating func add(_ text: String) {
    add(text.utf8)
  }

  /// Adds bytes.
  @inlinable
  public mutating func add(_ bytes: some Sequence<UInt8>) {
    var hash = state
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* Self.prime }
    state = hash
  }

  /// Adds the bytes of a buffer.
  @inlinable
  public mutating func add(bytes: UnsafeRawBufferPointer) {
    add(bytes.bindMemory(to: UInt8.self))
  }

  /// The hash, going on from `start`, of `text` with its ASCII letters lower-cased, without
  /// making the lower-case string; nil when a byte is not ASCII, whose lower case only Unicode
  /// rules (`lowercased()`) give.
  public static func caselessASCIIValue(of text: String, from start: UInt64 = offsetBasis) -> UInt64? {
    return text.withUTF8Bytes { bytes -> UInt64? in
      var hash = start
      for byte in bytes {
        guard byte < 0x80 else { return nil }
        hash = (hash ^ UInt64(byte.lowercasedASCII)) &* prime
      }
      return hash
    }
  }

  /// The value as sixteen lower-case hexadecimal digits.
  public var hex: String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
