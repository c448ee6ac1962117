import Foundation
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
    // Room for every entry up front: growing the table rehashed every ARN again at each doubling.
    let listed = contents.reduce(0) { $0 + $1.inventory.principals.count }
    var positions = StringKeyedTable<Int>(
      minimumCapacity: listed + contents.reduce(0) { $0 + $1.namedPrincipals.count })
    var list: [Principal] = []
    list.reserveCapacity(listed)
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
        // One hash of the ARN for each entry: a second entry of an ARN takes the first one's
        // place in the list.
        let next = list.count
        let position = positions.value(
          forKey: principal.arn, hash: StringKeyedTable<Int>.hash(of: principal.arn),
          insertingIfAbsent: { next })
        if position == next {
          list.append(principal)
        } else {
          list[position] = principal
        }
      }
    }
    for content in contents {
      // Most named principals are in the inventory too: one lookup each, an insert only for the rest.
      for principal in content.namedPrincipals {
        let next = list.count
        let position = positions.value(
          forKey: principal.arn, hash: StringKeyedTable<Int>.hash(of: principal.arn),
          insertingIfAbsent: { next })
        if position == next { list.append(principal) }
      }
    }
    let arns = list.map(\.arn)
    // Moved into order rather than copied (see `permute(into:)`).
    list.permute(into: arns.indices.sorted { arns[$0] < arns[$1] })
    return list
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

  init(_ contents: [FileContent]) {
    self.contents = contents
  }

  /// What every chunk needs: the principals' runs of observations, the principals in ARN order
  /// and the summarised findings.
  private struct Plan: Sendable {
    let groups: PrincipalGroups
    let principals: [Int]
    /// Found by a hash of our own: every observation with a finding id is looked up (see
    /// `summarisedFindings()`).
    let summarised: StringKeyedTable<Bool>
    var hasSummaries: Bool
  }

  /// The reconciled items sorted by principal ARN and item key, and the result of `alongside`,
  /// which runs meanwhile.
  func reconcile<Other: Sendable>(alongside other: @Sendable () -> Other) -> ([Observation], Other) {
    // The plan is made by the first worker to take a chunk, while another runs `alongside`: made
    // before the workers started, it kept one core idle (0.1 s for 100,000 principals).
    let plan = MadeOnce {
      let groups = PrincipalGroups(contents)
      let summarised = summarisedFindings()
      return Plan(
        groups: groups, principals: groups.principalsInARNOrder, summarised: summarised.table,
        hasSummaries: summarised.count > 0)
    }
    let tasks = [ChunkTask.other] + (0..<Self.chunkCount).map { ChunkTask.reconcile($0) }
    let outcomes = ParallelMap.map(tasks, order: Array(tasks.indices)) { task -> ChunkOutcome<Other> in
      switch task {
      case .other: return .other(other())
      case .reconcile(let chunk):
        let plan = plan.value
        let range = Self.range(of: chunk, among: plan.principals.count)
        return .reconciled(reconcile(plan.principals[range], plan: plan))
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
    // Moved on this core while the other is idle (0.35 s for 100,000 principals, most of it
    // faulting in the result's pages): moved on both cores, the history was loaded while the
    // parsed files were still being freed, 0.2 s slower, and peak memory rose by 0.23 GB.
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

  /// The ids of findings known only from summaries, and how many: the files that hold summaries
  /// are few, but every observation with a finding id is looked up among them, which hashing
  /// through `Hasher` made a tenth of reconciling.
  private func summarisedFindings() -> (table: StringKeyedTable<Bool>, count: Int) {
    var ids = StringKeyedTable<Bool>()
    var count = 0
    for content in contents where content.records[.findingSummaries] != nil {
      for observation in content.observations where observation.access.kind == .undetailedFinding {
        ids.updateValue(true, forKey: observation.access.detail)
        count += 1
      }
    }
    return (ids, count)
  }

  /// The number of ranges of principals to share out: more than cores, so that none waits long
  /// for another.
  static let chunkCount = 16

  /// The principals of chunk `chunk` of `count`, in ARN order: the chunks cover them all, in
  /// order, the last ones empty when there are fewer principals than chunks.
  static func range(of chunk: Int, among count: Int) -> Range<Int> {
    let size = max(1, (count + chunkCount - 1) / chunkCount)
    return min(chunk * size, count)..<min((chunk + 1) * size, count)
  }

  private enum ChunkTask: Sendable {
    case other
    /// The chunk's number (see `range(of:among:)`).
    case reconcile(Int)
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

  private func reconcile(_ principals: ArraySlice<Int>, plan: Plan) -> KeptChunk {
    let groups = plan.groups
    let summarised = plan.summarised
    let counts = principals.map { groups.count(of: $0) }
    var chunk = KeptChunk(
      observations: ObservationBuffer(capacity: counts.reduce(0, +)), detailedFindings: [])
    // Each observation is copied once, out of its file, and then moved: into the merged list, and
    // from there into the chunk. Copying it at each step retained and released its strings three
    // times over, for a million observations.
    let items = ObservationBuffer(capacity: counts.max() ?? 0)
    let merged = ObservationBuffer(capacity: counts.max() ?? 0)
    for principal in principals {
      for run in groups.runs(of: principal) {
        contents[run.file].observations.withUnsafeBufferPointer { observations in
          precondition(run.range.upperBound <= observations.count, "a run lies within its file")
          for index in run.range { items.append(observations[index]) }
        }
      }
      Self.mergeSameItems(items, into: merged)
      if plan.hasSummaries {
        for index in 0..<merged.count {
          let observation = merged[index]
          if observation.pointee.sources.contains(.analyzer) && !observation.pointee.findingID.isEmpty
            && summarised[observation.pointee.findingID] != nil
          {
            chunk.detailedFindings.insert(observation.pointee.findingID)
          }
        }
      }
      Self.keepPrecise(merged, into: chunk.observations)
    }
    return chunk
  }

  /// Moves one principal's observations from `observations` to `merged`, merged by item and
  /// sorted by item key: reports of the same item are merged in the order they were read.
  private static func mergeSameItems(_ observations: ObservationBuffer, into merged: ObservationBuffer) {
    let keys = ItemKeys(observations)
    let order = (0..<observations.count).sorted { a, b in
      let comparison = keys.compare(a, b)
      return comparison != 0 ? comparison < 0 : a < b
    }
    var pending: Observation?
    var position = 0
    // The pending observation is taken out rather than bound: binding copied each observation,
    // retaining its strings, and replacing it released them again.
    observations.moveAll(in: order) { observation in
      if pending != nil, keys.compare(order[position], order[position - 1]) == 0 {
        pending = pending.take()!.merged(with: observation)
      } else {
        if let earlier = pending.take() { merged.append(consume earlier) }
        pending = consume observation
      }
      position += 1
    }
    if let last = pending.take() { merged.append(consume last) }
  }

  /// Moves the observations of one principal that no more precise one of the same principal
  /// makes redundant to `result`, and drops the others (summaries are left for the caller, which
  /// knows every principal's details).
  private static func keepPrecise(_ observations: ObservationBuffer, into result: ObservationBuffer) {
    // A principal's services are few: a list beats hashing.
    var servicesWithActions: [String] = []
    var hasAnalyzerKeys = false
    // Access Analyzer reports unused permissions only for roles it considers in use.
    var usedByAnalyzer = false
    let analyzer: SourceSet = [.analyzer, .findingSummaries]
    for index in 0..<observations.count {
      let observation = observations[index]
      let kind = observation.pointee.access.kind
      if kind == .permission && observation.pointee.access.detail != "*"
        && !servicesWithActions.contains(observation.pointee.access.service)
      {
        servicesWithActions.append(observation.pointee.access.service)
      }
      if (kind == .permission || kind == .undetailedFinding)
        && !observation.pointee.sources.isDisjoint(with: analyzer)
      {
        usedByAnalyzer = true
      }
      if kind == .accessKey && observation.pointee.sources.contains(.analyzer) { hasAnalyzerKeys = true }
    }
    // A role that last-accessed data alone calls unused, where Access Analyzer says otherwise, is not.
    func isKept(_ observation: UnsafePointer<Observation>) -> Bool {
      !(observation.pointee.access.kind == .role && observation.pointee.sources == .lastAccessed
        && usedByAnalyzer)
    }
    let isUnusedRole = (0..<observations.count).contains {
      let observation = observations[$0]
      return isKept(observation) && observation.pointee.access.kind == .role
        && observation.pointee.status == .active
    }
    observations.moveAll(in: 0..<observations.count) { observation in
      let kept = withUnsafePointer(to: observation) { observation in
        guard isKept(observation) else { return false }
        let sources = observation.pointee.sources
        switch observation.pointee.access.kind {
        case .permission:
          // An unused role is counted once; other sources' per-service items would count it again.
          return !(isUnusedRole && !sources.contains(.analyzer))
            && (observation.pointee.access.detail != "*"
              || !servicesWithActions.contains(observation.pointee.access.service))
        case .accessKey:
          return sources.contains(.analyzer) || !hasAnalyzerKeys
        case .role, .password, .undetailedFinding:
          return true
        }
      }
      if kept { result.append(observation) }
    }
  }
}

/// Observations held without `Array`'s copies: filled by copying each once out of its file, then
/// emptied by moving each out exactly once (into the merged list of a principal, into a worker's
/// kept chunk, into the snapshot's list). Copying a million observations at each step, and
/// releasing the originals, took as long as reconciling them.
final class ObservationBuffer: @unchecked Sendable {
  // Unchecked: a buffer is filled by one worker, then emptied by the thread that collects it.
  private var storage: UnsafeMutablePointer<Observation>
  private var capacity: Int
  private(set) var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 1)
    storage = .allocate(capacity: self.capacity)
  }

  deinit {
    storage.deinitialize(count: count)
    storage.deallocate()
  }

  /// The observation at `index`, read in place; valid until the buffer changes.
  subscript(index: Int) -> UnsafePointer<Observation> {
    precondition(index >= 0 && index < count, "index out of range")
    return UnsafePointer(storage + index)
  }

  func append(_ observation: consuming Observation) {
    if count == capacity {
      let larger = UnsafeMutablePointer<Observation>.allocate(capacity: capacity * 2)
      larger.moveInitialize(from: storage, count: count)
      storage.deallocate()
      storage = larger
      capacity *= 2
    }
    (storage + count).initialize(to: observation)
    count += 1
  }

  /// Hands every observation to `body`, moved out in `order`, which must list each index once;
  /// the buffer is left empty.
  func moveAll(in order: some Collection<Int>, _ body: (consuming Observation) -> Void) {
    precondition(order.count == count, "every observation is moved out once")
    let taken = count
    // Emptied first: were `body` to stop the process halfway, no slot would be freed twice.
    count = 0
    var seen = [Bool](repeating: false, count: taken)
    for index in order {
      precondition(index >= 0 && index < taken && !seen[index], "every observation is moved out once")
      seen[index] = true
      body((storage + index).move())
    }
  }

  /// Moves every observation not `dropped` to `target` (which is uninitialized) and returns how
  /// many; the buffer is left empty.
  func moveAll(to target: UnsafeMutablePointer<Observation>, dropping dropped: (Observation) -> Bool) -> Int {
    var moved = 0
    moveAll(in: 0..<count) { observation in
      if !dropped(observation) {
        (target + moved).initialize(to: consume observation)
        moved += 1
      }
    }
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
    let runCount = contents.reduce(0) { $0 + $1.observationRuns.count }
    var numbers = PrincipalNumbers(capacity: runCount)
    var principalOf: [Int] = []
    principalOf.reserveCapacity(runCount)
    for content in contents {
      for run in content.observationRuns {
        let arn = run.principalARN
        principalOf.append(numbers.number(of: arn, hash: StringKeyedTable<Int>.hash(of: arn)))
      }
    }
    let arns = numbers.arns
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

/// Numbers for principals' ARNs, in the order they first come, found by a hash of the ARN's
/// bytes: a `[String: Int]` hashed each of the snapshot's few hundred thousand runs' ARNs with
/// SipHash, on one core while the other waited.
struct PrincipalNumbers {
  /// The ARNs by number.
  private(set) var arns: [String] = []
  private var numbers: StringKeyedTable<Int>

  init(capacity: Int) {
    numbers = StringKeyedTable(minimumCapacity: capacity)
  }

  /// The number of `arn`, whose `StringKeyedTable.hash(of:)` is `hash`; a new one for a new ARN.
  mutating func number(of arn: String, hash: UInt64) -> Int {
    let next = arns.count
    let number = numbers.value(forKey: arn, hash: hash, insertingIfAbsent: { next })
    if number == next { arns.append(arn) }
    return number
  }
}

/// The item keys (`UnusedAccess.key`) of one principal's observations, compared as their strings
/// compare. ASCII keys, nearly all, are written one after another into one byte array and
/// compared as bytes, which orders ASCII strings as `<` does: making a string for each of a
/// million keys and comparing them as strings took a third of the reconciling.
struct ItemKeys {
  private var bytes: [UInt8] = []
  /// Where each key starts in `bytes`, then where the last one ends; a key that is not ASCII
  /// takes no bytes. (Past the last end, `bytes` holds unused room.)
  private var starts: [Int] = [0]
  /// The keys that are not ASCII, by observation, as strings.
  private var strings: [Int: String] = [:]

  init(_ observations: ObservationBuffer) {
    // Room for the longest each key can be, then each written where the last one ended.
    var capacity = 0
    for index in 0..<observations.count { capacity += observations[index].pointee.access.asciiKeyCapacity }
    bytes = [UInt8](repeating: 0, count: capacity)
    starts.reserveCapacity(observations.count + 1)
    var end = 0
    bytes.withUnsafeMutableBufferPointer { output in
      for index in 0..<observations.count {
        // Read in place: a copy of the access would retain and release its four strings.
        let observation = observations[index]
        if let count = observation.pointee.access.writeASCIIKey(to: output.baseAddress! + end) {
          end += count
        } else {
          strings[index] = observation.pointee.access.key
        }
        starts.append(end)
      }
    }
  }

  /// Negative, zero or positive as key `a` is before, equal to or after key `b`.
  func compare(_ a: Int, _ b: Int) -> Int {
    if !strings.isEmpty, strings[a] != nil || strings[b] != nil {
      let (first, second) = (string(a), string(b))
      return first < second ? -1 : (first == second ? 0 : 1)
    }
    let (startA, countA) = (starts[a], starts[a + 1] - starts[a])
    let (startB, countB) = (starts[b], starts[b + 1] - starts[b])
    let common = bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return Int32(0) }
      return memcmp(base + startA, base + startB, min(countA, countB))
    }
    return common != 0 ? Int(common) : countA - countB
  }

  private func string(_ index: Int) -> String {
    strings[index] ?? String(decoding: bytes[starts[index]..<starts[index + 1]], as: UTF8.self)
  }
}
