/// Finds the bytes a JSON string literal must escape, eight bytes at a time: every action,
/// name and value the exports and policy documents print is checked, and a test per byte took
/// 300 instructions a value.
public enum JSONEscapeScan {
  /// Whether `bytes` holds a control byte (below 0x20), `"` or `\`, or one of `extra` (for
  /// writers that also escape `<` or U+2028's first byte, say).
  public static func contains(
    _ bytes: UnsafeBufferPointer<UInt8>, orAnyOf extra: (UInt8, UInt8)? = nil
  ) -> Bool {
    guard let base = bytes.baseAddress else { return false }
    guard bytes.count >= 8 else {
      return bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == extra?.0 || $0 == extra?.1 }
    }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    // The high bit of each byte that is zero, or maybe of bytes above one; nonzero exactly when
    // some byte is zero.
    func zeroBytes(_ word: UInt64) -> UInt64 { (word &- ones) & ~word & highs }
    func found(at offset: Int) -> Bool {
      let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
      // A byte below 0x20 is one that stays below 0x80 when 0x60 is added to it (no carry
      // crosses into the next byte, since every byte is masked to seven bits first).
      var found = ~(((word & ~highs) &+ ones &* 0x60) | word) & highs
      found |= zeroBytes(word ^ (ones &* 0x22)) | zeroBytes(word ^ (ones &* 0x5C))
      if let extra {
        found |= zeroBytes(word ^ (ones &* UInt64(extra.0))) | zeroBytes(word ^ (ones &* UInt64(extra.1)))
      }
      return found != 0
    }
    var offset = 0
    while offset + 8 <= bytes.count {
      if found(at: offset) { return true }
      offset += 8
    }
    // The last word overlaps the one before.
    return offset < bytes.count && found(at: bytes.count - 8)
  }
}
