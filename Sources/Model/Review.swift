/// A champion's record that one checklist item is done.
public struct SignOff: Hashable, Sendable {
  /// The checklist item's id.
  public var itemID: String
  /// Who signed it off.
  public var by: String
  /// When.
  public var on: Day
  /// An optional remark.
  public var note: String?
  /// The line in the review file, for messages.
  public var line: Int?

  /// A sign-off with every field given.
  public init(itemID: String, by: String, on: Day, note: String? = nil, line: Int? = nil) {
    self.itemID = itemID
    self.by = by
    self.on = on
    self.note = note
    self.line = line
  }
}

/// Access kept on purpose: a whole principal, or one permission of it, with who approved it and
/// until when.
public struct ReviewException: Hashable, Sendable {
  /// The principal's ARN.
  public var principalARN: String
  /// `service:Action`, or nil for the whole principal.
  public var permission: String?
  /// Why it is kept.
  public var justification: String
  /// Who approved keeping it.
  public var approver: String
  /// The last day the exception holds.
  public var expires: Day
  /// The line in the review file, for messages.
  public var line: Int?

  /// An exception with every field given.
  public init(
    principalARN: String, permission: String?, justification: String, approver: String, expires: Day,
    line: Int? = nil
  ) {
    self.principalARN = principalARN
    self.permission = permission
    self.justification = justification
    self.approver = approver
    self.expires = expires
    self.line = line
  }
}

/// One team's review file for one quarter: `content/reviews/YYYY-Qn/TEAM.yml`.
public struct Review: Hashable, Sendable {
  /// The quarter of the folder.
  public var quarter: Quarter
  /// The team id from the file name.
  public var teamID: String
  /// Items signed off.
  public var signOffs: [SignOff]
  /// Access kept on purpose.
  public var exceptions: [ReviewException]
  /// The file relative to the site folder.
  public var file: String

  /// A review with every field given.
  public init(
    quarter: Quarter, teamID: String, signOffs: [SignOff], exceptions: [ReviewException], file: String
  ) {
    self.quarter = quarter
    self.teamID = teamID
    self.signOffs = signOffs
    self.exceptions = exceptions
    self.file = file
  }
}

/// One item of a procedure's checklist, as analysis needs it (rendering is the site's business).
public struct ProcedureItem: Hashable, Sendable {
  /// The stable id that sign-offs refer to.
  public var id: String
  /// The item's plain text.
  public var text: String
  /// The headings it sits under, outermost first.
  public var section: [String]

  /// An item with every field given.
  public init(id: String, text: String, section: [String]) {
    self.id = id
    self.text = text
    self.section = section
  }
}

/// A procedure that is worked through as a checklist every quarter.
public struct ChecklistProcedure: Hashable, Sendable {
  /// The procedure's slug (its file name without `.md`).
  public var slug: String
  /// The procedure's title.
  public var title: String
  /// Its task-list items in document order.
  public var items: [ProcedureItem]
  /// The ids of the teams it applies to, or nil for every team.
  public var teamIDs: [String]?

  /// A checklist procedure with every field given.
  public init(slug: String, title: String, items: [ProcedureItem], teamIDs: [String]?) {
    self.slug = slug
    self.title = title
    self.items = items
    self.teamIDs = teamIDs
  }

  /// Whether the procedure applies to the team.
  public func applies(to teamID: String) -> Bool {
    teamIDs.map { $0.contains { $0.lowercased() == teamID.lowercased() } } ?? true
  }
}
