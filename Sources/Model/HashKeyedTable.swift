/// A table of values by 64-bit keys that are hashes already (FNV-1a, content digests), for the
/// lookups made per item or per policy document: `Dictionary` hashes each such key again with
/// SipHash on every insertion and lookup, about a hundred instructions, where this takes the
/// slot from the key with one multiplication.
///
/// Open addressing with linear probing; a key's first slot is the high bits of the key times a
/// Fibonacci constant, so that keys differing only in some bits (the low bits of FNV-1a depend
/// only on the low bits of each byte) still spread over the slots. Values stay in the order they
/// were first inserted. Keys are not removed one by one, only all at once.
public struct HashKeyedTable<Value> {
  /// The keys, in the order they were first inserted.
  @inlinable public var keys: [UInt64] { storedKeys }
  /// The values, in the same order as `keys`.
  @inlinable public var values: [Value] { storedValues }
  @usableFromInline var storedKeys: [UInt64] = []
  @usableFromInline var storedValues: [Value] = []
  /// Each slot's key, with one past its index into `keys` (0 for an empty slot): a probe reads
  /// the key where it reads the slot, which a large table (the strings of stored documents)
  /// would otherwise fetch from another cache line for every slot it looks at. There are at
  /// least twice as many slots as keys, so probing ends soon.
  @usableFromInline var slots: [HashKeyedSlot] = []

  /// 64 minus the base-2 logarithm of the number of slots.
  @usableFromInline var shift: UInt64 = 64

  /// An empty table with room for `minimumCapacity` keys before it grows.
  @inlinable
  public init(minimumCapacity: Int = 0) {
    if minimumCapacity > 0 { reserveCapacity(minimumCapacity) }
  }

  /// The number of keys.
  @inlinable
  public var count: Int { storedKeys.count }

  /// Makes room for `capacity` keys in all.
  @inlinable
  public mutating func reserveCapacity(_ capacity: Int) {
    storedKeys.reserveCapacity(capacity)
    storedValues.reserveCapacity(capacity)
    var bits = 3
    while 1 << bits < 2 * capacity { bits += 1 }
    if 1 << bits > slots.count { rehash(bits: bits) }
  }

  /// Removes every key; with `keepingCapacity`, the room made for them stays.
  @inlinable
  public mutating func removeAll(keepingCapacity: Bool = false) {
    // An empty table's slots are all empty already: a table emptied again and again (a decoder's
    // index, once per principal) would otherwise clear its slots each time.
    if keepingCapacity && storedKeys.isEmpty { return }
    storedKeys.removeAll(keepingCapacity: keepingCapacity)
    storedValues.removeAll(keepingCapacity: keepingCapacity)
    if keepingCapacity {
      slots.withUnsafeMutableBufferPointer { $0.update(repeating: .empty) }
    } else {
      slots = []
      shift = 64
    }
  }

  /// The value stored for `key`, or nil.
  @inlinable
  public subscript(key: UInt64) -> Value? {
    guard let index = index(of: key) else { return nil }
    return storedValues[index]
  }

  /// Where `key`'s value is in `values`, or nil when the table does not hold the key.
  @inlinable
  public func index(of key: UInt64) -> Int? {
    guard !slots.isEmpty else { return nil }
    return slots.withUnsafeBufferPointer { slots in
      let mask = slots.count - 1
      var slot = firstSlot(of: key)
      while true {
        let stored = slots[slot]
        if stored.position == 0 { return nil }
        if stored.key == key { return Int(stored.position) - 1 }
        slot = (slot + 1) & mask
      }
    }
  }

  /// Replaces the value at `index` in `values` (an index `index(of:)` gave).
  @inlinable
  public mutating func replaceValue(at index: Int, with value: Value) {
    storedValues[index] = value
  }

  /// Stores `value` for `key`, replacing the value stored before, if any.
  @inlinable
  public mutating func updateValue(_ value: Value, forKey key: UInt64) {
    let (index, inserted) = index(of: key, insertingIfAbsent: { value })
    if !inserted { storedValues[index] = value }
  }

  /// Where `key`'s value is in `values`, with `make()` stored for it first when the table does
  /// not hold the key: one probe where looking up and then storing took two.
  @inlinable
  public mutating func index(
    of key: UInt64, insertingIfAbsent make: () -> Value
  ) -> (index: Int, inserted: Bool) {
    if 2 * (storedKeys.count + 1) > slots.count {
      rehash(bits: slots.isEmpty ? 3 : 64 - Int(shift) + 1)
    }
    let mask = slots.count - 1
    var slot = firstSlot(of: key)
    while slots[slot].position != 0 {
      if slots[slot].key == key { return (Int(slots[slot].position) - 1, false) }
      slot = (slot + 1) & mask
    }
    storedKeys.append(key)
    storedValues.append(make())
    slots[slot] = HashKeyedSlot(key: key, position: Int32(truncatingIfNeeded: storedKeys.count))
    return (storedKeys.count - 1, true)
  }

  @inlinable @inline(__always)
  func firstSlot(of key: UInt64) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  @usableFromInline
  mutating func place(_ index: Int) {
    let mask = slots.count - 1
    let key = storedKeys[index]
    var slot = firstSlot(of: key)
    while slots[slot].position != 0 { slot = (slot + 1) & mask }
    slots[slot] = HashKeyedSlot(key: key, position: Int32(truncatingIfNeeded: index + 1))
  }

  @usableFromInline
  mutating func rehash(bits: Int) {
    slots = [HashKeyedSlot](repeating: .empty, count: 1 << bits)
    shift = UInt64(64 - bits)
    for index in storedKeys.indices { place(index) }
  }
}

extension HashKeyedTable: Sendable where Value: Sendable {}

/// A slot of a `HashKeyedTable`: a key and one past its index, or 0 when the slot is empty.
@usableFromInline
struct HashKeyedSlot: Sendable {
  @usableFromInline var key: UInt64
  @usableFromInline var position: Int32

  @inlinable
  init(key: UInt64, position: Int32) {
    self.key = key
    self.position = position
  }

  @inlinable
  static var empty: HashKeyedSlot { HashKeyedSlot(key: 0, position: 0) }
}

/// A table of values by strings, found through a hash of each string's bytes
/// (`ContentDigest.shortHash`) in a `HashKeyedTable`, for tables looked up once or more per
/// principal by ARN: `Dictionary` hashed each ARN with SipHash. Strings whose hash another
/// string already holds go to a dictionary of their own.
public struct StringKeyedTable<Value> {
  @usableFromInline var byHash: HashKeyedTable<(key: String, value: Value)>
  /// Strings whose hash another string holds in `byHash`.
  @usableFromInline var others: [String: Value] = [:]

  /// An empty table with room for `minimumCapacity` strings before it grows.
  @inlinable
  public init(minimumCapacity: Int = 0) {
    byHash = HashKeyedTable(minimumCapacity: minimumCapacity)
  }

  /// The hash a string is found by.
  @inlinable
  public static func hash(of key: String) -> UInt64 {
    key.withUTF8Bytes(ContentDigest.shortHash)
  }

  /// The value stored for `key`, or nil.
  @inlinable
  public subscript(key: String) -> Value? {
    value(forKey: key, hash: Self.hash(of: key))
  }

  /// The value stored for `key`, whose `hash(of:)` is `hash`, or nil.
  @inlinable
  public func value(forKey key: String, hash: UInt64) -> Value? {
    guard let index = byHash.index(of: hash) else { return nil }
    let entry = byHash.values[index]
    return entry.key == key ? entry.value : others[key]
  }

  /// Stores `value` for `key`, replacing the value stored before, if any.
  @inlinable
  public mutating func updateValue(_ value: Value, forKey key: String) {
    updateValue(value, forKey: key, hash: Self.hash(of: key))
  }

  /// Every string with its value, in no particular order.
  @inlinable
  public var keysAndValues: [(key: String, value: Value)] {
    byHash.values + others.map { ($0.key, $0.value) }
  }

  /// The value stored for `key`, whose `hash(of:)` is `hash`; `make()` is stored for it first
  /// when the table does not hold it.
  @inlinable
  public mutating func value(forKey key: String, hash: UInt64, insertingIfAbsent make: () -> Value) -> Value {
    let (index, inserted) = byHash.index(of: hash, insertingIfAbsent: { (key, make()) })
    let entry = byHash.values[index]
    if inserted || entry.key == key { return entry.value }
    if let other = others[key] { return other }
    let made = make()
    others[key] = made
    return made
  }

  /// Stores `value` for `key`, whose `hash(of:)` is `hash`, replacing the value stored before.
  @inlinable
  public mutating func updateValue(_ value: Value, forKey key: String, hash: UInt64) {
    guard let index = byHash.index(of: hash) else {
      byHash.updateValue((key, value), forKey: hash)
      return
    }
    if byHash.values[index].key == key {
      byHash.replaceValue(at: index, with: (key, value))
    } else {
      others[key] = value
    }
  }
}

extension StringKeyedTable: Sendable where Value: Sendable {}
