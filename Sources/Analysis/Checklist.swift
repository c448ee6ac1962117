import Model

/// Builds a team's quarterly checklist: the items of the procedures that apply to it, then one
/// generated item per principal with open unused access, marked done by the team's review file.
enum ChecklistBuilder {
  static let generatedSection = "Unused access"

  static func progress(
    team: Team, quarter: Quarter, principals: [PrincipalReport], settings: AnalysisSettings,
    problems: inout [DataProblem]
  ) -> ChecklistProgress {
    var entries: [ChecklistEntry] = []
    for procedure in settings.procedures where procedure.applies(to: team.id) {
      for item in procedure.items {
        entries.append(
          ChecklistEntry(
            id: item.id, text: item.text, section: procedure.title, procedureSlug: procedure.slug,
            signOff: nil))
      }
    }
    var usedIDs = Set(entries.map(\.id))
    for report in principals where !report.items.isEmpty {
      var id = "unused-" + Slug.make(report.principal.name, maxLength: 48) + "-" + report.principal.accountID
      var suffix = 2
      while usedIDs.contains(id) {
        id =
          "unused-" + Slug.make(report.principal.name, maxLength: 48) + "-" + report.principal.accountID
          + "-\(suffix)"
        suffix += 1
      }
      usedIDs.insert(id)
      entries.append(
        ChecklistEntry(
          id: id, text: text(for: report), section: generatedSection, procedureSlug: nil, signOff: nil))
    }
    if let review = settings.reviews.first(where: {
      $0.quarter == quarter && $0.teamID.lowercased() == team.id.lowercased()
    }) {
      var indexOfID: [String: Int] = [:]
      for (index, entry) in entries.enumerated() { indexOfID[entry.id] = index }
      for signOff in review.signOffs {
        guard let index = indexOfID[signOff.itemID] else {
          problems.append(
            DataProblem(
              file: review.file, line: signOff.line,
              message: "sign-off for unknown checklist item id \"\(signOff.itemID)\""))
          continue
        }
        entries[index].signOff = signOff
      }
    }
    return ChecklistProgress(quarter: quarter, entries: entries)
  }

  /// "Remove 12 unused permissions and 1 unused access key from payments-api (111122223333), or
  /// record an exception"
  static func text(for report: PrincipalReport) -> String {
    var parts: [String] = []
    func add(_ count: Int, _ singular: String, _ plural: String) {
      if count > 0 { parts.append("\(count) \(count == 1 ? singular : plural)") }
    }
    add(report.unusedPermissions, "unused permission", "unused permissions")
    add(report.items.filter { $0.kind == .accessKey }.count, "unused access key", "unused access keys")
    add(report.items.filter { $0.kind == .password }.count, "unused password", "unused passwords")
    let list =
      parts.count > 1 ? parts.dropLast().joined(separator: ", ") + " and " + parts.last! : parts.first
    let name = report.principal.name + " (" + report.principal.accountID + ")"
    if report.items.contains(where: { $0.kind == .role }) {
      let extra = list.map { " (it also has \($0))" } ?? ""
      return "Delete the unused role \(name)\(extra), or record an exception"
    }
    return "Remove \(list ?? "unused access") from \(name), or record an exception"
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
