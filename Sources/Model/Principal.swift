/// Whether a principal is an IAM role or an IAM user.
public enum PrincipalKind: String, Sendable, Hashable, CaseIterable {
  /// An IAM role.
  case role
  /// An IAM user.
  case user
  /// Anything else an ARN may name (the account root, a group).
  case other
}

/// A resource tag, `Key=Value`.
public struct Tag: Hashable, Sendable {
  /// The tag key, compared case-sensitively as AWS does.
  public var key: String
  /// The tag value.
  public var value: String

  /// A tag with the given key and value.
  public init(key: String, value: String) {
    self.key = key
    self.value = value
  }
}

/// The parts of an IAM ARN such as `arn:aws:iam::123456789012:role/service-role/payments-api`.
public struct IAMARN: Hashable, Sendable {
  /// The whole ARN as given.
  public var text: String
  /// The 12-digit account id, or "" when the ARN has none.
  public var accountID: String
  /// Role, user or other.
  public var kind: PrincipalKind
  /// The path between the resource type and the name, `/` when there is none.
  public var path: String
  /// The last component of the resource, e.g. `payments-api`.
  public var name: String

  /// Splits an ARN into its parts; nil when the text is not an ARN (`arn:partition:service:...`).
  public init?(_ text: String) {
    let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
    guard fields.count == 6, fields[0] == "arn" else { return nil }
    self.text = text
    self.accountID = String(fields[4])
    let resource = fields[5]
    let segments = resource.split(separator: "/", omittingEmptySubsequences: false)
    switch segments.first {
    case "role": kind = .role
    case "user": kind = .user
    default: kind = .other
    }
    if segments.count >= 2 {
      name = String(segments[segments.count - 1])
      let middle = segments[1..<(segments.count - 1)]
      path = middle.isEmpty ? "/" : "/" + middle.joined(separator: "/") + "/"
    } else {
      name = String(resource)
      path = "/"
    }
  }
}

/// An IAM role or user as the inventory (`get-account-authorization-details`) or a finding names it.
///
/// Its fields live in one shared box, copied only when a copy of the principal changes one: a
/// principal is copied into each snapshot's state, the current and the previous quarter's state,
/// its report and its history, and each copy of six fields retained and released four strings
/// and two arrays (a box saves 0.3 % of a nightly build's instructions).
public struct Principal: Hashable, Sendable {
  /// The fields, shared by copies until one of them is changed (see `uniqueStorage()`).
  @usableFromInline var storage: Storage

  /// The principal's ARN; the identity by which all sources refer to it.
  @inlinable public var arn: String {
    _read { yield storage.arn }
    set { uniqueStorage().arn = newValue }
  }
  /// Role, user or other.
  @inlinable public var kind: PrincipalKind {
    get { storage.kind }
    set { uniqueStorage().kind = newValue }
  }
  /// The role or user name.
  @inlinable public var name: String {
    _read { yield storage.name }
    set { uniqueStorage().name = newValue }
  }
  /// The 12-digit account that owns it.
  @inlinable public var accountID: String {
    _read { yield storage.accountID }
    set { uniqueStorage().accountID = newValue }
  }
  /// The IAM path, `/` by default.
  @inlinable public var path: String {
    _read { yield storage.path }
    set { uniqueStorage().path = newValue }
  }
  /// Its tags, in the order the inventory lists them.
  @inlinable public var tags: [Tag] {
    _read { yield storage.tags }
    _modify { yield &uniqueStorage().tags }
  }
  /// When it was created, when known.
  @inlinable public var createdOn: Day? {
    get { storage.createdOn }
    set { uniqueStorage().createdOn = newValue }
  }
  /// When it was last used (`RoleLastUsed.LastUsedDate` for roles), when known.
  @inlinable public var lastUsedOn: Day? {
    get { storage.lastUsedOn }
    set { uniqueStorage().lastUsedOn = newValue }
  }
  /// Whether this description comes from an inventory export (false: only a finding named it).
  @inlinable public var isInInventory: Bool {
    get { storage.isInInventory }
    set { uniqueStorage().isInInventory = newValue }
  }
  /// Its inline and attached managed policies, from the inventory.
  @inlinable public var policies: [AttachedPolicy] {
    _read { yield storage.policies }
    // In place: `principal.policies += more` would otherwise copy the array the box still holds.
    _modify { yield &uniqueStorage().policies }
  }

  /// A principal with every field given.
  public init(
    arn: String, kind: PrincipalKind, name: String, accountID: String, path: String = "/",
    tags: [Tag] = [], createdOn: Day? = nil, lastUsedOn: Day? = nil, isInInventory: Bool = true
  ) {
    storage = Storage(
      arn: arn, kind: kind, name: name, accountID: accountID, path: path, tags: tags, createdOn: createdOn,
      lastUsedOn: lastUsedOn, isInInventory: isInInventory, policies: [])
  }

  /// A principal known only from its ARN, as when a finding names a role the inventory lacks.
  public init(arnOnly arn: String, kind fallbackKind: PrincipalKind = .other) {
    let parts = IAMARN(arn)
    self.init(
      arn: arn, kind: parts.map { $0.kind == .other ? fallbackKind : $0.kind } ?? fallbackKind,
      name: parts?.name ?? arn, accountID: parts?.accountID ?? "", path: parts?.path ?? "/",
      isInInventory: false)
  }

  /// The value of the first tag with this key, if any.
  public func tagValue(_ key: String) -> String? {
    storage.tags.first { $0.key == key }?.value
  }

  /// Whether both have the same fields (the same box, or boxes whose fields are equal).
  public static func == (lhs: Principal, rhs: Principal) -> Bool {
    lhs.storage === rhs.storage || lhs.storage.hasSameFields(as: rhs.storage)
  }

  /// Hashes every field.
  public func hash(into hasher: inout Hasher) {
    storage.hash(into: &hasher)
  }

  /// The box this principal alone holds, copied first when other principals share it.
  @usableFromInline mutating func uniqueStorage() -> Storage {
    if !isKnownUniquelyReferenced(&storage) {
      storage = storage.copy()
    }
    return storage
  }

  /// A principal's fields. Changed only through a principal that holds the box alone, so boxes
  /// that several principals (and threads) share are never written; for that reason its fields
  /// are not checked for overlapping access at run time, which, checked, cost more than the
  /// copies saved (1.2 % more instructions than copying six fields).
  @usableFromInline final class Storage: @unchecked Sendable {
    @usableFromInline @exclusivity(unchecked) var arn: String
    @usableFromInline @exclusivity(unchecked) var kind: PrincipalKind
    @usableFromInline @exclusivity(unchecked) var name: String
    @usableFromInline @exclusivity(unchecked) var accountID: String
    @usableFromInline @exclusivity(unchecked) var path: String
    @usableFromInline @exclusivity(unchecked) var tags: [Tag]
    @usableFromInline @exclusivity(unchecked) var createdOn: Day?
    @usableFromInline @exclusivity(unchecked) var lastUsedOn: Day?
    @usableFromInline @exclusivity(unchecked) var isInInventory: Bool
    @usableFromInline @exclusivity(unchecked) var policies: [AttachedPolicy]

    @usableFromInline init(
      arn: String, kind: PrincipalKind, name: String, accountID: String, path: String, tags: [Tag],
      createdOn: Day?, lastUsedOn: Day?, isInInventory: Bool, policies: [AttachedPolicy]
    ) {
      self.arn = arn
      self.kind = kind
      self.name = name
      self.accountID = accountID
      self.path = path
      self.tags = tags
      self.createdOn = createdOn
      self.lastUsedOn = lastUsedOn
      self.isInInventory = isInInventory
      self.policies = policies
    }

    @usableFromInline func copy() -> Storage {
      Storage(
        arn: arn, kind: kind, name: name, accountID: accountID, path: path, tags: tags, createdOn: createdOn,
        lastUsedOn: lastUsedOn, isInInventory: isInInventory, policies: policies)
    }

    func hasSameFields(as other: Storage) -> Bool {
      arn == other.arn && kind == other.kind && name == other.name && accountID == other.accountID
        && path == other.path && tags == other.tags && createdOn == other.createdOn
        && lastUsedOn == other.lastUsedOn && isInInventory == other.isInInventory
        && policies == other.policies
    }

    func hash(into hasher: inout Hasher) {
      hasher.combine(arn)
      hasher.combine(kind)
      hasher.combine(name)
      hasher.combine(accountID)
      hasher.combine(path)
      hasher.combine(tags)
      hasher.combine(createdOn)
      hasher.combine(lastUsedOn)
      hasher.combine(isInInventory)
      hasher.combine(policies)
    }
  }
}
