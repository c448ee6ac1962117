import Dispatch
import Foundation
import Model

/// A dated folder under `content/analysis/` holding one night's exports.
public struct SnapshotFolder: Hashable, Sendable {
  /// The day from the folder name.
  public var day: Day
  /// The folder.
  public var url: URL
  /// The folder relative to the site root, for messages.
  public var relativePath: String

  /// A snapshot folder with every field given.
  public init(day: Day, url: URL, relativePath: String) {
    self.day = day
    self.url = url
    self.relativePath = relativePath
  }
}

/// Reads a snapshot folder: every file in it (at any depth, hidden files aside), recognised by
/// content, as one JSON document, a JSON array of responses or pages, JSON Lines, or (for the
/// credential report) CSV. Reports from different sources about the same permission are merged.
public struct SnapshotReader: Sendable {
  /// Access unused for this many days before the snapshot counts as unused.
  public let thresholdDays: Int

  /// A reader using the site's unused threshold (`unused_threshold_days`).
  public init(thresholdDays: Int = 90) {
    self.thresholdDays = thresholdDays
  }

  /// The result of reading one folder.
  public struct Result: Sendable {
    /// What the folder says.
    public var snapshot: Snapshot
    /// Things skipped or odd, which do not stop the build.
    public var warnings: [IngestWarning]
    /// The folder's fingerprint, hashed from the bytes as they were read.
    public var fingerprint: SnapshotFingerprint
  }

  /// Reads every file of the folder, on all cores, and merges them into one snapshot.
  /// Throws `IngestErrors` listing every bad file.
  public func read(_ folder: SnapshotFolder) throws -> Result {
    let files = try FileListing.regularFiles(under: folder.url)
    let context = ReadContext(day: folder.day, thresholdDays: thresholdDays)
    let outcomes = ParallelMap.map(files) { file in
      FileOutcome.reading(file, displayName: folder.relativePath + "/" + file.relativePath, context: context)
    }
    var errors: [IngestError] = []
    var merged = FileContent()
    var sources: [SourceFile] = []
    var hashes: [(path: String, hash: UInt64)] = []
    for (file, outcome) in zip(files, outcomes) {
      switch outcome {
      case .failure(let error):
        errors.append(error)
      case .success(let content):
        hashes.append((file.relativePath, content.contentHash))
        for kind in SourceKind.allCases {
          if let records = content.records[kind] {
            sources.append(SourceFile(name: file.relativePath, kind: kind, records: records))
          }
        }
        merged.absorb(content)
      }
    }
    if !errors.isEmpty { throw IngestErrors(errors) }
    let countingKinds: Set<SourceKind> = [
      .analyzerFindings, .findingSummaries, .lastAccessed, .credentialReport,
    ]
    guard sources.contains(where: { countingKinds.contains($0.kind) }) else {
      throw IngestErrors([
        IngestError(
          file: folder.relativePath, message: "no export of unused access in this snapshot folder",
          hint:
            "Add the output of `aws accessanalyzer get-finding-v2` (one response per line, or an array; `[]` when there are no findings), or IAM last-accessed data or the credential report"
        )
      ])
    }
    let snapshot = Reconciler(content: merged).snapshot(
      day: folder.day, sources: sources.sorted { ($0.name, $0.kind.rawValue) < ($1.name, $1.kind.rawValue) })
    let fingerprint = SnapshotFingerprint(
      quick: try SnapshotFingerprint.quick(of: folder.url), content: SnapshotFingerprint.content(of: hashes))
    return Result(snapshot: snapshot, warnings: merged.warnings, fingerprint: fingerprint)
  }
}

/// What one file held, and, merged, what a whole folder held.
struct FileContent: Sendable {
  var inventory = InventoryPage()
  var namedPrincipals: [Principal] = []
  var observations: [Observation] = []
  var recommendations: [PrincipalRecommendations] = []
  var rootAccounts: [RootAccount] = []
  var notes: [String] = []
  /// Exports that say more pages exist.
  var truncated: [String] = []
  /// The file's FNV-1a hash, for the snapshot's fingerprint.
  var contentHash: UInt64 = 0
  /// Records read per source kind (a kind absent from the file is absent here).
  var records: [SourceKind: Int] = [:]
  var warnings: [IngestWarning] = []

  mutating func count(_ kind: SourceKind, _ amount: Int = 1) {
    records[kind, default: 0] += amount
  }

  mutating func absorb(_ other: FileContent) {
    inventory.principals += other.inventory.principals
    inventory.managedDocuments.merge(other.inventory.managedDocuments) { first, _ in first }
    inventory.groupPolicies.merge(other.inventory.groupPolicies) { first, _ in first }
    inventory.userGroups.merge(other.inventory.userGroups) { first, _ in first }
    namedPrincipals += other.namedPrincipals
    observations += other.observations
    recommendations += other.recommendations
    rootAccounts += other.rootAccounts
    notes += other.notes
    truncated += other.truncated
    warnings += other.warnings
  }
}

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
  func reconcile(_ observations: [Observation]) -> [Observation] {
    var byKey: [String: Observation] = [:]
    for observation in observations {
      let key = observation.access.principalARN + "\u{1F}" + observation.access.key
      byKey[key] = byKey[key].map { $0.merged(with: observation) } ?? observation
    }
    var servicesWithActions = Set<String>()
    var usersWithAnalyzerKeys = Set<String>()
    var detailedFindings = Set<String>()
    // Access Analyzer reports unused permissions only for roles it considers in use.
    var usedByAnalyzer = Set<String>()
    let analyzer: SourceSet = [.analyzer, .findingSummaries]
    for observation in byKey.values {
      let access = observation.access
      if access.kind == .permission && access.detail != "*" {
        servicesWithActions.insert(access.principalARN + " " + access.service)
      }
      if (access.kind == .permission || access.kind == .undetailedFinding)
        && !observation.sources.isDisjoint(with: analyzer)
      {
        usedByAnalyzer.insert(access.principalARN)
      }
      if access.kind == .accessKey && observation.sources.contains(.analyzer) {
        usersWithAnalyzerKeys.insert(access.principalARN)
      }
      if observation.sources.contains(.analyzer) && !observation.findingID.isEmpty {
        detailedFindings.insert(observation.findingID)
      }
    }
    // A role that last-accessed data alone calls unused, where Access Analyzer says otherwise, is not.
    let kept = byKey.values.filter { observation in
      let access = observation.access
      return
        !(access.kind == .role && observation.sources == .lastAccessed
        && usedByAnalyzer.contains(access.principalARN))
    }
    let unusedRoles = Set(
      kept.filter { $0.access.kind == .role && $0.status == .active }.map(\.access.principalARN))
    return kept.filter { observation in
      let access = observation.access
      switch access.kind {
      case .permission:
        // An unused role is counted once; other sources' per-service items would count it again.
        if unusedRoles.contains(access.principalARN) && !observation.sources.contains(.analyzer) {
          return false
        }
        return access.detail != "*"
          || !servicesWithActions.contains(access.principalARN + " " + access.service)
      case .accessKey:
        return observation.sources.contains(.analyzer) || !usersWithAnalyzerKeys.contains(access.principalARN)
      case .undetailedFinding:
        return !detailedFindings.contains(access.detail)
      case .role, .password:
        return true
      }
    }.sorted { ($0.access.principalARN, $0.access.key) < ($1.access.principalARN, $1.access.key) }
  }
}

enum FileOutcome: Sendable {
  case success(FileContent)
  case failure(IngestError)

  static func reading(_ file: FileListing.Entry, displayName: String, context: ReadContext) -> FileOutcome {
    do {
      return .success(try ExportFileReader.read(file.url, displayName: displayName, context: context))
    } catch {
      return .failure(error)
    }
  }
}

/// Reads one export file of any supported shape.
enum ExportFileReader {
  static func read(_ url: URL, displayName: String, context: ReadContext) throws(IngestError) -> FileContent {
    let data: Data
    do {
      data = try Data(contentsOf: url, options: .alwaysMapped)
    } catch {
      throw IngestError(file: displayName, message: "cannot be read: \(error.localizedDescription)")
    }
    let outcome = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Result<FileContent, IngestError> in
      do throws(IngestError) {
        var content = try read(raw.bindMemory(to: UInt8.self), displayName: displayName, context: context)
        var hash = FNV1a()
        hash.add(bytes: raw)
        content.contentHash = hash.value
        return .success(content)
      } catch {
        return .failure(error)
      }
    }
    return try outcome.get()
  }

  static func read(
    _ bytes: UnsafeBufferPointer<UInt8>, displayName: String,
    context: ReadContext = ReadContext(day: Day(daysSinceEpoch: 0), thresholdDays: 90)
  ) throws(IngestError) -> FileContent {
    var start = 0
    if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
      throw IngestError(
        file: displayName, message: "the file is UTF-16 text",
        hint:
          "Save it as UTF-8 (Windows PowerShell 5 writes UTF-16 with `>`; use `| Out-File -Encoding utf8`)")
    }
    // A UTF-8 byte order mark, as some Windows editors and PowerShell redirections write.
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
    var parser = JSONParser(bytes: bytes, start: start)
    let first = parser.offsetAfterWhitespace()
    guard first < bytes.count else {
      throw IngestError(
        file: displayName, message: "the file is empty",
        hint: "An export with no findings is `[]`; remove the file if the export failed")
    }
    let lead = bytes[first]
    guard lead == UInt8(ascii: "{") || lead == UInt8(ascii: "[") else {
      if startsWith(bytes, at: first, "user,arn,") {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[first...]), as: UTF8.self)
        var content = FileContent()
        content.add(
          try CredentialReportReader.read(
            csv: text, file: displayName, context: context, firstLine: parser.currentLine))
        return content
      }
      throw IngestError(
        file: displayName, line: parser.currentLine,
        message: "not a JSON export (it starts with neither '{' nor '[')",
        hint: "Put only AWS CLI JSON output (--output json) in snapshot folders")
    }
    var content = FileContent()
    // One value for a plain response or an array; several for JSON Lines or concatenated JSON.
    var recordIndex = 0
    while parser.offsetAfterWhitespace() < bytes.count {
      let value: JSONValue
      do {
        value = try parser.parseValue()
      } catch {
        throw IngestError(
          file: displayName, line: error.line,
          message: "invalid JSON at column \(error.column): \(error.message)")
      }
      let records: [JSONField]
      if let elements = value.arrayElements {
        records = elements.enumerated().map {
          JSONField($1, file: displayName, path: "[\(recordIndex + $0)]")
        }
        recordIndex += elements.count
        if elements.isEmpty { content.count(.analyzerFindings, 0) }
      } else {
        records = [JSONField(value, file: displayName, path: "")]
        recordIndex += 1
      }
      for record in records {
        try content.add(AWSRecordReader.read(record, context: context))
        if let marker = Truncation.marker(in: record) {
          content.truncated.append("\(displayName): the export is truncated (\(marker)); export every page")
        }
      }
    }
    return content
  }

  private static func startsWith(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ prefix: String)
    -> Bool
  {
    let expected = Array(prefix.utf8)
    guard bytes.count - offset >= expected.count else { return false }
    return (0..<expected.count).allSatisfy { bytes[offset + $0] == expected[$0] }
  }
}

extension FileContent {
  /// Adds one record's contents.
  mutating func add(_ record: AWSRecord) {
    switch record {
    case .finding(let principal, let observations):
      count(.analyzerFindings)
      namedPrincipals.append(principal)
      self.observations += observations
    case .otherFinding:
      count(.analyzerFindings, 0)
    case .inventory(let page):
      count(.inventory, page.principals.count)
      inventory.principals += page.principals
      inventory.managedDocuments.merge(page.managedDocuments) { first, _ in first }
      inventory.groupPolicies.merge(page.groupPolicies) { first, _ in first }
      inventory.userGroups.merge(page.userGroups) { first, _ in first }
    case .lastAccessed(let principal, let observations, let note):
      count(.lastAccessed)
      namedPrincipals.append(principal)
      self.observations += observations
      if let note { notes.append(note) }
    case .summaries(let principals, let observations):
      count(.findingSummaries, observations.count)
      namedPrincipals += principals
      self.observations += observations
    case .recommendation(let recommendation, let note):
      count(.recommendations)
      recommendations.append(recommendation)
      if let note { notes.append(note) }
    case .credentialReport(let report):
      add(report)
    }
  }

  /// Adds a credential report's contents.
  mutating func add(_ report: CredentialReport) {
    count(.credentialReport, report.principals.count + report.rootAccounts.count)
    namedPrincipals += report.principals
    observations += report.observations
    rootAccounts += report.rootAccounts
  }
}

/// Recognises an export that stopped at a page boundary: the AWS CLI paginates by itself, but a
/// script calling with `--no-paginate` or `--max-items` leaves a marker that more pages exist.
enum Truncation {
  static func marker(in record: JSONField) -> String? {
    if case .bool(true) = record.value["IsTruncated"]?.storage { return "IsTruncated is true" }
    for key in ["nextToken", "NextToken", "Marker"] {
      if case .string(let token) = record.value[key]?.storage, !token.isEmpty { return "\(key) left over" }
    }
    return nil
  }
}
