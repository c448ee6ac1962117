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
  /// A flag; prints as `true` or `false`.
  case bool(Bool)
  /// A whole number; prints in decimal.
  case int(Int)
  /// A decimal number; prints as Swift prints it (`1.21`, `1.0`, `1e+20`).
  case double(Double)
  /// A nested context: a section over it makes its names visible; it prints as nothing.
  case object(any TemplateContext)
  /// A list: a section renders once per element; it prints as nothing.
  case list([TemplateValue])
  /// A name that exists without a value: falsey, prints as nothing.
  case null

  /// A list whose elements are the given contexts, such as the rows of a table.
  public static func list<Items: Sequence>(of items: Items) -> TemplateValue
  where Items.Element: TemplateContext {
    .list(items.map { .object($0) })
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
    case .list(let elements): !elements.isEmpty
    case .string, .int, .double, .object: true
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
    self = .list(elements)
  }
}

extension TemplateValue: ExpressibleByDictionaryLiteral {
  /// An `.object` backed by a ``TemplateDictionary``, written as a literal.
  public init(dictionaryLiteral elements: (String, TemplateValue)...) {
    self = .object(TemplateDictionary(Dictionary(elements, uniquingKeysWith: { _, last in last })))
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
