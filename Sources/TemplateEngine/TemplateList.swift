/// The elements a section iterates over.
///
/// A list of typed contexts keeps the array it is given and looks names up in its elements in
/// place: rendering a 50-row table neither copies the rows nor boxes each one into an
/// existential, which `[TemplateValue]` of `.object(row)` would do on every render.
public struct TemplateList: Sendable {
  @usableFromInline
  enum Storage: Sendable {
    case values([TemplateValue])
    case strings([String])
    /// Typed contexts, reached through a closure made where their type is known, so that the
    /// lookup is compiled for that type.
    case contexts(ContextListBox)
  }

  @usableFromInline
  let storage: Storage

  /// A list of values.
  public init(_ values: [TemplateValue]) {
    storage = .values(values)
  }

  /// A list of strings.
  public init(_ strings: [String]) {
    storage = .strings(strings)
  }

  /// A list of contexts, kept as they are.
  @inlinable
  public init<Element: TemplateContext>(_ contexts: [Element]) {
    storage = .contexts(
      ContextListBox(count: contexts.count, table: Element.templateKeyTable) { index, slot, key in
        guard let key else { return .object(TemplateObject(contexts[index])) }
        // Looked up through a pointer to the element: `contexts[index].templateValue(...)`
        // copied the whole row, retaining and releasing each of its strings, at every name.
        return contexts.withUnsafeBufferPointer { rows in
          slot >= 0
            ? (rows.baseAddress! + index).pointee.templateValue(atSlot: slot)
            : (rows.baseAddress! + index).pointee.templateValue(forKey: key)
        }
      })
  }

  /// The number of elements.
  public var count: Int {
    switch storage {
    case .values(let values): values.count
    case .strings(let strings): strings.count
    case .contexts(let box): box.count
    }
  }

  /// The element at `index` as a value (a context element becomes `.object`).
  public subscript(index: Int) -> TemplateValue {
    switch storage {
    case .values(let values): values[index]
    case .strings(let strings): .string(strings[index])
    case .contexts(let box): box.lookup(index, -1, nil) ?? .null
    }
  }

  /// The value of `key` in the element at `index`, or `nil` when the element is not a context
  /// or has no such name.
  func templateValue(at index: Int, forKey key: String) -> TemplateValue? {
    switch storage {
    case .values(let values):
      guard case .object(let context) = values[index] else { return nil }
      return context.templateValue(forKey: key)
    case .strings:
      return nil
    case .contexts(let box):
      return box.lookup(index, -1, key)
    }
  }
}

extension TemplateList: ExpressibleByArrayLiteral {
  /// A list of values written as a literal.
  public init(arrayLiteral elements: TemplateValue...) {
    self.init(elements)
  }
}

/// The elements of a list of typed contexts: their number, their type's key table if it has
/// one, and a lookup compiled for their type that takes an element's index, a slot in the table
/// (-1 to look up by name) and a name (`nil` for the element itself).
@usableFromInline
final class ContextListBox: @unchecked Sendable {
  let count: Int
  /// Unretained, as `ObjectBox.table`.
  let table: Unmanaged<AnyTemplateKeyTable>?
  let lookup: @Sendable (_ index: Int, _ slot: Int, _ key: String?) -> TemplateValue?

  @usableFromInline
  init(
    count: Int, table: AnyTemplateKeyTable?, lookup: @escaping @Sendable (Int, Int, String?) -> TemplateValue?
  ) {
    self.count = count
    self.table = table.map { Unmanaged.passUnretained($0) }
    self.lookup = lookup
  }
}
