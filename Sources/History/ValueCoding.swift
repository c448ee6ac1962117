import Model

/// The binary form of the values stored as blobs: policies, recommendations, root accounts and a
/// principal's description. Each blob starts with `version`; optional fields are announced by bits
/// of a flags byte, lists by their length.
enum ValueCoding {
  /// The format version every blob written today starts with.
  static let version: UInt8 = 1

  static func checkVersion(_ reader: inout ByteReader) throws(CorruptData) {
    let found = try reader.byte()
    guard found == version else { throw CorruptData("format version \(found), expected \(version)") }
  }

  // MARK: Policies

  static func encode(_ policy: AttachedPolicy, into writer: inout ByteWriter) {
    writer.byte(version)
    writer.byte((policy.arn == nil ? 0 : 1) | (policy.document == nil ? 0 : 2))
    writer.string(policy.name)
    if let arn = policy.arn { writer.string(arn) }
    if let document = policy.document { encode(document, into: &writer) }
  }

  static func decodePolicy(_ reader: inout ByteReader) throws(CorruptData) -> AttachedPolicy {
    try checkVersion(&reader)
    let flags = try reader.byte()
    let name = try reader.string()
    let arn = flags & 1 != 0 ? try reader.string() : nil
    let document = flags & 2 != 0 ? try decodeDocument(&reader) : nil
    return AttachedPolicy(name: name, arn: arn, document: document)
  }

  /// Loops run over indices: reading fields in place spares a retain and release of every string
  /// of every statement, which showed in profiles of a night's hundred thousand inline documents.
  static func encode(_ document: PolicyDocument, into writer: inout ByteWriter) {
    writer.byte(document.version == nil ? 0 : 1)
    if let version = document.version { writer.string(version) }
    let statements = document.statements
    writer.varint(statements.count)
    for index in statements.indices {
      writer.byte((statements[index].sid == nil ? 0 : 1) | (statements[index].actions == nil ? 0 : 2))
      if let sid = statements[index].sid { writer.string(sid) }
      writer.string(statements[index].effect)
      if let actions = statements[index].actions {
        writer.varint(actions.count)
        for action in actions.indices { writer.string(actions[action]) }
      }
      let members = statements[index].otherMembers
      writer.varint(members.count)
      for member in members.indices {
        writer.string(members[member].key)
        writer.string(members[member].json)
      }
    }
  }

  static func decodeDocument(_ reader: inout ByteReader) throws(CorruptData) -> PolicyDocument {
    let version = try reader.byte() & 1 != 0 ? try reader.string() : nil
    let statementCount = try reader.count(limit: 1 << 20)
    var statements: [PolicyStatement] = []
    statements.reserveCapacity(statementCount)
    for _ in 0..<statementCount {
      let flags = try reader.byte()
      let sid = flags & 1 != 0 ? try reader.string() : nil
      let effect = try reader.string()
      var actions: [String]?
      if flags & 2 != 0 {
        let count = try reader.count(limit: 1 << 20)
        var list: [String] = []
        list.reserveCapacity(count)
        for _ in 0..<count { list.append(try reader.string()) }
        actions = list
      }
      let memberCount = try reader.count(limit: 1 << 20)
      var members: [RawMember] = []
      members.reserveCapacity(memberCount)
      for _ in 0..<memberCount {
        members.append(RawMember(key: try reader.string(), json: try reader.string()))
      }
      statements.append(PolicyStatement(sid: sid, effect: effect, actions: actions, otherMembers: members))
    }
    return PolicyDocument(version: version, statements: statements)
  }

  // MARK: Recommendations

  static func encode(_ recommendations: PrincipalRecommendations, into writer: inout ByteWriter) {
    writer.byte(version)
    writer.byte(recommendations.errorMessage == nil ? 0 : 1)
    writer.string(recommendations.principalARN)
    writer.string(recommendations.status)
    writer.varint(recommendations.steps.count)
    for step in recommendations.steps {
      writer.string(step.existingPolicyID)
      writer.byte((step.action == .createPolicy ? 0 : 1) | (step.recommendedPolicy == nil ? 0 : 2))
      if let policy = step.recommendedPolicy { encode(policy, into: &writer) }
    }
    if let message = recommendations.errorMessage { writer.string(message) }
  }

  static func decodeRecommendations(_ reader: inout ByteReader) throws(CorruptData)
    -> PrincipalRecommendations
  {
    try checkVersion(&reader)
    let flags = try reader.byte()
    let arn = try reader.string()
    let status = try reader.string()
    let stepCount = try reader.count(limit: 1 << 20)
    var steps: [PolicyRecommendation] = []
    for _ in 0..<stepCount {
      let policyID = try reader.string()
      let stepFlags = try reader.byte()
      let document = stepFlags & 2 != 0 ? try decodeDocument(&reader) : nil
      steps.append(
        PolicyRecommendation(
          existingPolicyID: policyID, action: stepFlags & 1 == 0 ? .createPolicy : .detachPolicy,
          recommendedPolicy: document))
    }
    let message = flags & 1 != 0 ? try reader.string() : nil
    return PrincipalRecommendations(principalARN: arn, status: status, steps: steps, errorMessage: message)
  }

  // MARK: Root accounts

  static func encode(_ accounts: [RootAccount], into writer: inout ByteWriter) {
    writer.byte(version)
    writer.varint(accounts.count)
    for account in accounts {
      writer.string(account.accountID)
      writer.byte(
        (account.passwordLastUsed == nil ? 0 : 1) | (account.mfaActive ? 2 : 0)
          | (account.accessKeyLastUsed == nil ? 0 : 4))
      writer.signed(account.activeAccessKeys)
      if let day = account.passwordLastUsed { writer.signed(day.daysSinceEpoch) }
      if let day = account.accessKeyLastUsed { writer.signed(day.daysSinceEpoch) }
    }
  }

  static func decodeRootAccounts(_ reader: inout ByteReader) throws(CorruptData) -> [RootAccount] {
    try checkVersion(&reader)
    let count = try reader.count(limit: 1 << 24)
    var accounts: [RootAccount] = []
    accounts.reserveCapacity(count)
    for _ in 0..<count {
      let accountID = try reader.string()
      let flags = try reader.byte()
      let keys = try reader.signed()
      let password = flags & 1 != 0 ? Day(daysSinceEpoch: try reader.signed()) : nil
      let key = flags & 4 != 0 ? Day(daysSinceEpoch: try reader.signed()) : nil
      accounts.append(
        RootAccount(
          accountID: accountID, passwordLastUsed: password, mfaActive: flags & 2 != 0, activeAccessKeys: keys,
          accessKeyLastUsed: key))
    }
    return accounts
  }
}

/// Where one of a principal's policies is stored: a managed policy in the `policy` table, shared
/// by every principal it is attached to; an inline one in the principal's `inlinePolicies` row.
enum PolicyReference: Hashable, Sendable {
  case managed(id: Int64)
  case inline(index: Int)
}

/// A principal's latest inventory entry as stored: everything but its ARN (a column of its own)
/// and its policies, which are referred to (see `PolicyReference`), in order.
///
/// The references and the hash of the inline policies come first, so a recording reads only the
/// head of each blob: it needs them to tell which policy rows a changed principal stops using and
/// whether its inline policies changed.
enum DescriptionCoding {
  /// Not `ValueCoding.version`: v4 descriptions (see `V4`) start with that and have another head,
  /// so one read with the wrong layout fails instead of yielding the wrong policies.
  static let version: UInt8 = 2

  /// The head: the references, and the content hash of the inline policies (see `inlineHash`).
  struct Head {
    var references: [PolicyReference]
    var inlineHash: UInt64
  }

  static func encode(
    _ principal: Principal, references: [PolicyReference], inlineHash: UInt64, into writer: inout ByteWriter
  ) {
    writer.byte(version)
    writer.word(inlineHash)
    writer.varint(references.count)
    for reference in references {
      switch reference {
      case .managed(let id): writer.varint(UInt64(id) << 1)
      case .inline(let index): writer.varint(UInt64(index) << 1 | 1)
      }
    }
    encodeBody(principal, into: &writer)
  }

  /// What tells a changed description from an unchanged one: a content hash of the description
  /// with its policies' content hashes in place of their references, so it can be worked out
  /// before they are known, and does not depend on them.
  static func signature(
    _ principal: Principal, policyHashes: ArraySlice<UInt64>, writer: inout ByteWriter
  ) -> UInt64 {
    writer.removeAll()
    encode(principal, references: [], inlineHash: 0, into: &writer)
    for hash in policyHashes { writer.word(hash) }
    return writer.contentHash()
  }

  /// Identifies a principal's inline policies together: a content hash of their content hashes,
  /// in order (0 when it has none).
  static func inlineHash(_ hashes: some Collection<UInt64>, writer: inout ByteWriter) -> UInt64 {
    guard !hashes.isEmpty else { return 0 }
    writer.removeAll()
    for hash in hashes { writer.word(hash) }
    return writer.contentHash()
  }

  static func head(_ reader: inout ByteReader) throws(CorruptData) -> Head {
    let found = try reader.byte()
    guard found == version else { throw CorruptData("description format \(found), expected \(version)") }
    let inlineHash = try reader.word()
    let count = try reader.count(limit: 1 << 20)
    var references: [PolicyReference] = []
    references.reserveCapacity(count)
    for _ in 0..<count {
      let value = try reader.varint()
      guard value >> 1 <= UInt64(Int64.max) else { throw CorruptData("policy reference out of range") }
      references.append(value & 1 == 0 ? .managed(id: Int64(value >> 1)) : .inline(index: Int(value >> 1)))
    }
    return Head(references: references, inlineHash: inlineHash)
  }

  /// Decodes a description; the caller fills in `policies` from the references.
  static func decode(arn: String, _ reader: inout ByteReader) throws(CorruptData) -> (
    Principal, [PolicyReference]
  ) {
    let head = try head(&reader)
    return (try decodeBody(arn: arn, &reader), head.references)
  }

  /// Everything after the head; the same in v4 and v5.
  private static func encodeBody(_ principal: Principal, into writer: inout ByteWriter) {
    writer.byte(Codes.principalKind(principal.kind))
    writer.byte(
      (principal.createdOn == nil ? 0 : 1) | (principal.lastUsedOn == nil ? 0 : 2)
        | (principal.isInInventory ? 4 : 0))
    writer.string(principal.name)
    writer.string(principal.accountID)
    writer.string(principal.path)
    writer.varint(principal.tags.count)
    for tag in principal.tags {
      writer.string(tag.key)
      writer.string(tag.value)
    }
    if let day = principal.createdOn { writer.signed(day.daysSinceEpoch) }
    if let day = principal.lastUsedOn { writer.signed(day.daysSinceEpoch) }
  }

  private static func decodeBody(arn: String, _ reader: inout ByteReader) throws(CorruptData) -> Principal {
    let kind = try Codes.principalKind(code: try reader.byte())
    let flags = try reader.byte()
    let name = try reader.string()
    let account = try reader.string()
    let path = try reader.string()
    let tagCount = try reader.count(limit: 1 << 20)
    var tags: [Tag] = []
    tags.reserveCapacity(tagCount)
    for _ in 0..<tagCount { tags.append(Tag(key: try reader.string(), value: try reader.string())) }
    let created = flags & 1 != 0 ? Day(daysSinceEpoch: try reader.signed()) : nil
    let lastUsed = flags & 2 != 0 ? Day(daysSinceEpoch: try reader.signed()) : nil
    return Principal(
      arn: arn, kind: kind, name: name, accountID: account, path: path, tags: tags, createdOn: created,
      lastUsedOn: lastUsed, isInInventory: flags & 4 != 0)
  }

  /// Descriptions as schema v4 stores them, kept byte for byte: converting a v3 store goes through
  /// v4 (see `CompactConversion`), and v5 reads them once, to convert (see `InlineConversion`).
  /// Every policy, managed or inline, is a row of `policy`, referred to by id.
  enum V4 {
    static func encode(_ principal: Principal, policyIDs: [Int64], into writer: inout ByteWriter) {
      writer.byte(ValueCoding.version)
      writer.varint(policyIDs.count)
      for id in policyIDs { writer.varint(UInt64(id)) }
      encodeBody(principal, into: &writer)
    }

    /// As v4 worked it out; v5 works signatures out again when it converts, since its own
    /// encoding differs.
    static func signature(
      _ principal: Principal, policyHashes: ArraySlice<UInt64>, writer: inout ByteWriter
    ) -> UInt64 {
      writer.removeAll()
      encode(principal, policyIDs: [], into: &writer)
      for hash in policyHashes { writer.word(hash) }
      return writer.contentHash()
    }

    static func decode(arn: String, _ reader: inout ByteReader) throws(CorruptData) -> (Principal, [Int64]) {
      try ValueCoding.checkVersion(&reader)
      let count = try reader.count(limit: 1 << 20)
      var ids: [Int64] = []
      ids.reserveCapacity(count)
      for _ in 0..<count { ids.append(Int64(bitPattern: try reader.varint())) }
      return (try decodeBody(arn: arn, &reader), ids)
    }
  }
}

/// A principal's inline policies, in order, in one blob: a count, then each as `ValueCoding`
/// writes a policy.
enum InlineCoding {
  /// Writes what comes before the policies; each is then appended as `ValueCoding` encodes it
  /// (recording encodes them to hash them, and converting a v4 store has them encoded already).
  static func header(count: Int, into writer: inout ByteWriter) {
    writer.byte(ValueCoding.version)
    writer.varint(count)
  }

  static func decode(_ reader: inout ByteReader) throws(CorruptData) -> [AttachedPolicy] {
    try ValueCoding.checkVersion(&reader)
    let count = try reader.count(limit: 1 << 20)
    var policies: [AttachedPolicy] = []
    policies.reserveCapacity(count)
    for _ in 0..<count { policies.append(try ValueCoding.decodePolicy(&reader)) }
    return policies
  }
}
