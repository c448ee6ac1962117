/// Walks render plans against a context stack. One renderer serves one render call: it owns
/// the stack, so renders on several threads share nothing mutable.
struct TemplateRenderer {
  let templates: [CompiledTemplate]
  let escaper: any TemplateEscaper
  let maximumPartialDepth: Int
  private var stack: [TemplateValue]
  private var partialDepth = 0

  init(
    templates: [CompiledTemplate], escaper: any TemplateEscaper, maximumPartialDepth: Int, root: TemplateValue
  ) {
    self.templates = templates
    self.escaper = escaper
    self.maximumPartialDepth = maximumPartialDepth
    self.stack = [root]
    // Sections nest a few levels deep; reserving avoids regrowing the stack on the first ones.
    stack.reserveCapacity(16)
  }

  mutating func render(_ template: CompiledTemplate, into output: inout [UInt8]) throws {
    output.reserveCapacity(output.count + template.text.count)
    try run(template, 0..<template.operations.count, indentation: [], into: &output)
  }

  private mutating func run(
    _ template: CompiledTemplate, _ range: Range<Int>, indentation: [UInt8], into output: inout [UInt8]
  ) throws {
    let operations = template.operations
    var index = range.lowerBound
    while index < range.upperBound {
      let operation = operations[index]
      switch operation.code {
      case .literal:
        appendLiteral(operation, of: template, indentation: indentation, into: &output)
      case .escapedVariable:
        interpolate(template.names[operation.operand], escaped: true, into: &output)
      case .unescapedVariable:
        interpolate(template.names[operation.operand], escaped: false, into: &output)
      case .section:
        let value = resolve(template.names[operation.operand])
        try renderSection(over: value, template, index + 1..<operation.end, indentation, into: &output)
        index = operation.end
        continue
      case .invertedSection:
        if !(resolve(template.names[operation.operand])?.isTruthy ?? false) {
          try run(template, index + 1..<operation.end, indentation: indentation, into: &output)
        }
        index = operation.end
        continue
      case .partial:
        try renderPartial(template.partials[operation.operand], indentation: indentation, into: &output)
      case .indentation:
        output.append(contentsOf: indentation)
      }
      index += 1
    }
  }

  private mutating func renderSection(
    over value: TemplateValue?, _ template: CompiledTemplate, _ body: Range<Int>, _ indentation: [UInt8],
    into output: inout [UInt8]
  ) throws {
    switch value {
    case .none, .null, .bool(false):
      return
    case .list(let elements):
      for element in elements {
        stack.append(element)
        try run(template, body, indentation: indentation, into: &output)
        stack.removeLast()
      }
    case .some(let value):
      stack.append(value)
      try run(template, body, indentation: indentation, into: &output)
      stack.removeLast()
    }
  }

  private mutating func renderPartial(
    _ call: PartialCall, indentation: [UInt8], into output: inout [UInt8]
  ) throws {
    guard let index = call.template else { return }
    guard partialDepth < maximumPartialDepth else {
      throw TemplateError.partialsNestedTooDeeply(partial: call.name, limit: maximumPartialDepth)
    }
    // An inline partial's lines are not indented; a standalone one's are, by its own whitespace
    // on top of the indentation of the partial it is in.
    let partialIndentation: [UInt8]
    if !call.isStandalone || indentation.isEmpty {
      partialIndentation = call.isStandalone ? call.indentation : []
    } else {
      partialIndentation = indentation + call.indentation
    }
    let partial = templates[index]
    partialDepth += 1
    try run(partial, 0..<partial.operations.count, indentation: partialIndentation, into: &output)
    partialDepth -= 1
  }

  /// The value a name stands for: the first context on the stack, from the top, that has the
  /// name's first part; then each further part looked up in what the previous one found.
  private func resolve(_ name: TemplateName) -> TemplateValue? {
    if name.isImplicitIterator {
      return stack.last
    }
    var level = stack.count - 1
    var found: TemplateValue?
    while level >= 0 {
      if case .object(let context) = stack[level], let value = context.templateValue(forKey: name.first) {
        found = value
        break
      }
      level -= 1
    }
    guard var value = found else { return nil }
    for part in name.rest {
      guard case .object(let context) = value, let next = context.templateValue(forKey: part) else {
        return nil
      }
      value = next
    }
    return value
  }

  private func interpolate(_ name: TemplateName, escaped: Bool, into output: inout [UInt8]) {
    switch resolve(name) {
    case .string(let text):
      append(text, escaped: escaped, into: &output)
    case .int(let number):
      Self.appendDecimal(number, to: &output)
    case .double(let number):
      // Digits, sign, point, `e`, `inf` and `nan` need no escaping.
      output.append(contentsOf: number.description.utf8)
    case .bool(let flag):
      let word: StaticString = flag ? "true" : "false"
      word.withUTF8Buffer { output.append(contentsOf: $0) }
    case .none, .null, .object, .list:
      return
    }
  }

  private func append(_ text: String, escaped: Bool, into output: inout [UInt8]) {
    let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
      if escaped {
        escaper.appendEscaped(bytes, to: &output)
      } else {
        escaper.appendUnescaped(bytes, to: &output)
      }
    }
    if done == nil {
      // Only strings bridged from elsewhere lack contiguous UTF-8; copying them is rare.
      append(String(decoding: Array(text.utf8), as: UTF8.self), escaped: escaped, into: &output)
    }
  }

  private func appendLiteral(
    _ operation: Operation, of template: CompiledTemplate, indentation: [UInt8], into output: inout [UInt8]
  ) {
    template.text.withUnsafeBufferPointer { text in
      let literal = UnsafeBufferPointer(rebasing: text[operation.operand..<operation.end])
      if indentation.isEmpty {
        output.append(contentsOf: literal)
      } else {
        Self.appendIndented(literal, startsLine: operation.startsLine, indentation: indentation, to: &output)
      }
    }
  }

  /// Appends `literal` with `indentation` before each of its lines that is not empty.
  private static func appendIndented(
    _ literal: UnsafeBufferPointer<UInt8>, startsLine: Bool, indentation: [UInt8], to output: inout [UInt8]
  ) {
    func isEmptyLine(at index: Int) -> Bool {
      literal[index] == UInt8(ascii: "\n")
        || (literal[index] == UInt8(ascii: "\r") && index + 1 < literal.count
          && literal[index + 1] == UInt8(ascii: "\n"))
    }
    if startsLine && !isEmptyLine(at: 0) {
      output.append(contentsOf: indentation)
    }
    var runStart = 0
    // A newline that ends the literal opens a line that whatever comes next begins.
    for index in 0..<max(0, literal.count - 1) where literal[index] == UInt8(ascii: "\n") {
      output.append(contentsOf: UnsafeBufferPointer(rebasing: literal[runStart...index]))
      runStart = index + 1
      if !isEmptyLine(at: runStart) {
        output.append(contentsOf: indentation)
      }
    }
    output.append(contentsOf: UnsafeBufferPointer(rebasing: literal[runStart...]))
  }

  /// Appends `number` in decimal without going through a `String`.
  static func appendDecimal(_ number: Int, to output: inout [UInt8]) {
    if number < 0 {
      output.append(UInt8(ascii: "-"))
    }
    var magnitude = number.magnitude
    let start = output.count
    repeat {
      output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
      magnitude /= 10
    } while magnitude > 0
    output[start...].reverse()
  }
}
