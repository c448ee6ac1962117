/// The order in which pages list a principal's items: by kind (permissions first), then by
/// service, then by action or other detail without regard to case.
///
/// Sorting a million items by their texts compared strings at every step; the history store
/// numbers each distinct text once instead (`ranks(of:by:)`), and an item's place is then one
/// number (`key(kind:serviceRank:detailRank:)`).
public enum PageOrder {
  /// The largest rank a key holds: ranks are 30-bit fields of a key.
  public static let rankLimit = 1 << 30

  /// Whether an item of `kind` with `service` and `detail` is listed before another.
  public static func precedes(
    _ kind: UnusedAccessKind, _ service: String, _ detail: String,
    _ otherKind: UnusedAccessKind, _ otherService: String, _ otherDetail: String
  ) -> Bool {
    if kind != otherKind { return kind < otherKind }
    if service != otherService { return service < otherService }
    return lowercasedPrecedes(detail, otherDetail)
  }

  /// The number that orders items as `precedes` does, from the ranks of their service and detail
  /// (each below `rankLimit`): equal for items `precedes` does not tell apart.
  @inlinable
  public static func key(kind: UnusedAccessKind, serviceRank: Int, detailRank: Int) -> UInt64 {
    UInt64(kind.order) << 60 | UInt64(serviceRank) << 30 | UInt64(detailRank)
  }

  /// The place of each of `texts` among them all in the order `precedes` gives: texts that it
  /// does not tell apart (neither precedes the other) share a place, so that comparing places
  /// decides as comparing the texts does.
  public static func ranks(of texts: [String], by precedes: (String, String) -> Bool) -> [Int] {
    let order = texts.indices.sorted { precedes(texts[$0], texts[$1]) }
    var ranks = [Int](repeating: 0, count: texts.count)
    var rank = 0
    for (position, index) in order.enumerated() {
      if position > 0, precedes(texts[order[position - 1]], texts[index]) { rank += 1 }
      ranks[index] = rank
    }
    return ranks
  }

  /// `a.lowercased() < b.lowercased()`, without making two strings for each of the comparisons a
  /// sort of a million items does: action names are ASCII, compared byte by byte where the
  /// strings keep their bytes (all but bridged ones).
  public static func lowercasedPrecedes(_ a: String, _ b: String) -> Bool {
    let fast = a.utf8.withContiguousStorageIfAvailable { first in
      b.utf8.withContiguousStorageIfAvailable { second in asciiLowercasedPrecedes(first, second) } ?? nil
    }
    if let fast, let result = fast { return result }
    return a.lowercased() < b.lowercased()
  }

  /// The comparison of two ASCII texts, case folded; nil when a non-ASCII byte comes before
  /// they differ, since only Unicode lowercasing orders those.
  private static func asciiLowercasedPrecedes(
    _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>
  )
    -> Bool?
  {
    let common = min(a.count, b.count)
    var index = 0
    while index < common {
      let x = a[index]
      let y = b[index]
      if x != y || x >= 0x80 {
        if x >= 0x80 || y >= 0x80 { return nil }
        let lowerX = x >= 0x41 && x <= 0x5A ? x + 0x20 : x
        let lowerY = y >= 0x41 && y <= 0x5A ? y + 0x20 : y
        if lowerX != lowerY { return lowerX < lowerY }
      }
      index += 1
    }
    return a.count < b.count
  }
}
