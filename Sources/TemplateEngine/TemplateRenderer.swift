/// Walks render plans against a context stack. One renderer serves one render call: it owns
/// the stack, so renders on several threads share nothing mutable.
struct TemplateRenderer {
  let templates: [CompiledTemplate]
  let escaper: EscaperBox
  let maximumPartialDepth: Int
  /// Keeps the root value, which frames refer to without retaining it, alive.
  private let root: TemplateValue
  private var stack: [Frame]
  private var partialDepth = 0
  /// Where names that resolve nowhere are noted, when the library checks them.
  private let unresolved: UnresolvedNames?
  /// The slot each name was found at in the key tables it was last looked up in; owned by the
  /// caller, which keeps it for the whole render.
  private let slots: SlotEntries

  /// Values pushed by sections that names are not looked up in (see `Frame.value`), in the
  /// order of their frames.
  private var pushedValues: [TemplateValue] = []

  /// One context on the stack. The contexts that names are looked up in are held unretained:
  /// the value a section iterates over holds them while their frames exist. A frame is plain
  /// data, so that reading one while looking a name up copies no value and touches no
  /// reference count (a frame holding a `TemplateValue` was copied and destroyed at each level
  /// of each lookup).
  private enum Frame {
    case object(Unmanaged<ObjectBox>)
    /// An element of a list of typed contexts, looked up in place.
    case contextElement(Unmanaged<ContextListBox>, Int)
    /// Anything else a section pushes, kept in `pushedValues` at this index: `{{.}}` prints it;
    /// names are not looked up in it.
    case value(Int)
    /// `true`, pushed by a section over a flag, the commonest section (`{{#isOverdue}}`): made
    /// without storing the value, which took an append and a removal for every such section.
    case flag
  }

  init(
    templates: [CompiledTemplate], escaper: EscaperBox, maximumPartialDepth: Int, root: TemplateValue,
    slots: SlotEntries, unresolved: UnresolvedNames? = nil
  ) {
    self.unresolved = unresolved
    self.slots = slots
    self.templates = templates
    self.escaper = escaper
    self.maximumPartialDepth = maximumPartialDepth
    self.root = root
    self.stack = []
    // Sections nest a few levels deep; reserving avoids regrowing the stack on the first ones.
    stack.reserveCapacity(16)
    push(root)
  }

  mutating func render(_ template: CompiledTemplate, into output: inout TemplateOutput) throws {
    try run(template, 0..<template.operations.count, indentation: [], into: &output)
  }

  private mutating func run(
    _ template: CompiledTemplate, _ range: Range<Int>, indentation: [UInt8], into output: inout TemplateOutput
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
        try renderSection(
          over: resolve(template.names[operation.operand]), template, index + 1..<operation.end, indentation,
          into: &output)
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
        indentation.withUnsafeBufferPointer { output.append($0) }
      }
      index += 1
    }
  }

  /// The value is handed over rather than borrowed: a flag, the commonest section, then needs no
  /// destroying on its path, where the caller destroyed whatever it had looked up.
  private mutating func renderSection(
    over value: consuming TemplateValue?, _ template: CompiledTemplate, _ body: Range<Int>,
    _ indentation: [UInt8],
    into output: inout TemplateOutput
  ) throws {
    switch value {
    case .none, .null, .bool(false):
      return
    case .bool(true):
      stack.append(.flag)
      try run(template, body, indentation: indentation, into: &output)
      stack.removeLast()
    case .list(let elements):
      for index in 0..<elements.count {
        if case .contexts(let box) = elements.storage {
          stack.append(.contextElement(Unmanaged.passUnretained(box), index))
        } else {
          push(elements[index])
        }
        try run(template, body, indentation: indentation, into: &output)
        pop()
      }
    case .some(let value):
      push(value)
      try run(template, body, indentation: indentation, into: &output)
      pop()
    }
  }

  /// Pushes the frame for a value that the caller keeps alive while the frame is on the stack.
  private mutating func push(_ value: TemplateValue) {
    if case .object(let object) = value {
      stack.append(.object(Unmanaged.passUnretained(object.box)))
    } else {
      pushedValues.append(value)
      stack.append(.value(pushedValues.count - 1))
    }
  }

  private mutating func pop() {
    if case .value = stack.removeLast() {
      pushedValues.removeLast()
    }
  }

  private mutating func renderPartial(
    _ call: PartialCall, indentation: [UInt8], into output: inout TemplateOutput
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
  private func resolve(_ name: Unmanaged<TemplateName>) -> TemplateValue? {
    name._withUnsafeGuaranteedRef { resolve($0) }
  }

  private func resolve(_ name: TemplateName) -> TemplateValue? {
    if name.isImplicitIterator {
      return stack.last.map(value(of:))
    }
    // Returns from inside the loop: a found value kept in a variable across levels was copied
    // and destroyed at each level looked at.
    return stack.withUnsafeBufferPointer { frames in
      var level = frames.count - 1
      while level >= 0 {
        if let value = lookUp(name, in: frames[level]) {
          return name.rest.isEmpty ? value : resolveRest(of: name, from: value)
        }
        level -= 1
      }
      unresolved?.note(name)
      return nil
    }
  }

  /// The value of the dotted name's further parts, each looked up in what the one before found.
  private func resolveRest(of name: TemplateName, from first: TemplateValue) -> TemplateValue? {
    var value = first
    for part in name.rest {
      guard case .object(let context) = value, let next = context.templateValue(forKey: part) else {
        unresolved?.note(name)
        return nil
      }
      value = next
    }
    return value
  }

  /// The name's first part in one frame: through its type's key table when it has one.
  @inline(__always)
  private func lookUp(_ name: TemplateName, in frame: Frame) -> TemplateValue? {
    switch frame {
    case .object(let box):
      return box._withUnsafeGuaranteedRef { box in
        guard let table = box.table else { return box.lookup(-1, name.first) }
        let slot = slots.slot(of: name, in: table)
        return slot < 0 ? nil : box.lookup(slot, name.first)
      }
    case .contextElement(let box, let index):
      return box._withUnsafeGuaranteedRef { box in
        guard let table = box.table else { return box.lookup(index, -1, name.first) }
        let slot = slots.slot(of: name, in: table)
        return slot < 0 ? nil : box.lookup(index, slot, name.first)
      }
    case .value, .flag:
      return nil
    }
  }

  private func value(of frame: Frame) -> TemplateValue {
    switch frame {
    case .object(let box): .object(TemplateObject(box: box.takeUnretainedValue()))
    case .contextElement(let box, let index):
      box._withUnsafeGuaranteedRef { $0.lookup(index, -1, nil) } ?? .null
    case .value(let index): pushedValues[index]
    case .flag: .bool(true)
    }
  }

  private func interpolate(
    _ name: Unmanaged<TemplateName>, escaped: Bool, into output: inout TemplateOutput
  ) {
    switch resolve(name) {
    case .string(var text):
      // The string is this function's own: `withUTF8` reads a native one in place.
      let escaper = self.escaper
      text.withUTF8 { escaper.append($0, escaped: escaped, to: &output) }
    case .utf8(let bytes):
      let escaper = self.escaper
      bytes.withUnsafeBufferPointer { escaper.append($0, escaped: escaped, to: &output) }
    case .utf8InPlace(let bytes):
      escaper.append(bytes.buffer, escaped: escaped, to: &output)
    case .rendered(let bytes):
      bytes.withUnsafeBufferPointer { appendRendered($0, escaped: escaped, into: &output) }
    case .renderedInPlace(let bytes):
      appendRendered(bytes.buffer, escaped: escaped, into: &output)
    case .int(let number):
      output.appendDecimal(number)
    case .double(let number):
      // Digits, sign, point, `e`, `inf` and `nan` need no escaping.
      output.append(number.description)
    case .bool(let flag):
      output.append(flag ? "true" : "false")
    case .none, .null, .object, .list:
      return
    }
  }

  /// Markup a render made: escaped only when the template asks for it, since every value in it
  /// went through the escaper once (scanning a page body again would be a pass over every byte
  /// of the site).
  private func appendRendered(
    _ bytes: UnsafeBufferPointer<UInt8>, escaped: Bool, into output: inout TemplateOutput
  ) {
    if escaped {
      escaper.append(bytes, escaped: true, to: &output)
    } else {
      output.append(bytes)
    }
  }

  private func appendLiteral(
    _ operation: Operation, of template: CompiledTemplate, indentation: [UInt8],
    into output: inout TemplateOutput
  ) {
    let literal = UnsafeBufferPointer(rebasing: template.text[operation.operand..<operation.end])
    if indentation.isEmpty {
      output.append(literal)
    } else {
      Self.appendIndented(literal, startsLine: operation.startsLine, indentation: indentation, to: &output)
    }
  }

  /// Appends `literal` with `indentation` before each of its lines that is not empty.
  private static func appendIndented(
    _ literal: UnsafeBufferPointer<UInt8>, startsLine: Bool, indentation: [UInt8],
    to output: inout TemplateOutput
  ) {
    func isEmptyLine(at index: Int) -> Bool {
      literal[index] == UInt8(ascii: "\n")
        || (literal[index] == UInt8(ascii: "\r") && index + 1 < literal.count
          && literal[index + 1] == UInt8(ascii: "\n"))
    }
    if startsLine && !isEmptyLine(at: 0) {
      indentation.withUnsafeBufferPointer { output.append($0) }
    }
    var runStart = 0
    // A newline that ends the literal opens a line that whatever comes next begins.
    for index in 0..<max(0, literal.count - 1) where literal[index] == UInt8(ascii: "\n") {
      output.append(UnsafeBufferPointer(rebasing: literal[runStart...index]))
      runStart = index + 1
      if !isEmptyLine(at: runStart) {
        indentation.withUnsafeBufferPointer { output.append($0) }
      }
    }
    output.append(UnsafeBufferPointer(rebasing: literal[runStart...]))
  }
}

/// Where each name of a library was found in the key tables it was last looked up in: a name is
/// looked up by string once per table, then by the slot remembered here.
///
/// Two entries per name, since a name inside a section is usually first missed in the
/// section's context and then found in an enclosing one, and both are asked again on every row.
/// Entries name their table by address: tables are never freed (each is a `static let`).
struct SlotEntries {
  private struct Entry {
    var table: UnsafeRawPointer?
    var slot: Int
  }

  private let entries: UnsafeMutablePointer<Entry>

  /// Room for `nameCount` names, nothing remembered; free it with `deallocate()`.
  init(nameCount: Int) {
    entries = .allocate(capacity: max(1, 2 * nameCount))
    entries.initialize(repeating: Entry(table: nil, slot: -1), count: max(1, 2 * nameCount))
  }

  func deallocate() {
    entries.deallocate()
  }

  /// The slot of `name`'s first part in `table`, or -1 when the table does not have it.
  @inline(__always)
  func slot(of name: TemplateName, in table: Unmanaged<AnyTemplateKeyTable>) -> Int {
    let id = UnsafeRawPointer(table.toOpaque())
    let first = entries + 2 * name.firstIndex
    if first.pointee.table == id { return first.pointee.slot }
    let second = first + 1
    if second.pointee.table == id {
      // The more recent one goes first.
      swap(&first.pointee, &second.pointee)
      return first.pointee.slot
    }
    let slot = table._withUnsafeGuaranteedRef { $0.slot(of: name.first) } ?? -1
    second.pointee = first.pointee
    first.pointee = Entry(table: id, slot: slot)
    return slot
  }
}

/// What renders of one library learn about looking names up, kept from one render to the next:
/// pass one to ``TemplateLibrary/render(_:with:into:cache:)`` for each of many pages rendered
/// on one thread. Not for two threads at once.
public final class TemplateLookupCache {
  /// The library's token, held so that no other library can be given its address while the
  /// cache exists.
  let library: LibraryToken
  let entries: SlotEntries

  /// A cache for renders of `library`.
  public init(for library: TemplateLibrary) {
    self.library = library.token
    entries = SlotEntries(nameCount: library.firstNameCount)
  }

  deinit {
    entries.deallocate()
  }
}

/// Names a render could not resolve, in their dotted form.
final class UnresolvedNames: @unchecked Sendable {
  // One render uses it, on one thread.
  private(set) var names = Set<String>()

  func note(_ name: TemplateName) {
    names.insert(([name.first] + name.rest).joined(separator: "."))
  }
}
