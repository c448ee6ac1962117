import Foundation

#if canImport(Glibc)
  import Glibc
  private let systemWrite = Glibc.write
#elseif canImport(Darwin)
  import Darwin
  private let systemWrite = Darwin.write
#endif

extension AccountSimulation {
  /// Evolves the account through every snapshot, writing its files into each snapshot folder:
  /// the inventory always; the findings (and recommendations, and in one account the finding
  /// summaries) where the account has the analyzer; last-accessed data and the credential report
  /// where the account exports them.
  func run(snapshotFolders: [URL]) throws -> AccountResult {
    var result = AccountResult()
    var slotOf = [Int](repeating: 0, count: principals.count)
    for (index, p) in principals.enumerated() {
      if let slot = result.owners.firstIndex(of: p.owner) {
        slotOf[index] = slot
      } else {
        slotOf[index] = result.owners.count
        result.owners.append(p.owner)
      }
    }
    let snapshots = days.count
    result.openCounts = [Int](repeating: 0, count: result.owners.count * snapshots)
    result.principalsByOwner = [Int](repeating: 0, count: result.owners.count)

    let estimate = principals.count * 3000 + 1024
    var findings = JSONWriter(indent: account.findingsAsArray ? account.indent : 0, capacity: estimate)
    var inventory = JSONWriter(indent: account.indent, capacity: estimate)
    // `jq -s` gathers the per-principal responses, so 2 spaces whatever the account's style.
    var lastAccessed = JSONWriter(indent: 2, capacity: account.lastAccessed == nil ? 0 : estimate)
    var pretty = JSONWriter(indent: account.indent, capacity: 1024)
    var compact = JSONWriter(indent: 0, capacity: 1024)
    let id = account.id
    let findingsName = "findings-" + id + (account.findingsAsArray ? ".json" : ".jsonl")
    let inventoryName = "authorization-details-" + id + ".json"

    for snapshot in 0..<snapshots {
      advance(to: snapshot)
      let folder = snapshotFolders[snapshot]
      func emit(_ bytes: [UInt8], _ name: String) throws {
        try FileOutput.write(bytes, to: folder.appendingPathComponent(name))
        result.files += 1
        result.bytes += bytes.count
      }
      let newest = snapshot == snapshots - 1
      let omitted = findingsWithoutDetails(snapshot)
      if account.hasAnalyzer {
        findings.reset()
        renderFindings(snapshot, omitting: omitted, into: &findings)
        try emit(findings.bytes, findingsName)
        result.sources.findingsFiles += 1
      }
      inventory.reset()
      renderInventory(snapshot, into: &inventory)
      try emit(inventory.bytes, inventoryName)
      result.sources.inventoryFiles += 1
      if account.hasAnalyzer, account.findingSummaries {
        pretty.reset()
        renderFindingSummaries(snapshot, into: &pretty)
        try emit(pretty.bytes, "finding-summaries-" + id + ".json")
        result.sources.findingSummaryFiles += 1
        if newest { result.sources.findingsWithoutDetails = omitted.count }
      }
      if account.lastAccessed != nil {
        lastAccessed.reset()
        let responses = renderLastAccessed(snapshot, into: &lastAccessed)
        try emit(lastAccessed.bytes, "last-accessed-" + id + ".json")
        result.sources.lastAccessedFiles += 1
        if newest {
          result.sources.lastAccessedResponses = responses
          result.sources.unfinishedLastAccessedJobs = unfinishedLastAccessedJobs(snapshot) == nil ? 0 : 2
        }
      }
      if let form = account.credentialReport {
        compact.reset()
        renderCredentialReport(snapshot, into: &compact)
        if form == .csv {
          try emit(compact.bytes, "credential-report-" + id + ".csv")
        } else {
          pretty.reset()
          renderCredentialReportResponse(snapshot, report: compact.bytes, into: &pretty)
          try emit(pretty.bytes, "credential-report-" + id + ".json")
        }
        result.sources.credentialReportFiles += 1
      }
      if account.hasAnalyzer {
        compact.reset()
        // An empty file is not a valid export, so a snapshot without any is left out.
        let lines = renderRecommendations(snapshot, into: &compact)
        if lines > 0 {
          try emit(compact.bytes, "recommendations-" + id + ".jsonl")
          result.sources.recommendationFiles += 1
        }
        if newest { result.sources.recommendations = lines }
      }

      // Open unused permissions as the exported findings' details show them.
      guard account.hasAnalyzer else { continue }
      let hidden = omitted.filter { $0.kind == FindingKind.permission.code }.map(\.ordinal)
      let all = principals
      for index in all.indices where all[index].isAlive(at: snapshot) && !hidden.contains(all[index].ordinal)
      {
        result.openCounts[slotOf[index] * snapshots + snapshot] += all[index].openUnusedPermissions
      }
    }
    if account.hasAnalyzer { result.sources.accountsWithAnalyzer = 1 }
    if account.lastAccessed != nil { result.sources.accountsWithLastAccessed = 1 }
    if account.credentialReport != nil { result.sources.accountsWithCredentialReport = 1 }
    summarizeNewest(into: &result, slotOf: slotOf)
    return result
  }

  private func summarizeNewest(into result: inout AccountResult, slotOf: [Int]) {
    let newest = days.count - 1
    var archivedCandidates = 0
    var openCandidates = 0
    for (index, p) in principals.enumerated() where p.isAlive(at: newest) {
      result.principalsByOwner[slotOf[index]] += 1
      if p.purpose.isUser { result.users += 1 } else { result.roles += 1 }
      // Findings, and the exceptions taken from them, only where the analyzer exports them.
      guard account.hasAnalyzer else { continue }
      var states = [p.permissionFinding, p.roleFinding] + p.accessKeys.map(\.finding)
      if let password = p.password { states.append(password.finding) }
      for state in states {
        switch state.phase {
        case .active: result.active += 1
        case .archived: result.archived += 1
        case .resolved: result.resolved += 1
        case .none: break
        }
      }
      if p.roleFinding.phase == .active { result.unusedRoles += 1 }
      result.unusedKeys += p.accessKeys.filter { $0.finding.phase == .active }.count
      if p.password?.finding.phase == .active { result.unusedPasswords += 1 }

      // Exceptions for the review files: accepted findings first, then a few open ones.
      let firstUnused = p.grants.first { !$0.unused.isEmpty }.map { grant -> String in
        let spec = Catalog.services[grant.service]
        return spec.namespace + ":"
          + (spec.serviceLevelOnly ? "*" : spec.actions[Int(grant.unused[0].action)])
      }
      if p.permissionFinding.phase == .archived, archivedCandidates < 4, let firstUnused {
        result.candidates.append(
          ExceptionCandidate(owner: p.owner, arn: p.arn, permission: firstUnused, archived: true))
        archivedCandidates += 1
      } else if p.roleFinding.phase == .archived, archivedCandidates < 4 {
        result.candidates.append(
          ExceptionCandidate(owner: p.owner, arn: p.arn, permission: nil, archived: true))
        archivedCandidates += 1
      } else if p.permissionFinding.phase == .active, openCandidates < 4, let firstUnused {
        result.candidates.append(
          ExceptionCandidate(owner: p.owner, arn: p.arn, permission: firstUnused, archived: false))
        openCandidates += 1
      }
    }
  }
}

/// Writing files without copying buffers, with errors that name the path.
enum FileOutput {
  /// Creates or truncates the file and writes `bytes` with plain POSIX calls. `Data.write`
  /// (swift-foundation) also calls `fsync` on every file, which at the benchmark size (tens of
  /// thousands of files) costs more wall-clock time than generating them; a sample that a crash
  /// interrupts is simply written again, so it needs no durability.
  static func write(_ bytes: [UInt8], to url: URL) throws {
    let path = url.path
    func failure() -> SampleError {
      SampleError.cannotWrite(path: path, reason: String(cString: strerror(errno)))
    }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure() }
    var written = 0
    let result: SampleError? = bytes.withUnsafeBytes { raw in
      while written < raw.count {
        let count = systemWrite(descriptor, raw.baseAddress! + written, raw.count - written)
        if count < 0 {
          if errno == EINTR { continue }
          return failure()
        }
        written += count
      }
      return nil
    }
    if let result {
      _ = close(descriptor)
      throw result
    }
    guard close(descriptor) == 0 else { throw failure() }
  }

  static func write(_ text: String, to url: URL) throws {
    try write(Array(text.utf8), to: url)
  }

  static func makeFolder(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw SampleError.cannotWrite(path: url.path, reason: error.localizedDescription)
    }
  }
}
