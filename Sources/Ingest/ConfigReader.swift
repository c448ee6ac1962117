import Model

/// Reads `site.yml` and `teams.yml`.
enum ConfigReader {
  static let siteKeys = [
    "title", "base_url", "unused_threshold_days", "fiscal_year_start_month", "history_store", "owner_tags",
    "allow_raw_html", "removal_deadline_days", "stale_after_days", "changes_since_days",
  ]

  /// Reads `site.yml`; a missing or empty file gives the defaults.
  static func readSite(_ text: String?, file: String) throws(IngestError) -> (SiteConfig, [IngestWarning]) {
    var config = SiteConfig()
    var warnings: [IngestWarning] = []
    guard let text, let root = try YAMLField.parse(text, file: file), !root.isNull else {
      return (config, warnings)
    }
    for (key, value) in try root.mappingMembers() {
      switch key {
      case "title": config.title = try value.nonEmptyText()
      case "base_url":
        let url = try value.text().trimmingCharacters()
        guard url.isEmpty || url.hasPrefix("https://") || url.hasPrefix("http://") else {
          throw value.error("expected an absolute http(s) URL, found \"\(url.prefix(60))\"")
        }
        config.baseURL = url.isEmpty ? nil : url
      case "unused_threshold_days": config.unusedThresholdDays = try value.integer(in: 1...3650)
      case "fiscal_year_start_month": config.fiscalYearStartMonth = try value.integer(in: 1...12)
      case "history_store": config.historyPath = try value.nonEmptyText()
      case "owner_tags":
        config.ownerTagKeys = try value.valueOrList().map { field throws(IngestError) in
          try field.nonEmptyText()
        }
      case "allow_raw_html": config.allowsRawHTML = try value.boolean()
      case "removal_deadline_days": config.removalDeadlineDays = try value.integer(in: 1...3650)
      case "stale_after_days": config.staleAfterDays = try value.integer(in: 1...365)
      case "changes_since_days": config.changesSinceDays = try value.integer(in: 1...3650)
      default:
        let suggestion = closest(key, in: siteKeys).map { " (did you mean \($0)?)" } ?? ""
        warnings.append(
          IngestWarning(
            file: file, line: value.line,
            message: "unknown key \"\(key.prefix(60))\"\(suggestion) is ignored; known keys: "
              + siteKeys.joined(separator: ", ")))
      }
    }
    return (config, warnings)
  }

  static let teamKeys = ["id", "name", "champions", "match"]
  static let matchKeys = ["accounts", "arns", "tags"]

  /// Reads `teams.yml`: a `teams:` list (or a bare list) of teams.
  static func readTeams(_ text: String?, file: String) throws(IngestError) -> ([Team], [IngestWarning]) {
    guard let text, let root = try YAMLField.parse(text, file: file), !root.isNull else {
      return ([], [])
    }
    var warnings: [IngestWarning] = []
    var list = root
    if case .mapping = root.node {
      guard let teams = try root.mappingMembers().first(where: { $0.key == "teams" })?.value else {
        throw root.error("expected a `teams:` list", hint: "See the README for the format of teams.yml")
      }
      list = teams
    }
    if list.isNull { return ([], []) }
    var teams: [Team] = []
    var seen: [String: Int] = [:]
    for entry in try list.sequenceElements() {
      var id: String?
      var name: String?
      var champions: [Champion] = []
      var rules: [MatchRule] = []
      for (key, value) in try entry.mappingMembers() {
        switch key {
        case "id": id = try value.nonEmptyText()
        case "name": name = try value.nonEmptyText()
        case "champions": champions = try readChampions(value)
        case "match": rules = try readRules(value, warnings: &warnings)
        default:
          warnings.append(
            IngestWarning(
              file: file, line: value.line,
              message: "unknown key \"\(key.prefix(60))\" in a team is ignored; known keys: "
                + teamKeys.joined(separator: ", ")))
        }
      }
      guard let id else {
        throw entry.error("a team needs an `id`", hint: "Add a short identifier such as `id: payments`")
      }
      if id.lowercased() == Team.unownedID {
        throw entry.error(
          "the team id \"\(Team.unownedID)\" is reserved for principals no team matches",
          hint: "Choose another id")
      }
      if let line = seen[id.lowercased()] {
        throw entry.error(
          "duplicate team id \"\(id.prefix(60))\" (first defined on line \(line))",
          hint: "Team ids must be unique, ignoring case")
      }
      seen[id.lowercased()] = entry.line ?? 0
      teams.append(Team(id: id, name: name ?? id, champions: champions, rules: rules))
    }
    return (teams, warnings)
  }

  private static func readChampions(_ field: YAMLField) throws(IngestError) -> [Champion] {
    var champions: [Champion] = []
    for entry in try field.valueOrList() {
      if case .scalar = entry.node {
        champions.append(Champion(name: try entry.nonEmptyText()))
        continue
      }
      var name: String?
      var email: String?
      for (key, value) in try entry.mappingMembers() {
        switch key {
        case "name": name = try value.nonEmptyText()
        case "email": email = try value.nonEmptyText()
        default: continue
        }
      }
      guard let name else { throw entry.error("a champion needs a `name`") }
      champions.append(Champion(name: name, email: email))
    }
    return champions
  }

  private static func readRules(_ field: YAMLField, warnings: inout [IngestWarning]) throws(IngestError)
    -> [MatchRule]
  {
    var rules: [MatchRule] = []
    for (key, value) in try field.mappingMembers() {
      switch key {
      case "accounts":
        for account in try value.valueOrList() {
          var id = try account.nonEmptyText()
          // YAML reads an unquoted account id as a number and drops leading zeros.
          if id.count < 12, id.allSatisfy(\.isASCIIDigit) {
            id = String(repeating: "0", count: 12 - id.count) + id
          }
          guard id.count == 12, id.allSatisfy(\.isASCIIDigit) else {
            throw account.error("\"\(id.prefix(40))\" is not a 12-digit AWS account id")
          }
          rules.append(.account(id))
        }
      case "arns":
        for pattern in try value.valueOrList() {
          let glob = try pattern.nonEmptyText()
          guard glob.hasPrefix("arn:") || glob.hasPrefix("*") else {
            throw pattern.error(
              "\"\(glob.prefix(60))\" is not an ARN pattern",
              hint: "Write it like arn:aws:iam::*:role/payments-*")
          }
          rules.append(.arn(Glob(glob)))
        }
      case "tags":
        for tag in try value.valueOrList() {
          let text = try tag.nonEmptyText()
          guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw tag.error(
              "\"\(text.prefix(60))\" is not a tag rule", hint: "Write it as key=value, e.g. team=payments")
          }
          rules.append(
            .tag(key: String(text[..<equals]), value: String(text[text.index(after: equals)...])))
        }
      default:
        warnings.append(
          IngestWarning(
            file: value.file, line: value.line,
            message: "unknown match key \"\(key.prefix(60))\" is ignored; known keys: "
              + matchKeys.joined(separator: ", ")))
      }
    }
    return rules
  }

  /// The known key closest to a misspelt one, when it is close enough to be a typo.
  static func closest(_ key: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
    guard let (best, distance) = scored, distance <= max(2, key.count / 4) else { return nil }
    return best
  }

  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}

extension Character {
  var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
