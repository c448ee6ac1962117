import Analysis
import Model

extension PageBuilder {
  /// `teams/TEAM/checklists/YYYY-Qn.html` for one of the team's checklists.
  func teamChecklist(_ team: TeamReport, _ checklist: ChecklistProgress) -> TeamChecklistModel {
    var sections: [ChecklistSectionModel] = []
    for entry in checklist.entries {
      let item = ChecklistItemModel(
        id: entry.id, text: entry.text, isDone: entry.isDone, signedBy: entry.signOff?.by ?? "",
        signedOn: entry.signOff?.on.iso ?? "", note: entry.signOff?.note ?? "",
        hasNote: entry.signOff?.note != nil, isCarriedOver: entry.isCarriedOver)
      if let last = sections.last, last.title == entry.section {
        sections[sections.count - 1].items.append(item)
      } else {
        let href = entry.procedureSlug.map { "../../../" + SitePaths.procedure(procedureSlug(for: $0)) }
        sections.append(
          ChecklistSectionModel(title: entry.section, href: href ?? "", hasHref: href != nil, items: [item]))
      }
    }
    let carriedOver = checklist.entries.filter(\.isCarriedOver).count
    let others = [team.previousChecklist, team.checklist].compactMap { $0 }.filter {
      $0.quarter != checklist.quarter
    }
    return TeamChecklistModel(
      teamName: team.team.name, teamHref: "../index.html", quarter: checklist.quarter.label,
      due: checklist.quarter.lastDay.iso, done: Format.count(checklist.done),
      total: Format.count(checklist.total),
      percent: Int((Ratio.of(checklist.done, checklist.total) * 100).rounded()),
      carriedOver: carriedOver == 0
        ? "" : Format.counted(carriedOver, "item", "items") + " carried over from last quarter",
      hasCarriedOver: carriedOver > 0,
      reviewFile: "content/reviews/\(checklist.quarter.label)/\(team.team.id).yml", sections: sections,
      hasItems: !checklist.entries.isEmpty, markdownHref: checklist.quarter.label + ".md",
      otherQuarters: others.map { LinkModel(label: $0.quarter.label, href: $0.quarter.label + ".html") })
  }

  /// The same checklist as Markdown, to paste into a ticket.
  func checklistMarkdown(_ team: TeamReport, _ checklist: ChecklistProgress) -> String {
    var lines = [
      "# \(Self.markdownText(team.team.name)): \(checklist.quarter.label) review checklist", "",
      "\(checklist.done) of \(checklist.total) items done; due \(checklist.quarter.lastDay.iso).",
    ]
    var section: String?
    for entry in checklist.entries {
      if entry.section != section {
        section = entry.section
        lines += ["", "## " + Self.markdownText(entry.section), ""]
      }
      // Made in one go: a checklist has a line per principal, and every team has two.
      var line = String(
        concatenating: entry.isDone ? "- [x] " : "- [ ] ", Self.markdownText(entry.text), " (`", entry.id,
        "`)")
      if entry.isCarriedOver { line += " (carried over)" }
      if let signOff = entry.signOff {
        line += " (signed off by \(Self.markdownText(signOff.by)) on \(signOff.on.iso))"
      }
      lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Text for a Markdown list item: characters Markdown would read as markup are escaped, and
  /// line breaks folded, so input can never add links, HTML or list structure to the ticket.
  static func markdownText(_ text: String) -> String {
    // Most text holds no markup character and no line break: it is used as it is. Read in
    // place, as a string's `utf8` view costs ten times as much per byte.
    let special = text.withUTF8Bytes { bytes in
      bytes.contains {
        switch $0 {
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["),
          UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "#"), UInt8(ascii: "|"),
          UInt8(ascii: "!"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
          true
        default: false
        }
      }
    }
    if !special { return text }
    var result = ""
    for character in text {
      switch character {
      case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "!", "{", "}":
        result.append("\\")
        result.append(character)
      case "\n", "\r":
        result.append(" ")
      default:
        result.append(character)
      }
    }
    return result
  }

  /// `checklists/YYYY-Qn.html`: every team's progress, overdue teams first.
  func quarterChecklists(_ quarter: Quarter, current: Bool) -> QuarterChecklistsModel {
    let teams = report.teams.filter { !$0.isUnowned }
    struct Row {
      var row: ChecklistProgressRow
      var overdue: Bool
      var share: Double
      var name: String
    }
    var rows: [Row] = []
    for team in teams {
      guard let checklist = current ? team.checklist : team.previousChecklist else { continue }
      let share = Ratio.of(checklist.done, checklist.total)
      // A team is overdue when items from last quarter are still open, or, for a past quarter,
      // when anything was left open at its end.
      let open = checklist.total - checklist.done
      // Generated items carry over while the access they name stays; procedure steps left undone
      // are what make a review late.
      let overdue =
        current ? checklist.entries.contains { $0.isCarriedOver && $0.procedureSlug != nil } : open > 0
      rows.append(
        Row(
          row: ChecklistProgressRow(
            teamName: team.team.name, href: "../" + paths.teamChecklist(team.team.id, quarter),
            done: Format.count(checklist.done), total: Format.count(checklist.total),
            percent: Int((share * 100).rounded()), percentText: Format.percent(share),
            status: overdue
              ? (current ? "Overdue: last quarter's review unfinished" : "Left \(open) open") : "On track",
            isOverdue: overdue),
          overdue: overdue, share: share, name: team.team.name))
    }
    rows.sort { ($0.overdue ? 0 : 1, $0.share, $0.name) < ($1.overdue ? 0 : 1, $1.share, $1.name) }
    return QuarterChecklistsModel(
      quarter: quarter.label, due: quarter.lastDay.iso, rows: rows.map(\.row),
      overdueCount: Format.counted(rows.filter(\.overdue).count, "team", "teams"))
  }
}
