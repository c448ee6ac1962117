/// A 64-bit hash of ASCII text with its letters lower-cased, taken eight bytes at a time, for
/// tables that find an action whatever its case (`S3:GetObject` and `s3:getobject` hash alike):
/// nil when a byte is not ASCII, whose lower case only Unicode rules give. The hash of a pair
/// joined by a colon is the hash of the joined text, without joining them: a text is hashed as
/// the part before its first colon and the part after it.
///
/// Not stable from one version of permsite to the next, unlike `FNV1a`: for tables in memory,
/// which confirm a match by comparing the texts. FNV-1a's multiplication for every byte cost a
/// million policy actions 0.8 % of a nightly build's instructions (this hash saves a quarter of that).
public enum CaselessHash {
  /// The hash of `text` lower-cased, or nil when it is not ASCII.
  public static func of(_ text: String) -> UInt64? {
    text.withUTF8Bytes { bytes in
      // Service prefixes are short: a byte at a time finds the colon soonest.
      guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else {
        return part(bytes).map { combine($0, nil) }
      }
      guard let before = part(UnsafeBufferPointer(rebasing: bytes[..<colon])),
        let after = part(UnsafeBufferPointer(rebasing: bytes[(colon + 1)...]))
      else { return nil }
      return combine(before, after)
    }
  }

  /// The hash of `first + ":" + second` lower-cased, or nil when either is not ASCII.
  public static func of(_ first: String, joinedByColonTo second: String) -> UInt64? {
    first.withUTF8Bytes { firstBytes in
      // The joined text's first colon is the one between them only when `first` has none.
      guard !firstBytes.contains(UInt8(ascii: ":")) else { return of(first + ":" + second) }
      guard let before = part(firstBytes), let after = second.withUTF8Bytes(part) else { return nil }
      return combine(before, after)
    }
  }

  /// The hash of a pair of parts, or of a text without a colon.
  private static func combine(_ before: UInt64, _ after: UInt64?) -> UInt64 {
    guard let after else { return ContentDigest.finish(before) }
    return ContentDigest.finish(ContentDigest.mix(before &* 0x9E37_79B9_7F4A_7C15, after) ^ 0x3A)
  }

  /// A part's bytes lower-cased, a word at a time (the last word overlapping the one before, the
  /// length in the seed), or nil when one is not ASCII.
  private static func part(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
    let count = bytes.count
    var hash = 0xC2B2_AE3D_27D4_EB4F ^ UInt64(count)
    guard let base = bytes.baseAddress, count > 0 else { return hash }
    var high: UInt64 = 0
    ContentDigest.forEachWord(UnsafeRawPointer(base), count: count) { word in
      high |= word
      hash = ContentDigest.mix(hash, lowercased(word))
    }
    return high & 0x8080_8080_8080_8080 == 0 ? hash : nil
  }

  /// `word`'s ASCII capitals made small letters: a byte from 0x41 gains a high bit when 0x3F is
  /// added, one from 0x5B when 0x25 is. Only bytes below 0x80 are lowered right (the high bits
  /// are masked first, so no sum carries into the next byte); a word with others is not hashed.
  private static func lowercased(_ word: UInt64) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let low = word & ~highs
    let fromA = low &+ ones &* 0x3F
    let pastZ = low &+ ones &* 0x25
    return word | (fromA & ~pastZ & ~word & highs) >> 2
  }
}
