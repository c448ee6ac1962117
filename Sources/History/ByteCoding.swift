import Foundation
import Model

/// Appends values in the store's binary format: unsigned LEB128 varints, zigzag varints for
/// signed numbers, strings as a byte length and UTF-8, and fixed little-endian 64-bit words.
///
/// The format is ours alone, so it stays small and needs no field names; every blob starts with a
/// format version byte that its decoder checks.
///
/// The bytes live in a buffer the writer owns and reuses after `removeAll()`: a night encodes
/// hundreds of thousands of blobs, and an array's per-byte bookkeeping showed in profiles. The
/// pointer and count are fields of the writer itself, so appending a byte is a store and an
/// increment. A writer is not meant to be copied (copies share the buffer).
struct ByteWriter {
  /// Frees the buffer when the writer goes.
  private final class Owner {
    var pointer: UnsafeMutableRawPointer

    init(_ pointer: UnsafeMutableRawPointer) {
      self.pointer = pointer
    }

    deinit { pointer.deallocate() }
  }

  private let owner: Owner
  private var pointer: UnsafeMutableRawPointer
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int = 256) {
    self.capacity = max(capacity, 16)
    pointer = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
    owner = Owner(pointer)
  }

  /// The bytes written so far, valid until the writer is next changed.
  var bytes: UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: pointer, count: count)
  }

  /// The bytes in an array of their own.
  func copy() -> [UInt8] {
    Array(bytes)
  }

  func contentHash() -> UInt64 {
    StableHash.content(bytes)
  }

  /// Whether the bytes written equal `other`'s.
  func hasSameBytes(as other: UnsafeRawBufferPointer) -> Bool {
    guard other.count == count else { return false }
    guard let base = other.baseAddress, count > 0 else { return true }
    return memcmp(pointer, base, count) == 0
  }

  mutating func removeAll() {
    count = 0
  }

  @inline(__always)
  private mutating func reserve(_ extra: Int) {
    if count + extra > capacity { grow(extra) }
  }

  private mutating func grow(_ extra: Int) {
    let grown = max(capacity * 2, count + extra)
    let larger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 8)
    larger.copyMemory(from: pointer, byteCount: count)
    pointer.deallocate()
    pointer = larger
    owner.pointer = larger
    capacity = grown
  }

  @inline(__always)
  mutating func byte(_ value: UInt8) {
    reserve(1)
    pointer.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
    count += 1
  }

  @inline(__always)
  mutating func varint(_ value: UInt64) {
    if value < 0x80, count < capacity {
      pointer.storeBytes(of: UInt8(value), toByteOffset: count, as: UInt8.self)
      count += 1
    } else {
      longVarint(value)
    }
  }

  private mutating func longVarint(_ value: UInt64) {
    reserve(10)
    var rest = value
    var offset = count
    while rest >= 0x80 {
      pointer.storeBytes(of: UInt8(truncatingIfNeeded: rest) | 0x80, toByteOffset: offset, as: UInt8.self)
      offset += 1
      rest >>= 7
    }
    pointer.storeBytes(of: UInt8(rest), toByteOffset: offset, as: UInt8.self)
    count = offset + 1
  }

  @inline(__always)
  mutating func varint(_ value: Int) {
    varint(UInt64(bitPattern: Int64(value)))
  }

  /// A signed number, small in magnitude either side of zero.
  @inline(__always)
  mutating func signed(_ value: Int) {
    let wide = Int64(value)
    varint(UInt64(bitPattern: (wide << 1) ^ (wide >> 63)))
  }

  @inline(__always)
  mutating func word(_ value: UInt64) {
    reserve(8)
    pointer.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
    count += 8
  }

  mutating func string(_ value: String) {
    let utf8 = value.utf8
    varint(utf8.count)
    if utf8.withContiguousStorageIfAvailable({ raw(UnsafeRawBufferPointer($0)) }) == nil {
      let copied = Array(utf8)
      copied.withUnsafeBytes { raw($0) }
    }
  }

  mutating func raw(_ buffer: UnsafeRawBufferPointer) {
    guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
    reserve(buffer.count)
    (pointer + count).copyMemory(from: base, byteCount: buffer.count)
    count += buffer.count
  }
}

/// Reads what `ByteWriter` wrote, from memory that stays valid while the reader is used (a blob
/// column of the current row, or an array's buffer). Running past the end or a malformed number
/// throws `CorruptData`, never traps.
struct ByteReader {
  private let base: UnsafePointer<UInt8>
  private let count: Int
  private(set) var position = 0
  /// Shares the strings read, when given.
  private let strings: StringTable?

  init(_ buffer: UnsafeRawBufferPointer, sharing strings: StringTable? = nil) {
    // An empty buffer may have no address: a placeholder is never read through, since with a
    // count of zero every read throws or reads nothing.
    base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
    count = buffer.baseAddress == nil ? 0 : buffer.count
    self.strings = strings
  }

  var isAtEnd: Bool { position >= count }

  @inline(__always)
  mutating func byte() throws(CorruptData) -> UInt8 {
    guard position < count else { throw CorruptData("ends early") }
    defer { position += 1 }
    return base[position]
  }

  @inline(__always)
  mutating func varint() throws(CorruptData) -> UInt64 {
    // Most numbers stored fit in one byte.
    if position < count, base[position] < 0x80 {
      defer { position += 1 }
      return UInt64(base[position])
    }
    return try longVarint()
  }

  private mutating func longVarint() throws(CorruptData) -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let next = try byte()
      // A tenth byte may only carry the top bit of a 64-bit number.
      guard shift < 63 || (shift == 63 && next <= 1) else { throw CorruptData("number too long") }
      result |= UInt64(next & 0x7F) << shift
      if next < 0x80 { return result }
      shift += 7
    }
  }

  /// A varint that must fit in `Int` and lie in `0...limit`.
  @inline(__always)
  mutating func count(limit: Int = Int.max) throws(CorruptData) -> Int {
    let value = try varint()
    guard value <= UInt64(limit) else { throw CorruptData("count out of range") }
    return Int(value)
  }

  @inline(__always)
  mutating func signed() throws(CorruptData) -> Int {
    let value = try varint()
    return Int(Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1))))
  }

  @inline(__always)
  mutating func word() throws(CorruptData) -> UInt64 {
    guard count - position >= 8 else { throw CorruptData("ends early") }
    var value: UInt64 = 0
    withUnsafeMutableBytes(of: &value) {
      $0.copyMemory(from: UnsafeRawBufferPointer(start: base + position, count: 8))
    }
    position += 8
    return UInt64(littleEndian: value)
  }

  mutating func skip(_ length: Int) throws(CorruptData) {
    guard length >= 0, length <= count - position else { throw CorruptData("ends early") }
    position += length
  }

  mutating func bytes() throws(CorruptData) -> UnsafeBufferPointer<UInt8> {
    let length = try self.count(limit: count - position)
    defer { position += length }
    return UnsafeBufferPointer(start: base + position, count: length)
  }

  mutating func string() throws(CorruptData) -> String {
    let bytes = try bytes()
    return strings?.string(bytes) ?? String(decoding: bytes, as: UTF8.self)
  }

  /// The bytes from `start` to the current position.
  func slice(from start: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + start, count: position - start)
  }
}

/// One copy of each string read: a hundred thousand policy documents repeat the same action
/// names, and a string of more than 15 bytes is an allocation of its own each time it is made.
/// Sharing them saves time and about a third of the documents' memory.
final class StringTable {
  private var strings = HashKeyedTable<String>()

  func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    // Shorter strings are stored inside the String value, with no allocation to share.
    guard bytes.count > 15 else { return String(decoding: bytes, as: UTF8.self) }
    let hash = StableHash.content(UnsafeRawBufferPointer(bytes))
    if let known = strings[hash] {
      // Another string may hold this hash: that one keeps its place, this one is made each time.
      return Self.equal(known, bytes) ? known : String(decoding: bytes, as: UTF8.self)
    }
    let made = String(decoding: bytes, as: UTF8.self)
    strings.updateValue(made, forKey: hash)
    return made
  }

  private static func equal(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let same = string.utf8.withContiguousStorageIfAvailable { stored in
      stored.count == bytes.count
        && (bytes.isEmpty || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
    }
    return same ?? string.utf8.elementsEqual(bytes)
  }
}

/// A stored blob that does not decode: the store was damaged or written by a newer permsite.
struct CorruptData: Error, CustomStringConvertible {
  let reason: String

  init(_ reason: String) {
    self.reason = reason
  }

  var description: String { "stored data does not decode (\(reason))" }
}

/// Hashes that must give the same value on every run and machine, unlike Swift's seeded `Hasher`:
/// they are stored and compared with values computed in later builds.
enum StableHash {
  static let fnvOffset = FNV1a.offsetBasis

  /// 64-bit FNV-1a of the bytes, going on from `start`.
  static func fnv1a(_ bytes: some Sequence<UInt8>, from start: UInt64 = fnvOffset) -> UInt64 {
    var hash = FNV1a(value: start)
    hash.add(bytes)
    return hash.value
  }

  /// A 64-bit hash of a blob's content, eight bytes a step: FNV-1a byte by byte is too slow for
  /// every policy document of every principal every night.
  ///
  /// Each little-endian word (the last one zero-padded) is mixed in by xor, a multiply by an odd
  /// constant and a shift; the length goes in first and a final avalanche (MurmurHash3's fmix64,
  /// `ContentDigest.finish`)
  /// spreads every bit.
  static func content(_ buffer: UnsafeRawBufferPointer) -> UInt64 {
    var hash = fnvOffset ^ UInt64(buffer.count)
    var offset = 0
    while offset + 8 <= buffer.count {
      hash = mix(hash, buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian)
      offset += 8
    }
    if offset < buffer.count {
      var last: UInt64 = 0
      for index in offset..<buffer.count {
        last |= UInt64(buffer[index]) << (8 * UInt64(index - offset))
      }
      hash = mix(hash, last)
    }
    return ContentDigest.finish(hash)
  }

  static func content(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { content($0) }
  }

  private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
    let multiplied = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
    return multiplied ^ (multiplied >> 29)
  }

}
