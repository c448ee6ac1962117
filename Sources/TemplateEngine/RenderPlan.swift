/// A name from a tag, split at compile time so that rendering never splits or copies strings.
struct TemplateName: Sendable {
  /// The name as written, such as `team.name`.
  let text: String
  /// The part looked up on the context stack (empty for `.`).
  let first: String
  /// The parts looked up, one after another, in what `first` found.
  let rest: [String]
  /// `{{.}}`: the top of the context stack itself.
  let isImplicitIterator: Bool
}

/// One step of a render plan. Plain data, so that walking a plan copies no references.
struct Operation: Sendable {
  enum Code: UInt8, Sendable {
    /// Copy `text[operand..<end]`.
    case literal
    /// `{{name}}`: print `names[operand]`, escaped.
    case escapedVariable
    /// `{{{name}}}` or `{{&name}}`: print `names[operand]` as is.
    case unescapedVariable
    /// `{{#name}}`: the body is `operations[index + 1..<end]`.
    case section
    /// `{{^name}}`: the body is `operations[index + 1..<end]`.
    case invertedSection
    /// `{{> name}}`: render `partials[operand]`.
    case partial
    /// A tag begins a line of the template: when this template is a partial included with an
    /// indentation, the indentation goes here.
    case indentation
  }

  let code: Code
  /// For a literal, whether its first byte begins a line of the template.
  var startsLine = false
  let operand: Int
  var end = 0
}

/// A `{{> name}}` tag, resolved against the library when the library is built.
struct PartialCall: Sendable {
  let name: String
  /// The index of the partial in the library; `nil` when it is missing and the library was
  /// told to render missing partials as nothing.
  let template: Int?
  /// Whether the tag stands alone on its line: only then are the partial's lines indented.
  let isStandalone: Bool
  /// For a standalone tag, the whitespace before it, which indents every line of the partial.
  let indentation: [UInt8]
}

/// A template compiled to a flat render plan: parsed once, rendered many times.
final class CompiledTemplate: Sendable {
  let name: String
  let operations: [Operation]
  /// The bytes of every literal, one after another.
  let text: [UInt8]
  let names: [TemplateName]
  let partials: [PartialCall]

  init(name: String, operations: [Operation], text: [UInt8], names: [TemplateName], partials: [PartialCall]) {
    self.name = name
    self.operations = operations
    self.text = text
    self.names = names
    self.partials = partials
  }
}
