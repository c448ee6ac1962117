import Model

/// Helpers that work on plain strings, without a parsed document.
public enum Markdown {
  /// The most characters `slug(_:)` returns.
  public static let maximumSlugLength = 64

  /// The slug used when text has no letters or digits left to build one from.
  public static let emptySlug = "item"

  /// Turns text into an identifier for anchors and task-item ids.
  ///
  /// The result holds only lowercase ASCII letters, digits and single hyphens, never starts or ends
  /// with a hyphen, and is at most `maximumSlugLength` characters long. Latin letters with
  /// diacritics are folded to ASCII (`é` → `e`, `ß` → `ss`, `Æ` → `ae`); apostrophes and combining
  /// marks are dropped without a break (`don't` → `dont`); every other character separates words.
  /// Text that leaves nothing returns `emptySlug` (`"item"`).
  ///
  /// `"  Héllo, Wörld!! "` → `hello-world`; `"Review unused roles"` → `review-unused-roles`.
  public static func slug(_ text: String) -> String {
    var builder = SlugBuilder()
    for scalar in text.unicodeScalars {
      let value = scalar.value
      if value < 0x80 {
        let byte = UInt8(value)
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
          builder.append(byte)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
          builder.append(byte + 0x20)
        case UInt8(ascii: "'"):
          continue
        default:
          builder.separate()
        }
      } else if let folded = latinFolding(value) {
        for byte in folded.utf8 {
          builder.append(byte)
        }
      } else if value == 0x2019 || isInvisible(scalar) {
        // A typographic apostrophe, a combining accent (decomposed input) or a soft hyphen sits
        // inside a word, so it must not split it.
        continue
      } else {
        builder.separate()
      }
      if builder.isFull {
        break
      }
    }
    return builder.result
  }

  /// Escapes text for use inside an HTML attribute value or element content.
  ///
  /// Replaces `&`, `<`, `>`, `"` and `'` with character references; everything else is unchanged.
  public static func escapeHTML(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 })
    else {
      return text
    }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for character in text.unicodeScalars {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.unicodeScalars.append(character)
      }
    }
    return out
  }
}

/// Accumulates slug bytes, inserting one hyphen between words and stopping at the length limit.
private struct SlugBuilder {
  private var bytes: [UInt8] = []
  private var pendingHyphen = false

  // Slightly more than the limit is collected so that a cut that lands on a hyphen can be trimmed.
  var isFull: Bool { bytes.count > Markdown.maximumSlugLength }

  mutating func append(_ byte: UInt8) {
    if pendingHyphen {
      if !bytes.isEmpty {
        bytes.append(UInt8(ascii: "-"))
      }
      pendingHyphen = false
    }
    bytes.append(byte)
  }

  mutating func separate() {
    pendingHyphen = true
  }

  var result: String {
    var end = min(bytes.count, Markdown.maximumSlugLength)
    while end > 0 && bytes[end - 1] == UInt8(ascii: "-") {
      end -= 1
    }
    if end == 0 {
      return Markdown.emptySlug
    }
    return String(decoding: bytes[..<end], as: UTF8.self)
  }
}

/// ASCII spelling of the letters in Latin-1 Supplement and Latin Extended-A, lowercased.
private func latinFolding(_ value: UInt32) -> String? {
  switch value {
  case 0xC0...0xC5, 0xE0...0xE5, 0x100...0x105: return "a"
  case 0xC6, 0xE6: return "ae"
  case 0xC7, 0xE7, 0x106...0x10D: return "c"
  case 0xD0, 0xF0, 0x10E...0x111: return "d"
  case 0xC8...0xCB, 0xE8...0xEB, 0x112...0x11B: return "e"
  case 0x11C...0x123: return "g"
  case 0x124...0x127: return "h"
  case 0xCC...0xCF, 0xEC...0xEF, 0x128...0x131: return "i"
  case 0x132, 0x133: return "ij"
  case 0x134, 0x135: return "j"
  case 0x136...0x138: return "k"
  case 0x139...0x142: return "l"
  case 0xD1, 0xF1, 0x143...0x14B: return "n"
  case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8, 0x14C...0x151: return "o"
  case 0x152, 0x153: return "oe"
  case 0x154...0x159: return "r"
  case 0x15A...0x161, 0x17F: return "s"
  case 0xDF: return "ss"
  case 0x162...0x167: return "t"
  case 0xDE, 0xFE: return "th"
  case 0xD9...0xDC, 0xF9...0xFC, 0x168...0x173: return "u"
  case 0x174, 0x175: return "w"
  case 0xDD, 0xFD, 0xFF, 0x176...0x178: return "y"
  case 0x179...0x17E: return "z"
  default: return nil
  }
}

private func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.properties.generalCategory {
  case .nonspacingMark, .spacingMark, .enclosingMark, .format: return true
  default: return false
  }
}
