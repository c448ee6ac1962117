/// Where a front-matter block ends and the Markdown body begins, in a UTF-8 buffer.
struct FrontMatterSplit: Equatable {
  /// The raw text between the delimiter lines, or nil when the text has no front matter.
  var frontMatter: String?
  /// Byte offset of the first body byte.
  var bodyOffset: Int
  /// 1-based line number of the first body line.
  var bodyStartLine: Int

  /// Finds a front-matter block: a first line exactly `---`, then any lines, then a line exactly
  /// `---` or `...`. A line may end in `\r\n`, and a UTF-8 byte-order mark may precede the block.
  /// Without a closing line there is no front matter and the whole text is the body.
  init(_ bytes: UnsafeBufferPointer<UInt8>) {
    self.frontMatter = nil
    self.bodyOffset = 0
    self.bodyStartLine = 1

    var start = 0
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
      start = 3
    }
    guard let firstEnd = Self.lineEnd(bytes, from: start),
      Self.lineIs(bytes, start..<firstEnd, "---"),
      firstEnd < bytes.count
    else {
      return
    }
    let yamlStart = firstEnd + 1
    var lineStart = yamlStart
    var lineNumber = 2
    while lineStart < bytes.count, let end = Self.lineEnd(bytes, from: lineStart) {
      if Self.lineIs(bytes, lineStart..<end, "---") || Self.lineIs(bytes, lineStart..<end, "...") {
        self.frontMatter = String(decoding: bytes[yamlStart..<lineStart], as: UTF8.self)
        self.bodyOffset = min(end + 1, bytes.count)
        self.bodyStartLine = lineNumber + 1
        return
      }
      lineStart = end + 1
      lineNumber += 1
    }
  }

  /// Index of the `\n` ending the line that starts at `from`, or `bytes.count` for a last line
  /// without one.
  private static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    guard from <= bytes.count else { return nil }
    var index = from
    while index < bytes.count && bytes[index] != UInt8(ascii: "\n") {
      index += 1
    }
    return index
  }

  private static func lineIs(
    _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ expected: StaticString
  ) -> Bool {
    var upper = range.upperBound
    if upper > range.lowerBound && bytes[upper - 1] == UInt8(ascii: "\r") {
      upper -= 1
    }
    guard upper - range.lowerBound == expected.utf8CodeUnitCount else { return false }
    let expectedBytes = UnsafeBufferPointer(start: expected.utf8Start, count: expected.utf8CodeUnitCount)
    return bytes[range.lowerBound..<upper].elementsEqual(expectedBytes)
  }
}
