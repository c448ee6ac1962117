import CByteScan

/// Writes interpolated strings into the output: `{{name}}` through ``appendEscaped(_:to:)``,
/// `{{{name}}}` and `{{&name}}` through ``appendUnescaped(_:to:)``.
///
/// Every interpolated string passes through one of the two (numbers and booleans do not: they
/// contain nothing to escape or filter). Implement this to filter text before it is escaped,
/// and reuse ``HTMLEscaper/appendHTMLEscaped(_:to:)`` for the escaping itself; keep a fast path
/// for text the filter leaves alone, since most text is.
public protocol TemplateEscaper: Sendable {
  /// Appends `text` (UTF-8), escaped, to `output`.
  func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput)
  /// Appends `text` (UTF-8), not escaped, to `output`.
  func appendUnescaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput)
  /// Appends `text` (UTF-8), escaped for the content of an element (never an attribute's value),
  /// to `output`: markup a page makes itself in code, such as a policy diff's lines, where quotes
  /// need no escaping. By default as ``appendEscaped(_:to:)``.
  func appendEscapedText(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput)
}

extension TemplateEscaper {
  /// Escapes as ``appendEscaped(_:to:)`` does: an escaper that knows no lighter escaping for an
  /// element's content stays safe there.
  public func appendEscapedText(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    appendEscaped(text, to: &output)
  }
}

/// Plain HTML escaping, the default: `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`,
/// `&quot;` and `&#39;`; unescaped text is copied as is.
public struct HTMLEscaper: TemplateEscaper {
  /// The HTML escaper.
  public init() {}

  /// Appends `text` with the five HTML special characters escaped.
  public func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    Self.appendHTMLEscaped(text, to: &output)
  }

  /// Appends `text` unchanged.
  public func appendUnescaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    output.append(text)
  }

  /// Appends `text` with `&`, `<` and `>` escaped (see ``appendHTMLTextEscaped(_:to:)``).
  public func appendEscapedText(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    Self.appendHTMLTextEscaped(text, to: &output)
  }

  /// Bit `b` is set for each special byte `b`; all five are below 64, so one shift tells.
  private static let specialBytes: UInt64 =
    1 << 0x22 | 1 << 0x26 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E
  /// The same for the three bytes special in an element's content.
  private static let textSpecialBytes: UInt64 = 1 << 0x26 | 1 << 0x3C | 1 << 0x3E

  /// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped, copying the runs between them
  /// whole. Works on bytes: the five are ASCII, and no byte of a multi-byte UTF-8 sequence is.
  public static func appendHTMLEscaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    _ = appendEscapedRuns(of: text, quotes: true, stoppingAtNonASCII: false, to: &output)
  }

  /// Appends `text` with `&`, `<` and `>` escaped and quotes left as they are: enough for the
  /// content of an element, where a quote ends nothing, and never for an attribute's value. A
  /// policy document's lines hold a quote every few bytes, each of which `&quot;` made six.
  public static func appendHTMLTextEscaped(
    _ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput
  ) {
    _ = appendEscapedRuns(of: text, quotes: false, stoppingAtNonASCII: false, to: &output)
  }

  /// Appends `text` escaped as ``appendHTMLEscaped(_:to:)`` does, up to its first byte of 0x80
  /// or above, and returns how many bytes it took (all of them when the text is ASCII): for an
  /// escaper that treats some non-ASCII characters specially, in one pass over the ASCII text
  /// that most text is, where telling first that there is nothing to treat took a pass of its own.
  public static func appendHTMLEscapedUpToNonASCII(
    _ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput
  ) -> Int {
    appendEscapedRuns(of: text, quotes: true, stoppingAtNonASCII: true, to: &output)
  }

  /// Appends `text` escaped as ``appendHTMLTextEscaped(_:to:)`` does, up to its first byte of
  /// 0x80 or above, and returns how many bytes it took (see
  /// ``appendHTMLEscapedUpToNonASCII(_:to:)``).
  public static func appendHTMLTextEscapedUpToNonASCII(
    _ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput
  ) -> Int {
    appendEscapedRuns(of: text, quotes: false, stoppingAtNonASCII: true, to: &output)
  }

  @inline(__always)
  private static func appendEscapedRuns(
    of text: UnsafeBufferPointer<UInt8>, quotes: Bool, stoppingAtNonASCII: Bool,
    to output: inout TemplateOutput
  ) -> Int {
    guard let base = text.baseAddress else { return 0 }
    let count = text.count
    let highs: UInt64 = 0x8080_8080_8080_8080
    // Special bytes (and non-ASCII ones, when asked) are found sixteen at a time with vector
    // instructions, every one of a block from its mask, and the text between them is copied in
    // runs: a policy document has a quote every few bytes, and looking for each one from the
    // byte after the last took most of the escaping. A text of sixteen bytes or more ends with a
    // block that overlaps the one before, its bytes already done masked off; a shorter one is
    // looked at eight bytes at a time, each special byte where the lowest bit of its word's test
    // says (see `specialMask`; the high bits are exact), then byte by byte.
    var runStart = 0
    var index = 0
    if count >= 16 {
      let stop: Int32 = stoppingAtNonASCII ? 1 : 0
      let escapesQuotes: Int32 = quotes ? 1 : 0
      while index < count {
        let blockStart = min(index, count - 16)
        var mask =
          permsite_html_special_mask(base + blockStart, escapesQuotes, stop)
          & (UInt32.max << UInt32(index - blockStart))
        while mask != 0 {
          let found = blockStart + mask.trailingZeroBitCount
          output.append(UnsafeBufferPointer(start: base + runStart, count: found - runStart))
          if stoppingAtNonASCII && base[found] >= 0x80 { return found }
          appendEntity(for: base[found], to: &output)
          runStart = found + 1
          mask &= mask - 1
        }
        index = blockStart + 16
      }
      output.append(UnsafeBufferPointer(start: base + runStart, count: count - runStart))
      return count
    }
    while index + 8 <= count {
      let word = load(base + index)
      let mask = specialMask(word, quotes: quotes) | (stoppingAtNonASCII ? word & highs : 0)
      if mask == 0 {
        index += 8
        continue
      }
      let found = index + mask.trailingZeroBitCount >> 3
      output.append(UnsafeBufferPointer(start: base + runStart, count: found - runStart))
      if stoppingAtNonASCII && base[found] >= 0x80 { return found }
      appendEntity(for: base[found], to: &output)
      runStart = found + 1
      index = found + 1
    }
    while index < count {
      let byte = base[index]
      if stoppingAtNonASCII && byte >= 0x80 {
        output.append(UnsafeBufferPointer(start: base + runStart, count: index - runStart))
        return index
      }
      if quotes ? isSpecial(byte) : isTextSpecial(byte) {
        output.append(UnsafeBufferPointer(start: base + runStart, count: index - runStart))
        appendEntity(for: byte, to: &output)
        runStart = index + 1
      }
      index += 1
    }
    output.append(UnsafeBufferPointer(start: base + runStart, count: count - runStart))
    return count
  }

  /// Whether `text` is ASCII without any of the five special bytes: text that HTML escaping
  /// leaves as it is, and that an escaper filtering non-ASCII characters can copy without looking
  /// further. One pass over its words tells both.
  public static func isPlainASCII(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let base = text.baseAddress else { return true }
    let count = text.count
    let highs: UInt64 = 0x8080_8080_8080_8080
    guard count >= 8 else {
      return !text.contains { $0 >= 0x80 || isSpecial($0) }
    }
    var offset = 0
    while offset + 8 <= count {
      let word = load(base + offset)
      if word & highs != 0 || containsSpecialByte(word) { return false }
      offset += 8
    }
    guard offset < count else { return true }
    // The last word overlaps the one before.
    let last = load(base + count - 8)
    return last & highs == 0 && !containsSpecialByte(last)
  }

  @inline(__always)
  private static func isSpecial(_ byte: UInt8) -> Bool {
    byte < 64 && (specialBytes >> UInt64(byte)) & 1 != 0
  }

  @inline(__always)
  private static func isTextSpecial(_ byte: UInt8) -> Bool {
    byte < 64 && (textSpecialBytes >> UInt64(byte)) & 1 != 0
  }

  @inline(__always)
  private static func load(_ bytes: UnsafePointer<UInt8>) -> UInt64 {
    UnsafeRawPointer(bytes).loadUnaligned(as: UInt64.self)
  }

  /// The high bit of each byte of `word` that is special, and maybe of bytes above one (a borrow
  /// runs upward, never down), so that its lowest bit set marks the first special byte.
  /// Quotes count when `quotes` says.
  @inline(__always)
  private static func specialMask(_ word: UInt64, quotes: Bool = true) -> UInt64 {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    func hasZeroByte(_ value: UInt64) -> UInt64 {
      (value &- ones) & ~value & highs
    }
    let markup =
      hasZeroByte(word ^ (ones &* 0x26)) | hasZeroByte(word ^ (ones &* 0x3C))
      | hasZeroByte(word ^ (ones &* 0x3E))
    guard quotes else { return markup }
    return markup | hasZeroByte(word ^ (ones &* 0x22)) | hasZeroByte(word ^ (ones &* 0x27))
  }

  /// Whether any of the eight bytes of `word` is one of the five special bytes.
  @inline(__always)
  private static func containsSpecialByte(_ word: UInt64) -> Bool {
    specialMask(word) != 0
  }

  private static func appendEntity(for byte: UInt8, to output: inout TemplateOutput) {
    let entity: StaticString
    switch byte {
    case UInt8(ascii: "&"): entity = "&amp;"
    case UInt8(ascii: "<"): entity = "&lt;"
    case UInt8(ascii: ">"): entity = "&gt;"
    case UInt8(ascii: "\""): entity = "&quot;"
    default: entity = "&#39;"
    }
    output.append(entity)
  }
}

/// The escaper a library renders with, held by reference so that renderers stay cheap to pass
/// around, and with plain HTML escaping called directly rather than through the protocol.
final class EscaperBox: Sendable {
  let escaper: any TemplateEscaper
  private let isPlainHTML: Bool

  init(_ escaper: any TemplateEscaper) {
    self.escaper = escaper
    isPlainHTML = escaper is HTMLEscaper
  }

  @inline(__always)
  func append(_ text: UnsafeBufferPointer<UInt8>, escaped: Bool, to output: inout TemplateOutput) {
    if isPlainHTML {
      if escaped {
        HTMLEscaper.appendHTMLEscaped(text, to: &output)
      } else {
        output.append(text)
      }
    } else if escaped {
      escaper.appendEscaped(text, to: &output)
    } else {
      escaper.appendUnescaped(text, to: &output)
    }
  }
}
