/// A parsed JSON value that remembers the line it started on, so errors can name it.
///
/// Objects keep their members in order as an array: the AWS shapes have a dozen keys at most, where
/// a linear scan beats hashing, and duplicate keys resolve to the first as most readers do.
struct JSONValue: Sendable {
  indirect enum Storage: Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])
  }

  var storage: Storage
  /// 1-based line in the file where the value starts.
  var line: Int

  /// The JSON type name used in error messages: "a string", "an object", ...
  var typeDescription: String {
    switch storage {
    case .null: "null"
    case .bool: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  /// The member named `key` when this is an object.
  subscript(key: String) -> JSONValue? {
    guard case .object(let members) = storage else { return nil }
    return members.first { $0.key == key }?.value
  }

  var objectMembers: [(key: String, value: JSONValue)]? {
    if case .object(let members) = storage { return members }
    return nil
  }

  var arrayElements: [JSONValue]? {
    if case .array(let elements) = storage { return elements }
    return nil
  }

  var stringValue: String? {
    if case .string(let text) = storage { return text }
    return nil
  }
}

/// Why a text is not JSON, with the position where parsing stopped.
struct JSONSyntaxError: Error, Sendable {
  var line: Int
  var column: Int
  var message: String
}

/// A strict JSON parser (RFC 8259) over UTF-8 bytes that tracks line numbers.
///
/// Written here rather than using Foundation because `JSONDecoder` reports neither the line of a
/// wrong field nor, for JSON Lines, which record it was in, and is slow on large exports.
struct JSONParser {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index: Int
  private var line: Int
  private var lineStart: Int
  private let end: Int
  private var depth = 0

  /// A parser over `bytes[start..<end]`; `line` is the line number of `start`.
  init(bytes: UnsafeBufferPointer<UInt8>, start: Int = 0, end: Int? = nil, line: Int = 1) {
    self.bytes = bytes
    self.index = start
    self.end = end ?? bytes.count
    self.line = line
    self.lineStart = start
  }

  /// Parses one value and requires that only whitespace follows it.
  static func parseDocument(
    _ bytes: UnsafeBufferPointer<UInt8>, start: Int = 0, end: Int? = nil, line: Int = 1
  )
    throws(JSONSyntaxError) -> JSONValue
  {
    var parser = JSONParser(bytes: bytes, start: start, end: end, line: line)
    let value = try parser.parseValue()
    parser.skipWhitespace()
    if parser.index < parser.end {
      throw parser.error("unexpected text after the end of the JSON value")
    }
    return value
  }

  /// Where the parser stands: the offset of the next unread byte, after skipping whitespace.
  mutating func offsetAfterWhitespace() -> Int {
    skipWhitespace()
    return index
  }

  /// The line of the next unread byte.
  var currentLine: Int { line }

  mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
    skipWhitespace()
    guard index < end else { throw error("the file ends where a value should start (is it truncated?)") }
    let startLine = line
    switch bytes[index] {
    case UInt8(ascii: "{"): return JSONValue(storage: try parseObject(), line: startLine)
    case UInt8(ascii: "["): return JSONValue(storage: try parseArray(), line: startLine)
    case UInt8(ascii: "\""): return JSONValue(storage: .string(try parseString()), line: startLine)
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return JSONValue(storage: .bool(true), line: startLine)
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return JSONValue(storage: .bool(false), line: startLine)
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return JSONValue(storage: .null, line: startLine)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return JSONValue(storage: .number(try parseNumber()), line: startLine)
    default:
      throw error("unexpected \(describe(bytes[index])) where a value should start")
    }
  }

  private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue.Storage {
    try enterNesting()
    index += 1
    var members: [(key: String, value: JSONValue)] = []
    skipWhitespace()
    if index < end, bytes[index] == UInt8(ascii: "}") {
      index += 1
      depth -= 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      guard index < end else { throw error("the file ends inside an object (is it truncated?)") }
      guard bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a quoted member name, found \(describe(bytes[index]))")
      }
      let key = try parseString()
      skipWhitespace()
      guard index < end else { throw error("the file ends inside an object (is it truncated?)") }
      guard bytes[index] == UInt8(ascii: ":") else {
        throw error("expected ':' after member name \"\(key)\", found \(describe(bytes[index]))")
      }
      index += 1
      let value = try parseValue()
      members.append((key, value))
      skipWhitespace()
      guard index < end else { throw error("the file ends inside an object (is it truncated?)") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "}") {
        index += 1
        depth -= 1
        return .object(members)
      } else {
        throw error("expected ',' or '}' in an object, found \(describe(bytes[index]))")
      }
    }
  }

  private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue.Storage {
    try enterNesting()
    index += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if index < end, bytes[index] == UInt8(ascii: "]") {
      index += 1
      depth -= 1
      return .array(elements)
    }
    while true {
      elements.append(try parseValue())
      skipWhitespace()
      guard index < end else { throw error("the file ends inside an array (is it truncated?)") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "]") {
        index += 1
        depth -= 1
        return .array(elements)
      } else {
        throw error("expected ',' or ']' in an array, found \(describe(bytes[index]))")
      }
    }
  }

  private mutating func enterNesting() throws(JSONSyntaxError) {
    depth += 1
    // Deeply nested garbage must not overflow the stack; real exports nest fewer than 20 levels.
    if depth > 512 { throw error("values nested more than 512 levels deep") }
  }

  private mutating func parseString() throws(JSONSyntaxError) -> String {
    index += 1
    let start = index
    // Fast path: most strings have no escapes and can be decoded straight from the buffer.
    while index < end {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        index += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw error("a control character inside a string (a string must end on its line)") }
      index += 1
    }
    var buffer = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
    while index < end {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        return String(decoding: buffer, as: UTF8.self)
      case UInt8(ascii: "\\"):
        index += 1
        guard index < end else { break }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(escape)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"): appendUTF8(of: try parseUnicodeEscape(), to: &buffer)
        default: throw error("invalid escape \\\(describe(escape)) in a string")
        }
      default:
        if byte < 0x20 { throw error("a control character inside a string (a string must end on its line)") }
        buffer.append(byte)
        index += 1
      }
    }
    throw error("the file ends inside a string (is it truncated?)")
  }

  private mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> UInt32 {
    let high = try parseHex4()
    guard (0xD800...0xDBFF).contains(high) else {
      return (0xDC00...0xDFFF).contains(high) ? 0xFFFD : high
    }
    // A high surrogate must be followed by an escaped low surrogate; otherwise it stands alone.
    guard index + 1 < end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
      return 0xFFFD
    }
    let escapeStart = index
    index += 2
    let low = try parseHex4()
    guard (0xDC00...0xDFFF).contains(low) else {
      // Not a low surrogate: the lone high one is replaced and the next escape read on its own.
      index = escapeStart
      return 0xFFFD
    }
    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
  }

  private mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
    guard index + 4 <= end else { throw error("the file ends inside a \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw error("invalid hexadecimal digit in a \\u escape")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  private func appendUTF8(of scalarValue: UInt32, to buffer: inout [UInt8]) {
    let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
    buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
  }

  private mutating func parseNumber() throws(JSONSyntaxError) -> String {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < end, isDigit(bytes[index]) else { throw error("a number without digits") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
    } else {
      while index < end, isDigit(bytes[index]) { index += 1 }
    }
    if index < end, bytes[index] == UInt8(ascii: ".") {
      index += 1
      guard index < end, isDigit(bytes[index]) else { throw error("a number with no digits after '.'") }
      while index < end, isDigit(bytes[index]) { index += 1 }
    }
    if index < end, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
      index += 1
      if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      guard index < end, isDigit(bytes[index]) else { throw error("a number with an empty exponent") }
      while index < end, isDigit(bytes[index]) { index += 1 }
    }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
  }

  private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
    let count = literal.utf8CodeUnitCount
    guard index + count <= end else { throw error("the file ends inside a literal (is it truncated?)") }
    for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
      throw error("unexpected \(describe(bytes[index + offset])); expected \(literal)")
    }
    index += count
  }

  mutating func skipWhitespace() {
    while index < end {
      switch bytes[index] {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
      case UInt8(ascii: "\n"):
        index += 1
        line += 1
        lineStart = index
      default: return
      }
    }
  }

  private func error(_ message: String) -> JSONSyntaxError {
    JSONSyntaxError(line: line, column: index - lineStart + 1, message: message)
  }

  private func describe(_ byte: UInt8) -> String {
    if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x" + String(byte, radix: 16, uppercase: true)
  }
}
