import Analysis
import Model

/// A team's unused access as data to take into other tools: `data/teams/TEAM.csv` and `.json`,
/// one row per open or accepted item.
struct TeamExport {
  let team: TeamReport

  static let columns = [
    "team", "principal_arn", "principal_name", "account", "kind", "permission", "sources", "first_seen",
    "last_used", "days_open", "overdue", "status", "exception_until", "exception_approver",
  ]

  /// Calls `body` with each row, principals in page order, each principal's items in page order.
  func forEachRow(_ body: ([String]) -> Void) {
    // A handful of source combinations name every row: joined once each.
    var sourceNames: [SourceSet: String] = [:]
    for report in team.principals {
      for item in report.items + report.acceptedItems {
        let status: String
        if item.isAccepted {
          status = "accepted"
        } else if item.reviewException != nil {
          status = item.exceptionExpired ? "exception expired" : "kept on purpose"
        } else {
          status = "open"
        }
        body([
          team.team.id, report.principal.arn, report.principal.name, report.principal.accountID,
          item.kind.rawValue,
          item.displayName,
          sourceNames[item.sources]
            ?? {
              let names = item.sources.names.joined(separator: "; ")
              sourceNames[item.sources] = names
              return names
            }(), item.openSince.iso,
          item.lastUsedOn?.iso ?? "", String(item.daysOpen), item.isOverdue ? "yes" : "no", status,
          item.reviewException?.expires.iso ?? "", item.reviewException?.approver ?? "",
        ])
      }
    }
  }

  /// RFC 4180 CSV in UTF-8 with CRLF line ends, where cells that a spreadsheet would run as a
  /// formula are neutralised with a leading apostrophe; and the same rows as a JSON array of
  /// objects. Both from one pass: a large team has hundreds of thousands of rows.
  /// The JSON has one row object per line: a large team's export runs to hundreds of thousands of
  /// rows, and indenting every member would double its size.
  var files: (csv: [UInt8], json: [UInt8]) {
    // Bytes rather than strings: the exports are the largest files of the site, and a string
    // would be copied once more on its way to the disk.
    var csv = Array((Self.columns.map(Self.cell).joined(separator: ",") + "\r\n").utf8)
    var json: [UInt8] = [UInt8(ascii: "[")]
    var isFirst = true
    forEachRow { row in
      for (index, value) in row.enumerated() {
        if index > 0 { csv.append(UInt8(ascii: ",")) }
        csv.append(contentsOf: Self.cell(value).utf8)
      }
      csv.append(contentsOf: "\r\n".utf8)
      json.append(contentsOf: (isFirst ? "\n{" : ",\n{").utf8)
      isFirst = false
      for (index, (column, value)) in zip(Self.columns, row).enumerated() {
        json.append(contentsOf: (index > 0 ? ",\"" : "\"").utf8)
        json.append(contentsOf: column.utf8)
        json.append(contentsOf: "\":".utf8)
        if column == "days_open" {
          json.append(contentsOf: String(Int(value) ?? 0).utf8)
        } else if column == "overdue" {
          json.append(contentsOf: (value == "yes" ? "true" : "false").utf8)
        } else {
          json.append(contentsOf: (value.isEmpty ? "null" : JSONWriter.quoted(value)).utf8)
        }
      }
      json.append(UInt8(ascii: "}"))
    }
    json.append(contentsOf: (isFirst ? "]\n" : "\n]\n").utf8)
    return (csv, json)
  }

  static func cell(_ value: String) -> String {
    // Most cells are plain: nothing to neutralise or quote, so the text is returned as it is.
    let special = value.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    let risky = value.utf8.first.map { [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D].contains($0) } ?? false
    guard special || risky else { return value }
    let text = risky ? "'" + value : value
    guard special else { return text }
    return "\"" + text.replacing("\"", with: "\"\"") + "\""
  }
}

/// Atom feeds (RFC 4287) of what a champion should hear about: new and regressed unused
/// permissions and items that became overdue. Entry ids are tag URIs built from the item and the
/// day of the event, so a feed reader shows each event once, however often the site is rebuilt.
struct AtomFeed {
  let title: String
  /// The feed's path in the site, e.g. `feeds/payments.atom`.
  let path: String
  /// The page the feed is about, as a site path.
  let pagePath: String
  let changes: [Change]
  let updated: Day
  let baseURL: String?
  /// The site path of each principal's page, by ARN.
  let principalPage: (String) -> String?

  static let limit = 500

  var xml: String {
    var lines = [
      #"<?xml version="1.0" encoding="utf-8"?>"#,
      #"<feed xmlns="http://www.w3.org/2005/Atom">"#,
      "  <title>\(XMLText.escape(title))</title>",
      "  <id>\(XMLText.escape(tag("feed/" + path)))</id>",
      "  <updated>\(updated.iso)T00:00:00Z</updated>",
      "  <author><name>permsite</name></author>",
      #"  <link rel="alternate" type="text/html" href="\#(XMLText.escape(link(pagePath)))"/>"#,
    ]
    if baseURL != nil {
      lines.append(#"  <link rel="self" type="application/atom+xml" href="\#(XMLText.escape(link(path)))"/>"#)
    }
    let events = changes.filter { $0.kind != .resolved }.prefix(Self.limit)
    for change in events {
      let what: String =
        switch change.kind {
        case .new: "New unused permission"
        case .regressed: "Unused again"
        case .overdue: "Overdue"
        case .resolved: "Removed"
        }
      let summary: String =
        switch change.kind {
        case .new:
          "\(change.principal.name) (\(change.principal.accountID)) has \(change.access), unused, since the snapshot of \(change.day.iso)."
        case .regressed:
          "\(change.access) of \(change.principal.name) (\(change.principal.accountID)) was removed, and is granted and unused again since \(change.day.iso)."
        case .overdue:
          "\(change.access) of \(change.principal.name) (\(change.principal.accountID)) passed its removal deadline on \(change.day.iso)."
        case .resolved: "\(change.access) of \(change.principal.name) was removed."
        }
      let page = principalPage(change.principal.arn) ?? pagePath
      lines += [
        "  <entry>",
        "    <title>\(XMLText.escape("\(what): \(change.access) on \(change.principal.name)"))</title>",
        "    <id>\(XMLText.escape(tag("\(change.kind.rawValue)/\(change.principal.arn)/\(change.access.lowercased())/\(change.day.iso)")))</id>",
        "    <updated>\(change.day.iso)T00:00:00Z</updated>",
        #"    <link rel="alternate" type="text/html" href="\#(XMLText.escape(link(page)))"/>"#,
        "    <summary>\(XMLText.escape(summary))</summary>",
        "  </entry>",
      ]
    }
    lines.append("</feed>")
    return lines.joined(separator: "\n") + "\n"
  }

  /// A link to a site path: absolute under `base_url` when set, else relative to the feed.
  func link(_ sitePath: String) -> String {
    if let baseURL {
      return (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + sitePath
    }
    return SitePaths.root(from: path) + sitePath
  }

  /// A tag URI (RFC 4151): the site's host (or `permsite.invalid`), a fixed date, and the name,
  /// percent-encoded where a URI does not allow a character.
  func tag(_ name: String) -> String {
    let host =
      baseURL.flatMap { url -> String? in
        let afterScheme = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first
        return afterScheme.map { String($0.split(separator: ":").first ?? $0) }
      } ?? "permsite.invalid"
    var encoded = ""
    for byte in name.utf8 {
      if Self.isAllowedInTag(byte) {
        encoded.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        encoded += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
      }
    }
    return "tag:\(host),2026:\(encoded)"
  }

  /// ASCII letters and digits and `-._~:/@!$&'()*+,;=` stand for themselves in a tag URI.
  private static func isAllowedInTag(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      true
    default: "-._~:/@!$&'()*+,;=".utf8.contains(byte)
    }
  }
}

/// XML escaping for feeds, with the same bidi-control marks as the pages.
enum XMLText {
  static func escape(_ text: String) -> String {
    // Most text has nothing to escape or mark: no markup character, no control character and no
    // D8 or E2 byte (with which the bidi controls' UTF-8 begins).
    let plain = !text.utf8.contains {
      $0 < 0x20 || $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 == 0xD8
        || $0 == 0xE2
    }
    if plain { return text }
    var result = ""
    for scalar in BidiControls.shown(text).unicodeScalars {
      switch scalar {
      case "&": result += "&amp;"
      case "<": result += "&lt;"
      case ">": result += "&gt;"
      case "\"": result += "&quot;"
      case "'": result += "&apos;"
      default:
        // Characters XML 1.0 forbids even as references become U+FFFD.
        if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" {
          result.unicodeScalars.append("\u{FFFD}")
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result
  }
}

extension String {
  /// The string with zeros in front up to `width` characters.
  func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
