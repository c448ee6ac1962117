import CByteScan

/// One value of a parsed JSON text as the parser records it on a tape, in document order: what it
/// is, where it starts, and where it ends.
///
/// A tape instead of a tree of values: an export of hundreds of megabytes holds millions of values
/// of which the readers look at a few, so nothing is allocated per value; strings are decoded only
/// when read, and a value that is never read is skipped by jumping to its end.
struct JSONToken {
  enum Kind: UInt8 {
    case null, `true`, `false`, number, string, array, object
  }

  /// A string holding a backslash escape, to be decoded rather than read as it is.
  static let escaped: UInt8 = 1
  /// A string holding bytes outside ASCII, which cannot be compared with a key byte for byte.
  static let nonASCII: UInt8 = 2

  /// The offset of the value's first byte (the quote of a string, the bracket of a container).
  var start: Int
  /// `end << 16 | flags << 8 | kind`, where `end` is the offset just past the value, except for a
  /// string (the offset of its closing quote) and a container (the index of the token after it).
  private var packed: UInt64

  init(kind: Kind, start: Int, end: Int = 0, flags: UInt8 = 0) {
    self.start = start
    packed = UInt64(end) << 16 | UInt64(flags) << 8 | UInt64(kind.rawValue)
  }

  var kind: Kind { Kind(rawValue: UInt8(truncatingIfNeeded: packed))! }
  var flags: UInt8 { UInt8(truncatingIfNeeded: packed >> 8) }
  var end: Int {
    get { Int(packed >> 16) }
    set { packed = UInt64(newValue) << 16 | packed & 0xFFFF }
  }
}

/// Why a text is not JSON, with the position where parsing stopped.
struct JSONSyntaxError: Error, Sendable {
  var line: Int
  var column: Int
  var message: String
}

/// A JSON text and the tape of its values, plus what an error message says about where it came
/// from: the file, the path of the text's first value, and how lines are counted.
///
/// A document refers to bytes it does not always own (a mapped export file): it must not outlive
/// them. The tape is refilled for each value of a file with several (JSON Lines).
final class JSONDocument {
  private(set) var bytes: UnsafeBufferPointer<UInt8>
  /// Keeps `bytes` alive when the document made its own copy.
  private let ownedBytes: UnsafeMutableBufferPointer<UInt8>?
  private(set) var tokens: UnsafeMutablePointer<JSONToken>
  private(set) var count = 0
  private var capacity: Int

  /// The file named in error messages.
  var file: String
  /// The string member of another document that held this one's text (a URL-encoded policy): its
  /// path starts the paths of this document's values, and its line is theirs, since the text's own
  /// lines are not the file's.
  var container: JSONValue?
  /// Shares the strings that repeat across files, for the worker reading this document.
  var interner: StringInterner?
  /// The position of the first element when the first value is an array of records: the records
  /// of a file are numbered on across the arrays it holds.
  var arrayIndexBase = 0
  /// Where counting lines starts, and the number of that line.
  var lineStart = 0
  var firstLine = 1

  /// A document over bytes owned by the caller, who keeps them alive longer than the document.
  init(borrowing bytes: UnsafeBufferPointer<UInt8>, file: String) {
    self.bytes = bytes
    ownedBytes = nil
    self.file = file
    capacity = max(64, bytes.count / 16)
    tokens = .allocate(capacity: capacity)
  }

  /// Reads another file's bytes onto this document's tape.
  func reuse(for bytes: UnsafeBufferPointer<UInt8>, file: String) {
    precondition(ownedBytes == nil, "only a document over borrowed bytes is reused")
    self.bytes = bytes
    self.file = file
    count = 0
    container = nil
    arrayIndexBase = 0
  }

  /// A document over its own copy of `bytes`.
  init(copying source: some Collection<UInt8>, file: String) {
    let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: source.count)
    _ = copy.initialize(from: source)
    ownedBytes = copy
    bytes = UnsafeBufferPointer(copy)
    self.file = file
    capacity = max(16, copy.count / 8)
    tokens = .allocate(capacity: capacity)
  }

  deinit {
    tokens.deallocate()
    ownedBytes?.deallocate()
  }

  subscript(index: Int) -> JSONToken {
    _read { yield tokens[index] }
  }

  /// Forgets the tape, to parse the next value of the file into it.
  func removeAllTokens() { count = 0 }

  func append(_ token: JSONToken) -> Int {
    if count == capacity { grow() }
    tokens[count] = token
    count += 1
    return count - 1
  }

  func setEnd(of index: Int, to end: Int) {
    tokens[index].end = end
  }

  private func grow() {
    let larger = UnsafeMutablePointer<JSONToken>.allocate(capacity: capacity * 2)
    larger.moveInitialize(from: tokens, count: count)
    tokens.deallocate()
    tokens = larger
    capacity *= 2
  }

  /// The index of the token after the value at `index` and everything inside it.
  func skip(_ index: Int) -> Int {
    let token = tokens[index]
    switch token.kind {
    case .array, .object: return token.end
    default: return index + 1
    }
  }

  /// The raw bytes of a string token, between its quotes.
  func rawString(_ index: Int) -> UnsafeBufferPointer<UInt8> {
    let token = tokens[index]
    return UnsafeBufferPointer(rebasing: bytes[(token.start + 1)..<token.end])
  }

  /// The path of the value at `index` as error messages give it (`findingDetails[0].actions`),
  /// found by walking down from the first value: paths are only needed for errors.
  func path(to target: Int) -> String {
    var path = container.map { $0.document.path(to: $0.index) } ?? ""
    var current = 0
    while current < target {
      if tokens[current].kind == .array {
        var child = current + 1
        var position = current == 0 ? arrayIndexBase : 0
        while skip(child) <= target {
          child = skip(child)
          position += 1
        }
        path += "[\(position)]"
        current = child
      } else {
        var key = current + 1
        while skip(key + 1) <= target { key = skip(key + 1) }
        let name = JSONValue(document: self, index: key).decodedString
        path += path.isEmpty ? name : "." + name
        current = key + 1
      }
    }
    return path
  }

  /// The line a value starts on.
  func line(of index: Int) -> Int {
    if let container { return container.line }
    let offset = tokens[index].start
    var line = firstLine
    for position in lineStart..<offset where bytes[position] == UInt8(ascii: "\n") { line += 1 }
    return line
  }
}

/// A JSON text parsed on its own: the document, which holds the text and its tape, and the text's
/// value. Keep it while reading `root` or any value inside it, which do not hold the document.
struct ParsedJSON {
  let document: JSONDocument
  let root: JSONValue
}

/// A strict JSON parser (RFC 8259) over UTF-8 bytes, writing the values of one JSON text onto the
/// tape of a `JSONDocument`.
///
/// Written here rather than using Foundation because `JSONDecoder` reports neither the line of a
/// wrong field nor, for JSON Lines, which record it was in, and is slow on large exports. Lines are
/// counted only when an error is reported: newlines outside strings are the only ones JSON allows.
struct JSONParser {
  private let document: JSONDocument
  private let bytes: UnsafeBufferPointer<UInt8>
  private var index: Int
  private let start: Int
  private let firstLine: Int
  private let end: Int
  private var depth = 0

  /// A parser over `document.bytes[start..<end]`; `line` is the line number of `start`.
  init(document: JSONDocument, start: Int = 0, end: Int? = nil, line: Int = 1) {
    self.document = document
    self.bytes = document.bytes
    self.index = start
    self.start = start
    self.end = end ?? document.bytes.count
    self.firstLine = line
    document.lineStart = start
    document.firstLine = line
  }

  /// Parses one value and requires that only whitespace follows it; the document owns a copy of
  /// the bytes.
  static func parseDocument(
    _ bytes: UnsafeBufferPointer<UInt8>, start: Int = 0, end: Int? = nil, line: Int = 1, file: String = ""
  )
    throws(JSONSyntaxError) -> ParsedJSON
  {
    let document = JSONDocument(copying: bytes, file: file)
    var parser = JSONParser(document: document, start: start, end: end, line: line)
    let root = try parser.parseValue()
    parser.skipWhitespace()
    if parser.index < parser.end {
      throw parser.error("unexpected text after the end of the JSON value")
    }
    return ParsedJSON(document: document, root: JSONValue(document: document, index: root))
  }

  /// Where the parser stands: the offset of the next unread byte, after skipping whitespace.
  mutating func offsetAfterWhitespace() -> Int {
    skipWhitespace()
    return index
  }

  /// The line of the next unread byte.
  var currentLine: Int { position(countingLinesBefore: index).line }

  /// Parses one value onto the tape and returns the index of its token.
  mutating func parseValue() throws(JSONSyntaxError) -> Int {
    skipWhitespace()
    guard index < end else { throw error("the file ends where a value should start (is it truncated?)") }
    let valueStart = index
    switch bytes[index] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""):
      let (close, flags) = try scanString()
      return document.append(JSONToken(kind: .string, start: valueStart, end: close, flags: flags))
    case UInt8(ascii: "t"):
      try expectLiteral("true")
      return document.append(JSONToken(kind: .true, start: valueStart, end: index))
    case UInt8(ascii: "f"):
      try expectLiteral("false")
      return document.append(JSONToken(kind: .false, start: valueStart, end: index))
    case UInt8(ascii: "n"):
      try expectLiteral("null")
      return document.append(JSONToken(kind: .null, start: valueStart, end: index))
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      try scanNumber()
      return document.append(JSONToken(kind: .number, start: valueStart, end: index))
    default:
      throw error("unexpected \(describe(bytes[index])) where a value should start")
    }
  }

  private mutating func parseObject() throws(JSONSyntaxError) -> Int {
    try enterNesting()
    let object = document.append(JSONToken(kind: .object, start: index))
    index += 1
    skipWhitespace()
    if index < end, bytes[index] == UInt8(ascii: "}") {
      return closeContainer(object)
    }
    while true {
      skipWhitespace()
      guard index < end else { throw error("the file ends inside an object (is it truncated?)") }
      guard bytes[index] == UInt8(ascii: "\"") else {
        throw error("expected a quoted member name, found \(describe(bytes[index]))")
      }
      let keyStart = index
      let (close, flags) = try scanString()
      let key = document.append(JSONToken(kind: .string, start: keyStart, end: close, flags: flags))
      skipWhitespace()
      guard index < end else { throw error("the file ends inside an object (is it truncated?)") }
      guard bytes[index] == UInt8(ascii: ":") else {
        let name = JSONValue(document: document, index: key).decodedString
        throw error("expected ':' after member name \"\(name)\", found \(describe(bytes[index]))")
      }
      index += 1
      _ = try parseValue()
      skipWhitespace()
      guard index < end else { throw error("the file ends inside an object (is it truncated?)") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "}") {
        return closeContainer(object)
      } else {
        throw error("expected ',' or '}' in an object, found \(describe(bytes[index]))")
      }
    }
  }

  private mutating func parseArray() throws(JSONSyntaxError) -> Int {
    try enterNesting()
    let array = document.append(JSONToken(kind: .array, start: index))
    index += 1
    skipWhitespace()
    if index < end, bytes[index] == UInt8(ascii: "]") {
      return closeContainer(array)
    }
    while true {
      _ = try parseValue()
      skipWhitespace()
      guard index < end else { throw error("the file ends inside an array (is it truncated?)") }
      if bytes[index] == UInt8(ascii: ",") {
        index += 1
      } else if bytes[index] == UInt8(ascii: "]") {
        return closeContainer(array)
      } else {
        throw error("expected ',' or ']' in an array, found \(describe(bytes[index]))")
      }
    }
  }

  private mutating func closeContainer(_ container: Int) -> Int {
    index += 1
    depth -= 1
    document.setEnd(of: container, to: document.count)
    return container
  }

  private mutating func enterNesting() throws(JSONSyntaxError) {
    depth += 1
    // Deeply nested garbage must not overflow the stack; real exports nest fewer than 20 levels.
    if depth > 512 { throw error("values nested more than 512 levels deep") }
  }

  /// Checks a string from its opening quote and returns the offset of its closing quote and what
  /// decoding it will need.
  private mutating func scanString() throws(JSONSyntaxError) -> (close: Int, flags: UInt8) {
    index += 1
    var flags: UInt8 = 0
    while true {
      index = JSONScan.stringSpan(bytes, from: index, to: end, flags: &flags)
      guard index < end else { throw error("the file ends inside a string (is it truncated?)") }
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        index += 1
        return (index - 1, flags)
      }
      if byte < 0x20 { throw error("a control character inside a string (a string must end on its line)") }
      // A backslash: the escape is checked here and decoded when the string is read.
      flags |= JSONToken.escaped
      index += 1
      guard index < end else { throw error("the file ends inside a string (is it truncated?)") }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
        continue
      case UInt8(ascii: "u"):
        try checkHex4()
      default:
        // Counted as the old line-tracking parser did: an escaped newline did not start a line.
        throw error("invalid escape \\\(describe(escape)) in a string", linesBefore: index - 1)
      }
    }
  }

  private mutating func checkHex4() throws(JSONSyntaxError) {
    guard index + 4 <= end else { throw error("the file ends inside a \\u escape") }
    for _ in 0..<4 {
      guard JSONScan.hexDigit(bytes[index]) != nil else {
        throw error("invalid hexadecimal digit in a \\u escape")
      }
      index += 1
    }
  }

  private mutating func scanNumber() throws(JSONSyntaxError) {
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

  @inline(__always)
  mutating func skipWhitespace() {
    // Most tokens follow their separator directly, or a newline and indentation: the first case
    // costs a comparison here instead of a call (twelve million a large snapshot).
    if index < end && bytes[index] > 0x20 { return }
    index = JSONScan.whitespaceSpan(bytes, from: index, to: end)
  }

  /// The line of `limit` and the offset where that line starts.
  private func position(countingLinesBefore limit: Int) -> (line: Int, lineStart: Int) {
    var line = firstLine
    var lineStart = start
    for offset in start..<limit where bytes[offset] == UInt8(ascii: "\n") {
      line += 1
      lineStart = offset + 1
    }
    return (line, lineStart)
  }

  private func error(_ message: String, linesBefore limit: Int? = nil) -> JSONSyntaxError {
    let (line, lineStart) = position(countingLinesBefore: limit ?? index)
    return JSONSyntaxError(line: line, column: index - lineStart + 1, message: message)
  }

  private func describe(_ byte: UInt8) -> String {
    if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
    return "byte 0x" + String(byte, radix: 16, uppercase: true)
  }
}

/// The byte loops of the parser, eight bytes at a time where the text allows.
enum JSONScan {
  private static let ones: UInt64 = 0x0101_0101_0101_0101
  private static let highBits: UInt64 = 0x8080_8080_8080_8080

  /// The offset of the first byte from `index` on that is a quote, a backslash or a control
  /// character (or `end`); `flags` gains `nonASCII` when a byte on the way is outside ASCII.
  @inline(__always)
  static func stringSpan(
    _ bytes: UnsafeBufferPointer<UInt8>, from index: Int, to end: Int, flags: inout UInt8
  )
    -> Int
  {
    var index = index
    let base = UnsafeRawPointer(bytes.baseAddress!)
    // Sixteen bytes at a time with vector instructions while sixteen are left (ARNs, policy
    // documents and descriptions run longer), then eight at a time in a word.
    while index + 16 <= end {
      let mask = permsite_json_string_mask(bytes.baseAddress! + index)
      let special = mask & 0xFFFF
      if special != 0 {
        let before = special.trailingZeroBitCount
        // Only the bytes before the special one count for `nonASCII`.
        if (mask >> 16) & (1 << UInt32(before) &- 1) != 0 { flags |= JSONToken.nonASCII }
        return index + before
      }
      if mask != 0 { flags |= JSONToken.nonASCII }
      index += 16
    }
    var high: UInt64 = 0
    while index + 8 <= end {
      let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      let quote = word ^ (ones &* 0x22)
      let backslash = word ^ (ones &* 0x5C)
      // A byte is zero in `quote` or `backslash`, or below 0x20 in `word`, when the test has its
      // high bit set (the classic "has a zero byte" and "has a byte less than n" tricks). A
      // borrow can set the bit of a byte above a hit, never below one, so the lowest bit set
      // is the first special byte itself.
      let special =
        ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word)
        & highBits
      if special != 0 {
        let before = special.trailingZeroBitCount & ~7
        // The bytes before the special one count for `nonASCII`; a shift by 64 is not allowed.
        high |= before == 0 ? 0 : word & (UInt64.max >> (64 - before))
        if high & highBits != 0 { flags |= JSONToken.nonASCII }
        return index + before >> 3
      }
      high |= word
      index += 8
    }
    if high & highBits != 0 { flags |= JSONToken.nonASCII }
    while index < end {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return index }
      if byte >= 0x80 { flags |= JSONToken.nonASCII }
      index += 1
    }
    return index
  }

  /// The offset of the first byte from `index` on that is not JSON whitespace (or `end`).
  @inline(never)
  static func whitespaceSpan(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, to end: Int) -> Int {
    var index = index
    // A newline and its indentation, or the space after a colon, nearly always lie within
    // sixteen bytes: one vector test finds the first byte that is not whitespace.
    while index + 16 <= end {
      let mask = permsite_json_non_whitespace_mask(bytes.baseAddress! + index)
      if mask != 0 { return index + mask.trailingZeroBitCount }
      index += 16
    }
    while index < end {
      switch bytes[index] {
      case UInt8(ascii: " "):
        // Indentation comes in runs: skip whole words of spaces, then to the first byte of the
        // last word that is not one (its lowest nonzero byte after taking the spaces away).
        let base = UnsafeRawPointer(bytes.baseAddress!)
        while index + 8 <= end {
          let rest = base.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ (ones &* 0x20)
          if rest != 0 {
            index += rest.trailingZeroBitCount >> 3
            break
          }
          index += 8
        }
        while index < end, bytes[index] == UInt8(ascii: " ") { index += 1 }
      case UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): index += 1
      default: return index
      }
    }
    return index
  }

  static func hexDigit(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }
}
