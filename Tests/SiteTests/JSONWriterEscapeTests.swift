import TemplateEngine
import Testing

@testable import Site

@Suite struct JSONWriterEscapeTests {
  /// The bytes a JSON string of the exports escapes: controls, `"`, `\`, `<`, and E2 (which
  /// starts U+2028 and U+2029).
  static func mustEscape(_ byte: UInt8) -> Bool {
    byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x3C || byte == 0xE2
  }

  @Test func everyByteIsFoundAtEveryPlaceOfAWord() {
    // Shorter than a word, whole words, and a last word that overlaps the one before.
    for length in [1, 7, 8, 9, 16, 17, 23] {
      for byte in UInt8.min...UInt8.max {
        for position in 0..<length {
          var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
          bytes[position] = byte
          let found = bytes.withUnsafeBufferPointer { JSONWriter.containsByteToEscape($0) }
          #expect(found == Self.mustEscape(byte), "byte \(byte) at \(position) of \(length)")
        }
      }
    }
    #expect(!JSONWriter.containsByteToEscape(UnsafeBufferPointer(start: nil, count: 0)))
  }

  @Test func bytesNextToEachOtherDoNotHideOrFakeOne() {
    // Neighbours that borrow or carry in the word tests: zero bytes, 0x1F/0x20, 0x7F/0x80, 0xE1/0xE3.
    let neighbours: [UInt8] = [
      0x00, 0x01, 0x1F, 0x20, 0x21, 0x23, 0x3B, 0x3D, 0x5B, 0x5D, 0x7F, 0x80, 0xE1, 0xE3, 0xFF,
    ]
    for first in neighbours {
      for second in neighbours {
        let bytes = [UInt8](repeating: 0x41, count: 5) + [first, second] + [UInt8](repeating: 0x41, count: 9)
        let found = bytes.withUnsafeBufferPointer { JSONWriter.containsByteToEscape($0) }
        #expect(found == (Self.mustEscape(first) || Self.mustEscape(second)), "\(first) then \(second)")
      }
    }
  }

  @Test func quotedTextIsEscapedOnlyWhereNeeded() {
    let output = TemplateOutputProbe()
    #expect(
      output.quoted("s3:GetObject on arn:aws:s3:::bucket/*") == "\"s3:GetObject on arn:aws:s3:::bucket/*\"")
    #expect(output.quoted("a \"b\" <c>") == "\"a \\\"b\\\" \\u003cc>\"")
  }
}

/// Appends through `JSONWriter.appendQuoted` and reads the bytes back.
struct TemplateOutputProbe {
  func quoted(_ text: String) -> String {
    var output = TemplateOutput()
    JSONWriter.appendQuoted(text, to: &output)
    return String(decoding: output.bytes, as: UTF8.self)
  }
}
