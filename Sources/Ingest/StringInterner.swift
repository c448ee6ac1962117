/// One `String` for each distinct text read, among the texts that repeat across an organisation:
/// policy actions (`ec2:DescribeInstances` in thousands of policies), tags, managed policy ARNs.
///
/// A repeated text then costs no allocation when read and no memory beyond a reference when kept,
/// which at a hundred thousand principals is hundreds of megabytes. Texts of up to 15 bytes are
/// stored inside the `String` value itself and are never interned. Each worker has its own, so
/// its table is not checked for overlapping access at run time (a check on every text read).
final class StringInterner {
  @exclusivity(unchecked) private var slots: [(hash: UInt64, text: String)?] = Array(
    repeating: nil, count: 1 << 12)
  @exclusivity(unchecked) private var count = 0
  /// Beyond this many texts the interner stops adding: texts that never repeat would only fill it.
  private static let limit = 1 << 20

  /// The text of `bytes` (valid UTF-8), shared with earlier reads of the same bytes.
  func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    guard bytes.count > 15 else { return String(decoding: bytes, as: UTF8.self) }
    let hash = Self.hash(bytes)
    var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
    while let entry = slots[slot] {
      if entry.hash == hash, Self.equal(entry.text, bytes) { return entry.text }
      slot = (slot + 1) & (slots.count - 1)
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard count < Self.limit else { return text }
    slots[slot] = (hash, text)
    count += 1
    if count * 2 > slots.count { grow() }
    return text
  }

  private static func equal(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    text.utf8.withContiguousStorageIfAvailable { stored in
      stored.count == bytes.count
        && JSONValue.bytesEqual(stored.baseAddress!, bytes.baseAddress!, bytes.count)
    } ?? false
  }

  private func grow() {
    let old = slots
    slots = Array(repeating: nil, count: old.count * 2)
    for case let entry? in old {
      var slot = Int(truncatingIfNeeded: entry.hash) & (slots.count - 1)
      while slots[slot] != nil { slot = (slot + 1) & (slots.count - 1) }
      slots[slot] = entry
    }
  }

  /// A quick multiplicative hash over eight bytes at a time: texts here are short and not chosen
  /// by an attacker who could make them collide (a collision only costs a comparison).
  private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    let base = UnsafeRawPointer(bytes.baseAddress!)
    var hash = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
    var offset = 0
    while offset + 8 <= bytes.count {
      hash = (hash ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
      hash ^= hash >> 32
      offset += 8
    }
    var tail: UInt64 = 0
    while offset < bytes.count {
      tail = tail << 8 | UInt64(bytes[offset])
      offset += 1
    }
    hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
    return hash ^ hash >> 29
  }
}
