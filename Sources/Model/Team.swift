/// A person who looks after a team's permissions and works through its quarterly checklist.
public struct Champion: Hashable, Sendable {
  /// Their name as pages show it.
  public var name: String
  /// Their e-mail address, when given.
  public var email: String?

  /// A champion with a name and an optional address.
  public init(name: String, email: String? = nil) {
    self.name = name
    self.email = email
  }
}

/// One way `teams.yml` says a principal belongs to a team.
public enum MatchRule: Hashable, Sendable {
  /// Every principal in this 12-digit account.
  case account(String)
  /// Every principal whose ARN matches this glob (`*` any run of characters, `?` one character).
  case arn(Glob)
  /// Every principal carrying this tag with this value.
  case tag(key: String, value: String)

  /// Whether the rule matches the principal.
  public func matches(_ principal: Principal) -> Bool {
    switch self {
    case .account(let id): principal.accountID == id
    case .arn(let glob): glob.matches(principal.arn)
    case .tag(let key, let value): principal.tags.contains { $0.key == key && $0.value == value }
    }
  }
}

/// A team from `teams.yml`.
public struct Team: Hashable, Sendable {
  /// The identifier used in file names and review files, e.g. `payments`.
  public var id: String
  /// The name pages show, e.g. `Payments Platform`.
  public var name: String
  /// Who looks after the team's permissions.
  public var champions: [Champion]
  /// Rules in file order; any one matching is enough.
  public var rules: [MatchRule]

  /// A team with every field given.
  public init(id: String, name: String, champions: [Champion] = [], rules: [MatchRule] = []) {
    self.id = id
    self.name = name
    self.champions = champions
    self.rules = rules
  }

  /// The id of the group of principals no team matches.
  public static let unownedID = "unowned"

  /// The group of principals no team matches, shown as "Unowned".
  public static let unowned = Team(id: unownedID, name: "Unowned")
}

/// A shell-style pattern: `*` matches any run of characters (including `/` and `:`), `?` one character.
public struct Glob: Hashable, Sendable, CustomStringConvertible {
  /// The pattern as written.
  public let pattern: String
  private let parts: [Character]
  /// The pattern's bytes when it is ASCII without a carriage return, where a byte is a character.
  private let asciiParts: [UInt8]?

  /// A glob from its pattern.
  public init(_ pattern: String) {
    self.pattern = pattern
    self.parts = Array(pattern)
    self.asciiParts = Self.isPlainASCII(pattern.utf8) ? Array(pattern.utf8) : nil
  }

  /// The pattern as written.
  public var description: String { pattern }

  /// Whether the whole text matches the pattern.
  public func matches(_ text: String) -> Bool {
    // ARNs are ASCII: matched byte by byte, without splitting them into characters, which looks
    // for grapheme clusters (every principal is matched against the teams' patterns).
    if let asciiParts {
      // Checked and matched over the bytes in place: the string's `utf8` view goes through its
      // index machinery at every byte.
      let matched = text.withUTF8Bytes { bytes -> Bool? in
        guard !bytes.contains(where: { $0 >= 0x80 || $0 == 0x0D }) else { return nil }
        return Self.match(asciiParts, bytes, star: UInt8(ascii: "*"), any: UInt8(ascii: "?"))
      }
      if let matched { return matched }
    }
    return Self.match(parts, Array(text), star: "*", any: "?")
  }

  /// ASCII without a carriage return, which with a line feed after it is one character.
  private static func isPlainASCII(_ bytes: String.UTF8View) -> Bool {
    !bytes.contains { $0 >= 0x80 || $0 == 0x0D }
  }

  private static func match<Pattern: RandomAccessCollection, Text: RandomAccessCollection>(
    _ parts: Pattern, _ characters: Text, star: Pattern.Element, any: Pattern.Element
  ) -> Bool
  where Pattern.Element: Equatable, Text.Element == Pattern.Element, Pattern.Index == Int, Text.Index == Int {
    // Greedy matching with one backtrack point per star: linear in practice, never exponential.
    var p = 0
    var t = 0
    var starP = -1
    var starT = 0
    while t < characters.count {
      // A star is always a wildcard, even where the text has a literal `*`.
      if p < parts.count, parts[p] == star {
        starP = p
        starT = t
        p += 1
      } else if p < parts.count, parts[p] == any || parts[p] == characters[t] {
        p += 1
        t += 1
      } else if starP >= 0 {
        p = starP + 1
        starT += 1
        t = starT
      } else {
        return false
      }
    }
    while p < parts.count, parts[p] == star { p += 1 }
    return p == parts.count
  }
}

/// Assigns principals to teams: the first team in file order with a matching rule wins; a team
/// also claims principals whose owner tag (see `SiteConfig.ownerTagKeys`) names its id.
public struct TeamDirectory: Sendable {
  /// The teams in file order, without the unowned group.
  public let teams: [Team]
  /// Tag keys whose value names the owning team's id.
  public let ownerTagKeys: [String]
  // The first team of each account, tag and owner value, and the ARN patterns in team order:
  // looking these up costs the same whether there are 5 teams or 500. Found by hashes of our
  // own rather than in dictionaries, which hashed every principal's account and tags through
  // `Hasher`: a large organisation has a hundred thousand principals.
  private let teamOfAccount: StringKeyedTable<Int>
  private let teamOfTag: TagTable
  private let teamOfID: StringKeyedTable<Int>
  private let patterns: [(team: Int, glob: Glob)]

  /// A directory over the teams of `teams.yml`.
  public init(teams: [Team], ownerTagKeys: [String]) {
    self.teams = teams
    self.ownerTagKeys = ownerTagKeys
    var teamOfAccount = StringKeyedTable<Int>()
    var teamOfTag = TagTable()
    var teamOfID = StringKeyedTable<Int>()
    var patterns: [(team: Int, glob: Glob)] = []
    for (index, team) in teams.enumerated() {
      let id = team.id.lowercased()
      teamOfID.updateValue(teamOfID[id] ?? index, forKey: id)
      for rule in team.rules {
        switch rule {
        case .account(let id): teamOfAccount.updateValue(teamOfAccount[id] ?? index, forKey: id)
        case .tag(let key, let value):
          let tag = Tag(key: key, value: value)
          if teamOfTag[tag] == nil { teamOfTag.insert(index, for: tag) }
        case .arn(let glob): patterns.append((index, glob))
        }
      }
    }
    self.teamOfAccount = teamOfAccount
    self.teamOfTag = teamOfTag
    self.teamOfID = teamOfID
    self.patterns = patterns
  }

  /// The index in `teams` of the team that owns the principal, or nil when none does: the first
  /// team, in file order, with a rule that matches it or whose id its owner tag names.
  public func teamIndex(for principal: Principal) -> Int? {
    var first = teamOfAccount[principal.accountID] ?? Int.max
    for tag in principal.tags {
      if let team = teamOfTag[tag], team < first { first = team }
    }
    for key in ownerTagKeys {
      if let value = principal.tagValue(key), let team = teamOfID[value.fastLowercased()], team < first {
        first = team
      }
    }
    for pattern in patterns where pattern.team < first && pattern.glob.matches(principal.arn) {
      first = pattern.team
      break
    }
    return first == Int.max ? nil : first
  }
}

/// The first team of each tag a rule names, found by a hash of the tag's key and value; tags
/// whose hash another tag holds (none in practice) are kept in a dictionary.
private struct TagTable: Sendable {
  private var byHash = HashKeyedTable<(tag: Tag, team: Int)>()
  private var others: [Tag: Int] = [:]

  subscript(tag: Tag) -> Int? {
    let hash = ContentDigest.hash(of: tag.key, and: tag.value)
    guard let index = byHash.index(of: hash) else { return nil }
    let entry = byHash.values[index]
    return entry.tag == tag ? entry.team : others[tag]
  }

  /// Stores `team` for a tag the table does not hold yet.
  mutating func insert(_ team: Int, for tag: Tag) {
    let hash = ContentDigest.hash(of: tag.key, and: tag.value)
    if byHash.index(of: hash) == nil {
      byHash.updateValue((tag, team), forKey: hash)
    } else {
      others[tag] = team
    }
  }
}
