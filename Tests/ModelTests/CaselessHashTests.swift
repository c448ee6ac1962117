import Model
import Testing

@Suite struct CaselessHashTests {
  @Test func caseDoesNotMatterButEveryOtherByteDoes() {
    #expect(CaselessHash.of("S3:GetObject") == CaselessHash.of("s3:getobject"))
    #expect(CaselessHash.of("s3:GetObject") != CaselessHash.of("s3:GetObjects"))
    #expect(CaselessHash.of("ab") != CaselessHash.of("ba"))
    // Trailing zero bytes are not the same as none.
    #expect(CaselessHash.of("s3") != CaselessHash.of("s3\u{0}"))
    #expect(CaselessHash.of("") != CaselessHash.of("\u{0}"))
  }

  /// Every ASCII byte at every position of texts taken byte by byte and word by word: capitals
  /// hash as their small letters, and no other byte as the byte 0x20 above it (`@` is not a
  /// backtick, `[` is not `{`).
  @Test func onlyCapitalLettersAreLowerCasedWhereverTheyAre() throws {
    for length in [1, 7, 8, 9, 16, 17] {
      for position in 0..<length {
        for byte in UInt8(0)..<0x80 {
          var text = [UInt8](repeating: UInt8(ascii: "x"), count: length)
          text[position] = byte
          var lowered = text
          lowered[position] = byte.lowercasedASCII
          let hash = try #require(CaselessHash.of(String(decoding: text, as: UTF8.self)))
          #expect(hash == CaselessHash.of(String(decoding: lowered, as: UTF8.self)), "\(byte) at \(position)")
          if byte.lowercasedASCII == byte && byte | 0x20 != byte {
            var raised = text
            raised[position] = byte | 0x20
            #expect(
              hash != CaselessHash.of(String(decoding: raised, as: UTF8.self)), "\(byte) at \(position)")
          }
        }
      }
    }
  }

  /// A pair hashes as the text it joins into, wherever the colon falls in a word.
  @Test func aPairHashesAsItsJoinedText() {
    let letters = Array("AbCdEfGhIjKlMnOpQrStUvW")
    for firstLength in 0..<20 {
      for secondLength in 0..<20 {
        let first = String(letters[0..<firstLength])
        let second = String(letters[3..<(3 + secondLength)])
        #expect(
          CaselessHash.of(first, joinedByColonTo: second) == CaselessHash.of(first + ":" + second),
          "\(firstLength) and \(secondLength)")
        #expect(CaselessHash.of(first, joinedByColonTo: second) != nil)
      }
    }
    // A first part with a colon of its own.
    #expect(CaselessHash.of("a:B", joinedByColonTo: "c") == CaselessHash.of("A:b:C"))
    #expect(CaselessHash.of("s3", joinedByColonTo: "") == CaselessHash.of("s3:"))
    #expect(CaselessHash.of("s3:") != CaselessHash.of("s3"))
    #expect(CaselessHash.of("s3:GetObject") != CaselessHash.of("s3Get:Object"))
  }

  @Test func textOutsideASCIIHasNoHash() {
    for text in ["é", "s3:GetObjecté", "éééééééééé", "s3:Get\u{212A}ey", "abcdefgh\u{80}"] {
      #expect(CaselessHash.of(text) == nil, "\(text)")
      #expect(CaselessHash.of("s3", joinedByColonTo: text) == nil, "\(text)")
      #expect(CaselessHash.of(text, joinedByColonTo: "x") == nil, "\(text)")
    }
  }
}
