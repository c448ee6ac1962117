extension UInt8 {
  /// The byte with an ASCII capital letter lowered (`A`–`Z` to `a`–`z`), any other byte as it is.
  @inlinable
  public var lowercasedASCII: UInt8 { self &- UInt8(ascii: "A") < 26 ? self | 0x20 : self }

  /// Whether the byte is an ASCII capital letter.
  @inlinable
  public var isUppercaseASCII: Bool { self &- UInt8(ascii: "A") < 26 }
}

extension String {
  /// The same as `lowercased()`, quicker for ASCII text: already lower-case text is returned as it
  /// is, and other ASCII text is lowered byte by byte. Policy advice lowers every action of every
  /// policy of every principal; `lowercased()` applies the full Unicode rules to each character.
  public func fastLowercased() -> String {
    enum Shape { case lower, upper, other }
    let shape = withUTF8Bytes { bytes -> Shape in
      var hasUpper = false
      for byte in bytes {
        if byte >= 0x80 { return .other }
        if byte.isUppercaseASCII { hasUpper = true }
      }
      return hasUpper ? .upper : .lower
    }
    switch shape {
    case .lower: return self
    case .other: return lowercased()
    case .upper:
      return withUTF8Bytes { bytes in
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
          for (index, byte) in bytes.enumerated() {
            buffer[index] = byte.lowercasedASCII
          }
          return bytes.count
        }
      }
    }
  }
}
