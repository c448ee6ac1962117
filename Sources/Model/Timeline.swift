/// The recorded history of every item, as the history store hands it to analysis: which snapshots
/// exist, and for each item the runs of consecutive snapshots in which it had one status.
///
/// Snapshots are referred to by their index in `snapshots`, so the whole timeline is a few flat
/// arrays that analysis can scan once, whatever the number of snapshots.
public struct Timeline: Sendable {
  /// Snapshot days, ascending.
  public var snapshots: [Day]
  /// Every principal ever seen, described by its latest inventory entry (or its ARN alone).
  public var principals: [Principal]
  /// Every item ever seen.
  public var items: [TrackedItem]
  /// Status runs, sorted by item and then by first snapshot; runs of one item never overlap.
  /// An item has no run at snapshots where no source reported it (absent).
  public var intervals: [StatusInterval]
  /// Runs of snapshots in which each principal was in the inventory, sorted by principal.
  public var presence: [PresenceInterval]
  /// What each snapshot recorded besides items, by snapshot index (empty when not loaded).
  public var details: [SnapshotDetails] = []
  /// The latest Access Analyzer recommendations per principal index, with the day they came with.
  public var recommendations: [Int: DatedRecommendations] = [:]
  /// For each item, its place in the order pages list items (`PageOrder.key`), as the history
  /// store works it out from the numbers of its texts; empty when not worked out, and items are
  /// then ordered by comparing their texts.
  public var itemPageOrder: [UInt64] = []
  /// For each item, the numbers the history store gives its service and detail texts (the
  /// service's in the high 32 bits): items with equal numbers have equal texts. Empty when the
  /// timeline was not loaded from a store.
  public var itemTexts: [UInt64] = []

  /// `itemPageOrder` when it has one number for each item, else empty: items added to a loaded
  /// timeline (as tests do) have none.
  public var currentItemPageOrder: [UInt64] { itemPageOrder.count == items.count ? itemPageOrder : [] }

  /// `itemTexts` when it has one entry for each item, else empty.
  public var currentItemTexts: [UInt64] { itemTexts.count == items.count ? itemTexts : [] }

  /// A timeline with every field given.
  public init(
    snapshots: [Day], principals: [Principal], items: [TrackedItem], intervals: [StatusInterval],
    presence: [PresenceInterval]
  ) {
    self.snapshots = snapshots
    self.principals = principals
    self.items = items
    self.intervals = intervals
    self.presence = presence
  }

  /// An empty timeline: no snapshots recorded yet.
  public static let empty = Timeline(snapshots: [], principals: [], items: [], intervals: [], presence: [])

  /// The index of the snapshot on `day`, if one was recorded that day.
  public func snapshotIndex(of day: Day) -> Int? {
    var low = 0
    var high = snapshots.count - 1
    while low <= high {
      let middle = (low + high) / 2
      if snapshots[middle] == day { return middle }
      if snapshots[middle] < day { low = middle + 1 } else { high = middle - 1 }
    }
    return nil
  }
}

/// What a snapshot recorded besides items: its sources, root users and notes.
public struct SnapshotDetails: Hashable, Sendable {
  /// The files read, by kind.
  public var sources: [SourceFile]
  /// Root users from credential reports.
  public var rootAccounts: [RootAccount]
  /// Things read but not counted.
  public var notes: [String]
  /// Exports that say more pages exist.
  public var truncated: [String]

  /// Details with every field given.
  public init(
    sources: [SourceFile] = [], rootAccounts: [RootAccount] = [], notes: [String] = [],
    truncated: [String] = []
  ) {
    self.sources = sources
    self.rootAccounts = rootAccounts
    self.notes = notes
    self.truncated = truncated
  }
}

/// A principal's recommendations and the snapshot day they came with.
public struct DatedRecommendations: Hashable, Sendable {
  /// The snapshot that carried them.
  public var day: Day
  /// The recommendations.
  public var recommendations: PrincipalRecommendations

  /// Recommendations with their day.
  public init(day: Day, recommendations: PrincipalRecommendations) {
    self.day = day
    self.recommendations = recommendations
  }
}

/// One item as the history store knows it, with the details of its latest report.
public struct TrackedItem: Hashable, Sendable {
  /// Index into `Timeline.principals`.
  public var principal: Int
  /// Permission, role, access key or password.
  public var kind: UnusedAccessKind
  /// For permissions, the lower-case service namespace.
  public var service: String
  /// For permissions the action (or `*`); for access keys the key id.
  public var detail: String
  /// When last used according to the latest report, nil when never within the tracking window.
  public var lastUsedOn: Day?
  /// The earliest creation day of a finding that reported it, when known.
  public var findingCreatedOn: Day?
  /// The sources of its latest report.
  public var sources: SourceSet = .analyzer

  /// An item with every field given.
  public init(
    principal: Int, kind: UnusedAccessKind, service: String, detail: String, lastUsedOn: Day? = nil,
    findingCreatedOn: Day? = nil, sources: SourceSet = .analyzer
  ) {
    self.sources = sources
    self.principal = principal
    self.kind = kind
    self.service = service
    self.detail = detail
    self.lastUsedOn = lastUsedOn
    self.findingCreatedOn = findingCreatedOn
  }

  /// The item as an `UnusedAccess` of the given principal ARN.
  public func access(principalARN: String) -> UnusedAccess {
    UnusedAccess(principalARN: principalARN, kind: kind, service: service, detail: detail)
  }
}

/// A run of consecutive snapshots in which one item had one status.
public struct StatusInterval: Hashable, Sendable {
  /// Index into `Timeline.items`.
  public var item: Int
  /// Open, accepted or removed.
  public var status: FindingStatus
  /// Index of the first snapshot of the run.
  public var first: Int
  /// Index of the last snapshot of the run (inclusive).
  public var last: Int

  /// A run with every field given.
  public init(item: Int, status: FindingStatus, first: Int, last: Int) {
    self.item = item
    self.status = status
    self.first = first
    self.last = last
  }
}

/// A run of consecutive snapshots in which a principal was in the inventory.
public struct PresenceInterval: Hashable, Sendable {
  /// Index into `Timeline.principals`.
  public var principal: Int
  /// Index of the first snapshot of the run.
  public var first: Int
  /// Index of the last snapshot of the run (inclusive).
  public var last: Int

  /// A run with every field given.
  public init(principal: Int, first: Int, last: Int) {
    self.principal = principal
    self.first = first
    self.last = last
  }
}
