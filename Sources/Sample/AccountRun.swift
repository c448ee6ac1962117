import Foundation

extension AccountSimulation {
  /// Evolves the account through every snapshot, writing its two files into each snapshot folder.
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
    let findingsName = "findings-" + account.id + (account.findingsAsArray ? ".json" : ".jsonl")
    let inventoryName = "authorization-details-" + account.id + ".json"

    for snapshot in 0..<snapshots {
      advance(to: snapshot)
      findings.reset()
      renderFindings(snapshot, into: &findings)
      try FileOutput.write(findings.bytes, to: snapshotFolders[snapshot].appendingPathComponent(findingsName))
      inventory.reset()
      renderInventory(snapshot, into: &inventory)
      try FileOutput.write(
        inventory.bytes, to: snapshotFolders[snapshot].appendingPathComponent(inventoryName))
      result.files += 2
      result.bytes += findings.bytes.count + inventory.bytes.count

      let all = principals
      for index in all.indices where all[index].isAlive(at: snapshot) {
        result.openCounts[slotOf[index] * snapshots + snapshot] += all[index].openUnusedPermissions
      }
    }
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
  static func write(_ bytes: [UInt8], to url: URL) throws {
    do {
      try bytes.withUnsafeBytes { raw in
        let data =
          raw.baseAddress.map {
            Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: raw.count, deallocator: .none)
          } ?? Data()
        try data.write(to: url)
      }
    } catch {
      throw SampleError.cannotWrite(path: url.path, reason: error.localizedDescription)
    }
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
