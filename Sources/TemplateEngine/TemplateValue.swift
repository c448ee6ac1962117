import Foundation

/// Something a template can look names up in: a page model, a table row, a dictionary.
///
/// Conform with a hand-written switch over the name:
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
///
/// A context that renders often (a page model, a table row) conforms to
/// ``KeyedTemplateContext`` instead, naming its keys in an enum: the engine then looks each name
/// up by string once per render (or once per ``TemplateLookupCache``) and context type, and every
/// later lookup is a jump on a number. A switch over strings compares the name with each case in
/// turn.
public protocol TemplateContext: Sendable {
  /// The value named `key`, or `nil` when this context has no such name, so that the lookup goes
  /// on to the enclosing contexts. Return `.null` for a name that exists but has no value: it
  /// stops the lookup there.
  func templateValue(forKey key: String) -> TemplateValue?

  /// The names this type has, numbered, when it has a fixed set of them; `nil` (the default)
  /// when names are only looked up by string. ``KeyedTemplateContext`` provides it.
  static var templateKeyTable: AnyTemplateKeyTable? { get }

  /// The value of the name numbered `slot` in ``templateKeyTable``.
  func templateValue(atSlot slot: Int) -> TemplateValue?
}

extension TemplateContext {
  /// No numbered names: every lookup goes through ``templateValue(forKey:)``.
  public static var templateKeyTable: AnyTemplateKeyTable? { nil }

  /// Nothing: without a key table there are no slots.
  public func templateValue(atSlot slot: Int) -> TemplateValue? { nil }
}

/// The names of a ``KeyedTemplateContext``: an enum whose raw values are the names templates use.
///
/// ```swift
/// enum Key: String, TemplateKeys {
///   case name, count
///   static let table = TemplateKeyTable<Key>()
/// }
/// ```
public protocol TemplateKeys: RawRepresentable, CaseIterable, Sendable where RawValue == String {
  /// The cases numbered once; declare it as `static let table = TemplateKeyTable<Self>()`. (A
  /// generic context type cannot have one: let it conform to ``TemplateContext``.)
  static var table: TemplateKeyTable<Self> { get }
}

/// A context with a fixed set of names, given as an enum: a switch over the enum gives each
/// name's value, and the compiler checks that every name has one. Its names are exactly the
/// enum's: renders do not ask ``TemplateContext/templateValue(forKey:)`` about others, so do
/// not implement that yourself.
///
/// ```swift
/// extension Row: KeyedTemplateContext {
///   enum TemplateKey: String, TemplateKeys {
///     case name, count
///     static let table = TemplateKeyTable<TemplateKey>()
///   }
///   func templateValue(for key: TemplateKey) -> TemplateValue {
///     switch key {
///     case .name: .string(name)
///     case .count: .int(count)
///     }
///   }
/// }
/// ```
public protocol KeyedTemplateContext: TemplateContext {
  /// The names, as an enum.
  associatedtype TemplateKey: TemplateKeys
  /// The value of `key`.
  func templateValue(for key: TemplateKey) -> TemplateValue
}

extension KeyedTemplateContext {
  /// The value of the name `key`, when it is one of ``TemplateKey``'s.
  @inlinable
  public func templateValue(forKey key: String) -> TemplateValue? {
    TemplateKey.table.slot(of: key).flatMap { templateValue(atSlot: $0) }
  }

  /// ``TemplateKey``'s table.
  public static var templateKeyTable: AnyTemplateKeyTable? { TemplateKey.table }

  /// The value of the key numbered `slot`.
  @inlinable
  @inline(__always)
  public func templateValue(atSlot slot: Int) -> TemplateValue? {
    // Always inlined: a list's rows are read in place, and where this was a call of its own (the
    // policy changes' rows) the compiler copied the whole row before it, retaining each of its
    // strings and arrays, at every name looked up (0.7 % of a nightly build's instructions).
    // A one-byte enum without payloads is its case's number (see `TemplateKeyTable`), so the key
    // is made without reading the table: reading a static first would make the compiler copy
    // `self` (a table row read in place) in case the static's initializer changed it.
    if MemoryLayout<TemplateKey>.size == 1 {
      return templateValue(for: unsafeBitCast(UInt8(truncatingIfNeeded: slot), to: TemplateKey.self))
    }
    return templateValue(for: TemplateKey.table.keys[slot])
  }
}

/// Names numbered: what the renderer looks a template name up in, once per render and type.
public class AnyTemplateKeyTable: @unchecked Sendable {
  // Written only by the initializer.
  @usableFromInline
  let slotOfName: [String: Int]

  /// Each name with its slot. The table is kept for as long as the program runs: renders hold
  /// tables unretained and remember lookups by a table's address, which must therefore never be
  /// reused. A key enum makes one table (its `static let`).
  init(names: [String], slots: [Int]) {
    slotOfName = Dictionary(zip(names, slots).map { $0 }, uniquingKeysWith: { first, _ in first })
    KeyTables.keep(self)
  }

  /// The number of the name `name`, if the table has it.
  @inlinable
  public func slot(of name: String) -> Int? {
    slotOfName[name]
  }
}

/// The cases of a ``TemplateKeys`` enum, numbered: by the byte that stands for each case when the
/// enum is one byte (an enum without payloads numbers its cases in declaration order, from 0), so
/// that a slot turns back into its key without a table; otherwise by their place in `allCases`.
public final class TemplateKeyTable<Key: TemplateKeys>: AnyTemplateKeyTable, @unchecked Sendable {
  /// The keys, in `allCases` order: a key's slot is its index here only when the enum is not
  /// one byte (one-byte enums are numbered by their case bytes), so turn a slot into a key with
  /// ``KeyedTemplateContext/templateValue(atSlot:)`` rather than by indexing this.
  public let keys: [Key]

  /// Numbers the cases of `Key`.
  public init() {
    keys = Array(Key.allCases)
    var names: [String] = []
    var slots: [Int] = []
    for (index, key) in keys.enumerated() {
      names.append(key.rawValue)
      slots.append(MemoryLayout<Key>.size == 1 ? Self.byte(of: key) : index)
    }
    super.init(names: names, slots: slots)
  }

  private static func byte(of key: Key) -> Int {
    var key = key
    return withUnsafeBytes(of: &key) { Int($0[0]) }
  }
}

/// A value a template can print, test or iterate over.
///
/// Falsey values (a section over them renders nothing, an inverted section renders once) are
/// `false`, `.null`, an empty list and a name that is not found. Everything else is truthy,
/// including `0` and the empty string, as the Mustache specification says.
public enum TemplateValue: Sendable {
  /// Text, HTML-escaped by `{{name}}` and printed as is by `{{{name}}}` and `{{&name}}`.
  case string(String)
  /// Text given as UTF-8 bytes, treated exactly as `.string`: for text already made as bytes,
  /// which would otherwise be checked and copied into a string only to be written out again. The
  /// bytes must be valid UTF-8.
  case utf8([UInt8])
  /// Text like `.utf8`, read in place from memory the caller owns, such as one line of a document
  /// held by the context: printed without a reference to keep alive. The bytes must be valid
  /// UTF-8 and stay valid and unchanged while the render given this value runs.
  case utf8InPlace(BorrowedBytes)
  /// Markup that a render with the same library made, as UTF-8, such as a page's body placed in
  /// its layout: `{{{name}}}` and `{{&name}}` print it as it is, without passing it through the
  /// escaper again (every value in it already passed through once; the templates' own literal
  /// text never does, in the layout or in the page); `{{name}}` escapes it as it would `.utf8`.
  case rendered([UInt8])
  /// Markup like `.rendered`, read in place from memory the caller owns: a page's body placed in
  /// its layout straight from the buffer it was rendered in, rather than copied into an array
  /// first (a copy of every page of the site). The bytes must stay valid and unchanged while the
  /// render given this value runs.
  case renderedInPlace(BorrowedBytes)
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
    case .string, .utf8, .utf8InPlace, .rendered, .renderedInPlace, .int, .double, .object: true
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
    box = ObjectBox(table: Context.templateKeyTable) { [context] slot, key in
      slot >= 0 ? context.templateValue(atSlot: slot) : context.templateValue(forKey: key)
    }
  }

  init(box: ObjectBox) {
    self.box = box
  }

  /// The value `key` has in the context.
  public func templateValue(forKey key: String) -> TemplateValue? {
    box.lookup(-1, key)
  }
}

/// The lookup of one context, compiled for its type: by slot in `table` when the type has one
/// (a slot of -1 asks by `key`).
@usableFromInline
final class ObjectBox: @unchecked Sendable {
  /// Unretained: tables live as long as the program (each is a `static let`), and reading a
  /// retained one would retain and release it at every lookup.
  let table: Unmanaged<AnyTemplateKeyTable>?
  let lookup: @Sendable (_ slot: Int, _ key: String) -> TemplateValue?

  @usableFromInline
  init(table: AnyTemplateKeyTable?, _ lookup: @escaping @Sendable (Int, String) -> TemplateValue?) {
    self.table = table.map { Unmanaged.passUnretained($0) }
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

/// Every key table made, kept alive (see `AnyTemplateKeyTable.init(names:slots:)`).
private enum KeyTables {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var all: [AnyTemplateKeyTable] = []

  static func keep(_ table: AnyTemplateKeyTable) {
    lock.lock()
    all.append(table)
    lock.unlock()
  }
}

/// Bytes that a ``TemplateValue/renderedInPlace(_:)`` value reads where they are, such as a
/// ``TemplateOutput``'s while a layout renders around them; whoever makes one keeps the memory
/// valid and unchanged for as long as a render may read it.
public struct BorrowedBytes: @unchecked Sendable {
  /// The bytes.
  public let buffer: UnsafeBufferPointer<UInt8>

  /// Bytes read in place from `buffer`.
  public init(_ buffer: UnsafeBufferPointer<UInt8>) {
    self.buffer = buffer
  }
}
