/// Texts in the order they were added, numbered from `first`, found by a 64-bit FNV-1a of their
/// UTF-8: a `Dictionary` keyed by `String` hashes every key with seeded SipHash, which showed in
/// profiles of a night's hundred thousand ARNs and quarter of a million new items' names. A hash
/// two texts share is marked, and those texts are then found by comparing every one.
struct TextIndex {
  private(set) var texts: [String] = []
  /// The number of the first text.
  let first: Int
  private var positions: [UInt64: Int] = [:]
  private static let shared = -1

  init(first: Int = 0, capacity: Int = 0) {
    self.first = first
    texts.reserveCapacity(capacity)
    positions.reserveCapacity(capacity)
  }

  /// The number the next text gets.
  var next: Int { first + texts.count }

  private static func hash(_ text: String) -> UInt64 {
    text.utf8.withContiguousStorageIfAvailable { StableHash.fnv1a($0) } ?? StableHash.fnv1a(text.utf8)
  }

  /// Adds `text` as number `next`.
  mutating func append(_ text: String) {
    let hash = Self.hash(text)
    if let existing = positions[hash], existing == Self.shared || texts[existing] != text {
      positions[hash] = Self.shared
    } else {
      positions[hash] = texts.count
    }
    texts.append(text)
  }

  /// The number of `text` (the last one, if added twice), if it was added.
  func number(of text: String) -> Int? {
    guard let found = positions[Self.hash(text)] else { return nil }
    if found != Self.shared { return texts[found] == text ? first + found : nil }
    return texts.lastIndex(of: text).map { first + $0 }
  }
}
