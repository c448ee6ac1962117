/// The spec's standalone-line rule: a line holding nothing but whitespace and one section,
/// inverted-section, end-of-section, partial, comment or set-delimiter tag is removed from the
/// output whole, its newline included, so that such tags can sit on lines of their own without
/// leaving blank lines behind.
enum StandaloneLines {
  /// Marks standalone tags and trims their lines out of the neighbouring text tokens.
  static func apply(to tokens: inout [Token], source: [UInt8]) {
    for index in tokens.indices where tokens[index].mayStandAlone {
      guard let line = standaloneLine(at: index, in: tokens, source: source) else { continue }
      tokens[index].isStandalone = true
      if tokens[index].kind == .partial {
        tokens[index].indentation = line.lowerBound..<tokens[index].sourceRange.lowerBound
      }
      if index > 0 {
        let before = tokens[index - 1].outputRange
        tokens[index - 1].outputRange =
          before.lowerBound..<max(before.lowerBound, min(before.upperBound, line.lowerBound))
      }
      if index + 1 < tokens.count {
        let after = tokens[index + 1].outputRange
        tokens[index + 1].outputRange =
          min(after.upperBound, max(after.lowerBound, line.upperBound))..<after.upperBound
      }
    }
  }

  /// The whole line of the tag at `index`, newline included, when nothing but spaces and tabs
  /// share it with the tag; `nil` otherwise.
  private static func standaloneLine(at index: Int, in tokens: [Token], source: [UInt8]) -> Range<Int>? {
    let tag = tokens[index].sourceRange
    var lineStart = tag.lowerBound
    while lineStart > 0 && source[lineStart - 1] != UInt8(ascii: "\n") {
      guard isBlank(source[lineStart - 1]) else { return nil }
      lineStart -= 1
    }
    // Whitespace before the tag that starts after the previous token's start means that token
    // is a tag on the same line.
    if index > 0 && tokens[index - 1].sourceRange.lowerBound > lineStart {
      return nil
    }
    var lineEnd = tag.upperBound
    while lineEnd < source.count && isBlank(source[lineEnd]) { lineEnd += 1 }
    if lineEnd < source.count {
      if source[lineEnd] == UInt8(ascii: "\n") {
        lineEnd += 1
      } else if source[lineEnd] == UInt8(ascii: "\r") && lineEnd + 1 < source.count
        && source[lineEnd + 1] == UInt8(ascii: "\n")
      {
        lineEnd += 2
      } else {
        return nil
      }
    }
    if index + 1 < tokens.count && tokens[index + 1].sourceRange.upperBound < lineEnd {
      return nil
    }
    return lineStart..<lineEnd
  }

  private static func isBlank(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
  }
}
