/// Something a template can look names up in: a page model, a table row, a dictionary.
///
/// Conform with a hand-written switch, which is all the engine ever calls:
///
/// ```swift
/// extension Row: TemplateContext {
///   func templateValue(forKey key: String) -> TemplateValue? {
///     switch key {
///     case "name": .string(name)
///     case "count": .int(count)
///     default: nil
///     }
///   }
/// }
/// ```
public protocol TemplateContext: Sendable {
  /// The value named `key`, or `nil` when this context has no such name, so that the lookup goes
  /// on to the enclosing contexts. Return `.null` for a name that exists but has no value: it
  /// stops the lookup there.
  func templateValue(forKey key: String) -> TemplateValue?
}

/// A value a template can print, test or iterate over.
///
/// Falsey values (a section over them renders nothing, an inverted section renders once) are
/// `false`, `.null`, an empty list and a name that is not found. Everything else is truthy,
/// including `0` and the empty string, as the Mustache specification says.
public enum TemplateValue: Sendable {
  /// Text, HTML-escaped by `{{name}}` and printed as is by `{{{name}}}` and `{{&name}}`.
  case string(String)
  /// Text given as UTF-8 bytes, treated exactly as `.string`: for text already rendered to bytes,
  /// such as a page's body placed in its layout, which would otherwise be checked and copied into
  /// a string only to be written out again. The bytes must be valid UTF-8.
  case utf8([UInt8])
  /// A flag; prints as `true` or `false`.
  case bool(Bool)
  /// A whole number; prints in decimal.
  case int(Int)
  /// A decimal number; prints as Swift prints it (`1.21`, `1.0`, `1e+20`).
  case double(Double)
  /// A nested context: a section over it makes its names visible; it prints as nothing.
  /// Written `.object(someContext)`.
  case object(TemplateObject)
  /// A list: a section renders once per element; it prints as nothing.
  case list(TemplateList)
  /// A name that exists without a value: falsey, prints as nothing.
  case null

  /// A nested context.
  @inlinable
  public static func object<Context: TemplateContext>(_ context: consuming Context) -> TemplateValue {
    .object(TemplateObject(context))
  }

  /// A list of values.
  public static func list(_ values: [TemplateValue]) -> TemplateValue {
    .list(TemplateList(values))
  }

  /// A list of strings, such as the cells of a row; nothing is copied or allocated.
  ///
  /// Disfavoured, so that an empty literal, `.list([])`, is a list of values, not ambiguous.
  @_disfavoredOverload
  public static func list(_ strings: [String]) -> TemplateValue {
    .list(TemplateList(strings))
  }

  /// A list of contexts, such as the rows of a table; the rows are neither copied nor boxed.
  @inlinable
  public static func list<Element: TemplateContext>(_ contexts: [Element]) -> TemplateValue {
    .list(TemplateList(contexts))
  }

  /// The string, or `.null` when there is none.
  public static func optional(_ text: String?) -> TemplateValue {
    guard let text else { return .null }
    return .string(text)
  }

  /// Whether a section over this value renders (at least once).
  var isTruthy: Bool {
    switch self {
    case .bool(let flag): flag
    case .null: false
    case .list(let elements): elements.count > 0
    case .string, .utf8, .int, .double, .object: true
    }
  }
}

extension TemplateValue: ExpressibleByStringLiteral {
  /// A `.string` written as a literal.
  public init(stringLiteral value: String) {
    self = .string(value)
  }
}

extension TemplateValue: ExpressibleByIntegerLiteral {
  /// An `.int` written as a literal.
  public init(integerLiteral value: Int) {
    self = .int(value)
  }
}

extension TemplateValue: ExpressibleByFloatLiteral {
  /// A `.double` written as a literal.
  public init(floatLiteral value: Double) {
    self = .double(value)
  }
}

extension TemplateValue: ExpressibleByBooleanLiteral {
  /// A `.bool` written as a literal.
  public init(booleanLiteral value: Bool) {
    self = .bool(value)
  }
}

extension TemplateValue: ExpressibleByArrayLiteral {
  /// A `.list` written as a literal.
  public init(arrayLiteral elements: TemplateValue...) {
    self = .list(TemplateList(elements))
  }
}

extension TemplateValue: ExpressibleByDictionaryLiteral {
  /// An `.object` backed by a ``TemplateDictionary``, written as a literal.
  public init(dictionaryLiteral elements: (String, TemplateValue)...) {
    self = .object(TemplateDictionary(Dictionary(elements, uniquingKeysWith: { _, last in last })))
  }
}

/// A context as a template value holds it: `.object(context)` makes one.
///
/// It keeps the context in a closure made where the context's type is known, rather than as an
/// `any TemplateContext`: that keeps ``TemplateValue`` a plain value that is copied by retaining
/// one reference, where an existential would be copied through its type's value witnesses on
/// every lookup.
public struct TemplateObject: Sendable {
  @usableFromInline
  let box: ObjectBox

  /// Wraps `context`.
  @inlinable
  public init<Context: TemplateContext>(_ context: consuming Context) {
    // Taken over rather than copied: a page's model holds every string and row of the page.
    box = ObjectBox { [context] in context.templateValue(forKey: $0) }
  }

  init(box: ObjectBox) {
    self.box = box
  }

  /// The value `key` has in the context.
  public func templateValue(forKey key: String) -> TemplateValue? {
    box.lookup(key)
  }
}

/// The lookup of one context, compiled for its type.
@usableFromInline
final class ObjectBox: Sendable {
  let lookup: @Sendable (String) -> TemplateValue?

  @usableFromInline
  init(_ lookup: @escaping @Sendable (String) -> TemplateValue?) {
    self.lookup = lookup
  }
}

/// A context backed by a dictionary, for data that arrives untyped (JSON, tests).
public struct TemplateDictionary: TemplateContext {
  /// The values by name.
  public var values: [String: TemplateValue]

  /// A context with these values.
  public init(_ values: [String: TemplateValue] = [:]) {
    self.values = values
  }

  /// The value stored under `key`, if any.
  public func templateValue(forKey key: String) -> TemplateValue? {
    values[key]
  }
}

extension TemplateDictionary: ExpressibleByDictionaryLiteral {
  /// A context written as a dictionary literal; a repeated key keeps its last value.
  public init(dictionaryLiteral elements: (String, TemplateValue)...) {
    self.init(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}
