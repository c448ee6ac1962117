/// The kinds of export a snapshot folder may hold, recognised by content.
public enum SourceKind: String, Sendable, Hashable, CaseIterable {
  /// `aws accessanalyzer get-finding-v2` responses.
  case analyzerFindings
  /// `aws iam get-account-authorization-details` responses.
  case inventory
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
