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

  /// RFC 4180 CSV in UTF-8 with CRLF line ends, where cells that a spreadsheet would run as a
  /// formula are neutralised with a leading apostrophe; and the same rows as a JSON array of
  /// objects, one row object per line (indenting every member would double the size). Rows go
  /// principal by principal in page order, each principal's items in page order.
  var files: (csv: [UInt8], json: [UInt8]) {
    // Bytes rather than strings, and each principal's own cells encoded once for all its rows: a
    // large organisation's exports hold a million rows and are the largest files of the site.
    var csv = Array((Self.columns.map(Self.cell).joined(separator: ",") + "\r\n").utf8)
    var json: [UInt8] = [UInt8(ascii: "[")]
    var isFirst = true
    // A handful of source combinations name every row: encoded once each.
    var sourceCells: [SourceSet: (csv: [UInt8], json: [UInt8])] = [:]
    for report in team.principals {
      var csvPrefix: [UInt8] = []
      var jsonPrefix: [UInt8] = []
      let principal = report.principal
      for (column, value) in zip(
        Self.columns, [team.team.id, principal.arn, principal.name, principal.accountID])
      {
        Self.appendCSV(value, to: &csvPrefix)
        csvPrefix.append(UInt8(ascii: ","))
        Self.appendJSONMember(column, value, first: column == "team", to: &jsonPrefix)
      }
      for items in [report.items, report.acceptedItems] {
        for item in items {
          let sources =
            sourceCells[item.sources]
            ?? {
              let names = item.sources.names.joined(separator: "; ")
              var cells: (csv: [UInt8], json: [UInt8]) = ([], [])
              Self.appendCSV(names, to: &cells.csv)
              Self.appendJSONMember("sources", names, first: false, to: &cells.json)
              sourceCells[item.sources] = cells
              return cells
            }()
          let status: String
          if item.isAccepted {
            status = "accepted"
          } else if item.reviewException != nil {
            status = item.exceptionExpired ? "exception expired" : "kept on purpose"
          } else {
            status = "open"
          }
          let firstSeen = item.openSince.iso
          let lastUsed = item.lastUsedOn?.iso ?? ""
          let days = String(item.daysOpen)
          let exceptionUntil = item.reviewException?.expires.iso ?? ""
          let approver = item.reviewException?.approver ?? ""

          csv.append(contentsOf: csvPrefix)
          Self.appendCSV(item.kind.rawValue, to: &csv)
          csv.append(UInt8(ascii: ","))
          Self.appendCSV(item.displayName, to: &csv)
          csv.append(UInt8(ascii: ","))
          csv.append(contentsOf: sources.csv)
          for value in [
            firstSeen, lastUsed, days, item.isOverdue ? "yes" : "no", status, exceptionUntil, approver,
          ] {
            csv.append(UInt8(ascii: ","))
            Self.appendCSV(value, to: &csv)
          }
          csv.appendUTF8("\r\n")

          json.appendUTF8(isFirst ? "\n{" : ",\n{")
          isFirst = false
          json.append(contentsOf: jsonPrefix)
          Self.appendJSONMember("kind", item.kind.rawValue, first: false, to: &json)
          Self.appendJSONMember("permission", item.displayName, first: false, to: &json)
          json.append(contentsOf: sources.json)
          Self.appendJSONMember("first_seen", firstSeen, first: false, to: &json)
          Self.appendJSONMember("last_used", lastUsed, first: false, to: &json)
          json.appendUTF8(",\"days_open\":")
          json.appendUTF8(days)
          json.appendUTF8(item.isOverdue ? ",\"overdue\":true" : ",\"overdue\":false")
          Self.appendJSONMember("status", status, first: false, to: &json)
          Self.appendJSONMember("exception_until", exceptionUntil, first: false, to: &json)
          Self.appendJSONMember("exception_approver", approver, first: false, to: &json)
          json.append(UInt8(ascii: "}"))
        }
      }
    }
    json.appendUTF8(isFirst ? "]\n" : "\n]\n")
    return (csv, json)
  }

  /// A cell as `cell(_:)` makes it; a plain cell is the value itself, so nothing is built for it.
  private static func appendCSV(_ value: String, to bytes: inout [UInt8]) {
    bytes.appendUTF8(cell(value))
  }

  /// `"column":"value"` (or `null` for an empty value), preceded by a comma unless it is the first.
  private static func appendJSONMember(
    _ column: String, _ value: String, first: Bool, to bytes: inout [UInt8]
  ) {
    bytes.appendUTF8(first ? "\"" : ",\"")
    bytes.appendUTF8(column)
    bytes.appendUTF8("\":")
    if value.isEmpty {
      bytes.appendUTF8("null")
    } else {
      JSONWriter.appendQuoted(value, to: &bytes)
    }
  }

  static func cell(_ value: String) -> String {
    // Most cells are plain: nothing to neutralise or quote, so the text is returned as it is.
    let special = value.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    // `=`, `+`, `-`, `@`, tab and carriage return start a formula in a spreadsheet.
    let risky =
      switch value.utf8.first {
      case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: true
      default: false
      }
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
    // One string appended to, rather than lines joined: two hundred teams' feeds of 500 entries.
    var xml = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
    xml.reserveCapacity(1_024 * min(changes.count, Self.limit) + 1_024)
    xml += #"<feed xmlns="http://www.w3.org/2005/Atom">"# + "\n"
    xml += "  <title>" + XMLText.escape(title) + "</title>\n"
    xml += "  <id>" + XMLText.escape(tag("feed/" + path)) + "</id>\n"
    xml += "  <updated>" + updated.iso + "T00:00:00Z</updated>\n"
    xml += "  <author><name>permsite</name></author>\n"
    xml += #"  <link rel="alternate" type="text/html" href=""# + XMLText.escape(link(pagePath)) + "\"/>\n"
    if baseURL != nil {
      xml += #"  <link rel="self" type="application/atom+xml" href=""# + XMLText.escape(link(path)) + "\"/>\n"
    }
    let events = changes.lazy.filter { $0.kind != .resolved }.prefix(Self.limit)
    for change in events {
      let what: String =
        switch change.kind {
        case .new: "New unused permission"
        case .regressed: "Unused again"
        case .overdue: "Overdue"
        case .resolved: "Removed"
        }
      let principal = change.principal
      let summary: String =
        switch change.kind {
        case .new:
          "\(principal.name) (\(principal.accountID)) has \(change.access), unused, since the snapshot of \(change.day.iso)."
        case .regressed:
          "\(change.access) of \(principal.name) (\(principal.accountID)) was removed, and is granted and unused again since \(change.day.iso)."
        case .overdue:
          "\(change.access) of \(principal.name) (\(principal.accountID)) passed its removal deadline on \(change.day.iso)."
        case .resolved: "\(change.access) of \(principal.name) was removed."
        }
      let page = principalPage(principal.arn) ?? pagePath
      let day = change.day.iso
      xml += "  <entry>\n    <title>"
      xml += XMLText.escape(what + ": " + change.access + " on " + principal.name)
      xml += "</title>\n    <id>"
      xml += XMLText.escape(
        tag(change.kind.rawValue + "/" + principal.arn + "/" + change.access.lowercased() + "/" + day))
      xml += "</id>\n    <updated>" + day + "T00:00:00Z</updated>\n"
      xml += #"    <link rel="alternate" type="text/html" href=""# + XMLText.escape(link(page)) + "\"/>\n"
      xml += "    <summary>" + XMLText.escape(summary) + "</summary>\n  </entry>\n"
    }
    xml += "</feed>\n"
    return xml
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

extension [UInt8] {
  /// Appends the UTF-8 of `text` with one copy: appending a string's `utf8` view goes byte by
  /// byte, and the exports append millions of short strings.
  mutating func appendUTF8(_ text: String) {
    var text = text
    text.withUTF8 { append(contentsOf: $0) }
  }
}
