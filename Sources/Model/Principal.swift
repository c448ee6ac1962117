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
public struct Principal: Hashable, Sendable {
  /// The principal's ARN; the identity by which all sources refer to it.
  public var arn: String
  /// Role, user or other.
  public var kind: PrincipalKind
  /// The role or user name.
  public var name: String
  /// The 12-digit account that owns it.
  public var accountID: String
  /// The IAM path, `/` by default.
  public var path: String
  /// Its tags, in the order the inventory lists them.
  public var tags: [Tag]
  /// When it was created, when known.
  public var createdOn: Day?
  /// When it was last used (`RoleLastUsed.LastUsedDate` for roles), when known.
  public var lastUsedOn: Day?
  /// Whether this description comes from an inventory export (false: only a finding named it).
  public var isInInventory: Bool
  /// Its inline and attached managed policies, from the inventory.
  public var policies: [AttachedPolicy] = []

  /// A principal with every field given.
  public init(
    arn: String, kind: PrincipalKind, name: String, accountID: String, path: String = "/",
    tags: [Tag] = [], createdOn: Day? = nil, lastUsedOn: Day? = nil, isInInventory: Bool = true
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
    tags.first { $0.key == key }?.value
  }
}
