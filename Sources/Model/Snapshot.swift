/// The kinds of export a snapshot folder may hold, recognised by content.
public enum SourceKind: String, Sendable, Hashable, CaseIterable {
  /// `aws accessanalyzer get-finding-v2` responses.
  case analyzerFindings
  /// `aws iam get-account-authorization-details` responses.
  case inventory
  /// `aws iam get-service-last-accessed-details` responses with an added `Arn`.
  case lastAccessed
  /// The IAM credential report, as CSV or as the `get-credential-report` JSON.
  case credentialReport
  /// `aws accessanalyzer list-findings-v2` pages (summaries without details).
  case findingSummaries
  /// `aws accessanalyzer get-finding-recommendation` responses.
  case recommendations

  /// How pages name the source.
  public var displayName: String {
    switch self {
    case .analyzerFindings: "Access Analyzer findings"
    case .inventory: "IAM inventory"
    case .lastAccessed: "IAM last-accessed data"
    case .credentialReport: "IAM credential report"
    case .findingSummaries: "Access Analyzer finding summaries"
    case .recommendations: "Access Analyzer recommendations"
    }
  }
}

/// Which sources reported an item, as a small set that merges by union.
public struct SourceSet: OptionSet, Hashable, Sendable {
  /// The raw bits, stored as is in the history store.
  public let rawValue: Int

  /// A set from its stored bits.
  public init(rawValue: Int) {
    self.rawValue = rawValue
  }

  /// Access Analyzer `get-finding-v2` details.
  public static let analyzer = SourceSet(rawValue: 1)
  /// IAM last-accessed data.
  public static let lastAccessed = SourceSet(rawValue: 2)
  /// The IAM credential report.
  public static let credentialReport = SourceSet(rawValue: 4)
  /// Access Analyzer `list-findings-v2` summaries.
  public static let findingSummaries = SourceSet(rawValue: 8)

  /// The sources' names in a fixed order, for pages.
  public var names: [String] {
    var names: [String] = []
    if contains(.analyzer) { names.append("Access Analyzer") }
    if contains(.findingSummaries) { names.append("Access Analyzer summary") }
    if contains(.lastAccessed) { names.append("last accessed") }
    if contains(.credentialReport) { names.append("credential report") }
    return names
  }
}

/// One file read from a snapshot folder and what it held.
public struct SourceFile: Hashable, Sendable {
  /// The file name relative to the snapshot folder.
  public var name: String
  /// What the file was recognised as.
  public var kind: SourceKind
  /// How many records (findings, roles plus users) it held.
  public var records: Int

  /// A source file with every field given.
  public init(name: String, kind: SourceKind, records: Int) {
    self.name = name
    self.kind = kind
    self.records = records
  }
}

/// Everything one night's exports say: the inventory and the state of every unused item.
public struct Snapshot: Sendable {
  /// The day of the export, from the folder name.
  public var day: Day
  /// Roles and users, from the inventory and from findings that name principals it lacks.
  public var principals: [Principal]
  /// Whether any inventory export was in the folder (when not, principals come only from findings
  /// and the store keeps the previous inventory).
  public var hasInventory: Bool
  /// One observation per distinct item (duplicates already merged).
  public var observations: [Observation]
  /// The files read.
  public var sources: [SourceFile]
  /// Access Analyzer's policy recommendations, one per principal.
  public var recommendations: [PrincipalRecommendations] = []
  /// Root users, from credential reports.
  public var rootAccounts: [RootAccount] = []
  /// Things in the exports that were read but not counted (jobs not finished, failed
  /// recommendations), for the pages to show.
  public var notes: [String] = []
  /// Exports that say more pages exist than were exported (`IsTruncated`, a `nextToken` left over).
  public var truncated: [String] = []

  /// A snapshot with every field given.
  public init(
    day: Day, principals: [Principal], hasInventory: Bool, observations: [Observation], sources: [SourceFile]
  ) {
    self.day = day
    self.principals = principals
    self.hasInventory = hasInventory
    self.observations = observations
    self.sources = sources
  }
}
