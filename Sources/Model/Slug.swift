/// Turns free text (team ids, role names, headings) into safe, readable identifiers.
public enum Slug {
  /// Lower-case ASCII letters, digits and single hyphens; other characters become hyphens,
  /// leading and trailing hyphens are dropped, and the result is cut to `maxLength`. Never empty:
  /// text with nothing usable gives `fallback`.
  public static func make(_ text: String, maxLength: Int = 64, fallback: String = "item") -> String {
    // ASCII text, nearly every name and ARN, is read byte by byte rather than scalar by scalar,
    // and the slug written straight into the string: every principal's page and checklist entry
    // is named by one, and collecting its bytes in an array first cost three times as much.
    let slug =
      text.withUTF8Bytes { bytes in
        bytes.contains { $0 >= 0x80 }
          ? nil : slugText(of: bytes.lazy.map(keptASCII), characters: bytes.count, maxLength: maxLength)
      }
      ?? slugText(
        of: text.unicodeScalars.lazy.map(keptCharacter), characters: text.unicodeScalars.count,
        maxLength: maxLength)
    if slug.isEmpty { return fallback }
    // Names some file systems reserve for devices cannot be file or folder names there; all of
    // them have three or four letters.
    let length = slug.utf8.count
    if (length == 3 || length == 4) && reservedNames.contains(slug) {
      return slug + "-" + fallback
    }
    return slug
  }

  /// The slug of `count` characters given as their kept bytes (nil for a character that
  /// separates words), written in place: it is never longer than they are, since each of its
  /// bytes stands for one of them and each hyphen for at least one. A hyphen is only written
  /// before a kept byte, so the slug never ends with one.
  private static func slugText(of kept: some Sequence<UInt8?>, characters count: Int, maxLength: Int)
    -> String
  {
    let capacity = max(0, min(count, maxLength))
    guard capacity > 0 else { return "" }
    return String(unsafeUninitializedCapacity: capacity) { result in
      var written = 0
      var pendingHyphen = false
      for character in kept {
        guard let byte = character else {
          pendingHyphen = true
          continue
        }
        let hyphen = pendingHyphen && written > 0
        if written + (hyphen ? 2 : 1) > maxLength { break }
        if hyphen {
          result[written] = UInt8(ascii: "-")
          written += 1
        }
        pendingHyphen = false
        result[written] = byte
        written += 1
      }
      return written
    }
  }

  /// `keptCharacter` for an ASCII byte.
  private static func keptASCII(_ byte: UInt8) -> UInt8? {
    let lower = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    return lower &- UInt8(ascii: "a") < 26 || lower &- UInt8(ascii: "0") < 10 ? lower : nil
  }

  /// The lower-case ASCII letter or digit a character stands for in a slug, if any. ASCII is
  /// mapped directly; other characters by their Unicode lower-case mapping (the Kelvin sign is a
  /// `k`), which is slow but rare.
  private static func keptCharacter(_ scalar: Unicode.Scalar) -> UInt8? {
    var lower: Unicode.Scalar = scalar
    if !scalar.isASCII {
      let mapping = scalar.properties.lowercaseMapping.unicodeScalars
      guard mapping.count == 1, let only = mapping.first, only.isASCII else { return nil }
      lower = only
    } else if scalar >= "A" && scalar <= "Z" {
      lower = Unicode.Scalar(UInt8(scalar.value + 0x20))
    }
    return (lower >= "a" && lower <= "z") || (lower >= "0" && lower <= "9") ? UInt8(lower.value) : nil
  }

  /// Windows device names, which cannot name a file whatever its extension.
  static let reservedNames: Set<String> = Set(
    ["con", "prn", "aux", "nul"] + (1...9).map { "com\($0)" } + (1...9).map { "lpt\($0)" })
}
