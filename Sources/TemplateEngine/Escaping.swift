/// Writes interpolated strings into the output: `{{name}}` through ``appendEscaped(_:to:)``,
/// `{{{name}}}` and `{{&name}}` through ``appendUnescaped(_:to:)``.
///
/// Every interpolated string passes through one of the two (numbers and booleans do not: they
/// contain nothing to escape or filter). Implement this to filter text before it is escaped,
/// and reuse ``HTMLEscaper/appendHTMLEscaped(_:to:)`` for the escaping itself; keep a fast path
/// for text the filter leaves alone, since most text is.
public protocol TemplateEscaper: Sendable {
  /// Appends `text` (UTF-8), escaped, to `output`.
  func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8])
  /// Appends `text` (UTF-8), not escaped, to `output`.
  func appendUnescaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8])
}

/// Plain HTML escaping, the default: `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`, `&gt;`,
/// `&quot;` and `&#39;`; unescaped text is copied as is.
public struct HTMLEscaper: TemplateEscaper {
  /// The HTML escaper.
  public init() {}

  /// Appends `text` with the five HTML special characters escaped.
  public func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    Self.appendHTMLEscaped(text, to: &output)
  }

  /// Appends `text` unchanged.
  public func appendUnescaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    output.append(contentsOf: text)
  }

  /// Bit `b` is set for each special byte `b`; all five are below 64, so one shift tells.
  private static let specialBytes: UInt64 =
    1 << 0x22 | 1 << 0x26 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E

  /// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped, copying the runs between them
  /// whole. Works on bytes: the five are ASCII, and no byte of a multi-byte UTF-8 sequence is.
  public static func appendHTMLEscaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
    var runStart = 0
    var index = 0
    let count = text.count
    while index < count {
      let byte = text[index]
      if byte < 64 && (specialBytes >> UInt64(byte)) & 1 != 0 {
        if runStart < index {
          output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
        }
        appendEntity(for: byte, to: &output)
        runStart = index + 1
      }
      index += 1
    }
    if runStart == 0 {
      output.append(contentsOf: text)
    } else if runStart < count {
      output.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<count]))
    }
  }

  private static func appendEntity(for byte: UInt8, to output: inout [UInt8]) {
    let entity: StaticString
    switch byte {
    case UInt8(ascii: "&"): entity = "&amp;"
    case UInt8(ascii: "<"): entity = "&lt;"
    case UInt8(ascii: ">"): entity = "&gt;"
    case UInt8(ascii: "\""): entity = "&quot;"
    default: entity = "&#39;"
    }
    // A static string's bytes are in the binary: appending them allocates nothing.
    entity.withUTF8Buffer { output.append(contentsOf: $0) }
  }
}
