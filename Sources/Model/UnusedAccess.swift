/// What kind of unused access an item is. Unused permissions are the headline unit; unused roles,
/// access keys and passwords are counted apart from them.
public enum UnusedAccessKind: String, Sendable, Hashable, CaseIterable, Comparable {
  /// One action (`s3:GetObject`) or a whole service (`s3:*`) granted but not used.
  case permission
  /// A role not used at all within the tracking window.
  case role
  /// An IAM user's access key not used.
  case accessKey
  /// An IAM user's console password not used.
  case password
  /// An Access Analyzer unused-permission finding known only from its summary: its permissions
  /// are unknown until `get-finding-v2` is exported for it. The detail is the finding id.
  case undetailedFinding

  /// The Access Analyzer finding type that reports this kind.
  public var findingType: String {
    switch self {
    case .permission: "UnusedPermission"
    case .role: "UnusedIAMRole"
    case .accessKey: "UnusedIAMUserAccessKey"
    case .password: "UnusedIAMUserPassword"
    case .undetailedFinding: "UnusedPermission"
    }
  }

  /// Orders kinds as pages list them: permissions first.
  public static func < (lhs: UnusedAccessKind, rhs: UnusedAccessKind) -> Bool {
    lhs.order < rhs.order
  }

  /// The place in `allCases`, without building that array for every comparison of a sort.
  @usableFromInline
  var order: Int {
    switch self {
    case .permission: 0
    case .role: 1
    case .accessKey: 2
    case .password: 3
    case .undetailedFinding: 4
    }
  }
}

/// The state of a finding at a snapshot, as Access Analyzer reports it.
public enum FindingStatus: String, Sendable, Hashable, CaseIterable {
  /// Open: the access is still granted and unused.
  case active = "ACTIVE"
  /// Accepted on purpose (an exception): neither open nor removed.
  case archived = "ARCHIVED"
  /// Removed: the access is no longer granted.
  case resolved = "RESOLVED"

  /// When one snapshot reports the same access in several findings, the most pressing wins:
  /// still open beats accepted beats removed.
  public var precedence: Int {
    switch self {
    case .active: 3
    case .archived: 2
    case .resolved: 1
    }
  }
}

/// One countable piece of unused access: a permission, a role, a key or a password of one principal.
///
/// Two items are the same when their `key`s are equal: service namespaces are compared in lower
/// case and actions case-insensitively, so `S3:getObject` and `s3:GetObject` are one permission.
public struct UnusedAccess: Hashable, Sendable {
  /// The ARN of the role or user that holds the access.
  public var principalARN: String
  /// Permission, role, access key or password.
  public var kind: UnusedAccessKind
  /// For permissions: the service namespace in lower case (`s3`); otherwise "".
  public var service: String
  /// For permissions: the action name without the service prefix as first reported
  /// (`GetObject`), or `*` when only service-level data exists. For access keys: the key id.
  /// Otherwise "".
  public var detail: String

  /// An item with every field given; the service is lower-cased here.
  public init(principalARN: String, kind: UnusedAccessKind, service: String = "", detail: String = "") {
    self.principalARN = principalARN
    self.kind = kind
    self.service = service.lowercased()
    self.detail = detail
  }

  /// An unused permission. `action` may carry the `service:` prefix or not; a nil or empty
  /// action means the whole service.
  public static func permission(principalARN: String, service: String, action: String?) -> UnusedAccess {
    var name = action ?? ""
    if let colon = name.firstIndex(of: ":") {
      name = String(name[name.index(after: colon)...])
    }
    return UnusedAccess(
      principalARN: principalARN, kind: .permission, service: service, detail: name.isEmpty ? "*" : name)
  }

  /// Identity within one principal: `permission s3:getobject`, `role`, `accessKey AKIA...`, `password`.
  public var key: String {
    // Written in one go by `writeASCIIKey`, the one place that spells the key out: every
    // observation of every snapshot has a key, and nearly every key is ASCII.
    let made = String(unsafeUninitializedCapacity: asciiKeyCapacity) {
      writeASCIIKey(to: $0.baseAddress!) ?? 0
    }
    // No key is empty: an empty string means the key is not ASCII, and Unicode lower-cases it.
    if !made.isEmpty { return made }
    return switch kind {
    case .permission: String(concatenating: "permission ", service, ":", detail.fastLowercased())
    case .accessKey: String(concatenating: "accessKey ", detail)
    case .undetailedFinding: String(concatenating: "finding ", detail)
    case .role, .password: kind.rawValue
    }
  }

  /// The most bytes `writeASCIIKey(to:)` writes for this access.
  @inlinable
  public var asciiKeyCapacity: Int { service.utf8.count + detail.utf8.count + 12 }

  /// Writes `key`'s UTF-8 at `output`, which has room for `asciiKeyCapacity` bytes, when the key
  /// is ASCII through and through, and returns how many bytes it wrote; nil for any other key
  /// (whatever it wrote is to be ignored). ASCII keys order and compare as their bytes do, so a
  /// caller sorting a million of them can compare bytes and make strings only for the rest.
  ///
  /// Inlined and written through a pointer: appending to an array byte by byte took 800
  /// instructions a key, and a call copied the access, retaining its four strings.
  @inlinable @inline(__always)
  public func writeASCIIKey(to output: UnsafeMutablePointer<UInt8>) -> Int? {
    let prefix: StaticString =
      switch kind {
      case .permission: "permission "
      case .accessKey: "accessKey "
      case .undetailedFinding: "finding "
      case .role: "role"
      case .password: "password"
      }
    var count = prefix.utf8CodeUnitCount
    output.update(from: prefix.utf8Start, count: count)
    if kind == .role || kind == .password { return count }
    if kind == .permission {
      let isASCII = service.withUTF8Bytes { service in
        var high: UInt8 = 0
        for byte in service { high |= byte }
        guard high < 0x80, let base = service.baseAddress else { return high < 0x80 }
        (output + count).update(from: base, count: service.count)
        count += service.count
        return true
      }
      guard isASCII else { return nil }
      output[count] = UInt8(ascii: ":")
      count += 1
    }
    // A permission's detail in lower case (ASCII letters only: the key is ASCII or not written).
    let lowers = kind == .permission
    let written: Int? = detail.withUTF8Bytes { detail in
      var high: UInt8 = 0
      for (index, byte) in detail.enumerated() {
        high |= byte
        output[count + index] = lowers ? byte.lowercasedASCII : byte
      }
      return high < 0x80 ? count + detail.count : nil
    }
    return written
  }

  /// How a page names the access: `s3:GetObject`, `s3:*`, `access key AKIA...`, `console password`,
  /// `the whole role`.
  public var displayName: String {
    switch kind {
    case .permission: String(concatenating: service, ":", detail)
    case .role: "the whole role"
    case .accessKey: String(concatenating: "access key ", detail)
    case .password: "console password"
    case .undetailedFinding: "unused permissions (finding \(detail), details not exported)"
    }
  }
}

/// What one snapshot says about one item.
public struct Observation: Hashable, Sendable {
  /// The item observed.
  public var access: UnusedAccess
  /// Open, accepted or removed at this snapshot.
  public var status: FindingStatus
  /// When the access was last used, nil when never within the tracking window.
  public var lastUsedOn: Day?
  /// The id of the Access Analyzer finding that reported it, when one did.
  public var findingID: String
  /// The day the reporting finding was created, when known.
  public var findingCreatedOn: Day?
  /// Which sources reported it.
  public var sources: SourceSet

  /// An observation with every field given.
  public init(
    access: UnusedAccess, status: FindingStatus, lastUsedOn: Day? = nil, findingID: String = "",
    findingCreatedOn: Day? = nil, sources: SourceSet = .analyzer
  ) {
    self.access = access
    self.status = status
    self.lastUsedOn = lastUsedOn
    self.findingID = findingID
    self.findingCreatedOn = findingCreatedOn
    self.sources = sources
  }

  /// Combines two reports of the same item in one snapshot: Access Analyzer's status wins over
  /// other sources' (it alone knows exceptions and removals), otherwise the more pressing status;
  /// the latest use, the earliest finding date and every source are kept.
  public func merged(with other: Observation) -> Observation {
    let mineIsAnalyzer = sources.contains(.analyzer) || sources.contains(.findingSummaries)
    let theirsIsAnalyzer = other.sources.contains(.analyzer) || other.sources.contains(.findingSummaries)
    var result: Observation
    if mineIsAnalyzer != theirsIsAnalyzer {
      result = mineIsAnalyzer ? self : other
    } else {
      result = status.precedence >= other.status.precedence ? self : other
    }
    result.sources = sources.union(other.sources)
    result.lastUsedOn = [lastUsedOn, other.lastUsedOn].compactMap { $0 }.max()
    result.findingCreatedOn = [findingCreatedOn, other.findingCreatedOn].compactMap { $0 }.min()
    return result
  }
}
