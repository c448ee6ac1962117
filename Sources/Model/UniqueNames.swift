/// Hands out names that are unique within one set: the first claim of a base gets it unchanged,
/// later ones get `-2`, `-3`, … in claim order (a suffixed name someone else took is skipped).
///
/// Names are found by a hash of their bytes (`StringKeyedTable`): pages and checklists claim one
/// name for each of a large organisation's principals.
public struct UniqueNames: Sendable {
  /// Each name taken, with the next suffix to try when it is claimed again as a base.
  private var taken: StringKeyedTable<Int>

  /// An empty set with room for `minimumCapacity` names before it grows.
  public init(minimumCapacity: Int = 0) {
    taken = StringKeyedTable(minimumCapacity: minimumCapacity)
  }

  /// Marks `name` as taken as it is, even when it was taken before.
  public mutating func take(_ name: String) {
    let hash = StringKeyedTable<Int>.hash(of: name)
    if taken.value(forKey: name, hash: hash) == nil { taken.updateValue(2, forKey: name, hash: hash) }
  }

  /// `base` when it is free, else the first of `base-2`, `base-3`, … that is; the name returned
  /// is taken.
  public mutating func claim(_ base: String) -> String {
    let hash = StringKeyedTable<Int>.hash(of: base)
    guard var suffix = taken.value(forKey: base, hash: hash) else {
      taken.updateValue(2, forKey: base, hash: hash)
      return base
    }
    // Remembering where the search stopped keeps many claims of one base linear: the suffixes
    // below it are all taken, and names are never given back.
    while true {
      let candidate = "\(base)-\(suffix)"
      suffix += 1
      let candidateHash = StringKeyedTable<Int>.hash(of: candidate)
      if taken.value(forKey: candidate, hash: candidateHash) == nil {
        taken.updateValue(2, forKey: candidate, hash: candidateHash)
        taken.updateValue(suffix, forKey: base, hash: hash)
        return candidate
      }
    }
  }
}
