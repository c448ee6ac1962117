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
        if byte &- UInt8(ascii: "A") < 26 { hasUpper = true }
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
            buffer[index] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
          }
          return bytes.count
        }
      }
    }
  }
}
