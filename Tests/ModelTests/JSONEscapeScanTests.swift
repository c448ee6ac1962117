import Model
import Testing

@Suite struct JSONEscapeScanTests {
  @Test func findsControlsQuotesAndBackslashesAnywhere() {
    // Shorter than a word, whole words, and a last word that overlaps the one before.
    for length in [1, 7, 8, 9, 16, 17, 23] {
      for byte in UInt8.min...UInt8.max {
        for position in 0..<length {
          var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
          bytes[position] = byte
          let found = bytes.withUnsafeBufferPointer { JSONEscapeScan.contains($0) }
          #expect(
            found == (byte < 0x20 || byte == 0x22 || byte == 0x5C), "byte \(byte) at \(position) of \(length)"
          )
        }
      }
    }
  }

  @Test func policyDocumentsEscapeOnlyWhatJSONNeeds() {
    let document = PolicyDocument(
      version: "2012-10-17",
      statements: [
        PolicyStatement(
          sid: "Tab\there", effect: "Allow", actions: ["s3:GetObject", "s3:<Put>\"x\""], otherMembers: [])
      ])
    let json = String(decoding: document.jsonUTF8, as: UTF8.self)
    #expect(json.contains(#""Sid": "Tab\there""#))
    #expect(json.contains(#""s3:GetObject""#))
    #expect(json.contains(#""s3:<Put>\"x\"""#))
  }
}
