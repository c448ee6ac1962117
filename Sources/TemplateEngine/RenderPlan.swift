/// A name from a tag, split at compile time so that rendering never splits or copies strings.
///
/// A class, reached while rendering through an unretained reference, so that passing `first`
/// to a lookup borrows the string instead of retaining and releasing it.
final class TemplateName: Sendable {
  /// The part looked up on the context stack (empty for `.`).
  let first: String
  /// The parts looked up, one after another, in what `first` found.
  let rest: [String]
  /// `{{.}}`: the top of the context stack itself.
  let isImplicitIterator: Bool
  /// The number of `first` among the distinct first parts of the library's names: where a
  /// render keeps what it learnt about looking this name up (see `SlotEntries`).
  let firstIndex: Int

  init(first: String, rest: [String], isImplicitIterator: Bool, firstIndex: Int) {
    self.first = first
    self.rest = rest
    self.isImplicitIterator = isImplicitIterator
    self.firstIndex = firstIndex
  }
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
///
/// The tables live in buffers owned by the instance rather than in arrays, so that reading an
/// operation or a name while rendering copies nothing and touches no reference count. They are
/// written only by the initializer, which is what makes sharing the instance between threads
/// safe.
final class CompiledTemplate: @unchecked Sendable {
  let name: String
  let operations: UnsafeMutableBufferPointer<Operation>
  /// The bytes of every literal, one after another.
  let text: UnsafeMutableBufferPointer<UInt8>
  /// The names, unretained; `nameObjects` keeps them alive.
  let names: UnsafeMutableBufferPointer<Unmanaged<TemplateName>>
  private let nameObjects: [TemplateName]
  let partials: [PartialCall]

  init(name: String, operations: [Operation], text: [UInt8], names: [TemplateName], partials: [PartialCall]) {
    self.name = name
    self.operations = Self.copy(operations)
    self.text = Self.copy(text)
    self.names = Self.copy(names.map { Unmanaged.passUnretained($0) })
    nameObjects = names
    self.partials = partials
  }

  deinit {
    operations.deinitialize().deallocate()
    text.deinitialize().deallocate()
    names.deinitialize().deallocate()
  }

  private static func copy<Element>(_ elements: [Element]) -> UnsafeMutableBufferPointer<Element> {
    let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: elements.count)
    _ = buffer.initialize(from: elements)
    return buffer
  }
}
