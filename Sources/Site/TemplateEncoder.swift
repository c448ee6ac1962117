/// Turns a typed page model into the plain dictionaries, arrays, strings, numbers and booleans a
/// Mustache engine walks, through `Encodable`.
///
/// Page models stay ordinary Swift values (checked by the compiler, testable without an engine);
/// only this one place knows the engine wants untyped trees. Dictionaries are read by key lookup,
/// which swift-mustache does far faster than reflecting on structs.
enum TemplateEncoder {
  /// The template tree of a value.
  static func encode(_ value: some Encodable) throws -> Any {
    let encoder = TreeEncoder(codingPath: [])
    try value.encode(to: encoder)
    return encoder.storage.value
  }
}

/// A node under construction; reference semantics let nested containers fill in their parent.
private final class Node {
  enum Content {
    case empty
    case single(Any)
    case keyed([String: Node])
    case unkeyed([Node])
  }

  var content: Content = .empty

  var value: Any {
    switch content {
    case .empty: return [String: Any]()
    case .single(let value): return value
    case .keyed(let members): return members.mapValues(\.value)
    case .unkeyed(let elements): return elements.map(\.value)
    }
  }
}

private struct TreeEncoder: Encoder {
  var codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }
  let storage: Node

  init(codingPath: [any CodingKey], storage: Node = Node()) {
    self.codingPath = codingPath
    self.storage = storage
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    if case .keyed = storage.content {} else { storage.content = .keyed([:]) }
    return KeyedEncodingContainer(KeyedContainer<Key>(node: storage, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    if case .unkeyed = storage.content {} else { storage.content = .unkeyed([]) }
    return UnkeyedContainer(node: storage, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleContainer(node: storage, codingPath: codingPath)
  }
}

/// Encodes one value into a fresh node: primitives directly, everything else through its own
/// `encode(to:)`.
private func encodeNode(_ value: some Encodable, codingPath: [any CodingKey]) throws -> Node {
  let node = Node()
  switch value {
  case let text as String: node.content = .single(BidiControls.shown(text))
  case let flag as Bool: node.content = .single(flag)
  case let number as Int: node.content = .single(number)
  case let number as Double: node.content = .single(number)
  default: try value.encode(to: TreeEncoder(codingPath: codingPath, storage: node))
  }
  return node
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: Node
  var codingPath: [any CodingKey]

  private func set(_ child: Node, for key: Key) {
    guard case .keyed(var members) = node.content else { return }
    members[key.stringValue] = child
    node.content = .keyed(members)
  }

  mutating func encodeNil(forKey key: Key) throws {
    // Nil is false in Mustache; storing it stops lookups climbing to an outer value of that name.
    let child = Node()
    child.content = .single(false)
    set(child, for: key)
  }

  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    set(try encodeNode(value, codingPath: codingPath + [key]), for: key)
  }

  // Synthesised conformances skip nil optionals; encoding them as false keeps every key present.
  mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
    if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
  }

  mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
    if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
  }

  mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
    if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
  }

  mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
    if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
  }

  mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
    if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
    -> KeyedEncodingContainer<NestedKey>
  {
    let child = Node()
    child.content = .keyed([:])
    set(child, for: key)
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let child = Node()
    child.content = .unkeyed([])
    set(child, for: key)
    return UnkeyedContainer(node: child, codingPath: codingPath + [key])
  }

  mutating func superEncoder() -> any Encoder { TreeEncoder(codingPath: codingPath, storage: node) }

  mutating func superEncoder(forKey key: Key) -> any Encoder {
    let child = Node()
    set(child, for: key)
    return TreeEncoder(codingPath: codingPath + [key], storage: child)
  }
}

private struct IndexKey: CodingKey {
  var stringValue: String
  var intValue: Int?
  init(_ index: Int) {
    stringValue = String(index)
    intValue = index
  }
  init?(stringValue: String) { nil }
  init?(intValue: Int) { self.init(intValue) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let node: Node
  var codingPath: [any CodingKey]

  var count: Int {
    if case .unkeyed(let elements) = node.content { return elements.count }
    return 0
  }

  private func append(_ child: Node) {
    guard case .unkeyed(var elements) = node.content else { return }
    elements.append(child)
    node.content = .unkeyed(elements)
  }

  mutating func encodeNil() throws {
    let child = Node()
    child.content = .single(false)
    append(child)
  }

  mutating func encode<T: Encodable>(_ value: T) throws {
    append(try encodeNode(value, codingPath: codingPath + [IndexKey(count)]))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
    -> KeyedEncodingContainer<NestedKey>
  {
    let child = Node()
    child.content = .keyed([:])
    append(child)
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let child = Node()
    child.content = .unkeyed([])
    append(child)
    return UnkeyedContainer(node: child, codingPath: codingPath)
  }

  mutating func superEncoder() -> any Encoder {
    let child = Node()
    append(child)
    return TreeEncoder(codingPath: codingPath, storage: child)
  }
}

private struct SingleContainer: SingleValueEncodingContainer {
  let node: Node
  var codingPath: [any CodingKey]

  mutating func encodeNil() throws { node.content = .single(false) }
  mutating func encode(_ value: Bool) throws { node.content = .single(value) }
  mutating func encode(_ value: String) throws { node.content = .single(BidiControls.shown(value)) }
  mutating func encode(_ value: Double) throws { node.content = .single(value) }
  mutating func encode(_ value: Int) throws { node.content = .single(value) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    node.content = try encodeNode(value, codingPath: codingPath).content
  }
}

/// Unicode bidirectional controls in input text can make a page show something other than what the
/// data says (a role name that reads backwards, "Trojan source"). Escaping does not neutralise them,
/// so every string handed to a template shows them as visible `[U+202E]` marks instead.
enum BidiControls {
  static func shown(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
      if isControl(scalar) {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        result += "[U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "]"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
    default: false
    }
  }
}
