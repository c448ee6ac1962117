/// A 128-bit digest of a run of bytes, for telling whether two files hold the same bytes without
/// comparing them: a snapshot file against the one recorded, a page against the one published.
/// Not cryptographic; the files are the site's own.
///
/// Four independent multiply-and-shift lanes over 8-byte words, so that the processor works on
/// four multiplications at once and takes a word where FNV-1a takes a byte: every byte of every
/// snapshot and of the whole site passes through it.
public struct ContentDigest: Hashable, Sendable {
  /// The first 64 bits.
  public var high: UInt64
  /// The last 64 bits.
  public var low: UInt64

  /// A digest with both halves given, as read back from a list.
  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// The digest of `bytes`.
  public init(of bytes: UnsafeRawBufferPointer) {
    let count = bytes.count
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (
      0x9E37_79B9_7F4A_7C15 ^ UInt64(count), 0xC2B2_AE3D_27D4_EB4F &+ UInt64(count),
      0x1656_67B1_9E37_79F9, 0x27D4_EB2F_1656_67C5
    )
    var offset = 0
    while offset + 32 <= count {
      lanes.0 = Self.mix(lanes.0, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      lanes.1 = Self.mix(lanes.1, bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
      lanes.2 = Self.mix(lanes.2, bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
      lanes.3 = Self.mix(lanes.3, bytes.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self))
      offset += 32
    }
    // The last whole words go to the first lanes, then the last bytes, as a word padded with
    // zeros, to the last lane; the count in the seeds tells the zeros from bytes that are zero.
    if offset + 8 <= count {
      lanes.0 = Self.mix(lanes.0, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      offset += 8
    }
    if offset + 8 <= count {
      lanes.1 = Self.mix(lanes.1, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      offset += 8
    }
    if offset + 8 <= count {
      lanes.2 = Self.mix(lanes.2, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      offset += 8
    }
    var last: UInt64 = 0
    var shift: UInt64 = 0
    while offset < count {
      last |= UInt64(bytes[offset]) << shift
      shift += 8
      offset += 1
    }
    lanes.3 = Self.mix(lanes.3, last)
    high = Self.finish(lanes.0 &+ (lanes.1 << 23 | lanes.1 >> 41))
    low = Self.finish((lanes.2 &+ (lanes.3 << 23 | lanes.3 >> 41)) ^ high)
  }

  /// Both halves as thirty-two lower-case hexadecimal digits, the high half first.
  public var hex: String {
    func digits(_ value: UInt64) -> String {
      let digits = String(value, radix: 16)
      return String(repeating: "0", count: 16 - digits.count) + digits
    }
    return digits(high) + digits(low)
  }

  /// A 64-bit hash of `count` bytes at `start`, a word at a time in one lane: for short texts
  /// such as the lines of a document, whose hashes are compared within one run and never kept.
  @inlinable
  public static func shortHash(_ start: UnsafeRawPointer, count: Int) -> UInt64 {
    // The count in the seed tells lengths apart, the last word overlapping the one before.
    var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
    forEachWord(start, count: count) { hash = mix(hash, $0) }
    return hash
  }

  /// Calls `body` with each whole 8-byte word of the `count` bytes at `start`, in order, then,
  /// when bytes are left after them, with the last eight bytes (overlapping the word before) or,
  /// for fewer than eight bytes in all, with the bytes padded with zeros above.
  @inlinable
  @inline(__always)
  public static func forEachWord(_ start: UnsafeRawPointer, count: Int, _ body: (UInt64) -> Void) {
    var offset = 0
    while offset + 8 <= count {
      body(start.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      offset += 8
    }
    guard offset < count else { return }
    if count >= 8 {
      body(start.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
    } else {
      var last: UInt64 = 0
      for index in 0..<count {
        last |= UInt64(start.load(fromByteOffset: index, as: UInt8.self)) << (8 * UInt64(index))
      }
      body(last)
    }
  }

  /// `shortHash(_:count:)` of `bytes`, which may be empty without an address.
  @inlinable
  public static func shortHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    guard let base = bytes.baseAddress else { return shortHash(UnsafeRawPointer(bitPattern: 8)!, count: 0) }
    return shortHash(UnsafeRawPointer(base), count: bytes.count)
  }

  /// A 64-bit hash of two texts' bytes taken as a pair (`a`+`b` and `ab`+`` differ), for tables
  /// that key a permission by its service and action without hashing two strings through
  /// `Hasher`; lookups confirm a match by comparing the texts.
  public static func hash(of first: String, and second: String) -> UInt64 {
    let firstHash = first.withUTF8Bytes(shortHash)
    let secondHash = second.withUTF8Bytes(shortHash)
    return finish(firstHash &* 31 ^ secondHash)
  }

  @inline(__always)
  @usableFromInline
  static func mix(_ lane: UInt64, _ word: UInt64) -> UInt64 {
    let product = (lane ^ word) &* 0xFF51_AFD7_ED55_8CCD
    return product ^ (product >> 29)
  }

  /// MurmurHash3's final mix (`fmix64`), which spreads every bit of `value` over the result.
  public static func finish(_ value: UInt64) -> UInt64 {
    var value = value
    value ^= value >> 33
    value = value &* 0xFF51_AFD7_ED55_8CCD
    value ^= value >> 33
    value = value &* 0xC4CE_B9FE_1A85_EC53
    return value ^ (value >> 33)
  }
}
