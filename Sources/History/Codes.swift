import Model

/// The store's fixed numbers for Model's enumerations. They are written down here rather than
/// taken from case order, so adding a case to Model never renumbers what is stored.
enum Codes {
  static func kind(_ kind: UnusedAccessKind) -> UInt8 {
    switch kind {
    case .permission: 0
    case .role: 1
    case .accessKey: 2
    case .password: 3
    case .undetailedFinding: 4
    }
  }

  static func kind(code: UInt8) throws(CorruptData) -> UnusedAccessKind {
    switch code {
    case 0: .permission
    case 1: .role
    case 2: .accessKey
    case 3: .password
    case 4: .undetailedFinding
    default: throw CorruptData("unknown item kind \(code)")
    }
  }

  /// Status codes start at 1: 0 means "no status" where a status is optional.
  static func status(_ status: FindingStatus) -> UInt8 {
    switch status {
    case .active: 1
    case .archived: 2
    case .resolved: 3
    }
  }

  static func status(code: UInt8) throws(CorruptData) -> FindingStatus {
    switch code {
    case 1: .active
    case 2: .archived
    case 3: .resolved
    default: throw CorruptData("unknown status \(code)")
    }
  }

  static func principalKind(_ kind: PrincipalKind) -> UInt8 {
    switch kind {
    case .role: 0
    case .user: 1
    case .other: 2
    }
  }

  static func principalKind(code: UInt8) throws(CorruptData) -> PrincipalKind {
    switch code {
    case 0: .role
    case 1: .user
    case 2: .other
    default: throw CorruptData("unknown principal kind \(code)")
    }
  }
}

/// The identity of an item within its principal: FNV-1a (64-bit) of `UnusedAccess.key`'s UTF-8.
///
/// Stored with each item, so it must never change: it is computed from the same bytes `key`
/// spells, without building that string for each of a million observations a night.
enum ItemKeyHash {
  private static let permissionPrefix = StableHash.fnv1a("permission ".utf8)
  private static let accessKeyPrefix = StableHash.fnv1a("accessKey ".utf8)
  private static let findingPrefix = StableHash.fnv1a("finding ".utf8)
  private static let role = StableHash.fnv1a(UnusedAccessKind.role.rawValue.utf8)
  private static let password = StableHash.fnv1a(UnusedAccessKind.password.rawValue.utf8)

  static func of(_ access: UnusedAccess) -> UInt64 {
    switch access.kind {
    case .permission:
      let service = hash(access.service, from: permissionPrefix)
      return lowercasedHash(
        access.detail, from: StableHash.fnv1a(CollectionOfOne(UInt8(ascii: ":")), from: service))
    case .accessKey: return hash(access.detail, from: accessKeyPrefix)
    case .undetailedFinding: return hash(access.detail, from: findingPrefix)
    case .role: return role
    case .password: return password
    }
  }

  private static func hash(_ text: String, from start: UInt64) -> UInt64 {
    text.utf8.withContiguousStorageIfAvailable { StableHash.fnv1a($0, from: start) }
      ?? StableHash.fnv1a(text.utf8, from: start)
  }

  /// The hash of `text.lowercased()`: ASCII is lowered byte by byte; anything else goes through
  /// `lowercased()`, whose Unicode rules `key` uses.
  private static func lowercasedHash(_ text: String, from start: UInt64) -> UInt64 {
    FNV1a.caselessASCIIValue(of: text, from: start) ?? StableHash.fnv1a(text.lowercased().utf8, from: start)
  }

}
