import Model

/// Turns everything a folder held into one snapshot: principals resolved with their policies,
/// and each item reported once, whatever the number of sources that saw it.
struct Reconciler {
  let content: FileContent

  func snapshot(day: Day, sources: [SourceFile]) -> Snapshot {
    var principals: [String: Principal] = [:]
    let inventory = content.inventory
    for var principal in inventory.principals {
      principal.policies = principal.policies.map { policy in
        var policy = policy
        if policy.document == nil, let arn = policy.arn { policy.document = inventory.managedDocuments[arn] }
        return policy
      }
      for group in inventory.userGroups[principal.arn] ?? [] {
        principal.policies += inventory.groupPolicies[principal.accountID + "/" + group] ?? []
      }
      principals[principal.arn] = principal
    }
    // Principals named only by findings or reports are kept so their items have an owner to show.
    for principal in content.namedPrincipals where principals[principal.arn] == nil {
      principals[principal.arn] = principal
    }
    let observations = reconcile(content.observations)
    var recommendations: [String: PrincipalRecommendations] = [:]
    for recommendation in content.recommendations {
      recommendations[recommendation.principalARN] = recommendation
    }
    var snapshot = Snapshot(
      day: day, principals: principals.values.sorted { $0.arn < $1.arn },
      hasInventory: sources.contains { $0.kind == .inventory }, observations: observations, sources: sources)
    snapshot.recommendations = recommendations.values.sorted { $0.principalARN < $1.principalARN }
    var rootAccounts: [String: RootAccount] = [:]
    for root in content.rootAccounts { rootAccounts[root.accountID] = root }
    snapshot.rootAccounts = rootAccounts.values.sorted { $0.accountID < $1.accountID }
    snapshot.notes = content.notes.sorted()
    snapshot.truncated = Array(Set(content.truncated)).sorted()
    return snapshot
  }

  /// Merges reports of the same item and drops what a more precise report makes redundant:
  /// a whole-service item where some source has that service's actions, credential-report keys
  /// where Access Analyzer names the user's keys, and summaries of findings whose details exist.
  ///
  /// Works principal by principal, in ARN order: everything it decides is about one principal's
  /// items, except summaries (matched by finding id), and each item's key is made once.
  func reconcile(_ observations: [Observation]) -> [Observation] {
    let groups = PrincipalGroups(observations)
    var merged: [Observation] = []
    merged.reserveCapacity(observations.count)
    var bounds: [Range<Int>] = []
    bounds.reserveCapacity(groups.count)
    for principal in groups.principalsInARNOrder {
      let start = merged.count
      Self.mergeSameItems(groups.members(of: principal).map { observations[$0] }, into: &merged)
      bounds.append(start..<merged.count)
    }
    // Summaries of findings whose details were exported give way to them, whoever they are about.
    var detailedFindings = Set<String>()
    if merged.contains(where: { $0.access.kind == .undetailedFinding }) {
      for observation in merged
      where observation.sources.contains(.analyzer) && !observation.findingID.isEmpty {
        detailedFindings.insert(observation.findingID)
      }
    }
    var result: [Observation] = []
    result.reserveCapacity(merged.count)
    for range in bounds {
      Self.keepPrecise(merged[range], detailedFindings: detailedFindings, into: &result)
    }
    return result
  }

  /// Appends one principal's observations merged by item, sorted by item key: reports of the same
  /// item are merged in the order they were read.
  private static func mergeSameItems(_ observations: [Observation], into merged: inout [Observation]) {
    if observations.count == 1 {
      merged.append(observations[0])
      return
    }
    let keys = observations.map(\.access.key)
    let order = keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
    var index = 0
    while index < order.count {
      var observation = observations[order[index]]
      var next = index + 1
      while next < order.count, keys[order[next]] == keys[order[index]] {
        observation = observation.merged(with: observations[order[next]])
        next += 1
      }
      merged.append(observation)
      index = next
    }
  }

  /// Appends the observations of one principal that no more precise one makes redundant.
  private static func keepPrecise(
    _ observations: ArraySlice<Observation>, detailedFindings: Set<String>, into result: inout [Observation]
  ) {
    var servicesWithActions = Set<String>()
    var hasAnalyzerKeys = false
    // Access Analyzer reports unused permissions only for roles it considers in use.
    var usedByAnalyzer = false
    let analyzer: SourceSet = [.analyzer, .findingSummaries]
    for observation in observations {
      let access = observation.access
      if access.kind == .permission && access.detail != "*" { servicesWithActions.insert(access.service) }
      if (access.kind == .permission || access.kind == .undetailedFinding)
        && !observation.sources.isDisjoint(with: analyzer)
      {
        usedByAnalyzer = true
      }
      if access.kind == .accessKey && observation.sources.contains(.analyzer) { hasAnalyzerKeys = true }
    }
    // A role that last-accessed data alone calls unused, where Access Analyzer says otherwise, is not.
    func isKept(_ observation: Observation) -> Bool {
      !(observation.access.kind == .role && observation.sources == .lastAccessed && usedByAnalyzer)
    }
    let isUnusedRole = observations.contains { isKept($0) && $0.access.kind == .role && $0.status == .active }
    for observation in observations where isKept(observation) {
      let access = observation.access
      let keep: Bool
      switch access.kind {
      case .permission:
        // An unused role is counted once; other sources' per-service items would count it again.
        keep =
          !(isUnusedRole && !observation.sources.contains(.analyzer))
          && (access.detail != "*" || !servicesWithActions.contains(access.service))
      case .accessKey:
        keep = observation.sources.contains(.analyzer) || !hasAnalyzerKeys
      case .undetailedFinding:
        keep = !detailedFindings.contains(access.detail)
      case .role, .password:
        keep = true
      }
      if keep { result.append(observation) }
    }
  }
}

/// The observations of a snapshot grouped by principal ARN, without moving them: for each
/// principal, the positions of its observations in the order they were read.
struct PrincipalGroups {
  private let arns: [String]
  private let starts: [Int]
  private let positions: [Int]

  init(_ observations: [Observation]) {
    var arns: [String] = []
    var ids: [String: Int] = [:]
    var principalOf: [Int] = []
    principalOf.reserveCapacity(observations.count)
    var last: (arn: String, id: Int)?
    for observation in observations {
      let arn = observation.access.principalARN
      // A record's observations come together: most look-ups are for the ARN just seen.
      if let last, last.arn == arn {
        principalOf.append(last.id)
        continue
      }
      let id: Int
      if let known = ids[arn] {
        id = known
      } else {
        id = arns.count
        ids[arn] = id
        arns.append(arn)
      }
      principalOf.append(id)
      last = (arn, id)
    }
    // A counting sort: each principal's positions, in reading order.
    var starts = Array(repeating: 0, count: arns.count + 1)
    for id in principalOf { starts[id + 1] += 1 }
    for id in arns.indices { starts[id + 1] += starts[id] }
    var next = starts
    var positions = Array(repeating: 0, count: observations.count)
    for (position, id) in principalOf.enumerated() {
      positions[next[id]] = position
      next[id] += 1
    }
    self.arns = arns
    self.starts = starts
    self.positions = positions
  }

  var count: Int { arns.count }

  var principalsInARNOrder: [Int] { arns.indices.sorted { arns[$0] < arns[$1] } }

  func members(of principal: Int) -> ArraySlice<Int> { positions[starts[principal]..<starts[principal + 1]] }
}
