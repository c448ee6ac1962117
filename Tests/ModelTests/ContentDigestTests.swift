import Model
import Testing

@Suite struct ContentDigestTests {
  private func digest(_ bytes: [UInt8]) -> ContentDigest {
    bytes.withUnsafeBytes { ContentDigest(of: $0) }
  }

  @Test func valuesStayAsTheyWere() {
    // The published site's digest list and recorded snapshots' fingerprints hold these values: a
    // different algorithm would make every page look changed once, and every snapshot folder
    // whose times changed be recorded again.
    #expect(digest([]).hex == "96e526a9b2f6be4767119a6279263111")
    #expect(digest(Array("a".utf8)).hex == "7b6b657133728c2b04a3efde20916b57")
    #expect(
      digest(Array("The quick brown fox jumps over the lazy dog".utf8)).hex
        == "b7ccb9ffbe6490f9cf35e5dcbaaba688")
  }

  @Test func everyByteCountsWhateverTheLength() {
    // Lengths around each boundary of the four lanes and the word-sized tail.
    for length in 0...70 {
      let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
      let original = digest(bytes)
      for position in 0..<length {
        var changed = bytes
        changed[position] ^= 0x40
        #expect(digest(changed) != original, "length \(length), byte \(position)")
      }
      // A zero byte added is not the padding of the last word.
      #expect(digest(bytes + [0]) != original, "length \(length)")
    }
  }

  @Test func aShortHashOfABufferIsThatOfItsBytesAndAnEmptyOneHasNoAddress() {
    let bytes = Array("iam:PassRole".utf8)
    let fromBuffer = bytes.withUnsafeBufferPointer { ContentDigest.shortHash($0) }
    let fromPointer = bytes.withUnsafeBytes { ContentDigest.shortHash($0.baseAddress!, count: $0.count) }
    #expect(fromBuffer == fromPointer)
    let empty = ContentDigest.shortHash(UnsafeBufferPointer<UInt8>(start: nil, count: 0))
    #expect(empty == bytes.withUnsafeBytes { ContentDigest.shortHash($0.baseAddress!, count: 0) })
    #expect(empty != fromBuffer)
  }

  @Test func aPairHashTellsWhereTheFirstTextEnds() {
    #expect(ContentDigest.hash(of: "s3", and: "GetObject") == ContentDigest.hash(of: "s3", and: "GetObject"))
    #expect(ContentDigest.hash(of: "s3", and: "GetObject") != ContentDigest.hash(of: "s3G", and: "etObject"))
    #expect(ContentDigest.hash(of: "s3", and: "GetObject") != ContentDigest.hash(of: "GetObject", and: "s3"))
    #expect(ContentDigest.hash(of: "", and: "x") != ContentDigest.hash(of: "x", and: ""))
  }

  @Test func hexIsBothHalvesPadded() {
    #expect(ContentDigest(high: 0xab, low: 1).hex == "00000000000000ab0000000000000001")
  }
}
