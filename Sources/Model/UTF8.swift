extension [UInt8] {
  /// Appends the UTF-8 of `text` with one copy: appending a string's `utf8` view goes byte by
  /// byte, and pages and exports append millions of short strings.
  public mutating func appendUTF8(_ text: String) {
    text.withUTF8Bytes { append(contentsOf: $0) }
  }

  /// Appends the bytes of a string literal, which live in the binary: no string is made.
  @inlinable
  public mutating func appendLiteral(_ text: StaticString) {
    text.withUTF8Buffer { append(contentsOf: $0) }
  }
}

extension String {
  /// Calls `body` with the string's UTF-8, read in place when the string is native, as nearly all
  /// are. `withUTF8` needs a mutable copy of the string, and retaining and releasing that copy
  /// cost a fifth of appending a short string (tens of millions of them in a large site).
  @inlinable
  public func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result
  {
    if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = self
    return try copy.withUTF8(body)
  }
}

extension String {
  /// `parts` one after another, made at its final size and written once. `+` and `+=` make and
  /// grow the string part by part, and interpolation builds it twice, at several hundred
  /// instructions a part: pages, exports and feeds make millions of short texts.
  @inlinable
  public init(concatenating parts: String...) {
    // Not `init(joining:separator:)` with an empty separator: its loop over the parts' positions
    // made every caller's strings dearer (1.2 billion instructions against 0.2 in a large build).
    var count = 0
    for part in parts { count += part.utf8.count }
    guard count > 0 else {
      self = ""
      return
    }
    self.init(unsafeUninitializedCapacity: count) { buffer in
      var offset = 0
      for part in parts {
        part.withUTF8Bytes { bytes in
          guard let source = bytes.baseAddress else { return }
          (buffer.baseAddress! + offset).initialize(from: source, count: bytes.count)
          offset += bytes.count
        }
      }
      return offset
    }
  }

  /// `parts` with `separator` between each two, made at its final size and written once:
  /// `joined(separator:)` grows the string part by part (6,700 instructions for the actions a
  /// principal page lists as removed).
  @inlinable
  public init(joining parts: [String], separator: String) {
    var count = separator.utf8.count * Swift.max(parts.count - 1, 0)
    for part in parts { count += part.utf8.count }
    guard count > 0 else {
      self = ""
      return
    }
    let hasSeparator = !separator.isEmpty
    self.init(unsafeUninitializedCapacity: count) { buffer in
      var offset = 0
      func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (buffer.baseAddress! + offset).initialize(from: source, count: bytes.count)
        offset += bytes.count
      }
      for (index, part) in parts.enumerated() {
        if hasSeparator, index > 0 { separator.withUTF8Bytes(write) }
        part.withUTF8Bytes(write)
      }
      return offset
    }
  }
}
