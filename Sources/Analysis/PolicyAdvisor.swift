import Model

/// What to do with one of a principal's policies so it stops granting unused permissions.
public struct PolicyChange: Hashable, Sendable {
  /// What the change does.
  public enum Kind: Hashable, Sendable {
    /// Replace the document with `after`.
    case replace
    /// Detach (or delete) the policy: nothing it allows is used.
    case detach
    /// Nothing in it can be removed by editing its action lists (see `notes`).
    case unchanged
  }

  /// Where the proposal comes from.
  public enum Origin: Hashable, Sendable {
    /// Access Analyzer's recommendation, exported on that day.
    case recommendation(Day)
    /// Computed here by removing the unused actions from the document.
    case computed
  }

  /// The policy's name.
  public var policyName: String
  /// The managed policy's ARN; nil for an inline policy.
  public var policyARN: String?
  /// The document as it is, when known.
  public var before: PolicyDocument?
  /// The document as proposed; nil when the policy should be detached or stays unchanged.
  public var after: PolicyDocument?
  /// Replace, detach or unchanged.
  public var kind: Kind
  /// Where the proposal comes from.
  public var origin: Origin
  /// The unused actions the change removes, as written in the policy.
  public var removedActions: [String]
  /// Things a reader must know: wildcards that also grant unused actions, AWS managed policies.
  public var notes: [String]
}

/// Proposes, per policy, the document without the principal's unused permissions: Access
/// Analyzer's recommendation where one exists, otherwise the document with every unused action
/// taken out of its `Allow` statements.
enum PolicyAdvisor {
  static func changes(
    policies: [AttachedPolicy], unused: [OpenItem], recommendations: DatedRecommendations?
  ) -> [PolicyChange] {
    guard unused.containsInPlace(where: { $0.pointee.kind == .permission }) else { return [] }
    let steps =
      recommendations.map { $0.recommendations.status == "SUCCEEDED" ? $0.recommendations.steps : [] } ?? []
    // Worked out once for all the principal's policies.
    let unused = UnusedPermissions(unused)
    return policies.compactMap { policy in
      if let step = steps.first(where: {
        $0.existingPolicyID == policy.arn || $0.existingPolicyID == policy.name
      }),
        let day = recommendations?.day
      {
        return recommended(policy, step: step, day: day)
      }
      return computed(policy, unused: unused)
    }
  }

  static func recommended(_ policy: AttachedPolicy, step: PolicyRecommendation, day: Day) -> PolicyChange {
    let kind: PolicyChange.Kind = step.action == .detachPolicy ? .detach : .replace
    var removed: [String] = []
    if let before = policy.document {
      let beforeActions = before.statements.flatMap { $0.actions ?? [] }
      let keptActions = (step.recommendedPolicy?.statements ?? []).flatMap { $0.actions ?? [] }
      removed =
        removedIgnoringCase(beforeActions, keeping: keptActions)
        ?? {
          let kept = Set(keptActions.map { $0.fastLowercased() })
          return beforeActions.filter { !kept.contains($0.fastLowercased()) }
        }()
    }
    return PolicyChange(
      policyName: policy.name, policyARN: policy.arn, before: policy.document,
      after: kind == .replace ? step.recommendedPolicy : nil, kind: kind, origin: .recommendation(day),
      removedActions: removed, notes: managedNote(policy))
  }

  /// The actions of `actions` that `kept` does not hold, compared without case, found by
  /// hashes of their lower-case bytes rather than by making a lower-case copy of every action of
  /// both documents and hashing it through `Hasher` (23,000 instructions a recommendation). Nil
  /// when an action is not ASCII or two kept actions share a hash: the caller then compares
  /// lower-case copies.
  static func removedIgnoringCase(_ actions: [String], keeping kept: [String]) -> [String]? {
    var keptByHash = HashKeyedTable<String>(minimumCapacity: kept.count)
    for action in kept {
      guard let hash = CaselessHash.of(action) else { return nil }
      if let existing = keptByHash[hash] {
        guard UnusedPermissions.equalIgnoringCase(existing, action) else { return nil }
      } else {
        keptByHash.updateValue(action, forKey: hash)
      }
    }
    var removed: [String] = []
    for action in actions {
      guard let hash = CaselessHash.of(action) else { return nil }
      // Each hash stands for one kept action: one with the hash that differs is not kept.
      if let existing = keptByHash[hash], UnusedPermissions.equalIgnoringCase(existing, action) { continue }
      removed.append(action)
    }
    return removed
  }

  /// A principal's unused permissions as the policy edit looks them up: without case, and
  /// without making a lower-case string for each item and each action of each policy (every
  /// principal page works these out, for a million items in all).
  struct UnusedPermissions {
    /// Each unused `service:action`, by the hash of its lower-case UTF-8 (`caselessHash`).
    private var actionsByHash = HashKeyedTable<(service: String, detail: String)>()
    /// The lower-case actions, kept instead when a hash is shared or a name is not ASCII (whose
    /// lower case only Unicode rules give).
    private var exactActions: Set<String>?
    /// Services whose every action is unused (`service:*` findings), each once. A list rather
    /// than a set: each action's service is compared with them as bytes, where hashing a
    /// lower-case copy of it cost more than the rest of the edit, and a principal has few.
    private var serviceList: [String] = []

    /// The services whose every action is unused.
    var services: Set<String> { Set(serviceList) }

    /// The permissions among `items`.
    init(_ items: [OpenItem]) {
      var isExact = false
      actionsByHash.reserveCapacity(items.countInPlace { $0.pointee.kind == .permission })
      // Read in place: every principal page works these out from its items.
      items.forEachInPlace { item in
        guard item.pointee.kind == .permission else { return }
        if item.pointee.detail == "*" {
          if !serviceList.contains(item.pointee.service) { serviceList.append(item.pointee.service) }
          return
        }
        let service = item.pointee.service
        let detail = item.pointee.detail
        guard let hash = Self.caselessHash(service, detail) else {
          isExact = true
          return
        }
        if let existing = actionsByHash[hash] {
          if !(Self.equalIgnoringCase(existing.service, service)
            && Self.equalIgnoringCase(existing.detail, detail))
          {
            isExact = true
          }
        } else {
          actionsByHash.updateValue((service, detail), forKey: hash)
        }
      }
      if isExact {
        var exact = Set<String>()
        items.forEachInPlace { item in
          guard item.pointee.kind == .permission, item.pointee.detail != "*" else { return }
          exact.insert((item.pointee.service + ":" + item.pointee.detail).fastLowercased())
        }
        exactActions = exact
      }
    }

    /// The unused actions, `service:action` in lower case.
    var lowercasedActions: [String] {
      exactActions.map(Array.init)
        ?? actionsByHash.values.map { ($0.service + ":" + $0.detail).fastLowercased() }
    }

    /// Whether `action` (`service:action`, any case) is unused.
    func contains(_ action: String) -> Bool {
      if let exactActions { return exactActions.contains(action.fastLowercased()) }
      // Unicode lower-cases some non-ASCII letters to ASCII ones (the Kelvin sign to k).
      guard let hash = Self.caselessHash(action, nil) else {
        return lowercasedActions.contains(action.fastLowercased())
      }
      guard let candidate = actionsByHash[hash] else { return false }
      return action.withUTF8Bytes { bytes in
        let serviceCount = candidate.service.utf8.count
        guard bytes.count == serviceCount + 1 + candidate.detail.utf8.count,
          bytes[serviceCount] == UInt8(ascii: ":")
        else { return false }
        return Self.equalIgnoringCase(
          candidate.service, UnsafeBufferPointer(rebasing: bytes[..<serviceCount]))
          && Self.equalIgnoringCase(
            candidate.detail, UnsafeBufferPointer(rebasing: bytes[(serviceCount + 1)...]))
      }
    }

    /// Whether `action` (`service:action`, or a bare name) belongs to a service whose every action
    /// is unused: the part before its first colon, in lower case, is one of `services`.
    func isOfUnusedService(_ action: String) -> Bool {
      guard !serviceList.isEmpty else { return false }
      let listed: Bool? = action.withUTF8Bytes { bytes in
        // Unicode lower-cases some non-ASCII letters to ASCII ones: such an action is compared
        // as a lower-case string.
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        let end = bytes.firstIndex(of: UInt8(ascii: ":")) ?? bytes.count
        return serviceList.contains { service in
          service.withUTF8Bytes { own in
            guard own.count == end else { return false }
            for index in 0..<end where own[index] != bytes[index].lowercasedASCII { return false }
            return true
          }
        }
      }
      if let listed { return listed }
      let lower = action.fastLowercased()
      let service =
        lower.withUTF8Bytes { bytes in
          bytes.firstIndex(of: UInt8(ascii: ":")).map {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[..<$0]), as: UTF8.self)
          }
        } ?? lower
      return serviceList.contains(service)
    }

    /// The hash of `first` (then `:` and `second`, when given) with ASCII letters lower-cased
    /// (`CaselessHash`); nil when a byte is not ASCII.
    static func caselessHash(_ first: String, _ second: String?) -> UInt64? {
      guard let second else { return CaselessHash.of(first) }
      return CaselessHash.of(first, joinedByColonTo: second)
    }

    static func equalIgnoringCase(_ text: String, _ other: String) -> Bool {
      return other.withUTF8Bytes { equalIgnoringCase(text, $0) }
    }

    /// Whether the ASCII `text` and `bytes` are equal once lower-cased.
    private static func equalIgnoringCase(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
      return text.withUTF8Bytes { own in
        guard own.count == bytes.count else { return false }
        for index in 0..<own.count {
          let x = own[index]
          let y = bytes[index]
          if x != y && (x | 0x20 != y | 0x20 || (x | 0x20) &- UInt8(ascii: "a") >= 26) { return false }
        }
        return true
      }
    }
  }

  static func computed(_ policy: AttachedPolicy, unused: UnusedPermissions) -> PolicyChange? {
    guard let before = policy.document else { return nil }
    // Made when a wildcard first needs them.
    var lowercasedUnused: [String]?
    var removed: [String] = []
    var notes: [String] = []
    var statements: [PolicyStatement] = []
    var allowStatements = 0
    for statement in before.statements {
      guard statement.effect == "Allow", let actions = statement.actions else {
        statements.append(statement)
        continue
      }
      allowStatements += 1
      var kept: [String] = []
      for action in actions {
        if action == "*" {
          kept.append(action)
          notes.append("\"*\" allows every action: replace it with the actions in use")
        } else if unused.isOfUnusedService(action) {
          removed.append(action)
        } else if action.withUTF8Bytes({
          $0.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") })
        }) {
          kept.append(action)
          let glob = Glob(action.fastLowercased())
          if lowercasedUnused == nil { lowercasedUnused = unused.lowercasedActions }
          let covered = lowercasedUnused!.filter { glob.matches($0) }.sorted()
          if !covered.isEmpty {
            notes.append(
              "\(action) also allows \(covered.count) unused action\(covered.count == 1 ? "" : "s") "
                + "(\(covered.prefix(3).joined(separator: ", "))\(covered.count > 3 ? ", ..." : "")): "
                + "list the actions in use instead")
          }
        } else if unused.contains(action) {
          removed.append(action)
        } else {
          kept.append(action)
        }
      }
      if !kept.isEmpty {
        var narrowed = statement
        narrowed.actions = kept
        statements.append(narrowed)
      }
    }
    guard !removed.isEmpty else {
      return notes.isEmpty
        ? nil
        : PolicyChange(
          policyName: policy.name, policyARN: policy.arn, before: before, after: nil, kind: .unchanged,
          origin: .computed, removedActions: [], notes: notes)
    }
    let detach = allowStatements > 0 && !statements.contains { $0.effect == "Allow" }
    return PolicyChange(
      policyName: policy.name, policyARN: policy.arn, before: before,
      after: detach ? nil : PolicyDocument(version: before.version, statements: statements),
      kind: detach ? .detach : .replace, origin: .computed, removedActions: removed,
      notes: notes + managedNote(policy))
  }

  /// AWS managed policies cannot be edited: the narrower document becomes a policy of the team's own.
  static func managedNote(_ policy: AttachedPolicy) -> [String] {
    guard let arn = policy.arn, arn.hasPrefix("arn:aws:iam::aws:policy/") || arn.contains(":iam::aws:policy/")
    else { return [] }
    return ["AWS manages this policy: detach it and attach the narrower document as a policy of your own"]
  }
}
