import Yams

/// A YAML node together with its file and key path, for reading configuration with errors that
/// name the file, the line and the key.
struct YAMLField {
  let node: Node
  let file: String
  let path: String
  /// Added to line numbers, for YAML embedded in another file (front matter).
  var lineOffset = 0

  init(_ node: Node, file: String, path: String = "", lineOffset: Int = 0) {
    self.node = node
    self.file = file
    self.path = path
    self.lineOffset = lineOffset
  }

  /// Parses a whole YAML file; an empty file gives nil.
  static func parse(_ text: String, file: String, lineOffset: Int = 0) throws(IngestError) -> YAMLField? {
    do {
      guard let node = try Yams.compose(yaml: text) else { return nil }
      return YAMLField(node, file: file, lineOffset: lineOffset)
    } catch let error as YamlError {
      switch error {
      case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
        .composer(let context, let problem, let mark, _):
        let detail = [context.map { "\($0.text)".trimmingCharacters() }, problem].compactMap { $0 }
          .filter { !$0.isEmpty }.joined(separator: ": ")
        throw IngestError(
          file: file, line: mark.line + lineOffset,
          message: "invalid YAML at column \(mark.column): \(detail)",
          hint: "Check the indentation and quoting around that line")
      default:
        throw IngestError(file: file, message: "invalid YAML: \(error)")
      }
    } catch {
      throw IngestError(file: file, message: "invalid YAML: \(error)")
    }
  }

  var line: Int? { node.mark.map { $0.line + lineOffset } }

  func error(_ message: String, hint: String? = nil) -> IngestError {
    IngestError(file: file, line: line, field: path.isEmpty ? nil : path, message: message, hint: hint)
  }

  private var typeDescription: String {
    switch node {
    case .scalar: "a single value"
    case .mapping: "a mapping of keys to values"
    case .sequence: "a list"
    case .alias: "an alias"
    }
  }

  /// The members of a mapping, in file order.
  func mappingMembers() throws(IngestError) -> [(key: String, value: YAMLField)] {
    guard case .mapping(let mapping) = node else {
      throw error("expected a mapping of keys to values, found \(typeDescription)")
    }
    return mapping.map { pair in
      let key = pair.key.string ?? ""
      return (
        key,
        YAMLField(pair.value, file: file, path: path.isEmpty ? key : path + "." + key, lineOffset: lineOffset)
      )
    }
  }

  /// The elements of a list.
  func sequenceElements() throws(IngestError) -> [YAMLField] {
    guard case .sequence(let sequence) = node else {
      throw error("expected a list, found \(typeDescription)")
    }
    return sequence.enumerated().map {
      YAMLField($1, file: file, path: path + "[\($0)]", lineOffset: lineOffset)
    }
  }

  /// A list, or a single value treated as a list of one.
  func valueOrList() throws(IngestError) -> [YAMLField] {
    if case .sequence = node { return try sequenceElements() }
    return [self]
  }

  var isNull: Bool {
    if case .scalar(let scalar) = node { return scalar.tag == .init(.null) || scalar.string.isEmpty }
    return false
  }

  /// The scalar as text (numbers and booleans as written).
  func text() throws(IngestError) -> String {
    guard case .scalar(let scalar) = node else {
      throw error("expected a single value, found \(typeDescription)")
    }
    return scalar.string
  }

  func nonEmptyText() throws(IngestError) -> String {
    let value = try text().trimmingCharacters()
    guard !value.isEmpty else { throw error("must not be empty") }
    return value
  }

  func integer(in range: ClosedRange<Int>) throws(IngestError) -> Int {
    let value = try text()
    guard let number = Int(value.trimmingCharacters()) else {
      throw error("expected a whole number, found \"\(value.prefix(40))\"")
    }
    guard range.contains(number) else {
      throw error(
        "\(number) is out of range", hint: "Use a number from \(range.lowerBound) to \(range.upperBound)")
    }
    return number
  }

  func boolean() throws(IngestError) -> Bool {
    let value = try text()
    switch value.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: throw error("expected true or false, found \"\(value.prefix(40))\"")
    }
  }
}

extension String {
  /// The text without leading and trailing spaces, tabs and line breaks.
  func trimmingCharacters() -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) })
    else {
      return ""
    }
    return String(self[first...last])
  }
}
