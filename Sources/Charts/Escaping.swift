/// XML text and id handling shared by every chart.
///
/// Everything a caller passes in (titles, descriptions, labels, id prefixes) goes through here
/// before it reaches the output, so a hostile label cannot end an element, open a script or break
/// the document's well-formedness.
enum XML {
  /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, and characters that XML 1.0
  /// forbids even as references (C0 controls other than tab, newline and carriage return, U+FFFE,
  /// U+FFFF) replaced by U+FFFD, and bidirectional controls shown as `[U+202E]`, so the result is
  /// safe in element content and in attribute values and reads as the data says.
  static func escape(_ text: String) -> String {
    // Nearly every label, number and attribute is printable ASCII without a special character,
    // and comes back as it is: escaping scalar by scalar cost 4,800 instructions a text, for
    // sixty thousand texts in the charts of a large organisation.
    let isPlain =
      text.utf8.withContiguousStorageIfAvailable { bytes in
        bytes.allSatisfy { byte in
          byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "<")
            && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'")
        }
      } ?? false
    if isPlain { return text }
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
      // Bidirectional controls could make a label read other than it is: show them as marks.
      case "\u{061C}", "\u{200E}", "\u{200F}", "\u{202A}"..."\u{202E}", "\u{2066}"..."\u{2069}":
        let hex = String(scalar.value, radix: 16, uppercase: true)
        out += "[U+" + String(repeating: "0", count: 4 - hex.count) + hex + "]"
      default:
        if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
          out.unicodeScalars.append("\u{FFFD}")
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// A valid XML id built from a caller's prefix: ASCII letters, digits, `-`, `_` and `.` are
  /// kept, anything else becomes `-`, and a prefix that does not start with a letter or `_` gets
  /// a leading `c`, so `idPrefix` can never break an attribute or produce an invalid id.
  static func identifier(_ prefix: String) -> String {
    var out = ""
    for scalar in prefix.unicodeScalars {
      let v = scalar.value
      let isLetter = (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
      let isDigit = v >= 0x30 && v <= 0x39
      if isLetter || isDigit || scalar == "-" || scalar == "_" || scalar == "." {
        out.unicodeScalars.append(scalar)
      } else {
        out += "-"
      }
    }
    if let first = out.unicodeScalars.first {
      let v = first.value
      if !((v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) || first == "_") {
        out = "c" + out
      }
    } else {
      out = "chart"
    }
    return out
  }
}
