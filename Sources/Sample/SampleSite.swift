import Foundation
import Model

/// Writes a complete synthetic site folder for a fictional organisation ("Example Corp"): its
/// settings, teams, review procedures, review sign-offs, and a monthly series of IAM analysis
/// exports in the exact shapes the AWS CLI prints. The output depends only on the options.
public enum SampleSite {
  /// Writes `site.yml`, `teams.yml` and `content/` into `folder` (created if missing).
  ///
  /// Refuses, with `SampleError.folderHasAnalysis`, to write into a folder that already has a
  /// `content/analysis` folder unless `replacing` is true, in which case that folder is deleted
  /// first so no stale snapshot survives; the other files the sample writes are overwritten, and
  /// anything else in the folder is left alone.
  ///
  /// Accounts are generated in parallel, each streaming its files snapshot by snapshot, so memory
  /// stays proportional to the largest account rather than to the organisation's history.
  public static func write(to folder: URL, options: SampleOptions, replacing: Bool = false) throws
    -> SampleSummary
  {
    try options.validate()
    let content = folder.appendingPathComponent("content", isDirectory: true)
    let analysis = content.appendingPathComponent("analysis", isDirectory: true)
    try prepare(folder: folder, analysis: analysis, replacing: replacing)

    let plan = OrganizationPlan(options: options)
    let snapshotFolders = plan.snapshotDays.map { analysis.appendingPathComponent($0.iso, isDirectory: true) }
    for snapshotFolder in snapshotFolders { try FileOutput.makeFolder(snapshotFolder) }

    let results = try generateAccounts(plan, snapshotFolders: snapshotFolders)

    var files = 0
    var bytes = 0
    func emit(_ text: String, _ url: URL) throws {
      try FileOutput.write(text, to: url)
      files += 1
      bytes += text.utf8.count
    }
    try emit(Documents.siteYAML, folder.appendingPathComponent("site.yml"))
    try emit(Documents.teamsYAML(plan), folder.appendingPathComponent("teams.yml"))
    let procedures = content.appendingPathComponent("procedures", isDirectory: true)
    try FileOutput.makeFolder(procedures)
    try emit(Documents.quarterlyReview, procedures.appendingPathComponent("quarterly-access-review.md"))
    try emit(
      Documents.removingUnusedPermissions, procedures.appendingPathComponent("removing-unused-permissions.md")
    )
    for (name, text) in reviewFiles(plan, results) {
      let url = content.appendingPathComponent("reviews", isDirectory: true).appendingPathComponent(name)
      try FileOutput.makeFolder(url.deletingLastPathComponent())
      try emit(text, url)
    }
    return summarize(plan, results, folder: folder, documentFiles: files, documentBytes: bytes)
  }

  private static func prepare(folder: URL, analysis: URL, replacing: Bool) throws {
    let manager = FileManager.default
    var isFolder: ObjCBool = false
    if manager.fileExists(atPath: folder.path, isDirectory: &isFolder) {
      guard isFolder.boolValue else { throw SampleError.notAFolder(path: folder.path) }
      if manager.fileExists(atPath: analysis.path) {
        guard replacing else { throw SampleError.folderHasAnalysis(path: folder.path) }
        do {
          try manager.removeItem(at: analysis)
        } catch {
          throw SampleError.cannotWrite(path: analysis.path, reason: error.localizedDescription)
        }
      }
    }
    try FileOutput.makeFolder(analysis)
  }

  /// Collects per-account results from the worker threads.
  private final class Collector: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [AccountResult?]
    private var error: Error?

    init(count: Int) {
      results = Array(repeating: nil, count: count)
    }

    var failed: Bool {
      lock.lock()
      defer { lock.unlock() }
      return error != nil
    }

    func store(_ result: AccountResult, at index: Int) {
      lock.lock()
      results[index] = result
      lock.unlock()
    }

    func fail(_ newError: Error) {
      lock.lock()
      if error == nil { error = newError }
      lock.unlock()
    }

    func finish() throws -> [AccountResult] {
      if let error { throw error }
      return results.map { $0 ?? AccountResult() }
    }
  }

  /// Runs every account on all cores, largest first so the last ones to finish are small.
  private static func generateAccounts(_ plan: OrganizationPlan, snapshotFolders: [URL]) throws
    -> [AccountResult]
  {
    let order = plan.accounts.indices.sorted {
      plan.accounts[$0].principals != plan.accounts[$1].principals
        ? plan.accounts[$0].principals > plan.accounts[$1].principals : $0 < $1
    }
    let collector = Collector(count: plan.accounts.count)
    DispatchQueue.concurrentPerform(iterations: order.count) { position in
      guard !collector.failed else { return }
      let index = order[position]
      do {
        let simulation = AccountSimulation(plan: plan, account: index)
        collector.store(try simulation.run(snapshotFolders: snapshotFolders), at: index)
      } catch {
        collector.fail(error)
      }
    }
    return try collector.finish()
  }

  /// Review files for the newest snapshot's quarter: the first two or three teams that have
  /// findings to except, with the first team's first exception already expired.
  private static func reviewFiles(_ plan: OrganizationPlan, _ results: [AccountResult]) -> [(String, String)]
  {
    let newest = plan.snapshotDays.last!
    let quarter = Quarter(containing: newest)
    let candidates = results.flatMap(\.candidates)
    var files: [(String, String)] = []
    var expiredWritten = false
    for team in plan.teams where files.count < 3 {
      let own = candidates.filter { $0.owner == team.index }
      if own.isEmpty, team.index >= 3 { continue }
      let archived = own.filter(\.archived)
      let open = own.filter { !$0.archived }
      // Open access kept on purpose (one whose exception has expired, one still held), then
      // findings already accepted in Access Analyzer.
      let exceptions = Array((open.prefix(2) + archived).prefix(3))
      let expired = !expiredWritten && !exceptions.isEmpty
      if expired { expiredWritten = true }
      let text = Documents.reviewYAML(
        team: team, quarter: quarter, newest: newest, reviewRank: files.count, exceptions: exceptions,
        expiredFirst: expired, seed: plan.options.seed)
      files.append((quarter.label + "/" + team.id + ".yml", text))
    }
    // Last quarter's reviews, mostly finished: what one team left open carries over.
    let previous = quarter.previous
    if let lastDay = plan.snapshotDays.last(where: { previous.contains($0) }) {
      for team in plan.teams {
        let text = Documents.reviewYAML(
          team: team, quarter: previous, newest: lastDay, reviewRank: team.index == 1 ? 1 : -1,
          exceptions: [],
          expiredFirst: false, seed: plan.options.seed)
        files.append((previous.label + "/" + team.id + ".yml", text))
      }
    }
    return files
  }

  private static func summarize(
    _ plan: OrganizationPlan, _ results: [AccountResult], folder: URL, documentFiles: Int, documentBytes: Int
  ) -> SampleSummary {
    let snapshots = plan.snapshotDays.count
    let teamCount = plan.teams.count
    // Index teamCount is the unowned group.
    var series = [[Int]](repeating: [Int](repeating: 0, count: snapshots), count: teamCount + 1)
    var principalsByTeam = [Int](repeating: 0, count: teamCount + 1)
    var summary = SampleSummary(
      folder: folder, filesWritten: documentFiles, bytesWritten: documentBytes, analysisBytes: 0,
      snapshotDays: plan.snapshotDays, accounts: plan.accounts.count, roles: 0, users: 0,
      unownedPrincipals: 0,
      openUnusedPermissions: [], teams: [], activeFindings: 0, archivedFindings: 0, resolvedFindings: 0,
      openUnusedRoles: 0, openUnusedAccessKeys: 0, openUnusedPasswords: 0)
    for result in results {
      summary.filesWritten += result.files
      summary.bytesWritten += result.bytes
      summary.analysisBytes += result.bytes
      summary.roles += result.roles
      summary.users += result.users
      summary.activeFindings += result.active
      summary.archivedFindings += result.archived
      summary.resolvedFindings += result.resolved
      summary.openUnusedRoles += result.unusedRoles
      summary.openUnusedAccessKeys += result.unusedKeys
      summary.openUnusedPasswords += result.unusedPasswords
      summary.sources.add(result.sources)
      for (slot, owner) in result.owners.enumerated() {
        let row = owner >= 0 ? owner : teamCount
        principalsByTeam[row] += result.principalsByOwner[slot]
        for snapshot in 0..<snapshots {
          series[row][snapshot] += result.openCounts[slot * snapshots + snapshot]
        }
      }
    }
    summary.unownedPrincipals = principalsByTeam[teamCount]
    summary.openUnusedPermissions = (0..<snapshots).map { snapshot in series.reduce(0) { $0 + $1[snapshot] } }
    summary.teams = plan.teams.map {
      SampleTeamSeries(
        teamID: $0.id, name: $0.name, openUnusedPermissions: series[$0.index],
        principals: principalsByTeam[$0.index])
    }
    summary.teams.append(
      SampleTeamSeries(
        teamID: Team.unownedID, name: Team.unowned.name, openUnusedPermissions: series[teamCount],
        principals: principalsByTeam[teamCount]))
    return summary
  }
}
