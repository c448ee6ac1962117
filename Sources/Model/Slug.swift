/// Turns free text (team ids, role names, headings) into safe, readable identifiers.
public enum Slug {
  /// Lower-case ASCII letters, digits and single hyphens; other characters become hyphens,
  /// leading and trailing hyphens are dropped, and the result is cut to `maxLength`. Never empty:
  /// text with nothing usable gives `fallback`.
  public static func make(_ text: String, maxLength: Int = 64, fallback: String = "item") -> String {
    var result = ""
    var pendingHyphen = false
    for scalar in text.unicodeScalars {
      let lower = scalar.properties.lowercaseMapping
      if lower.unicodeScalars.count == 1, let only = lower.unicodeScalars.first, only.isASCII,
        (only >= "a" && only <= "z") || (only >= "0" && only <= "9")
      {
        let hyphen = pendingHyphen && !result.isEmpty
        if result.unicodeScalars.count + (hyphen ? 2 : 1) > maxLength { break }
        if hyphen { result.append("-") }
        pendingHyphen = false
        result.unicodeScalars.append(only)
      } else {
        pendingHyphen = true
      }
    }
    while result.hasSuffix("-") { result.removeLast() }
    if result.isEmpty { return fallback }
    // Names some file systems reserve for devices cannot be file or folder names there.
    if reservedNames.contains(result) { return result + "-" + fallback }
    return result
  }

  /// Windows device names, which cannot name a file whatever its extension.
  static let reservedNames: Set<String> = Set(
    ["con", "prn", "aux", "nul"] + (1...9).map { "com\($0)" } + (1...9).map { "lpt\($0)" })
}
