import Foundation
import Model

/// What `permsite sample` generates: the size of the fictional organisation and its history.
public struct SampleOptions: Sendable, Hashable {
  /// Seeds every random choice; the same options always give byte-identical files.
  public var seed: UInt64
  /// How many teams `teams.yml` lists (at least 1).
  public var teams: Int
  /// Roles plus users in the newest snapshot's inventory, over all accounts (at least `teams`).
  public var principals: Int
  /// How many monthly snapshots to write, ending at `lastSnapshot` (1 to 120).
  public var snapshots: Int
  /// The newest snapshot's day. A fixed default rather than today, so that the demo content and
  /// every test are reproducible; earlier snapshots fall on the same day of each earlier month.
  public var lastSnapshot: Day

  /// Options with every field given; each defaults to the size of the committed demo.
  public init(
    seed: UInt64 = 1, teams: Int = 6, principals: Int = 120, snapshots: Int = 12,
    lastSnapshot: Day = Day(year: 2026, month: 11, day: 22)!
  ) {
    self.seed = seed
    self.teams = teams
    self.principals = principals
    self.snapshots = snapshots
    self.lastSnapshot = lastSnapshot
  }

  /// The largest organisation accepted: ten times the size the site is built for, so that a
  /// typing slip does not start writing hundreds of gigabytes.
  public static let maximumPrincipals = 1_000_000
  /// The most teams accepted.
  public static let maximumTeams = 10_000
  /// The most monthly snapshots accepted (ten years).
  public static let maximumSnapshots = 120

  /// Throws `SampleError.invalidOption` naming the first option out of range and what it must be.
  public func validate() throws {
    guard teams >= 1, teams <= Self.maximumTeams else {
      throw SampleError.invalidOption(
        name: "teams", value: String(teams), requirement: "between 1 and \(Self.maximumTeams)")
    }
    guard principals >= teams, principals <= Self.maximumPrincipals else {
      throw SampleError.invalidOption(
        name: "principals", value: String(principals),
        requirement: "at least the number of teams (\(teams)) and at most \(Self.maximumPrincipals)")
    }
    guard snapshots >= 1, snapshots <= Self.maximumSnapshots else {
      throw SampleError.invalidOption(
        name: "snapshots", value: String(snapshots), requirement: "between 1 and \(Self.maximumSnapshots)")
    }
    // Creation dates reach about five years before the first snapshot; keep every date a
    // four-digit year, as the ISO formats the readers accept require.
    guard lastSnapshot.year >= 2016, lastSnapshot.year <= 9000 else {
      throw SampleError.invalidOption(
        name: "last-snapshot", value: lastSnapshot.iso, requirement: "a day in the years 2016 to 9000")
    }
  }
}

/// The number of open unused permissions of one team at each snapshot, as the sample generated them.
public struct SampleTeamSeries: Sendable, Hashable {
  /// The team's id from `teams.yml`, or `Team.unownedID` for principals no team matches.
  public var teamID: String
  /// The team's name.
  public var name: String
  /// Open unused permissions (items of ACTIVE `UnusedPermission` findings) per snapshot, oldest first.
  public var openUnusedPermissions: [Int]
  /// Roles and users the team owns in the newest snapshot's inventory.
  public var principals: Int
}

/// What `SampleSite.write` wrote, with the expected numbers a reader of the folder should find.
public struct SampleSummary: Sendable {
  /// The site folder.
  public var folder: URL
  /// Files written, of every kind.
  public var filesWritten: Int
  /// Bytes written, of every kind.
  public var bytesWritten: Int
  /// Bytes written under `content/analysis`.
  public var analysisBytes: Int
  /// The snapshot days, oldest first; one folder `content/analysis/YYYY-MM-DD` each.
  public var snapshotDays: [Day]
  /// AWS accounts exported at each snapshot.
  public var accounts: Int
  /// Roles in the newest snapshot's inventory.
  public var roles: Int
  /// Users in the newest snapshot's inventory.
  public var users: Int
  /// Roles and users in the newest inventory that no team in `teams.yml` matches.
  public var unownedPrincipals: Int
  /// Open unused permissions over all principals at each snapshot, oldest first.
  public var openUnusedPermissions: [Int]
  /// The same per team, in `teams.yml` order, then the unowned group.
  public var teams: [SampleTeamSeries]
  /// Findings of every type in the newest snapshot, by status.
  public var activeFindings: Int
  /// See `activeFindings`.
  public var archivedFindings: Int
  /// See `activeFindings`.
  public var resolvedFindings: Int
  /// Unused roles, access keys and passwords (ACTIVE findings of those types) in the newest snapshot.
  public var openUnusedRoles: Int
  /// See `openUnusedRoles`.
  public var openUnusedAccessKeys: Int
  /// See `openUnusedRoles`.
  public var openUnusedPasswords: Int

  /// What was written of each analysis source.
  public var sources = SampleSourceCounts()

  /// The newest snapshot's open unused permissions.
  public var newestOpenUnusedPermissions: Int { openUnusedPermissions.last ?? 0 }
}

extension SampleSummary: CustomStringConvertible {
  /// A few lines for the command line to print.
  public var description: String {
    let megabytes = Double(bytesWritten) / 1_048_576
    let size = (megabytes * 10).rounded() / 10
    var lines = [
      "Wrote \(filesWritten) files (\(size) MB) to \(folder.path)",
      "\(snapshotDays.count) snapshots, \(snapshotDays.first?.iso ?? "-") to \(snapshotDays.last?.iso ?? "-"),"
        + " \(accounts) accounts",
      "Newest snapshot: \(roles) roles, \(users) users (\(unownedPrincipals) unowned),"
        + " \(newestOpenUnusedPermissions) open unused permissions,"
        + " \(openUnusedRoles) unused roles, \(openUnusedAccessKeys) unused access keys,"
        + " \(openUnusedPasswords) unused passwords",
      "Findings at the newest snapshot: \(activeFindings) active, \(archivedFindings) archived,"
        + " \(resolvedFindings) resolved",
    ]
    if let first = openUnusedPermissions.first, openUnusedPermissions.count > 1 {
      lines.append("Open unused permissions went from \(first) to \(newestOpenUnusedPermissions)")
    }
    lines.append(
      "Sources per snapshot: findings in \(sources.accountsWithAnalyzer) of \(accounts) accounts,"
        + " last-accessed data in \(sources.accountsWithLastAccessed),"
        + " credential reports in \(sources.accountsWithCredentialReport);"
        + " at the newest, \(sources.recommendations) recommendations,"
        + " \(sources.findingsWithoutDetails) findings known only by summary")
    return lines.joined(separator: "\n")
  }
}

/// How much of each analysis source the sample wrote. Open unused permissions and finding counts
/// in `SampleSummary` come from the findings' details alone; accounts without the analyzer, and
/// findings known only by summary, are not in them.
public struct SampleSourceCounts: Sendable, Hashable {
  /// `get-finding-v2` exports (`findings-ACCOUNT.jsonl` or `.json`), over all snapshots.
  public var findingsFiles = 0
  /// `get-account-authorization-details` exports, over all snapshots.
  public var inventoryFiles = 0
  /// `last-accessed-ACCOUNT.json` files, over all snapshots.
  public var lastAccessedFiles = 0
  /// `credential-report-ACCOUNT.csv` or `.json` files, over all snapshots.
  public var credentialReportFiles = 0
  /// `recommendations-ACCOUNT.jsonl` files, over all snapshots.
  public var recommendationFiles = 0
  /// `finding-summaries-ACCOUNT.json` files, over all snapshots.
  public var findingSummaryFiles = 0
  /// Accounts whose findings are exported (the same at every snapshot).
  public var accountsWithAnalyzer = 0
  /// Accounts whose last-accessed data is exported.
  public var accountsWithLastAccessed = 0
  /// Accounts whose credential report is exported.
  public var accountsWithCredentialReport = 0
  /// Last-accessed responses in the newest snapshot, unfinished jobs included.
  public var lastAccessedResponses = 0
  /// Last-accessed jobs in the newest snapshot that are IN_PROGRESS or FAILED.
  public var unfinishedLastAccessedJobs = 0
  /// Recommendation responses in the newest snapshot, unfinished ones included.
  public var recommendations = 0
  /// Findings in the newest snapshot known only by their summary (details not exported).
  public var findingsWithoutDetails = 0

  mutating func add(_ other: SampleSourceCounts) {
    findingsFiles += other.findingsFiles
    inventoryFiles += other.inventoryFiles
    lastAccessedFiles += other.lastAccessedFiles
    credentialReportFiles += other.credentialReportFiles
    recommendationFiles += other.recommendationFiles
    findingSummaryFiles += other.findingSummaryFiles
    accountsWithAnalyzer += other.accountsWithAnalyzer
    accountsWithLastAccessed += other.accountsWithLastAccessed
    accountsWithCredentialReport += other.accountsWithCredentialReport
    lastAccessedResponses += other.lastAccessedResponses
    unfinishedLastAccessedJobs += other.unfinishedLastAccessedJobs
    recommendations += other.recommendations
    findingsWithoutDetails += other.findingsWithoutDetails
  }
}

/// Why a sample could not be written; each message says what to do about it.
public enum SampleError: Error, Sendable, Equatable, CustomStringConvertible {
  /// An option is out of range.
  case invalidOption(name: String, value: String, requirement: String)
  /// The folder already holds snapshots and `replacing` was not asked for.
  case folderHasAnalysis(path: String)
  /// The target exists but is not a folder.
  case notAFolder(path: String)
  /// A file or folder could not be written.
  case cannotWrite(path: String, reason: String)

  /// The message the command line shows.
  public var description: String {
    switch self {
    case .invalidOption(let name, let value, let requirement):
      "--\(name) \(value) is out of range: it must be \(requirement)."
    case .folderHasAnalysis(let path):
      "\(path) already has snapshots in content/analysis; choose an empty folder, or pass --replace"
        + " to delete content/analysis and write the sample in its place."
    case .notAFolder(let path):
      "\(path) exists and is not a folder; choose a folder to write the sample into."
    case .cannotWrite(let path, let reason):
      "Cannot write \(path): \(reason). Check that the folder is writable and the disk has room."
    }
  }
}
