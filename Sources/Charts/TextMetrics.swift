/// Approximate text widths, used to size margins and to decide which labels fit.
///
/// SVG has no text measurement without a browser, so widths are estimated per character from a
/// few classes sized on DejaVu Sans, the widest of the common sans-serif fonts (Debian's default),
/// so estimates err on the side of more room: narrow glyphs (`i`, `l`, `t`, `r`, space,
/// punctuation) 0.4 em, digits 0.64 em, capitals 0.78 em, `m`, `w`, `M`, `W`, `%` and `@` 1 em,
/// other characters 0.62 em, wide East Asian characters and emoji 1 em.
enum TextMetrics {
  /// The estimated width of `text` at `fontSize`.
  static func width(_ text: String, fontSize: Double) -> Double {
    var ems = 0.0
    for character in text { ems += characterWidth(character) }
    return ems * fontSize
  }

  /// `text` shortened with a trailing `…` so its estimated width is at most `maxWidth`, and
  /// whether it was shortened. Cuts between whole characters, never inside one.
  static func truncate(_ text: String, maxWidth: Double, fontSize: Double) -> (text: String, truncated: Bool)
  {
    if width(text, fontSize: fontSize) <= maxWidth { return (text, false) }
    let ellipsis = characterWidth("…") * fontSize
    var kept = ""
    var used = ellipsis
    for character in text {
      let next = characterWidth(character) * fontSize
      if used + next > maxWidth { break }
      kept.append(character)
      used += next
    }
    // Trailing spaces before the ellipsis read as a gap, not as truncation.
    while kept.last == " " { kept.removeLast() }
    return (kept + "…", true)
  }

  /// The width of one character in ems.
  private static func characterWidth(_ character: Character) -> Double {
    guard let scalar = character.unicodeScalars.first else { return 0.62 }
    let v = scalar.value
    switch scalar {
    case " ", ".", ",", ":", ";", "'", "\"", "|", "!", "i", "j", "l", "I", "f", "t", "r", "(", ")", "[", "]",
      "-":
      return 0.4
    case "m", "w", "M", "W", "%", "@":
      return 1.0
    case "0"..."9":
      return 0.64
    case "A"..."Z":
      return 0.78
    default:
      let wide =
        (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
        || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
        || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || v >= 0x20000
      return wide ? 1.0 : 0.62
    }
  }
}
