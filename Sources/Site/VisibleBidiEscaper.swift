import TemplateEngine

/// How every value reaches a page: Unicode bidirectional-text controls are shown as visible
/// `[U+202E]` marks (so a name cannot make the text around it read backwards, as in "Trojan
/// Source"), then `{{ }}` escapes HTML and `{{{ }}}` copies our own markup as it is.
struct VisibleBidiEscaper: TemplateEscaper {
  func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    appendMarkingControls(text, keepingQuotes: false, to: &output)
  }

  /// As `appendEscaped`, with quotes left as they are: for an element's content that the site
  /// marks up itself (a policy diff's lines), never for an attribute's value.
  func appendEscapedText(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    appendMarkingControls(text, keepingQuotes: true, to: &output)
  }

  /// `text` with its controls marked, HTML-escaped in full or, `keepingQuotes`, as an element's
  /// content.
  @inline(__always)
  private func appendMarkingControls(
    _ text: UnsafeBufferPointer<UInt8>, keepingQuotes: Bool, to output: inout TemplateOutput
  ) {
    // Most values are ASCII, which holds no control: escaped in one pass up to the first
    // non-ASCII byte, if any, where telling first that a value was plain ASCII took a pass of its
    // own. Controls start with a non-ASCII byte, so none is in the part escaped.
    let escaped =
      keepingQuotes
      ? HTMLEscaper.appendHTMLTextEscapedUpToNonASCII(text, to: &output)
      : HTMLEscaper.appendHTMLEscapedUpToNonASCII(text, to: &output)
    guard escaped < text.count else { return }
    forEachRun(of: UnsafeBufferPointer(rebasing: text[escaped...]), into: &output) { run, output in
      if keepingQuotes {
        HTMLEscaper.appendHTMLTextEscaped(run, to: &output)
      } else {
        HTMLEscaper.appendHTMLEscaped(run, to: &output)
      }
    }
  }

  func appendUnescaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    forEachRun(of: text, into: &output) { run, output in output.append(run) }
  }

  /// Hands `append` the text between controls and writes a mark for each control. The controls
  /// are U+061C (D8 9C in UTF-8), U+200E, U+200F, U+202A–U+202E and U+2066–U+2069 (E2 80 8E,
  /// E2 80 8F, E2 80 AA–AE, E2 81 A6–A9): text without a D8 or E2 byte has none.
  private func forEachRun(
    of text: UnsafeBufferPointer<UInt8>, into output: inout TemplateOutput,
    _ append: (UnsafeBufferPointer<UInt8>, inout TemplateOutput) -> Void
  ) {
    // Nearly all text is ASCII, which holds no control: checked eight bytes at a time.
    if Self.isASCII(text) {
      append(text, &output)
      return
    }
    var runStart = 0
    var index = 0
    let raw = UnsafeRawPointer(text.baseAddress!)
    while index < text.count {
      // Eight bytes at a time past words without a D8 or E2 byte: a procedure's body or a long
      // value runs to kilobytes, most of it ASCII around a few typographic characters.
      if index + 8 <= text.count,
        !Self.mayHoldControl(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
      {
        index += 8
        continue
      }
      let byte = text[index]
      guard byte == 0xD8 || byte == 0xE2, let scalar = Self.control(in: text, at: index) else {
        index += 1
        continue
      }
      append(UnsafeBufferPointer(rebasing: text[runStart..<index]), &output)
      output.append("[U+")
      output.append(String(scalar, radix: 16, uppercase: true).leftPadded(to: 4))
      output.append("]")
      index += byte == 0xD8 ? 2 : 3
      runStart = index
    }
    append(UnsafeBufferPointer(rebasing: text[runStart..<text.count]), &output)
  }

  /// Whether any byte of the word is D8 or E2 (the first bytes of the controls in UTF-8).
  private static func mayHoldControl(_ word: UInt64) -> Bool {
    let high: UInt64 = 0x8080_8080_8080_8080
    guard word & high != 0 else { return false }
    let ones: UInt64 = 0x0101_0101_0101_0101
    func hasByte(_ byte: UInt64) -> Bool {
      let difference = word ^ (ones &* byte)
      return (difference &- ones) & ~difference & high != 0
    }
    return hasByte(0xD8) || hasByte(0xE2)
  }

  /// Whether every byte is below 0x80.
  private static func isASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = text.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var offset = 0
    var high: UInt64 = 0
    while offset + 8 <= text.count {
      high |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
      offset += 8
    }
    while offset < text.count {
      high |= UInt64(text[offset])
      offset += 1
    }
    return high & 0x8080_8080_8080_8080 == 0
  }

  /// The code point of the bidirectional control starting at `index`, if one does.
  private static func control(in text: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
    if text[index] == 0xD8 {
      return index + 1 < text.count && text[index + 1] == 0x9C ? 0x061C : nil
    }
    guard index + 2 < text.count else { return nil }
    // Decoded from the three bytes of an E2 sequence, which lie in U+2000–U+2FFF.
    let scalar =
      UInt32(text[index] & 0x0F) << 12 | UInt32(text[index + 1] & 0x3F) << 6 | UInt32(text[index + 2] & 0x3F)
    return Unicode.Scalar(scalar).map(BidiControls.isControl) == true ? scalar : nil
  }
}

/// The same marks for text outside templates (feeds, exports).
enum BidiControls {
  static func shown(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
      if isControl(scalar) {
        result += "[U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) + "]"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }
}
