import Foundation
import Model

/// A value of a parsed JSON document: a place on its tape, read on demand.
///
/// Objects keep their members in order: the AWS shapes have a dozen keys at most, where a linear
/// scan beats hashing, and duplicate keys resolve to the first as most readers do.
struct JSONValue {
  /// A value's contents, built on demand (members and elements are values on the same tape).
  enum Storage {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])
  }

  /// The document the value is on, held without a reference count: readers look up a dozen
  /// members of each of millions of objects, and each value made retained and released it (0.8 %
  /// of a nightly build's instructions, each an atomic operation). The document must
  /// outlive the value: an export's reader holds its document while reading it, and the caller of
  /// `JSONParser.parseDocument` holds the `ParsedJSON` while reading values inside it.
  unowned(unsafe) let document: JSONDocument
  let index: Int

  var kind: JSONToken.Kind { document[index].kind }

  /// The contents, decoding strings and listing members; readers of large exports use `member(_:)`
  /// and `forEachElement` instead, which allocate nothing.
  var storage: Storage {
    switch kind {
    case .null: .null
    case .true: .bool(true)
    case .false: .bool(false)
    case .number: .number(numberText)
    case .string: .string(decodedString)
    case .array: .array(children.map { JSONValue(document: document, index: $0) })
    case .object: .object(objectMembers ?? [])
    }
  }

  /// 1-based line in the file where the value starts.
  var line: Int { document.line(of: index) }

  /// The JSON type name used in error messages: "a string", "an object", ...
  var typeDescription: String {
    switch kind {
    case .null: "null"
    case .true, .false: "a boolean"
    case .number: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  /// The member named `key` when this is an object.
  subscript(key: String) -> JSONValue? {
    guard kind == .object else { return nil }
    var child = index + 1
    while child < document[index].end {
      if JSONValue(document: document, index: child).decodedString == key {
        return JSONValue(document: document, index: child + 1)
      }
      child = document.skip(child + 1)
    }
    return nil
  }

  /// The member named `key` when this is an object, found by comparing bytes.
  func member(_ key: StaticString) -> JSONValue? {
    guard kind == .object else { return nil }
    // The tape, the bytes and the key are read once for the whole scan rather than once per
    // member: readers ask for a dozen members of each of millions of objects (this loop and the
    // comparison it called took 77 instructions a member).
    let tokens = document.tokens
    let bytes = document.bytes.baseAddress!
    let keyLength = key.utf8CodeUnitCount
    let keyStart = key.utf8Start
    let end = tokens[index].end
    var child = index + 1
    while child < end {
      let token = tokens[child]
      if token.end - token.start - 1 == keyLength || token.flags != 0 {
        let matches =
          token.flags == 0
          ? Self.bytesEqual(bytes + token.start + 1, keyStart, keyLength) : keyMatches(child, key)
        if matches { return JSONValue(document: document, index: child + 1) }
      }
      let value = tokens[child + 1]
      switch value.kind {
      case .array, .object: child = value.end
      default: child += 2
      }
    }
    return nil
  }

  /// Whether this is an object with a member named `key`.
  func hasMember(_ key: StaticString) -> Bool { member(key) != nil }

  private func keyMatches(_ keyIndex: Int, _ key: StaticString) -> Bool {
    let token = document[keyIndex]
    let length = token.end - token.start - 1
    if token.flags != 0 {
      // Escapes or bytes outside ASCII: compare as Swift strings do, by canonical equivalence.
      return JSONValue(document: document, index: keyIndex).decodedString == key.description
    }
    return length == key.utf8CodeUnitCount
      && Self.bytesEqual(document.bytes.baseAddress! + token.start + 1, key.utf8Start, length)
  }

  /// Whether two short byte runs are equal, compared a word at a time: member names are a few
  /// dozen bytes, for which calling `memcmp` costs more than comparing.
  @inline(__always)
  static func bytesEqual(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var offset = 0
    while offset + 8 <= count {
      let leftWord = UnsafeRawPointer(left + offset).loadUnaligned(as: UInt64.self)
      guard leftWord == UnsafeRawPointer(right + offset).loadUnaligned(as: UInt64.self) else { return false }
      offset += 8
    }
    while offset < count {
      guard left[offset] == right[offset] else { return false }
      offset += 1
    }
    return true
  }

  var objectMembers: [(key: String, value: JSONValue)]? {
    guard kind == .object else { return nil }
    var members: [(key: String, value: JSONValue)] = []
    var child = index + 1
    while child < document[index].end {
      members.append(
        (
          JSONValue(document: document, index: child).decodedString,
          JSONValue(document: document, index: child + 1)
        ))
      child = document.skip(child + 1)
    }
    return members
  }

  var arrayElements: [JSONValue]? {
    guard kind == .array else { return nil }
    return children.map { JSONValue(document: document, index: $0) }
  }

  var stringValue: String? { kind == .string ? decodedString : nil }

  /// Whether this is an array with no elements (or an object with no members).
  var isEmptyContainer: Bool { document[index].end == index + 1 }

  /// The tape indices of an array's elements.
  private var children: [Int] {
    var indices: [Int] = []
    var child = index + 1
    while child < document[index].end {
      indices.append(child)
      child = document.skip(child)
    }
    return indices
  }

  /// Calls `body` with each element of an array, in order, and its position.
  func forEachElement<E: Error>(_ body: (Int, JSONValue) throws(E) -> Void) throws(E) {
    let end = document[index].end
    var child = index + 1
    var position = 0
    while child < end {
      try body(position, JSONValue(document: document, index: child))
      position += 1
      child = document.skip(child)
    }
  }

  /// Calls `body` with each member of an object, in order: its key's token and its value.
  func forEachMember<E: Error>(_ body: (JSONValue, JSONValue) throws(E) -> Void) throws(E) {
    let end = document[index].end
    var child = index + 1
    while child < end {
      try body(JSONValue(document: document, index: child), JSONValue(document: document, index: child + 1))
      child = document.skip(child + 1)
    }
  }

  /// A number as written.
  var numberText: String {
    let token = document[index]
    return String(
      decoding: UnsafeBufferPointer(rebasing: document.bytes[token.start..<token.end]), as: UTF8.self)
  }

  /// Whether this is a string whose bytes are exactly `text` (which is ASCII).
  func isString(_ text: StaticString) -> Bool {
    let token = document[index]
    guard token.kind == .string else { return false }
    if token.flags != 0 { return decodedString == text.description }
    let length = token.end - token.start - 1
    return length == text.utf8CodeUnitCount
      && Self.bytesEqual(document.bytes.baseAddress! + token.start + 1, text.utf8Start, length)
  }

  /// The raw bytes of a string with neither escapes nor bytes outside ASCII, which are its text.
  var plainStringBytes: UnsafeBufferPointer<UInt8>? {
    let token = document[index]
    guard token.kind == .string, token.flags == 0 else { return nil }
    return document.rawString(index)
  }

  /// A string token's text, unescaped; invalid UTF-8 becomes U+FFFD as in `String(decoding:)`.
  var decodedString: String {
    let raw = document.rawString(index)
    guard document[index].flags & JSONToken.escaped != 0 else { return String(decoding: raw, as: UTF8.self) }
    return JSONUnescaper.decode(raw)
  }
}

/// Decodes the escapes of a string the parser has already checked.
enum JSONUnescaper {
  static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> String {
    // Written straight into the string: no escape is shorter than what it stands for (a `\u`
    // escape is six bytes, its scalar four at most in UTF-8), so the text fits in as many bytes
    // as its escaped form. Appending each byte to an array first cost a tenth of the work.
    guard !raw.isEmpty else { return "" }
    return String(unsafeUninitializedCapacity: raw.count) { buffer in
      var count = 0
      func append(_ byte: UInt8) {
        buffer[count] = byte
        count += 1
      }
      var index = 0
      while index < raw.count {
        let byte = raw[index]
        guard byte == UInt8(ascii: "\\") else {
          append(byte)
          index += 1
          continue
        }
        let escape = raw[index + 1]
        index += 2
        switch escape {
        case UInt8(ascii: "b"): append(0x08)
        case UInt8(ascii: "f"): append(0x0C)
        case UInt8(ascii: "n"): append(0x0A)
        case UInt8(ascii: "r"): append(0x0D)
        case UInt8(ascii: "t"): append(0x09)
        case UInt8(ascii: "u"):
          let scalar = Unicode.Scalar(unicodeEscape(raw, at: &index)) ?? "\u{FFFD}"
          for unit in UTF8.encode(scalar)! { append(unit) }
        default: append(escape)
        }
      }
      return count
    }
  }

  /// The scalar of the `\u` escape whose digits start at `index`, reading a following escaped low
  /// surrogate with a high one; a lone surrogate becomes U+FFFD.
  private static func unicodeEscape(_ raw: UnsafeBufferPointer<UInt8>, at index: inout Int) -> UInt32 {
    let high = hex4(raw, at: index)
    index += 4
    guard (0xD800...0xDBFF).contains(high) else {
      return (0xDC00...0xDFFF).contains(high) ? 0xFFFD : high
    }
    guard index + 1 < raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") else {
      return 0xFFFD
    }
    let low = hex4(raw, at: index + 2)
    // Not a low surrogate: the lone high one is replaced and the next escape read on its own.
    guard (0xDC00...0xDFFF).contains(low) else { return 0xFFFD }
    index += 6
    return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
  }

  private static func hex4(_ raw: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32 {
    var value: UInt32 = 0
    for offset in 0..<4 { value = value << 4 | (JSONScan.hexDigit(raw[index + offset]) ?? 0) }
    return value
  }
}

/// Prints a JSON value with two-space indentation, numbers as written, strings escaped as
/// `PolicyDocument.quoted` does.
enum JSONPrinter {
  static func pretty(_ value: JSONValue) -> String {
    // A string, the usual value of a statement's `Resource`, is made at its size at once, where
    // printing it into a list and decoding that cost a thousand instructions a statement.
    if let plain = value.plainStringBytes {
      return String(unsafeUninitializedCapacity: plain.count + 2) { text in
        text[0] = UInt8(ascii: "\"")
        _ = UnsafeMutableBufferPointer(rebasing: text[1..<(plain.count + 1)]).initialize(
          fromContentsOf: plain)
        text[plain.count + 1] = UInt8(ascii: "\"")
        return plain.count + 2
      }
    }
    var text: [UInt8] = []
    write(value, depth: 0, into: &text)
    return String(decoding: text, as: UTF8.self)
  }

  private static func write(_ value: JSONValue, depth: Int, into text: inout [UInt8]) {
    let token = value.document[value.index]
    switch token.kind {
    case .null, .true, .false, .number:
      text.append(contentsOf: UnsafeBufferPointer(rebasing: value.document.bytes[token.start..<token.end]))
    case .string: writeString(value, into: &text)
    case .array, .object:
      let isArray = token.kind == .array
      if value.isEmptyContainer {
        text.append(contentsOf: isArray ? "[]".utf8 : "{}".utf8)
        return
      }
      text.append(isArray ? UInt8(ascii: "[") : UInt8(ascii: "{"))
      var first = true
      func separate() {
        text.append(contentsOf: first ? "\n".utf8 : ",\n".utf8)
        text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth + 2))
        first = false
      }
      if isArray {
        value.forEachElement { _, element in
          separate()
          write(element, depth: depth + 1, into: &text)
        }
      } else {
        value.forEachMember { key, member in
          separate()
          writeString(key, into: &text)
          text.append(contentsOf: ": ".utf8)
          write(member, depth: depth + 1, into: &text)
        }
      }
      text.append(UInt8(ascii: "\n"))
      text.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
      text.append(isArray ? UInt8(ascii: "]") : UInt8(ascii: "}"))
    }
  }

  /// A string without escapes prints as it was written: the parser let in neither quotes nor
  /// control characters, the only characters `quoted` escapes.
  private static func writeString(_ value: JSONValue, into text: inout [UInt8]) {
    if let plain = value.plainStringBytes {
      text.append(UInt8(ascii: "\""))
      text.append(contentsOf: plain)
      text.append(UInt8(ascii: "\""))
    } else {
      text.append(contentsOf: PolicyDocument.quoted(value.decodedString).utf8)
    }
  }
}
