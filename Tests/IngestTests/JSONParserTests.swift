import Testing

@testable import Ingest

/// A parsed value in a form tests can compare.
private indirect enum Plain: Equatable {
  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array([Plain])
  case object([Member])

  struct Member: Equatable {
    var key: String
    var value: Plain
  }

  init(_ value: JSONValue) {
    switch value.storage {
    case .null: self = .null
    case .bool(let flag): self = .bool(flag)
    case .number(let text): self = .number(text)
    case .string(let text): self = .string(text)
    case .array(let elements): self = .array(elements.map(Plain.init))
    case .object(let members): self = .object(members.map { Member(key: $0.key, value: Plain($0.value)) })
    }
  }
}

private func parse(_ text: String) -> Result<ParsedJSON, JSONSyntaxError> {
  let bytes = Array(text.utf8)
  return bytes.withUnsafeBufferPointer { buffer in
    do throws(JSONSyntaxError) {
      return .success(try JSONParser.parseDocument(buffer))
    } catch {
      return .failure(error)
    }
  }
}

private func plain(_ text: String) throws -> Plain {
  let parsed = try parse(text).get()
  return withExtendedLifetime(parsed) { Plain(parsed.root) }
}

private func syntaxError(_ text: String) throws -> JSONSyntaxError {
  switch parse(text) {
  case .success(let parsed):
    Issue.record("parsed as \(withExtendedLifetime(parsed) { Plain(parsed.root) })")
    throw CancellationError()
  case .failure(let error):
    return error
  }
}

@Suite struct JSONParserTests {
  @Test(arguments: [
    (#""caf\u00e9 \u00C9""#, "café É"),
    (#""\ud83d\ude00 \uD83D\uDE00""#, "😀 😀"),
    (#""a\nb\tc\rd""#, "a\nb\tc\rd"),
    (#""\/\\\"""#, "/\\\""),
    (#""\b\f""#, "\u{8}\u{C}"),
    (#""\u0000\u001f""#, "\u{0}\u{1F}"),
    (#""Zürich 日本 😀""#, "Zürich 日本 😀"),
    (#""plain text""#, "plain text"),
    (#""""#, ""),
    (#""mixed é\u00e9""#, "mixed éé"),
  ])
  func stringEscapes(json: String, expected: String) throws {
    #expect(try plain(json) == .string(expected))
  }

  @Test func loneSurrogatesBecomeReplacementCharacters() throws {
    #expect(try plain(#""\udc00""#) == .string("\u{FFFD}"))
    #expect(try plain(#""\ud83dx""#) == .string("\u{FFFD}x"))
    #expect(try plain(#""\ud83d""#) == .string("\u{FFFD}"))
  }

  @Test func aHighSurrogateFollowedByAnotherEscapeKeepsThatEscape() throws {
    let value = try plain(#""\ud83d\u0041""#)
    #expect(value == .string("\u{FFFD}A"))

  }

  @Test func numbersAreKeptAsWritten() throws {
    let json = "[0, -0, 12.5, -1.5e-3, 1E+2, 2e10, 123456789012345678901234567890, 1707950680]"
    #expect(
      try plain(json)
        == .array(
          ["0", "-0", "12.5", "-1.5e-3", "1E+2", "2e10", "123456789012345678901234567890", "1707950680"].map {
            .number($0)
          }))
  }

  @Test func literalsAndNesting() throws {
    let json = #"{"a": {"b": [true, false, null, {}, []]}, "c": "", "d": {"e": {"f": [[1]]}}}"#
    let expected = Plain.object([
      .init(
        key: "a",
        value: .object([
          .init(key: "b", value: .array([.bool(true), .bool(false), .null, .object([]), .array([])]))
        ])),
      .init(key: "c", value: .string("")),
      .init(
        key: "d",
        value: .object([
          .init(key: "e", value: .object([.init(key: "f", value: .array([.array([.number("1")])]))]))
        ])),
    ])
    #expect(try plain(json) == expected)
  }

  @Test func membersKeepTheirOrderAndTheFirstDuplicateWins() throws {
    let parsed = try parse(#"{"z": 1, "a": 2, "z": 3}"#).get()
    defer { withExtendedLifetime(parsed) {} }
    let value = parsed.root
    #expect(value.objectMembers?.map(\.key) == ["z", "a", "z"])
    #expect(value["z"].map(Plain.init) == .number("1"))
    #expect(value["missing"] == nil)
    #expect(value.typeDescription == "an object")
  }

  @Test func membersAreFoundByNameOverNestedValuesAndEscapes() throws {
    let parsed = try parse(
      #"{"Nested": {"Name": 0, "List": [1, {"Name": 2}]}, "List": [], "Nama": 3, "N\u0061me": 4, "Name": 5, "LastAuthenticatedEntity": 6, "LastAuthenticated": 7, "\u00e9t\u00e9": 8}"#
    ).get()
    let list = try parse("[1]").get()
    defer { withExtendedLifetime((parsed, list)) {} }
    let value = parsed.root
    #expect(value.member("Name").map(Plain.init) == .number("4"))
    #expect(value.member("Nama").map(Plain.init) == .number("3"))
    #expect(value.member("LastAuthenticated").map(Plain.init) == .number("7"))
    #expect(value.member("LastAuthenticatedEntity").map(Plain.init) == .number("6"))
    #expect(value.member("été").map(Plain.init) == .number("8"))
    #expect(value.member("List").map(Plain.init) == .array([]))
    #expect(
      value.member("Nested")?.member("List").map(Plain.init)
        == .array([.number("1"), .object([Plain.Member(key: "Name", value: .number("2"))])]))
    #expect(value.member("Missing") == nil)
    #expect(value.member("Nam") == nil)
    #expect(list.root.member("Name") == nil)
  }

  @Test func valuesRememberTheirLines() throws {
    let json = "{\n  \"a\": 1,\n  \"b\": [\n    \"x\",\n\n    {\"c\": null}\n  ]\n}\n"
    let parsed = try parse(json).get()
    defer { withExtendedLifetime(parsed) {} }
    let value = parsed.root
    #expect(value.line == 1)
    #expect(value["a"]?.line == 2)
    #expect(value["b"]?.line == 3)
    #expect(value["b"]?.arrayElements?.map(\.line) == [4, 6])
    #expect(value["b"]?.arrayElements?.last?["c"]?.line == 6)
  }

  @Test func whitespaceAroundTheValueIsAllowed() throws {
    #expect(try plain(" \r\n\t 42 \r\n") == .number("42"))
  }

  @Test(arguments: [
    (#"{"a": 1"#, 1, 8, "the file ends inside an object (is it truncated?)"),
    (#"{"a": [1, 2"#, 1, 12, "the file ends inside an array (is it truncated?)"),
    (#"{"a": "#, 1, 7, "the file ends where a value should start (is it truncated?)"),
    ("", 1, 1, "the file ends where a value should start (is it truncated?)"),
    (#"{"a": 1,}"#, 1, 9, "expected a quoted member name, found '}'"),
    ("[1,]", 1, 4, "unexpected ']' where a value should start"),
    ("[1 2]", 1, 4, "expected ',' or ']' in an array, found '2'"),
    (#"{"a" 1}"#, 1, 6, "expected ':' after member name \"a\", found '1'"),
    (#"{"a": 1 "b": 2}"#, 1, 9, "expected ',' or '}' in an object, found '\"'"),
    ("{'a': 1}", 1, 2, "expected a quoted member name, found '''"),
    (#""abc"#, 1, 5, "the file ends inside a string (is it truncated?)"),
    ("{\"a\": \"x\n\"}", 1, 9, "a control character inside a string (a string must end on its line)"),
    ("{\n  \"a\": \"x\ty\"\n}", 2, 10, "a control character inside a string (a string must end on its line)"),
    ("[\"\\u00e9\u{1}\"]", 1, 9, "a control character inside a string (a string must end on its line)"),
    (#"["\x"]"#, 1, 5, "invalid escape \\'x' in a string"),
    (#"["\u12G4"]"#, 1, 7, "invalid hexadecimal digit in a \\u escape"),
    (#"["\u12"#, 1, 5, "the file ends inside a \\u escape"),
    ("tru", 1, 1, "the file ends inside a literal (is it truncated?)"),
    ("[nul1]", 1, 2, "unexpected '1'; expected null"),
    ("[1] x", 1, 5, "unexpected text after the end of the JSON value"),
    ("01", 1, 2, "unexpected text after the end of the JSON value"),
    ("-", 1, 2, "a number without digits"),
    ("1.", 1, 3, "a number with no digits after '.'"),
    ("1e+", 1, 4, "a number with an empty exponent"),
    ("[+1]", 1, 2, "unexpected '+' where a value should start"),
    ("[\n\n  ,]", 3, 3, "unexpected ',' where a value should start"),
    ("[\r\n1,\r\n]", 3, 1, "unexpected ']' where a value should start"),
    ("\u{FEFF}{}", 1, 1, "unexpected byte 0xEF where a value should start"),
    ("[\u{7F}]", 1, 2, "unexpected byte 0x7F where a value should start"),
  ])
  func syntaxErrorsSayWhereAndWhat(json: String, line: Int, column: Int, message: String) throws {
    let error = try syntaxError(json)
    #expect(error.message == message)
    #expect(error.line == line)
    #expect(error.column == column)
  }

  @Test func nestingIsLimitedTo512Levels() throws {
    let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
    let parsed = try parse(deepest).get()
    defer { withExtendedLifetime(parsed) {} }
    var value = parsed.root
    var levels = 1
    while let inner = value.arrayElements?.first {
      value = inner
      levels += 1
    }
    #expect(levels == 512)
    let tooDeep = try syntaxError(String(repeating: "[", count: 513) + String(repeating: "]", count: 513))
    #expect(tooDeep.message == "values nested more than 512 levels deep")
    #expect(tooDeep.line == 1)
    #expect(tooDeep.column == 513)
    let objects = try syntaxError(String(repeating: #"{"a":"#, count: 600))
    #expect(objects.message == "values nested more than 512 levels deep")
    #expect(objects.column == 5 * 512 + 1)
  }
}

@Suite struct JSONScanTests {
  /// `stringSpan` over `text` from 0, with the answer a byte-at-a-time scan gives.
  private func spans(_ text: [UInt8]) -> (found: Int, expected: Int, flags: UInt8, expectedFlags: UInt8) {
    var flags: UInt8 = 0
    let found = text.withUnsafeBufferPointer { JSONScan.stringSpan($0, from: 0, to: $0.count, flags: &flags) }
    var expected = 0
    var expectedFlags: UInt8 = 0
    while expected < text.count, text[expected] != 0x22, text[expected] != 0x5C, text[expected] >= 0x20 {
      if text[expected] >= 0x80 { expectedFlags |= JSONToken.nonASCII }
      expected += 1
    }
    return (found, expected, flags, expectedFlags)
  }

  @Test(arguments: [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x0A, 0x00, 0x1F])
  func aStringEndsAtItsFirstSpecialByteWhereverItIs(special: UInt8) {
    for position in 0..<20 {
      for nonASCII in [nil, 0, 3, 9, 21] as [Int?] {
        // Bytes around the special one that a word-wide test could mistake for it.
        var text = (0..<24).map { UInt8(ascii: "a") + UInt8($0 % 26) }
        text[position] = special
        if position + 1 < text.count { text[position + 1] = special == 0x22 ? 0x5C : 0x22 }
        if let nonASCII, nonASCII != position { text[nonASCII] = 0xC3 }
        let result = spans(text)
        #expect(
          result.found == result.expected,
          "special at \(position), non-ASCII at \(String(describing: nonASCII))")
        #expect(
          result.flags == result.expectedFlags,
          "special at \(position), non-ASCII at \(String(describing: nonASCII))")
      }
    }
  }

  /// Every byte value at every position of texts of one to six words and a part (the word scan
  /// and the last bytes), with a non-ASCII byte before or after it.
  @Test func stringSpansAgreeWithAByteByByteScanForEveryByte() {
    for length in [12, 16, 17, 31, 32, 33, 49] {
      for position in 0..<length {
        for byte in UInt8.min...UInt8.max {
          for nonASCII in [nil, position / 2, length - 1] as [Int?] {
            var text = [UInt8](repeating: UInt8(ascii: "m"), count: length)
            if let nonASCII { text[nonASCII] = 0xC3 }
            text[position] = byte
            let result = spans(text)
            #expect(result.found == result.expected, "length \(length), byte \(byte) at \(position)")
            #expect(result.flags == result.expectedFlags, "length \(length), byte \(byte) at \(position)")
          }
        }
      }
    }
  }

  @Test func whitespaceSpansAgreeWithAByteByByteScanForEveryByte() {
    let white: [UInt8] = [0x20, 0x0A, 0x09, 0x0D]
    for length in [7, 16, 17, 31, 32, 33, 49] {
      for position in 0..<length {
        for byte in UInt8.min...UInt8.max {
          // Every kind of whitespace before the byte, cycling.
          var text = (0..<length).map { white[$0 % white.count] }
          text[position] = byte
          let found = text.withUnsafeBufferPointer { JSONScan.whitespaceSpan($0, from: 0, to: $0.count) }
          let expected = text.firstIndex { !white.contains($0) } ?? text.count
          #expect(found == expected, "length \(length), byte \(byte) at \(position)")
        }
      }
    }
  }

  @Test func whitespaceIsSkippedToTheFirstOtherByte() {
    for spaces in 0..<20 {
      for tail in ["\"", "}", "\n  ]", "\t1", " "] {
        let text = Array(("\n" + String(repeating: " ", count: spaces) + tail).utf8)
        let found = text.withUnsafeBufferPointer { JSONScan.whitespaceSpan($0, from: 0, to: $0.count) }
        let expected = text.firstIndex { ![0x20, 0x0A, 0x09, 0x0D].contains($0) } ?? text.count
        #expect(found == expected, "\(spaces) spaces then \(tail.debugDescription)")
      }
    }
  }
}
