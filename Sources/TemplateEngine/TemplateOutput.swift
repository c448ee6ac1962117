/// A growable buffer of UTF-8 bytes that templates render into and escapers write to.
///
/// It does what `[UInt8]` does for rendering with less work per append (no uniqueness check, no
/// generic sequence copy), which matters at a few thousand appends per page. It cannot be
/// copied; reuse one for many renders with ``removeAll()``, which keeps its capacity.
public struct TemplateOutput: ~Copyable {
  @usableFromInline
  var base: UnsafeMutablePointer<UInt8>
  @usableFromInline
  var capacity: Int
  @usableFromInline
  var written: Int

  /// The number of bytes written.
  public var count: Int { written }

  /// An empty buffer with room for `capacity` bytes before it grows.
  public init(capacity: Int = 16_384) {
    self.capacity = max(capacity, 64)
    base = .allocate(capacity: self.capacity)
    written = 0
  }

  deinit {
    base.deallocate()
  }

  /// Appends bytes.
  @inlinable
  public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress else { return }
    let count = bytes.count
    let needed = written + count
    if needed > capacity {
      grow(toAtLeast: needed)
    }
    let target = UnsafeMutableRawPointer(base + written)
    let from = UnsafeRawPointer(source)
    // Most appends are a few bytes (an entity, a separator, a short value), for which calling
    // `memcpy` costs more than the copy: up to sixteen bytes are moved as two words, which
    // overlap when there are fewer.
    if count >= 8 && count <= 16 {
      let head = from.loadUnaligned(as: UInt64.self)
      let tail = from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
      target.storeBytes(of: head, as: UInt64.self)
      target.storeBytes(of: tail, toByteOffset: count - 8, as: UInt64.self)
    } else if count >= 4 && count < 8 {
      let head = from.loadUnaligned(as: UInt32.self)
      let tail = from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
      target.storeBytes(of: head, as: UInt32.self)
      target.storeBytes(of: tail, toByteOffset: count - 4, as: UInt32.self)
    } else if count < 4 {
      for offset in 0..<count {
        target.storeBytes(of: source[offset], toByteOffset: offset, as: UInt8.self)
      }
    } else {
      target.copyMemory(from: from, byteCount: count)
    }
    written = needed
  }

  /// Appends one byte.
  @inlinable
  public mutating func append(_ byte: UInt8) {
    if written == capacity {
      grow(toAtLeast: written + 1)
    }
    base[written] = byte
    written += 1
  }

  /// Appends the bytes of a string literal, which live in the binary.
  @inlinable
  public mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { append($0) }
  }

  /// Appends a string's UTF-8, read in place when the string is native: `withUTF8` needs a
  /// mutable copy, whose retain and release cost a fifth of appending a short string. (Model's
  /// `String.withUTF8Bytes` reads the same way; this module depends on no other.) Disfavoured, so
  /// that a literal goes to `append(_: StaticString)`, which copies bytes that are already in the
  /// binary, where a `String` made of the literal cost seventy instructions more an append.
  @inlinable
  @_disfavoredOverload
  public mutating func append(_ text: String) {
    if text.utf8.withContiguousStorageIfAvailable({ append($0) }) != nil { return }
    var copy = text
    copy.withUTF8 { append($0) }
  }

  /// Appends `number` in decimal, writing the digits in place.
  public mutating func appendDecimal(_ number: Int) {
    // 19 digits and a sign fit any Int.
    if written + 20 > capacity {
      grow(toAtLeast: written + 20)
    }
    if number < 0 {
      base[written] = UInt8(ascii: "-")
      written += 1
    }
    var magnitude = number.magnitude
    var digits = 1
    var rest = magnitude / 10
    while rest > 0 {
      digits += 1
      rest /= 10
    }
    var position = written + digits - 1
    repeat {
      base[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
      magnitude /= 10
      position -= 1
    } while magnitude > 0
    written += digits
  }

  /// Forgets the bytes written, keeping the memory for the next render.
  public mutating func removeAll() {
    written = 0
  }

  /// Calls `body` with the bytes written, without copying them.
  public func withUnsafeBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows
    -> Result
  {
    try body(UnsafeBufferPointer(start: base, count: written))
  }

  /// A copy of the bytes written.
  public var bytes: [UInt8] {
    withUnsafeBytes { Array($0) }
  }

  /// The bytes written, decoded as UTF-8.
  public var string: String {
    withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
  }

  @usableFromInline
  mutating func grow(toAtLeast needed: Int) {
    let newCapacity = max(needed, capacity * 2)
    let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newBase.initialize(from: base, count: written)
    base.deallocate()
    base = newBase
    capacity = newCapacity
  }
}
