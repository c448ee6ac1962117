/// One piece of template source: a run of text, or a tag.
struct Token {
  enum Kind: Equatable {
    case text
    case variable(escaped: Bool)
    case section
    case invertedSection
    case sectionEnd
    case partial
    case comment
    case setDelimiter
  }

  let kind: Kind
  /// The token in the source; for a tag, from its opening delimiter to past its closing one.
  let sourceRange: Range<Int>
  /// For text, the part that is output once standalone lines are removed.
  var outputRange: Range<Int>
  /// For a tag, its content without the sigil and surrounding whitespace: the name.
  let content: String
  /// For a tag, whether it stands alone on its line, which is then removed from the output.
  var isStandalone = false
  /// For a standalone partial, the whitespace before it: the partial's lines are indented by it.
  var indentation: Range<Int> = 0..<0

  init(kind: Kind, sourceRange: Range<Int>, content: String = "") {
    self.kind = kind
    self.sourceRange = sourceRange
    self.outputRange = sourceRange
    self.content = content
  }

  /// Whether the spec lets this kind of tag stand alone on a line (interpolations never do).
  var mayStandAlone: Bool {
    switch kind {
    case .text, .variable: false
    case .section, .invertedSection, .sectionEnd, .partial, .comment, .setDelimiter: true
    }
  }
}

/// Splits template source into text and tags, following set-delimiter tags as it goes.
struct TemplateScanner {
  let source: [UInt8]
  let templateName: String
  private var opening: [UInt8] = Array("{{".utf8)
  private var closing: [UInt8] = Array("}}".utf8)

  init(source: [UInt8], templateName: String) {
    self.source = source
    self.templateName = templateName
  }

  /// The tokens of the whole source, in order; together they cover it exactly.
  mutating func scan() throws -> [Token] {
    var tokens: [Token] = []
    var position = 0
    while let tagStart = firstIndex(of: opening, from: position) {
      if tagStart > position {
        tokens.append(Token(kind: .text, sourceRange: position..<tagStart))
      }
      let tag = try scanTag(at: tagStart)
      tokens.append(tag)
      position = tag.sourceRange.upperBound
    }
    if position < source.count {
      tokens.append(Token(kind: .text, sourceRange: position..<source.count))
    }
    return tokens
  }

  private mutating func scanTag(at start: Int) throws -> Token {
    let afterOpening = start + opening.count
    guard afterOpening < source.count else {
      throw error(at: start, "unfinished tag: missing \(text(closing))")
    }
    let sigil = source[afterOpening]
    let contentStart = afterOpening + 1
    switch sigil {
    case UInt8(ascii: "!"):
      guard let end = firstIndex(of: closing, from: contentStart) else {
        throw error(at: start, "unfinished comment: missing \(text(closing))")
      }
      return Token(kind: .comment, sourceRange: start..<end + closing.count)
    case UInt8(ascii: "="):
      return try scanSetDelimiter(at: start, contentStart: contentStart)
    case UInt8(ascii: "{"):
      let terminator = [UInt8(ascii: "}")] + closing
      return try scanNamedTag(.variable(escaped: false), at: start, from: contentStart, to: terminator)
    case UInt8(ascii: "&"):
      return try scanNamedTag(.variable(escaped: false), at: start, from: contentStart, to: closing)
    case UInt8(ascii: "#"):
      return try scanNamedTag(.section, at: start, from: contentStart, to: closing)
    case UInt8(ascii: "^"):
      return try scanNamedTag(.invertedSection, at: start, from: contentStart, to: closing)
    case UInt8(ascii: "/"):
      return try scanNamedTag(.sectionEnd, at: start, from: contentStart, to: closing)
    case UInt8(ascii: ">"):
      return try scanNamedTag(.partial, at: start, from: contentStart, to: closing)
    case UInt8(ascii: "<"), UInt8(ascii: "$"):
      throw error(
        at: start,
        "template inheritance (\(text(opening))<name\(text(closing)), \(text(opening))$name"
          + "\(text(closing))) is not supported: use partials")
    default:
      return try scanNamedTag(.variable(escaped: true), at: start, from: afterOpening, to: closing)
    }
  }

  /// A tag whose content is a name, ending at `terminator`.
  private func scanNamedTag(
    _ kind: Token.Kind, at start: Int, from contentStart: Int, to terminator: [UInt8]
  ) throws -> Token {
    let end = firstIndex(of: terminator, from: contentStart)
    // A name never spans lines: a missing delimiter would otherwise swallow text up to the next
    // tag's, and the author would hear of a strange name instead of the real mistake.
    let lineEnd = source[contentStart...].firstIndex(of: UInt8(ascii: "\n")) ?? source.count
    let nextOpening = firstIndex(of: opening, from: contentStart) ?? source.count
    // Equal delimiters (`{{=| |=}}`) find the closing one as the next opening one.
    guard let end, end < lineEnd, end <= nextOpening else {
      throw error(at: start, "unfinished tag: missing \(text(terminator))")
    }
    let content = trimmed(contentStart..<end)
    let tag = text(source[start..<end + terminator.count])
    if content.isEmpty {
      throw error(at: start, "empty tag \(tag): write a name inside it")
    }
    if content.utf8.contains(where: isWhitespace) {
      throw error(at: start, "\(tag): a name cannot contain spaces")
    }
    return Token(kind: kind, sourceRange: start..<end + terminator.count, content: content)
  }

  /// `{{=<% %>=}}`: the two new delimiters, which apply from the end of the tag on.
  private mutating func scanSetDelimiter(at start: Int, contentStart: Int) throws -> Token {
    let terminator = [UInt8(ascii: "=")] + closing
    let usage =
      "write two delimiters separated by a space between \(text(opening))= and =\(text(closing)),"
      + " as in \(text(opening))=<% %>=\(text(closing))"
    guard let end = firstIndex(of: terminator, from: contentStart) else {
      throw error(at: start, "malformed set-delimiter tag: missing =\(text(closing)); \(usage)")
    }
    let parts = source[contentStart..<end].split(whereSeparator: isWhitespace)
    guard parts.count == 2, !parts.contains(where: { $0.contains(UInt8(ascii: "=")) }) else {
      throw error(at: start, "malformed set-delimiter tag: \(usage)")
    }
    opening = Array(parts[0])
    closing = Array(parts[1])
    return Token(kind: .setDelimiter, sourceRange: start..<end + terminator.count)
  }

  private func firstIndex(of pattern: [UInt8], from start: Int) -> Int? {
    guard let first = pattern.first, pattern.count <= source.count else { return nil }
    var index = start
    let last = source.count - pattern.count
    while index <= last {
      if source[index] == first && source[index..<index + pattern.count].elementsEqual(pattern) {
        return index
      }
      index += 1
    }
    return nil
  }

  private func trimmed(_ range: Range<Int>) -> String {
    var lower = range.lowerBound
    var upper = range.upperBound
    while lower < upper && isWhitespace(source[lower]) { lower += 1 }
    while upper > lower && isWhitespace(source[upper - 1]) { upper -= 1 }
    return text(source[lower..<upper])
  }

  private func text(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
  }

  func error(at offset: Int, _ message: String) -> TemplateSyntaxError {
    let (line, column) = SourceLocation.lineAndColumn(of: offset, in: source)
    return TemplateSyntaxError(templateName: templateName, line: line, column: column, message: message)
  }
}

/// Space, tab, line feed or carriage return.
func isWhitespace(_ byte: UInt8) -> Bool {
  byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
    || byte == UInt8(ascii: "\r")
}

/// Line and column numbers for messages.
enum SourceLocation {
  /// The line and column (both from 1) of a byte offset; the column counts Unicode scalars, as
  /// an editor does, not bytes.
  static func lineAndColumn(of offset: Int, in source: [UInt8]) -> (line: Int, column: Int) {
    var line = 1
    var lineStart = 0
    for index in 0..<min(offset, source.count) where source[index] == UInt8(ascii: "\n") {
      line += 1
      lineStart = index + 1
    }
    // Continuation bytes of a multi-byte UTF-8 sequence are 0b10xxxxxx: count the others.
    let scalars = source[lineStart..<min(offset, source.count)].count { $0 & 0xC0 != 0x80 }
    return (line, scalars + 1)
  }
}
