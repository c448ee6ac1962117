/// Compiles one template's source into a ``CompiledTemplate``.
struct TemplateCompiler {
  let name: String
  let source: [UInt8]
  /// The library index of a template name, or `nil` when the library has no such template.
  let templateIndex: (String) -> Int?
  /// The number of each distinct first part of a name, across the library's templates so far;
  /// this template's names are added.
  var firstIndices: [String: Int]

  /// Partials the template includes that the library does not have, in order of appearance.
  private(set) var missingPartials: [String] = []
  private var operations: [Operation] = []
  private var text: [UInt8] = []
  private var names: [TemplateName] = []
  private var partials: [PartialCall] = []
  private var openSections: [(token: Token, operation: Int)] = []
  /// The literal that text may be appended to: the last operation, if nothing but a comment or a
  /// set-delimiter tag came after it.
  private var openLiteral: Int?

  init(
    name: String, source: String, firstIndices: [String: Int] = [:], templateIndex: @escaping (String) -> Int?
  ) {
    self.name = name
    self.source = Array(source.utf8)
    self.firstIndices = firstIndices
    self.templateIndex = templateIndex
  }

  mutating func compile() throws -> CompiledTemplate {
    var scanner = TemplateScanner(source: source, templateName: name)
    var tokens = try scanner.scan()
    StandaloneLines.apply(to: &tokens, source: source)
    for token in tokens {
      try add(token, scanner: scanner)
    }
    if let open = openSections.last {
      throw scanner.error(
        at: open.token.sourceRange.lowerBound,
        "a section is opened (\(tagText(open.token))) and never closed")
    }
    return CompiledTemplate(
      name: name, operations: operations, text: text, names: names, partials: partials)
  }

  private mutating func add(_ token: Token, scanner: TemplateScanner) throws {
    if token.kind == .text {
      addLiteral(token.outputRange)
      return
    }
    if token.kind != .comment && token.kind != .setDelimiter {
      openLiteral = nil
    }
    if !token.isStandalone && beginsLine(token.sourceRange.lowerBound) {
      openLiteral = nil
      operations.append(Operation(code: .indentation, operand: 0))
    }
    switch token.kind {
    case .variable(let escaped):
      let name = try addName(token, scanner: scanner)
      operations.append(Operation(code: escaped ? .escapedVariable : .unescapedVariable, operand: name))
    case .section, .invertedSection:
      let name = try addName(token, scanner: scanner)
      openSections.append((token, operations.count))
      operations.append(Operation(code: token.kind == .section ? .section : .invertedSection, operand: name))
    case .sectionEnd:
      try closeSection(token, scanner: scanner)
    case .partial:
      addPartial(token)
    case .text, .comment, .setDelimiter:
      break
    }
  }

  private mutating func addLiteral(_ range: Range<Int>) {
    guard !range.isEmpty else { return }
    let startsLine = beginsLine(range.lowerBound)
    // Text split only by a removed comment or set-delimiter tag is copied as one run.
    if let openLiteral, startsLine == (text.last == UInt8(ascii: "\n")) {
      text.append(contentsOf: source[range])
      operations[openLiteral].end = text.count
      return
    }
    let start = text.count
    text.append(contentsOf: source[range])
    openLiteral = operations.count
    operations.append(Operation(code: .literal, startsLine: startsLine, operand: start, end: text.count))
  }

  private mutating func closeSection(_ token: Token, scanner: TemplateScanner) throws {
    let position = token.sourceRange.lowerBound
    guard let open = openSections.popLast() else {
      throw scanner.error(at: position, "\(tagText(token)) closes a section that is not open")
    }
    guard open.token.content == token.content else {
      let (line, _) = SourceLocation.lineAndColumn(of: open.token.sourceRange.lowerBound, in: source)
      throw scanner.error(
        at: position,
        "section closed with a different name: opened \(open.token.content) (line \(line)), "
          + "closed \(token.content)")
    }
    operations[open.operation].end = operations.count
  }

  private mutating func addPartial(_ token: Token) {
    let index = templateIndex(token.content)
    if index == nil {
      missingPartials.append(token.content)
    }
    let indentation = token.isStandalone ? Array(source[token.indentation]) : []
    partials.append(
      PartialCall(
        name: token.content, template: index, isStandalone: token.isStandalone, indentation: indentation))
    operations.append(Operation(code: .partial, operand: partials.count - 1))
  }

  /// Adds the tag's name to the name table and returns its index.
  private mutating func addName(_ token: Token, scanner: TemplateScanner) throws -> Int {
    let content = token.content
    if content == "." {
      names.append(TemplateName(first: "", rest: [], isImplicitIterator: true, firstIndex: index(of: "")))
      return names.count - 1
    }
    let parts = content.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    if parts.contains(where: \.isEmpty) {
      throw scanner.error(
        at: token.sourceRange.lowerBound,
        "\(tagText(token)): malformed dotted name; write names joined by single dots, as in a.b.c")
    }
    names.append(
      TemplateName(
        first: parts[0], rest: Array(parts.dropFirst()), isImplicitIterator: false,
        firstIndex: index(of: parts[0])))
    return names.count - 1
  }

  private mutating func index(of first: String) -> Int {
    if let index = firstIndices[first] { return index }
    firstIndices[first] = firstIndices.count
    return firstIndices.count - 1
  }

  private func beginsLine(_ offset: Int) -> Bool {
    offset == 0 || source[offset - 1] == UInt8(ascii: "\n")
  }

  private func tagText(_ token: Token) -> String {
    String(decoding: source[token.sourceRange], as: UTF8.self)
  }
}
