import Model

/// Builds a team's quarterly checklist: the items of the procedures that apply to it, then items
/// generated from its findings at the quarter's latest snapshot (one per principal with unused
/// access, one per unused credential, one per expired exception), marked done by the team's review
/// file and marked carried over when they were left open at the end of the previous quarter.
enum ChecklistBuilder {
  static let generatedSection = "Unused access"
  static let exceptionSection = "Expired exceptions"

  struct Input {
    var team: Team
    var quarter: Quarter
    /// The team's principals at the quarter's latest snapshot, with review exceptions applied.
    var principals: [PrincipalReport]
    /// The day of the quarter's latest snapshot.
    var day: Day
    var previous: ChecklistProgress?
  }

  static func progress(_ input: Input, settings: AnalysisSettings, problems: inout [DataProblem])
    -> ChecklistProgress
  {
    var entries = procedureEntries(input, settings: settings)
    var usedIDs = UniqueNames(minimumCapacity: entries.count + input.principals.count)
    for entry in entries { usedIDs.take(entry.id) }
    func add(_ base: String, text: String, section: String) {
      let id = usedIDs.claim(base)
      entries.append(ChecklistEntry(id: id, text: text, section: section, procedureSlug: nil, signOff: nil))
    }
    // Reports are read where they are stored: copying each report and its principal retained and
    // released every string and array of both, for every principal of every team, twice a quarter.
    input.principals.forEachInPlace { report in
      let principalName = report.pointee.principal.name
      let accountID = report.pointee.principal.accountID
      let name = String(
        concatenating: Slug.make(principalName, maxLength: 48, fallback: "principal"), "-", accountID)
      if let text = principalText(for: report) {
        add(String(concatenating: "unused-", name), text: text, section: generatedSection)
      }
      for item
        in report.pointee.items.filterInPlace({
          OpenItem.isOutstanding($0) && ($0.pointee.kind == .accessKey || $0.pointee.kind == .password)
        })
      {
        let what = item.kind == .password ? "the console password" : "access key \(item.detail)"
        let action = item.kind == .password ? "Remove" : "Deactivate, then delete,"
        add(
          "credential-" + name + "-"
            + Slug.make(item.kind == .password ? "password" : item.detail, fallback: "key"),
          text: "\(action) \(what) of \(principalName) (\(accountID)), unused since "
            + (item.lastUsedOn.map { "its last use on \($0.iso)" } ?? "it was created"),
          section: generatedSection)
      }
      for (exception, items) in expiredExceptions(report) {
        let what = exception.permission ?? "all unused access"
        add(
          "exception-" + name + "-" + Slug.make(what, maxLength: 40, fallback: "all"),
          text:
            "Renew or end the exception for \(what) of \(principalName) (\(accountID)): it expired on "
            + "\(exception.expires.iso) (approved by \(exception.approver)); \(items) item\(items == 1 ? " is" : "s are") "
            + "outstanding again",
          section: exceptionSection)
      }
    }
    applySignOffs(to: &entries, input: input, settings: settings, problems: &problems)
    if let previous = input.previous {
      let leftOpen = Set(previous.entries.filter { !$0.isDone }.map(\.id))
      for index in entries.indices where leftOpen.contains(entries[index].id) && !entries[index].isDone {
        entries[index].isCarriedOver = true
      }
    }
    return ChecklistProgress(quarter: input.quarter, entries: entries)
  }

  private static func procedureEntries(_ input: Input, settings: AnalysisSettings) -> [ChecklistEntry] {
    var entries: [ChecklistEntry] = []
    for procedure in settings.procedures where procedure.applies(to: input.team.id) {
      for item in procedure.items {
        entries.append(
          ChecklistEntry(
            id: item.id, text: substitute(item.text, team: input.team, quarter: input.quarter),
            section: procedure.title, procedureSlug: procedure.slug, signOff: nil))
      }
    }
    return entries
  }

  /// Replaces `{team}`, `{team_id}`, `{champions}`, `{quarter}` and `{due}` (the quarter's last
  /// day) in procedure text; other braces are left as they are.
  static func substitute(_ text: String, team: Team, quarter: Quarter) -> String {
    guard text.contains("{") else { return text }
    let values = [
      "{team}": team.name, "{team_id}": team.id, "{quarter}": quarter.label, "{due}": quarter.lastDay.iso,
      "{champions}": team.champions.isEmpty
        ? "the team's champion" : team.champions.map(\.name).joined(separator: ", "),
    ]
    var result = text
    for key in values.keys.sorted() {
      result = result.replacing(key, with: values[key]!)
    }
    return result
  }

  private static func applySignOffs(
    to entries: inout [ChecklistEntry], input: Input, settings: AnalysisSettings,
    problems: inout [DataProblem]
  ) {
    guard
      let review = settings.reviews.first(where: {
        $0.quarter == input.quarter && $0.teamID.lowercased() == input.team.id.lowercased()
      })
    else { return }
    var indexOfID: [String: Int] = [:]
    for (index, entry) in entries.enumerated() { indexOfID[entry.id] = index }
    for signOff in review.signOffs {
      guard let index = indexOfID[signOff.itemID] else {
        problems.append(
          DataProblem(
            file: review.file, line: signOff.line,
            message:
              "sign-off for unknown checklist item id \"\(signOff.itemID)\" (the checklist page lists the ids)"
          ))
        continue
      }
      entries[index].signOff = signOff
    }
  }

  /// "Remove 12 unused permissions from payments-api (111122223333), or record an exception"; nil
  /// when nothing but credentials or excepted items is outstanding.
  static func principalText(for report: UnsafePointer<PrincipalReport>) -> String? {
    // Counted in place: this runs for every principal of every team, twice a quarter.
    let permissions = report.pointee.items.countInPlace {
      OpenItem.isOutstanding($0) && $0.pointee.kind == .permission
    }
    let noun = permissions == 1 ? "unused permission" : "unused permissions"
    // Made in one go: every principal of every team has one, twice a quarter.
    if report.pointee.items.containsInPlace(where: { OpenItem.isOutstanding($0) && $0.pointee.kind == .role })
    {
      let extra =
        permissions > 0 ? String(concatenating: " (it also has ", String(permissions), " ", noun, ")") : ""
      return String(
        concatenating: "Delete the unused role ", report.pointee.principal.name, " (",
        report.pointee.principal.accountID,
        ")", extra,
        ", or record an exception")
    }
    guard permissions > 0 else { return nil }
    return String(
      concatenating: "Remove ", String(permissions), " ", noun, " from ", report.pointee.principal.name, " (",
      report.pointee.principal.accountID, "), or record an exception")
  }

  /// Exceptions of the principal that have expired, with how many open items each covers.
  static func expiredExceptions(_ report: UnsafePointer<PrincipalReport>) -> [(ReviewException, Int)] {
    var counts: [ReviewException: Int] = [:]
    report.pointee.items.forEachInPlace { item in
      if item.pointee.exceptionExpired, let exception = OpenItem.reviewException(item) {
        counts[exception, default: 0] += 1
      }
    }
    return counts.sorted {
      ($0.key.permission ?? "", $0.key.expires) < ($1.key.permission ?? "", $1.key.expires)
    }
    .map { ($0.key, $0.value) }
  }

  /// Review files whose team id is not in teams.yml.
  static func unknownTeamReviews(settings: AnalysisSettings) -> [DataProblem] {
    let ids = Set(settings.teams.map { $0.id.lowercased() })
    return settings.reviews.filter { !ids.contains($0.teamID.lowercased()) }.map {
      DataProblem(
        file: $0.file, message: "no team with id \"\($0.teamID)\" in teams.yml; this review is ignored")
    }
  }
}

/// Applies the exceptions teams record in their review files to their open items.
enum ReviewExceptions {
  /// Every exception a team recorded in review files up to and including `quarter`; a later
  /// file's exception for the same access replaces an earlier one.
  static func exceptions(team: String, upTo quarter: Quarter, reviews: [Review]) -> [ReviewException] {
    var latest: [String: ReviewException] = [:]
    for review in reviews.sorted(by: { $0.quarter < $1.quarter })
    where review.teamID.lowercased() == team.lowercased() && review.quarter <= quarter {
      for exception in review.exceptions {
        latest[exception.principalARN + " " + (exception.permission?.lowercased() ?? "")] = exception
      }
    }
    return latest.values.sorted {
      ($0.principalARN, $0.permission ?? "") < ($1.principalARN, $1.permission ?? "")
    }
  }

  /// The reports with each open item's exception set; an exception for one permission wins over
  /// one for the whole principal.
  static func apply(_ exceptions: [ReviewException], to reports: [PrincipalReport], on day: Day)
    -> [PrincipalReport]
  {
    guard !exceptions.isEmpty else { return reports }
    let byPrincipal = Dictionary(grouping: exceptions, by: \.principalARN)
    return reports.map { report in
      guard let mine = byPrincipal[report.principal.arn] else { return report }
      return report.with(
        items: report.items.map { item in
          var item = item
          let specific = mine.first { $0.permission?.lowercased() == item.displayName.lowercased() }
          if let exception = specific ?? mine.first(where: { $0.permission == nil }) {
            item.reviewException = exception
            item.exceptionExpired = exception.expires < day
          }
          return item
        })
    }
  }
}
