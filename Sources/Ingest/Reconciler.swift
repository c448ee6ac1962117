import Model

/// Turns everything a folder held into one snapshot: principals resolved with their policies,
/// and each item reported once, whatever the number of sources that saw it.
///
/// It reads the files' contents where they are, in file order (the order that decides which
/// report wins where two disagree), rather than first copying them into one: at a million items
/// each copy costs as much as reconciling them.
struct Reconciler {
  let contents: [FileContent]

  func snapshot(day: Day, sources: [SourceFile]) -> Snapshot {
    // The principals are resolved on one core while the items are reconciled on the others.
    let (observations, principals) = ObservationReconciler(contents.map(\.observations)).reconcile(
      alongside: resolvedPrincipals)
    var recommendations: [String: PrincipalRecommendations] = [:]
    var rootAccounts: [String: RootAccount] = [:]
    for content in contents {
      for recommendation in content.recommendations {
        recommendations[recommendation.principalARN] = recommendation
      }
      for root in content.rootAccounts { rootAccounts[root.accountID] = root }
    }
    var snapshot = Snapshot(
      day: day, principals: principals, hasInventory: sources.contains { $0.kind == .inventory },
      observations: observations, sources: sources)
    snapshot.recommendations = recommendations.values.sorted { $0.principalARN < $1.principalARN }
    snapshot.rootAccounts = rootAccounts.values.sorted { $0.accountID < $1.accountID }
    snapshot.notes = contents.flatMap(\.notes).sorted()
    snapshot.truncated = Array(Set(contents.flatMap(\.truncated))).sorted()
    return snapshot
  }

  /// Every principal, sorted by ARN: the inventory's (the last entry of an ARN wins) with their
  /// managed and group policies, then those only findings or reports name, so that their items
  /// have an owner to show.
  func resolvedPrincipals() -> [Principal] {
    // Managed documents, group policies and users' groups may come on any page: the first wins.
    var managedDocuments: [String: PolicyDocument] = [:]
    var groupPolicies: [String: [AttachedPolicy]] = [:]
    var userGroups: [String: [String]] = [:]
    for content in contents {
      managedDocuments.merge(content.inventory.managedDocuments) { first, _ in first }
      groupPolicies.merge(content.inventory.groupPolicies) { first, _ in first }
      userGroups.merge(content.inventory.userGroups) { first, _ in first }
    }
    var byARN: [String: Principal] = [:]
    for content in contents {
      for var principal in content.inventory.principals {
        for index in principal.policies.indices where principal.policies[index].document == nil {
          if let arn = principal.policies[index].arn {
            principal.policies[index].document = managedDocuments[arn]
          }
        }
        for group in userGroups[principal.arn] ?? [] {
          principal.policies += groupPolicies[principal.accountID + "/" + group] ?? []
        }
        byARN[principal.arn] = principal
      }
    }
    for content in contents {
      for principal in content.namedPrincipals where byARN[principal.arn] == nil {
        byARN[principal.arn] = principal
      }
    }
    let list = Array(byARN.values)
    return list.indices.sorted { list[$0].arn < list[$1].arn }.map { list[$0] }
  }
}

/// Merges reports of the same item and drops what a more precise report makes redundant:
/// a whole-service item where some source has that service's actions, credential-report keys
/// where Access Analyzer names the user's keys, and summaries of findings whose details exist.
///
/// Works principal by principal, in ARN order: everything it decides is about one principal's
/// items, except summaries (matched by finding id), so the principals are shared out between
/// cores; each item's key is made once.
struct ObservationReconciler: @unchecked Sendable {
  // Unchecked: the lists are only read, from several threads at once.
  private let files: [[Observation]]
  private let groups: PrincipalGroups

  init(_ files: [[Observation]]) {
    self.files = files
    groups = PrincipalGroups(files)
  }

  /// The reconciled items sorted by principal ARN and item key, and the result of `alongside`,
  /// which runs meanwhile.
  func reconcile<Other: Sendable>(alongside other: @Sendable () -> Other) -> ([Observation], Other) {
    let principals = groups.principalsInARNOrder
    // The first pass, and `other`, in parallel: each chunk's principals with their items merged.
    let tasks = [FirstPassTask.other] + Self.chunks(of: principals.count).map { FirstPassTask.merge($0) }
    var otherResult: Other?
    var firstPass: [MergedChunk] = []
    let outcomes = ParallelMap.map(tasks, order: Array(tasks.indices)) { task -> FirstPassOutcome<Other> in
      switch task {
      case .other: .other(other())
      case .merge(let range): .merged(merge(principals[range]))
      }
    }
    for outcome in outcomes {
      switch outcome {
      case .other(let result): otherResult = result
      case .merged(let chunk): firstPass.append(chunk)
      }
    }
    // Summaries of findings whose details were exported give way to them, whoever they are about.
    var detailedFindings = Set<String>()
    if firstPass.contains(where: \.hasUndetailedFindings) {
      for chunk in firstPass {
        for observation in chunk.observations
        where observation.sources.contains(.analyzer) && !observation.findingID.isEmpty {
          detailedFindings.insert(observation.findingID)
        }
      }
    }
    let kept = ParallelMap.map(firstPass, order: Array(firstPass.indices)) { [detailedFindings] chunk in
      var result: [Observation] = []
      result.reserveCapacity(chunk.observations.count)
      for range in chunk.principalRanges {
        Self.keepPrecise(chunk.observations[range], detailedFindings: detailedFindings, into: &result)
      }
      return result
    }
    var result: [Observation] = []
    result.reserveCapacity(kept.reduce(0) { $0 + $1.count })
    for chunk in kept { result += chunk }
    return (result, otherResult!)
  }

  /// Ranges of principals to share out: more than cores, so that none waits long for another.
  private static func chunks(of count: Int) -> [Range<Int>] {
    let size = max(1, (count + 7) / 8)
    return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
  }

  private enum FirstPassTask: Sendable {
    case other
    case merge(Range<Int>)
  }

  private enum FirstPassOutcome<Other: Sendable>: Sendable {
    case other(Other)
    case merged(MergedChunk)
  }

  struct MergedChunk: Sendable {
    var observations: [Observation] = []
    var principalRanges: [Range<Int>] = []
    var hasUndetailedFindings = false
  }

  private func merge(_ principals: ArraySlice<Int>) -> MergedChunk {
    var chunk = MergedChunk()
    var items: [Observation] = []
    for principal in principals {
      items.removeAll(keepingCapacity: true)
      for reference in groups.members(of: principal) {
        items.append(files[reference.file][reference.index])
      }
      let start = chunk.observations.count
      Self.mergeSameItems(items, into: &chunk.observations)
      chunk.principalRanges.append(start..<chunk.observations.count)
    }
    chunk.hasUndetailedFindings = chunk.observations.contains { $0.access.kind == .undetailedFinding }
    return chunk
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
    // A principal's services are few: a list beats hashing.
    var servicesWithActions: [String] = []
    var hasAnalyzerKeys = false
    // Access Analyzer reports unused permissions only for roles it considers in use.
    var usedByAnalyzer = false
    let analyzer: SourceSet = [.analyzer, .findingSummaries]
    for observation in observations {
      let access = observation.access
      if access.kind == .permission && access.detail != "*" && !servicesWithActions.contains(access.service) {
        servicesWithActions.append(access.service)
      }
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

/// The observations of a snapshot's files grouped by principal ARN, without moving them: for
/// each principal, where its observations are, in the order they were read.
struct PrincipalGroups {
  struct Reference {
    var file: Int
    var index: Int
  }

  private let arns: [String]
  private let starts: [Int]
  private let references: [Reference]

  init(_ files: [[Observation]]) {
    var arns: [String] = []
    var ids: [String: Int] = [:]
    var principalOf: [Int] = []
    principalOf.reserveCapacity(files.reduce(0) { $0 + $1.count })
    var last: (arn: String, id: Int)?
    for observation in files.joined() {
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
    // A counting sort: each principal's references, in reading order.
    var starts = Array(repeating: 0, count: arns.count + 1)
    for id in principalOf { starts[id + 1] += 1 }
    for id in arns.indices { starts[id + 1] += starts[id] }
    var next = starts
    var references = Array(repeating: Reference(file: 0, index: 0), count: principalOf.count)
    var position = 0
    for (file, observations) in files.enumerated() {
      for index in observations.indices {
        let id = principalOf[position]
        references[next[id]] = Reference(file: file, index: index)
        next[id] += 1
        position += 1
      }
    }
    self.arns = arns
    self.starts = starts
    self.references = references
  }

  var principalsInARNOrder: [Int] { arns.indices.sorted { arns[$0] < arns[$1] } }

  func members(of principal: Int) -> ArraySlice<Reference> {
    references[starts[principal]..<starts[principal + 1]]
  }
}
