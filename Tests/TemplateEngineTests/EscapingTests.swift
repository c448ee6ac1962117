import TemplateEngine
import Testing

struct EscapingTests {
  private let library: TemplateLibrary

  init() throws {
    library = try TemplateLibrary(templates: ["escaped": "[{{text}}]", "raw": "[{{{text}}}|{{&text}}]"])
  }

  private func render(_ template: String, _ text: String) throws -> String {
    try library.render(template, with: TemplateDictionary(["text": .string(text)]))
  }

  @Test(arguments: [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;")])
  func escapesEachSpecialCharacter(special: String, entity: String) throws {
    #expect(try render("escaped", "a\(special)b") == "[a\(entity)b]")
    #expect(try render("escaped", special) == "[\(entity)]")
  }

  @Test func leavesEverythingElseAlone() throws {
    let text = "plain text: digits 0123456789, punctuation !#$%()*+,-./:;=?@[\\]^_`{|}~ and spaces"
    #expect(try render("escaped", text) == "[\(text)]")
  }

  @Test func escapesAroundNonASCIIText() throws {
    #expect(
      try render("escaped", "Zoë & Björn — “quotes” <日本語> 👩🏽‍💻'")
        == "[Zoë &amp; Björn — “quotes” &lt;日本語&gt; 👩🏽‍💻&#39;]")
  }

  @Test func tripleMustacheAndAmpersandDoNotEscape() throws {
    #expect(try render("raw", "<b>&'\"</b>") == "[<b>&'\"</b>|<b>&'\"</b>]")
  }

  @Test func textGivenAsBytesIsEscapedAndPrintedLikeAString() throws {
    let bytes = TemplateDictionary(["text": .utf8(Array("<b>Zoë & co</b>".utf8))])
    #expect(try library.render("escaped", with: bytes) == "[&lt;b&gt;Zoë &amp; co&lt;/b&gt;]")
    #expect(try library.render("raw", with: bytes) == "[<b>Zoë & co</b>|<b>Zoë & co</b>]")
    let sections = try TemplateLibrary(templates: ["t": "{{#text}}yes{{/text}}{{^text}}no{{/text}}"])
    #expect(try sections.render("t", with: TemplateDictionary(["text": .utf8([])])) == "yes")
  }

  @Test func textReadInPlaceIsEscapedAndPrintedLikeTheSameBytesInAnArray() throws {
    let text = Array("<b>Zoë & co</b>\u{202E}".utf8)
    let bidi = try TemplateLibrary(
      templates: ["page": "[{{text}}|{{{text}}}|{{&text}}]"], escaper: VisibleBidiControls())
    for (library, names) in [(library, ["escaped", "raw"]), (bidi, ["page"])] {
      for name in names {
        let inPlace = try text.withUnsafeBufferPointer {
          try library.render(name, with: ["text": .utf8InPlace(BorrowedBytes($0))] as TemplateDictionary)
        }
        #expect(inPlace == (try library.render(name, with: ["text": .utf8(text)] as TemplateDictionary)))
      }
    }
    let escaped = try text.withUnsafeBufferPointer {
      try bidi.render("page", with: ["text": .utf8InPlace(BorrowedBytes($0))] as TemplateDictionary)
    }
    #expect(escaped.hasPrefix("[&lt;b&gt;Zoë &amp; co&lt;/b&gt;[U+202E]|"))
    let sections = try TemplateLibrary(templates: ["t": "{{#text}}yes{{/text}}{{^text}}no{{/text}}"])
    let empty = try [UInt8]().withUnsafeBufferPointer {
      try sections.render("t", with: ["text": .utf8InPlace(BorrowedBytes($0))] as TemplateDictionary)
    }
    #expect(empty == "yes")
  }

  /// Plain ASCII is told word by word, the last word overlapping: a special or non-ASCII byte at
  /// any position of any length must be seen.
  @Test func plainASCIIIsToldAtEveryPositionAndLength() {
    func isPlain(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer(HTMLEscaper.isPlainASCII) }
    for length in 0..<40 {
      let plain = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
      #expect(isPlain(plain), "length \(length)")
      for position in 0..<length {
        for byte in Array("&<>\"'".utf8) + [0x80, 0xE2, 0xFF] {
          var changed = plain
          changed[position] = byte
          #expect(!isPlain(changed), "length \(length), byte \(byte) at \(position)")
        }
        // The bytes next to the special ones, which the tests for pairs of them must not take
        // for one: `!`, `#`, `%`, `(`, `;`, `=`, `?`, `"` with its low bit cleared, and DEL.
        for byte: UInt8 in [0x21, 0x23, 0x25, 0x28, 0x3B, 0x3D, 0x3F, 0x20, 0x7F] {
          var changed = plain
          changed[position] = byte
          #expect(isPlain(changed), "length \(length), byte \(byte) at \(position)")
        }
      }
    }
  }

  /// Every byte value at every position of short texts (one word, a word and a part, the
  /// four-to-seven-byte case) is told as a byte-by-byte check tells it.
  @Test func plainASCIIAgreesWithAByteByByteCheckForEveryByte() {
    let special = Set("&<>\"'".utf8)
    for length in 1...17 {
      for position in 0..<length {
        for byte in UInt8.min...UInt8.max {
          var text = [UInt8](repeating: UInt8(ascii: "m"), count: length)
          text[position] = byte
          let expected = byte < 0x80 && !special.contains(byte)
          #expect(
            text.withUnsafeBufferPointer(HTMLEscaper.isPlainASCII) == expected,
            "length \(length), byte \(byte) at \(position)")
        }
      }
    }
  }

  /// Escaping finds every special byte, and escaping up to the first non-ASCII byte stops
  /// exactly there, with every byte value at every position of texts of one word, a word and a
  /// part, and one to three blocks of sixteen and a part; both write what they take as a
  /// byte-by-byte escaper would: in full, and for an element's content, which keeps quotes.
  @Test(arguments: [false, true])
  func escapingFindsEveryByteAtEveryPosition(inElementContent: Bool) {
    var entities: [UInt8: [UInt8]] = [
      UInt8(ascii: "&"): Array("&amp;".utf8), UInt8(ascii: "<"): Array("&lt;".utf8),
      UInt8(ascii: ">"): Array("&gt;".utf8), UInt8(ascii: "\""): Array("&quot;".utf8),
      UInt8(ascii: "'"): Array("&#39;".utf8),
    ]
    if inElementContent {
      entities[UInt8(ascii: "\"")] = nil
      entities[UInt8(ascii: "'")] = nil
    }
    for length in Array(1...17) + [31, 32, 33, 47, 48, 49] {
      for position in 0..<length {
        for byte in UInt8.min...UInt8.max {
          // A special byte before the changed one, so that runs and entities mix.
          var text = [UInt8](repeating: UInt8(ascii: "m"), count: length)
          if position > 2 { text[1] = UInt8(ascii: "<") }
          text[position] = byte
          var whole = TemplateOutput()
          text.withUnsafeBufferPointer {
            if inElementContent {
              HTMLEscaper.appendHTMLTextEscaped($0, to: &whole)
            } else {
              HTMLEscaper.appendHTMLEscaped($0, to: &whole)
            }
          }
          #expect(
            whole.bytes == text.flatMap { entities[$0] ?? [$0] },
            "length \(length), byte \(byte) at \(position)")
          var prefix = TemplateOutput()
          let taken = text.withUnsafeBufferPointer {
            inElementContent
              ? HTMLEscaper.appendHTMLTextEscapedUpToNonASCII($0, to: &prefix)
              : HTMLEscaper.appendHTMLEscapedUpToNonASCII($0, to: &prefix)
          }
          let stop = text.firstIndex { $0 >= 0x80 } ?? length
          #expect(taken == stop, "length \(length), byte \(byte) at \(position)")
          #expect(
            prefix.bytes == text[..<stop].flatMap { entities[$0] ?? [$0] },
            "length \(length), byte \(byte) at \(position)")
        }
      }
    }
  }

  @Test func anElementsContentKeepsItsQuotes() {
    var output = TemplateOutput()
    let text = #"  "Action": ["s3:Get*", "<it's & more>"],"#
    Array(text.utf8).withUnsafeBufferPointer { HTMLEscaper().appendEscapedText($0, to: &output) }
    #expect(
      String(decoding: output.bytes, as: UTF8.self) == #"  "Action": ["s3:Get*", "&lt;it's &amp; more&gt;"],"#
    )
  }

  @Test func anEscaperWithoutATextEscapingOfItsOwnEscapesContentInFull() {
    var output = TemplateOutput()
    Array(#"<"é'>"#.utf8).withUnsafeBufferPointer { VisibleBidiControls().appendEscapedText($0, to: &output) }
    #expect(String(decoding: output.bytes, as: UTF8.self) == "&lt;&quot;é&#39;&gt;")
  }

  /// The fast path looks at eight bytes at a time: specials at every position of long and
  /// short texts must come out as a byte-by-byte escaper would write them.
  @Test func escapesSpecialsAtEveryPosition() throws {
    let alphabet = Array("ab<&>\"'é-%(;=?")
    var generator = SplitMix(seed: 42)
    for length in 0..<40 {
      for _ in 0..<20 {
        let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        #expect(try render("escaped", text) == "[\(referenceEscape(text))]")
      }
    }
  }

  @Test func numbersAndBooleansPrintAsSwiftDoes() throws {
    let library = try TemplateLibrary(templates: [
      "numbers": "{{a}} {{b}} {{c}} {{d}} {{e}} {{f}} {{g}} {{h}}"
    ])
    let values: TemplateDictionary = [
      "a": 0, "b": -42, "c": .int(Int.max), "d": .int(Int.min), "e": 1.21, "f": 2.0, "g": true, "h": false,
    ]
    #expect(
      try library.render("numbers", with: values)
        == "0 -42 9223372036854775807 -9223372036854775808 1.21 2.0 true false")
  }

  @Test func aFilterSeesEveryInterpolatedStringBeforeEscaping() throws {
    let library = try TemplateLibrary(
      templates: ["page": "{{text}}|{{{text}}}|{{&text}}|{{number}}|<b>\u{202E}</b>"],
      escaper: VisibleBidiControls())
    let context: TemplateDictionary = ["text": "a\u{202E}<b>\u{2066}c\u{61C}d\u{200F}", "number": 7]
    #expect(
      try library.render("page", with: context)
        == "a[U+202E]&lt;b&gt;[U+2066]c[U+061C]d[U+200F]|a[U+202E]<b>[U+2066]c[U+061C]d[U+200F]|"
        + "a[U+202E]<b>[U+2066]c[U+061C]d[U+200F]|7|<b>\u{202E}</b>")
  }

  @Test func renderedMarkupPassesTheFilterOnceAndIsEscapedOnlyByDoubleMustaches() throws {
    let library = try TemplateLibrary(
      templates: ["body": "<p>{{text}}</p>", "layout": "{{{body}}}|{{&body}}|{{body}}"],
      escaper: VisibleBidiControls())
    let body = Array(try library.render("body", with: ["text": "a\u{202E}b"] as TemplateDictionary).utf8)
    #expect(body == Array("<p>a[U+202E]b</p>".utf8))
    // A control in the markup itself (here put there by hand) would be marked if the filter saw
    // the body again: it does not, for triple mustaches.
    let marked = body + Array("\u{202E}".utf8)
    #expect(
      try library.render("layout", with: ["body": .rendered(marked)] as TemplateDictionary)
        == "<p>a[U+202E]b</p>\u{202E}|<p>a[U+202E]b</p>\u{202E}|&lt;p&gt;a[U+202E]b&lt;/p&gt;[U+202E]")
    let sections = try TemplateLibrary(templates: ["t": "{{#body}}yes{{/body}}{{^body}}no{{/body}}"])
    #expect(try sections.render("t", with: ["body": .rendered([])] as TemplateDictionary) == "yes")
  }

  @Test func markupReadInPlaceIsPrintedAsRenderedMarkupIs() throws {
    let library = try TemplateLibrary(
      templates: ["layout": "[{{{body}}}|{{&body}}|{{body}}]"], escaper: VisibleBidiControls())
    let markup = Array("<p>a&amp;b</p>\u{202E}".utf8)
    let inPlace = try markup.withUnsafeBufferPointer {
      try library.render("layout", with: ["body": .renderedInPlace(BorrowedBytes($0))] as TemplateDictionary)
    }
    #expect(
      inPlace == "[<p>a&amp;b</p>\u{202E}|<p>a&amp;b</p>\u{202E}|&lt;p&gt;a&amp;amp;b&lt;/p&gt;[U+202E]]")
    let copied = try library.render("layout", with: ["body": .rendered(markup)] as TemplateDictionary)
    #expect(inPlace == copied)
    let sections = try TemplateLibrary(templates: ["t": "{{#body}}yes{{/body}}{{^body}}no{{/body}}"])
    let empty = try [UInt8]().withUnsafeBufferPointer {
      try sections.render("t", with: ["body": .renderedInPlace(BorrowedBytes($0))] as TemplateDictionary)
    }
    #expect(empty == "yes")
  }

  @Test func aFilterLeavesOtherTextAsHTMLEscapingDoes() throws {
    let filtered = try TemplateLibrary(templates: ["page": "{{text}}"], escaper: VisibleBidiControls())
    let plain = try TemplateLibrary(templates: ["page": "{{text}}"])
    let context: TemplateDictionary = ["text": "Zoë's <b>\u{2028}\u{202F}\u{2065}\u{206A}\u{242E}</b> & co"]
    #expect(try filtered.render("page", with: context) == plain.render("page", with: context))
  }

  private func referenceEscape(_ text: String) -> String {
    var result = ""
    for character in text.unicodeScalars {
      switch character {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&#39;"
      default: result.unicodeScalars.append(character)
      }
    }
    return result
  }
}

/// Shows Unicode bidirectional controls as visible `[U+202E]` marks, then escapes as HTML: the
/// kind of filter the site passes to the library.
struct VisibleBidiControls: TemplateEscaper {
  func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    appendMarkingControls(text, to: &output) { run, output in HTMLEscaper.appendHTMLEscaped(run, to: &output)
    }
  }

  func appendUnescaped(_ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput) {
    appendMarkingControls(text, to: &output) { run, output in output.append(run) }
  }

  private func appendMarkingControls(
    _ text: UnsafeBufferPointer<UInt8>, to output: inout TemplateOutput,
    appendRun: (UnsafeBufferPointer<UInt8>, inout TemplateOutput) -> Void
  ) {
    var runStart = 0
    var index = 0
    while index < text.count {
      guard let (scalar, length) = bidiControl(in: text, at: index) else {
        index += 1
        continue
      }
      appendRun(UnsafeBufferPointer(rebasing: text[runStart..<index]), &output)
      let hex = String(scalar, radix: 16, uppercase: true)
      output.append("[U+" + String(repeating: "0", count: 4 - hex.count) + hex + "]")
      index += length
      runStart = index
    }
    appendRun(UnsafeBufferPointer(rebasing: text[runStart...]), &output)
  }

  /// The control starting at `index` and its length in bytes: U+061C is D8 9C in UTF-8, the
  /// others E2 80 xx or E2 81 xx.
  private func bidiControl(in text: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
    let lead = text[index]
    if lead == 0xD8, index + 1 < text.count, text[index + 1] == 0x9C {
      return (0x061C, 2)
    }
    guard lead == 0xE2, index + 2 < text.count else { return nil }
    let scalar = UInt32(0x2000) | UInt32(text[index + 1] & 0x3F) << 6 | UInt32(text[index + 2] & 0x3F)
    switch scalar {
    case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return (scalar, 3)
    default: return nil
    }
  }
}

/// A small deterministic random number generator, so that generated cases are the same on
/// every run.
struct SplitMix {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var value = state
    value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
    value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
    return value ^ (value >> 31)
  }
}

@Suite struct TemplateValueLayoutTests {
  @Test func aTemplateValueFitsInTwoWordsAndATag() {
    // Lookups make and drop millions of values: four words (an `ArraySlice`) made each one
    // travel through memory instead of registers.
    #expect(MemoryLayout<TemplateValue>.size <= 17)
  }
}
