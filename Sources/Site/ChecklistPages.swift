import Analysis
import Model
import TemplateEngine

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
    let carriedOver = checklist.entries.countInPlace { $0.pointee.isCarriedOver }
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

  /// The same checklist as Markdown, to paste into a ticket, as UTF-8.
  ///
  /// Written part by part into one buffer, entries read in place: a checklist has a line per
  /// principal, and making each line's parts as strings, then the lines, then joining them cost
  /// about five thousand instructions a line.
  func checklistMarkdown(_ team: TeamReport, _ checklist: ChecklistProgress) -> [UInt8] {
    var text = TemplateOutput(capacity: 128 * checklist.entries.count + 256)
    text.append("# ")
    Self.appendMarkdownText(team.team.name, to: &text)
    text.append(": ")
    text.append(checklist.quarter.label)
    text.append(" review checklist\n\n")
    text.appendDecimal(checklist.done)
    text.append(" of ")
    text.appendDecimal(checklist.total)
    text.append(" items done; due ")
    text.append(checklist.quarter.lastDay.iso)
    text.append(".")
    // Each part begins with the line break that ends the line before it, and the file ends with one.
    var section: String?
    checklist.entries.forEachInPlace { entry in
      if entry.pointee.section != section {
        section = entry.pointee.section
        text.append("\n\n## ")
        Self.appendMarkdownText(entry.pointee.section, to: &text)
        text.append("\n")
      }
      text.append(entry.pointee.signOff != nil ? "\n- [x] " : "\n- [ ] ")
      Self.appendMarkdownText(entry.pointee.text, to: &text)
      text.append(" (`")
      text.append(entry.pointee.id)
      text.append("`)")
      if entry.pointee.isCarriedOver { text.append(" (carried over)") }
      if let signOff = entry.pointee.signOff {
        text.append(" (signed off by ")
        Self.appendMarkdownText(signOff.by, to: &text)
        text.append(" on ")
        text.append(signOff.on.iso)
        text.append(")")
      }
    }
    text.append("\n")
    return text.bytes
  }

  /// Appends `markdownText(text)`: the text's own bytes when it holds nothing to escape.
  static func appendMarkdownText(_ text: String, to output: inout TemplateOutput) {
    let isCopied = text.withUTF8Bytes { bytes in
      guard !bytes.contains(where: isMarkdownSpecial) else { return false }
      output.append(bytes)
      return true
    }
    if !isCopied { output.append(markdownText(text)) }
  }

  /// Whether `byte` is read as Markdown markup or breaks a line, so that a text holding it is
  /// escaped (`markdownText`).
  private static func isMarkdownSpecial(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["),
      UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "#"), UInt8(ascii: "|"),
      UInt8(ascii: "!"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
      true
    default: false
    }
  }

  /// Text for a Markdown list item: characters Markdown would read as markup are escaped, and
  /// line breaks folded, so input can never add links, HTML or list structure to the ticket.
  static func markdownText(_ text: String) -> String {
    // Most text holds no markup character and no line break: it is used as it is. Read in
    // place, as a string's `utf8` view costs ten times as much per byte.
    if !text.withUTF8Bytes({ $0.contains(where: isMarkdownSpecial) }) { return text }
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
