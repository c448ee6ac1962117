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

/// A principal's latest inventory entry as stored: everything but its ARN (a column of its own)
/// and its policies, which are stored once each in the `policy` table and referenced by id.
///
/// Policy ids come first, so collecting the ids still in use reads only the head of each blob.
enum DescriptionCoding {
  static func encode(_ principal: Principal, policyIDs: [Int64], into writer: inout ByteWriter) {
    writer.byte(ValueCoding.version)
    writer.varint(policyIDs.count)
    for id in policyIDs { writer.varint(UInt64(id)) }
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

  /// What tells a changed description from an unchanged one: a content hash of the description
  /// with its policies' content hashes in place of their ids, so it can be worked out before the
  /// ids are known, and does not depend on them.
  static func signature(
    _ principal: Principal, policyHashes: ArraySlice<UInt64>, writer: inout ByteWriter
  ) -> UInt64 {
    writer.removeAll()
    encode(principal, policyIDs: [], into: &writer)
    for hash in policyHashes { writer.word(hash) }
    return writer.contentHash()
  }

  static func policyIDs(_ reader: inout ByteReader) throws(CorruptData) -> [Int64] {
    try ValueCoding.checkVersion(&reader)
    let count = try reader.count(limit: 1 << 20)
    var ids: [Int64] = []
    ids.reserveCapacity(count)
    for _ in 0..<count { ids.append(Int64(bitPattern: try reader.varint())) }
    return ids
  }

  /// Decodes a description; `policies` are filled in by the caller from the ids.
  static func decode(arn: String, _ reader: inout ByteReader) throws(CorruptData) -> (Principal, [Int64]) {
    let ids = try policyIDs(&reader)
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
    let principal = Principal(
      arn: arn, kind: kind, name: name, accountID: account, path: path, tags: tags, createdOn: created,
      lastUsedOn: lastUsed, isInInventory: flags & 4 != 0)
    return (principal, ids)
  }
}
