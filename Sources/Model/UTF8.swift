extension [UInt8] {
  /// Appends the UTF-8 of `text` with one copy: appending a string's `utf8` view goes byte by
  /// byte, and pages and exports append millions of short strings.
  public mutating func appendUTF8(_ text: String) {
    text.withUTF8Bytes { append(contentsOf: $0) }
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
}
