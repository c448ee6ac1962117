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
    let (observations, principals) = ObservationReconciler(contents).reconcile(
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
    // Positions in one list rather than a dictionary of principals, which copied each one twice.
    var positions: [String: Int] = [:]
    var list: [Principal] = []
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
        if let position = positions[principal.arn] {
          list[position] = principal
        } else {
          positions[principal.arn] = list.count
          list.append(principal)
        }
      }
    }
    for content in contents {
      for principal in content.namedPrincipals where positions[principal.arn] == nil {
        positions[principal.arn] = list.count
        list.append(principal)
      }
    }
    let arns = list.map(\.arn)
    return arns.indices.sorted { arns[$0] < arns[$1] }.map { list[$0] }
  }
}

/// Merges reports of the same item and drops what a more precise report makes redundant:
/// a whole-service item where some source has that service's actions, credential-report keys
/// where Access Analyzer names the user's keys, and summaries of findings whose details exist.
///
/// Works principal by principal, in ARN order: everything it decides is about one principal's
/// items, except summaries (matched by finding id, across principals), so the principals are
/// shared out between cores in one pass; each item's key is made once, and each observation is
/// copied once, into the chunk it is kept in, then moved into the result.
struct ObservationReconciler: @unchecked Sendable {
  // Unchecked: the contents are only read, from several threads at once.
  private let contents: [FileContent]
  private let groups: PrincipalGroups

  init(_ contents: [FileContent]) {
    self.contents = contents
    groups = PrincipalGroups(contents)
  }

  /// The reconciled items sorted by principal ARN and item key, and the result of `alongside`,
  /// which runs meanwhile.
  func reconcile<Other: Sendable>(alongside other: @Sendable () -> Other) -> ([Observation], Other) {
    let principals = groups.principalsInARNOrder
    let summarised = summarisedFindings()
    let tasks = [ChunkTask.other] + Self.chunks(of: principals.count).map { ChunkTask.reconcile($0) }
    let outcomes = ParallelMap.map(tasks, order: Array(tasks.indices)) { task -> ChunkOutcome<Other> in
      switch task {
      case .other: .other(other())
      case .reconcile(let range): .reconciled(reconcile(principals[range], summarised: summarised))
      }
    }
    var otherResult: Other?
    var chunks: [KeptChunk] = []
    var detailedFindings = Set<String>()
    for outcome in outcomes {
      switch outcome {
      case .other(let result): otherResult = result
      case .reconciled(let chunk):
        chunks.append(chunk)
        detailedFindings.formUnion(chunk.detailedFindings)
      }
    }
    let total = chunks.reduce(0) { $0 + $1.observations.count }
    let result = [Observation](unsafeUninitializedCapacity: total) { buffer, initialized in
      initialized = 0
      for chunk in chunks {
        // Summaries of findings whose details were exported give way to them, whoever they are about.
        initialized += chunk.observations.moveAll(to: buffer.baseAddress! + initialized) {
          $0.access.kind == .undetailedFinding && detailedFindings.contains($0.access.detail)
        }
      }
    }
    return (result, otherResult!)
  }

  /// The ids of findings known only from summaries: the files that hold summaries are few.
  private func summarisedFindings() -> Set<String> {
    var ids = Set<String>()
    for content in contents where content.records[.findingSummaries] != nil {
      for observation in content.observations where observation.access.kind == .undetailedFinding {
        ids.insert(observation.access.detail)
      }
    }
    return ids
  }

  /// Ranges of principals to share out: more than cores, so that none waits long for another.
  private static func chunks(of count: Int) -> [Range<Int>] {
    let size = max(1, (count + 15) / 16)
    return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
  }

  private enum ChunkTask: Sendable {
    case other
    case reconcile(Range<Int>)
  }

  private enum ChunkOutcome<Other: Sendable>: Sendable {
    case other(Other)
    case reconciled(KeptChunk)
  }

  private struct KeptChunk: Sendable {
    var observations: ObservationBuffer
    /// Ids of summarised findings that some kept observation's details come from.
    var detailedFindings: Set<String>
  }

  private func reconcile(_ principals: ArraySlice<Int>, summarised: Set<String>) -> KeptChunk {
    let capacity = principals.reduce(0) { $0 + groups.count(of: $1) }
    var chunk = KeptChunk(observations: ObservationBuffer(capacity: capacity), detailedFindings: [])
    var items: [Observation] = []
    var merged: [Observation] = []
    for principal in principals {
      items.removeAll(keepingCapacity: true)
      for run in groups.runs(of: principal) {
        items += contents[run.file].observations[run.range]
      }
      merged.removeAll(keepingCapacity: true)
      Self.mergeSameItems(items, into: &merged)
      if !summarised.isEmpty {
        for observation in merged
        where observation.sources.contains(.analyzer) && !observation.findingID.isEmpty
          && summarised.contains(observation.findingID)
        {
          chunk.detailedFindings.insert(observation.findingID)
        }
      }
      Self.keepPrecise(merged, into: &chunk.observations)
    }
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

  /// Appends the observations of one principal that no more precise one of the same principal
  /// makes redundant (summaries are left for the caller, which knows every principal's details).
  private static func keepPrecise(_ observations: [Observation], into result: inout ObservationBuffer) {
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
      case .role, .password, .undetailedFinding:
        keep = true
      }
      if keep { result.append(observation) }
    }
  }
}

/// Observations kept by one worker, to be moved (not copied) into the snapshot's list: copying a
/// million observations and releasing the originals took as long as reconciling them.
final class ObservationBuffer: @unchecked Sendable {
  // Unchecked: a buffer is filled by one worker, then emptied by the thread that collects them.
  private let storage: UnsafeMutablePointer<Observation>
  private let capacity: Int
  private(set) var count = 0

  init(capacity: Int) {
    self.capacity = capacity
    storage = .allocate(capacity: max(capacity, 1))
  }

  deinit {
    storage.deinitialize(count: count)
    storage.deallocate()
  }

  func append(_ observation: Observation) {
    precondition(count < capacity, "a chunk keeps no more observations than it was given")
    (storage + count).initialize(to: observation)
    count += 1
  }

  /// Moves every observation not `dropped` to `target` (which is uninitialized) and returns how
  /// many; the buffer is left empty.
  func moveAll(to target: UnsafeMutablePointer<Observation>, dropping dropped: (Observation) -> Bool) -> Int {
    var moved = 0
    for index in 0..<count {
      if dropped(storage[index]) {
        (storage + index).deinitialize(count: 1)
      } else {
        (target + moved).moveInitialize(from: storage + index, count: 1)
        moved += 1
      }
    }
    count = 0
    return moved
  }
}

/// Runs of observations of one principal as each file lists them: a record's observations come
/// together, so a file of thousands of observations has as many runs as records.
struct ObservationRun: Sendable {
  var principalARN: String
  var range: Range<Int>

  /// The runs of a list of observations.
  static func runs(of observations: [Observation]) -> [ObservationRun] {
    var runs: [ObservationRun] = []
    var start = 0
    for index in observations.indices.dropFirst()
    where observations[index].access.principalARN != observations[start].access.principalARN {
      runs.append(ObservationRun(principalARN: observations[start].access.principalARN, range: start..<index))
      start = index
    }
    if !observations.isEmpty {
      runs.append(
        ObservationRun(
          principalARN: observations[start].access.principalARN, range: start..<observations.count))
    }
    return runs
  }
}

/// The observations of a snapshot's files grouped by principal ARN, without moving them: for
/// each principal, where its runs of observations are, in the order they were read.
struct PrincipalGroups {
  struct Run {
    var file: Int
    var range: Range<Int>
  }

  private let arns: [String]
  private let starts: [Int]
  private let runs: [Run]
  private let counts: [Int]

  init(_ contents: [FileContent]) {
    var arns: [String] = []
    var ids: [String: Int] = [:]
    var principalOf: [Int] = []
    for content in contents {
      for run in content.observationRuns {
        if let known = ids[run.principalARN] {
          principalOf.append(known)
        } else {
          ids[run.principalARN] = arns.count
          principalOf.append(arns.count)
          arns.append(run.principalARN)
        }
      }
    }
    // A counting sort: each principal's runs, in reading order.
    var starts = Array(repeating: 0, count: arns.count + 1)
    var counts = Array(repeating: 0, count: arns.count)
    for id in principalOf { starts[id + 1] += 1 }
    for id in arns.indices { starts[id + 1] += starts[id] }
    var next = starts
    var runs = Array(repeating: Run(file: 0, range: 0..<0), count: principalOf.count)
    var position = 0
    for (file, content) in contents.enumerated() {
      for run in content.observationRuns {
        let id = principalOf[position]
        runs[next[id]] = Run(file: file, range: run.range)
        next[id] += 1
        counts[id] += run.range.count
        position += 1
      }
    }
    self.arns = arns
    self.starts = starts
    self.runs = runs
    self.counts = counts
  }

  var principalsInARNOrder: [Int] { arns.indices.sorted { arns[$0] < arns[$1] } }

  func runs(of principal: Int) -> ArraySlice<Run> { runs[starts[principal]..<starts[principal + 1]] }

  /// How many observations the principal has, before merging.
  func count(of principal: Int) -> Int { counts[principal] }
}
