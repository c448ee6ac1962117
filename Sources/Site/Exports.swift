import Analysis
import Model
import TemplateEngine

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
    withFiles { csv, json in (Array(csv), Array(json)) }
  }

  /// Calls `body` with the two files' bytes (see `files`), read in place: a large team's exports
  /// are megabytes each, and copying them into arrays of their own only to write them out cost a
  /// third of a percent of a nightly build.
  func withFiles<Result>(
    _ body: (_ csv: UnsafeBufferPointer<UInt8>, _ json: UnsafeBufferPointer<UInt8>) throws -> Result
  ) rethrows -> Result {
    // Bytes rather than strings, and each principal's own cells encoded once for all its rows: a
    // large organisation's exports hold a million rows and are the largest files of the site.
    let rows = team.principals.reduce(0) { $0 + $1.items.count + $1.acceptedItems.count }
    var csv = ExportWriter(capacity: 160 * rows + 256)
    var json = ExportWriter(capacity: 320 * rows + 16)
    csv.bytes.append(Self.columns.map(Self.cell).joined(separator: ",") + "\r\n")
    json.bytes.append(UInt8(ascii: "["))
    var isFirst = true
    // A handful of source combinations name every row: encoded once each, and found by their
    // bits in a list (a dictionary lookup hashed the set for each of a million rows).
    var sourceCells = [(csv: [UInt8], json: [UInt8])?](repeating: nil, count: 64)
    team.principals.forEachInPlace { report in
      var csvPrefix = ExportWriter(capacity: 256)
      var jsonPrefix = ExportWriter(capacity: 384)
      let principal = report.pointee.principal
      for (column, value) in zip(
        Self.columns, [team.team.id, principal.arn, principal.name, principal.accountID])
      {
        csvPrefix.appendCell(value)
        csvPrefix.bytes.append(UInt8(ascii: ","))
        jsonPrefix.appendMember(column, value, first: column == "team")
      }
      let prefixes = (csv: csvPrefix.bytes.bytes, json: jsonPrefix.bytes.bytes)
      for items in [report.pointee.items, report.pointee.acceptedItems] {
        // Read in place: a copy of each of a million items would retain and release its strings.
        items.forEachInPlace { item in
          let sourceBits = item.pointee.sources.rawValue
          // Sets of sources beyond the list (none are today) are encoded for each row.
          let isListed = sourceBits >= 0 && sourceBits < sourceCells.count
          let sources =
            (isListed ? sourceCells[sourceBits] : nil)
            ?? {
              let names = item.pointee.sources.names.joined(separator: "; ")
              var csvCell = ExportWriter(capacity: 64)
              var jsonCell = ExportWriter(capacity: 64)
              csvCell.appendCell(names)
              jsonCell.appendMember("sources", names, first: false)
              let cells = (csv: csvCell.bytes.bytes, json: jsonCell.bytes.bytes)
              if isListed { sourceCells[sourceBits] = cells }
              return cells
            }()
          let exception = OpenItem.reviewException(item)
          let isOverdue = OpenItem.isOverdue(item)
          let status: StaticString
          if item.pointee.isAccepted {
            status = "accepted"
          } else if exception != nil {
            status = item.pointee.exceptionExpired ? "exception expired" : "kept on purpose"
          } else {
            status = "open"
          }
          let firstSeen = item.pointee.openSince.iso
          let lastUsed = item.pointee.lastUsedOn?.iso ?? ""
          let exceptionUntil = exception?.expires.iso ?? ""
          let approver = exception?.approver ?? ""
          // Made once for both files: a million rows.
          let permission = item.pointee.displayName

          csv.append(prefixes.csv)
          // A kind's name needs no quoting and starts no formula.
          csv.bytes.append(item.pointee.kind.rawValue)
          csv.bytes.append(UInt8(ascii: ","))
          csv.appendCell(permission)
          csv.bytes.append(UInt8(ascii: ","))
          csv.append(sources.csv)
          // One cell at a time rather than a loop over an array of them: a million rows. Dates,
          // day counts, yes or no and the status need no quoting.
          csv.bytes.append(UInt8(ascii: ","))
          csv.bytes.append(firstSeen)
          csv.bytes.append(UInt8(ascii: ","))
          csv.bytes.append(lastUsed)
          csv.bytes.append(UInt8(ascii: ","))
          if item.pointee.daysOpen >= 0 {
            csv.bytes.appendDecimal(item.pointee.daysOpen)
          } else {
            // A minus sign starts a formula in a spreadsheet.
            csv.appendCell(String(item.pointee.daysOpen))
          }
          csv.bytes.append(isOverdue ? ",yes," : ",no," as StaticString)
          csv.bytes.append(status)
          csv.bytes.append(UInt8(ascii: ","))
          csv.bytes.append(exceptionUntil)
          csv.appendCell(approver, after: ",")
          csv.bytes.append("\r\n" as StaticString)

          json.bytes.append(isFirst ? "\n{" : ",\n{" as StaticString)
          isFirst = false
          json.append(prefixes.json)
          json.appendPlainMember(#","kind":"#, item.pointee.kind.rawValue)
          json.appendMember(#","permission":"#, permission)
          json.append(sources.json)
          json.appendPlainMember(#","first_seen":"#, firstSeen)
          json.appendPlainMember(#","last_used":"#, lastUsed)
          json.bytes.append(#","days_open":"# as StaticString)
          json.bytes.appendDecimal(item.pointee.daysOpen)
          json.bytes.append(
            isOverdue ? #","overdue":true,"status":""# : #","overdue":false,"status":""# as StaticString)
          json.bytes.append(status)
          json.bytes.append(UInt8(ascii: "\""))
          json.appendPlainMember(#","exception_until":"#, exceptionUntil)
          json.appendMember(#","exception_approver":"#, approver)
          json.bytes.append(UInt8(ascii: "}"))
        }
      }
    }
    json.bytes.append(isFirst ? "]\n" : "\n]\n")
    return try csv.bytes.withUnsafeBytes { csv in
      try json.bytes.withUnsafeBytes { json in try body(csv, json) }
    }
  }

  /// One export file's bytes as they are written, with the two kinds of cell it holds. The
  /// renderer's buffer rather than an array: appending a part to an array cost a hundred
  /// instructions, and the exports append two dozen for each of a million rows.
  private struct ExportWriter: ~Copyable {
    var bytes: TemplateOutput

    init(capacity: Int) {
      bytes = TemplateOutput(capacity: capacity)
    }

    /// Appends bytes encoded before.
    mutating func append(_ encoded: [UInt8]) {
      encoded.withUnsafeBufferPointer { bytes.append($0) }
    }

    /// A CSV cell as `cell(_:)` makes it, preceded by `separator` when one is given. A plain
    /// cell is the value itself: its bytes are checked and copied in one pass.
    mutating func appendCell(_ value: String, after separator: Unicode.Scalar? = nil) {
      if let separator { bytes.append(UInt8(ascii: separator)) }
      let isPlain = value.withUTF8Bytes { raw in
        guard !raw.contains(where: TeamExport.isSpecialInCell),
          !(raw.first.map(TeamExport.startsFormula) ?? false)
        else { return false }
        bytes.append(raw)
        return true
      }
      if !isPlain { bytes.append(TeamExport.cell(value)) }
    }

    /// `key` (`,"column":`, written out in the literal), then the value quoted, or `null` for
    /// an empty value: one append for the name where three were a hundred instructions each.
    mutating func appendMember(_ key: StaticString, _ value: String) {
      bytes.append(key)
      appendValue(value)
    }

    /// As `appendMember(_:_:)`, for a value that needs no escaping (a day, a kind's name): quoted
    /// as it is, without looking for bytes to escape in the two or three of each of a million rows.
    mutating func appendPlainMember(_ key: StaticString, _ value: String) {
      bytes.append(key)
      if value.isEmpty {
        bytes.append("null" as StaticString)
      } else {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(value)
        bytes.append(UInt8(ascii: "\""))
      }
    }

    /// `"column":"value"` (or `null` for an empty value), preceded by a comma unless it is the first.
    mutating func appendMember(_ column: String, _ value: String, first: Bool) {
      bytes.append(first ? "\"" : ",\"")
      bytes.append(column)
      bytes.append("\":")
      appendValue(value)
    }

    /// A member's value: quoted, or `null` when empty.
    private mutating func appendValue(_ value: String) {
      if value.isEmpty {
        bytes.append("null" as StaticString)
      } else {
        JSONWriter.appendQuoted(value, to: &bytes)
      }
    }
  }

  /// Whether a byte makes a CSV cell need quotes: comma, quote, line feed, carriage return.
  private static func isSpecialInCell(_ byte: UInt8) -> Bool {
    byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D
  }

  /// Whether a cell's first byte starts a formula in a spreadsheet: `=`, `+`, `-`, `@`, tab,
  /// carriage return.
  private static func startsFormula(_ byte: UInt8) -> Bool {
    byte == 0x3D || byte == 0x2B || byte == 0x2D || byte == 0x40 || byte == 0x09 || byte == 0x0D
  }

  static func cell(_ value: String) -> String {
    // Most cells are plain: nothing to neutralise or quote, so the text is returned as it is.
    let (special, risky) = value.withUTF8Bytes { bytes in
      (bytes.contains(where: isSpecialInCell), bytes.first.map(startsFormula) ?? false)
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
  /// The changes to tell of, newest first: at most `limit` are, so callers pass only those
  /// (`Changes.first(_:where:)`), not a whole organisation's.
  let changes: [Change]
  let updated: Day
  let baseURL: String?
  /// The site path of each principal's page, by ARN.
  let principalPage: (String) -> String?

  /// At most this many entries: the newest.
  static let limit = 500

  /// Whether a feed tells of changes of this kind: removals are good news no one needs to hear.
  static func isShown(_ kind: Change.Kind) -> Bool { kind != .resolved }

  /// The feed's UTF-8. Bytes appended to, rather than a string: two hundred teams' feeds of 500
  /// entries of a dozen parts each, and appending a part to a string cost ten times as much.
  var bytes: [UInt8] {
    var xml: [UInt8] = []
    xml.reserveCapacity(1_024 * min(changes.count, Self.limit) + 1_024)
    func add(_ parts: String...) {
      for part in parts { xml.appendUTF8(part) }
    }
    add(#"<?xml version="1.0" encoding="utf-8"?>"#, "\n")
    add(#"<feed xmlns="http://www.w3.org/2005/Atom">"#, "\n")
    add("  <title>", XMLText.escape(title), "</title>\n")
    let tagPrefix = tagPrefix
    add("  <id>", XMLText.escape(tagPrefix + Self.tagEncoded("feed/" + path)), "</id>\n")
    add("  <updated>", updated.iso, "T00:00:00Z</updated>\n")
    add("  <author><name>permsite</name></author>\n")
    add(#"  <link rel="alternate" type="text/html" href=""#, XMLText.escape(link(pagePath)), "\"/>\n")
    if baseURL != nil {
      add(#"  <link rel="self" type="application/atom+xml" href=""#, XMLText.escape(link(path)), "\"/>\n")
    }
    let events = changes.lazy.filter { Self.isShown($0.kind) }.prefix(Self.limit)
    // Each entry is written part by part, escaped as it goes, rather than made of strings joined
    // and then escaped: two hundred teams' feeds of 500 entries each made a dozen strings an
    // entry. Escaping a text part by part gives what escaping it whole does (each character is
    // escaped on its own), and so does encoding a tag name.
    var entries = FeedWriter(capacity: 1_024 * min(changes.count, Self.limit))
    for change in events { writeEntry(change, tagPrefix: tagPrefix, into: &entries) }
    entries.output.withUnsafeBytes { xml.append(contentsOf: $0) }
    add("</feed>\n")
    return xml
  }

  /// One change's `<entry>`.
  private func writeEntry(_ change: Change, tagPrefix: String, into entries: inout FeedWriter) {
    let what: StaticString =
      switch change.kind {
      case .new: "New unused permission"
      case .regressed: "Unused again"
      case .overdue: "Overdue"
      case .resolved: "Removed"
      }
    let principal = change.principal
    let day = change.day.iso
    entries.append("  <entry>\n    <title>")
    entries.append(what)
    entries.append(": ")
    entries.appendEscaped(change.access)
    entries.append(" on ")
    entries.appendEscaped(principal.name)
    entries.append("</title>\n    <id>")
    entries.appendEscaped(tagPrefix)
    entries.appendTagEncoded(change.kind.rawValue)
    entries.append("/")
    entries.appendTagEncoded(principal.arn)
    entries.append("/")
    entries.appendTagEncoded(change.access, lowercased: true)
    entries.append("/")
    entries.appendTagEncoded(day)
    entries.append("</id>\n    <updated>")
    entries.appendEscaped(day)
    entries.append("T00:00:00Z</updated>\n")
    entries.append(#"    <link rel="alternate" type="text/html" href=""#)
    entries.appendEscaped(link(principalPage(principal.arn) ?? pagePath))
    entries.append("\"/>\n    <summary>")
    // "NAME (ACCOUNT)" in the summaries of all but removals.
    func appendName() {
      entries.appendEscaped(principal.name)
      entries.append(" (")
      entries.appendEscaped(principal.accountID)
      entries.append(")")
    }
    switch change.kind {
    case .new:
      appendName()
      entries.append(" has ")
      entries.appendEscaped(change.access)
      entries.append(", unused, since the snapshot of ")
    case .regressed:
      entries.appendEscaped(change.access)
      entries.append(" of ")
      appendName()
      entries.append(" was removed, and is granted and unused again since ")
    case .overdue:
      entries.appendEscaped(change.access)
      entries.append(" of ")
      appendName()
      entries.append(" passed its removal deadline on ")
    case .resolved:
      entries.appendEscaped(change.access)
      entries.append(" of ")
      entries.appendEscaped(principal.name)
      entries.append(" was removed")
    }
    if change.kind != .resolved { entries.appendEscaped(day) }
    entries.append(".</summary>\n  </entry>\n")
  }

  /// A link to a site path: absolute under `base_url` when set, else relative to the feed.
  func link(_ sitePath: String) -> String {
    if let baseURL {
      return (baseURL.hasSuffix("/") ? baseURL : baseURL + "/") + sitePath
    }
    return SitePaths.root(from: path) + sitePath
  }

  /// `tag:HOST,2026:`, the start of every tag URI (RFC 4151) of the feed: the site's host (or
  /// `permsite.invalid`) and a fixed date. The name after it is percent-encoded (`tagEncoded`).
  var tagPrefix: String {
    let host =
      baseURL.flatMap { url -> String? in
        let afterScheme = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first
        return afterScheme.map { String($0.split(separator: ":").first ?? $0) }
      } ?? "permsite.invalid"
    return "tag:\(host),2026:"
  }

  /// The name with each byte a tag URI does not allow written as `%XX`. Built as bytes: a feed
  /// has hundreds of entries, each with an id as long as an ARN.
  static func tagEncoded(_ name: String) -> String {
    name.withUTF8Bytes { bytes in
      // Ids are ARNs and action names, which need nothing encoded: copied as they are.
      if !bytes.contains(where: { !allowedInTag[Int($0)] }) { return name }
      var encoded: [UInt8] = []
      encoded.reserveCapacity(bytes.count + 16)
      for byte in bytes {
        if allowedInTag[Int(byte)] {
          encoded.append(byte)
        } else {
          encoded.append(UInt8(ascii: "%"))
          encoded.append(hexDigits[Int(byte >> 4)])
          encoded.append(hexDigits[Int(byte & 0x0F)])
        }
      }
      return String(decoding: encoded, as: UTF8.self)
    }
  }

  private static let hexDigits = Array("0123456789ABCDEF".utf8)

  /// Whether `byte` is written as it is both in a tag URI (`tagEncoded`) and in XML
  /// (`XMLText.escape`): ASCII letters and digits and `-._~:/@!$()*+,;=`. A switch rather than a
  /// lookup in a table: a table is a global, checked for its initialisation at every byte.
  @inline(__always)
  static func standsForItself(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
      UInt8(ascii: "~"), UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "!"),
      UInt8(ascii: "$"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"),
      UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
      true
    default: false
    }
  }

  /// The bytes that stand for themselves in a tag URI, one flag per byte value: those of
  /// `standsForItself`, and `&` and `'`, which only XML escapes.
  private static let allowedInTag: [Bool] = (0...255).map { value in
    let byte = UInt8(value)
    return standsForItself(byte) || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "'")
  }
}

/// A feed's entries as they are written: literal parts copied, texts escaped for XML.
private struct FeedWriter: ~Copyable {
  var output: TemplateOutput

  init(capacity: Int) {
    output = TemplateOutput(capacity: capacity)
  }

  /// A part of the feed's own markup, copied as it is.
  mutating func append(_ literal: StaticString) {
    output.append(literal)
  }

  /// `XMLText.escape(text)`; a plain text is copied without making a string.
  mutating func appendEscaped(_ text: String) {
    let isPlain = text.withUTF8Bytes { bytes in
      guard XMLText.isPlain(bytes) else { return false }
      output.append(bytes)
      return true
    }
    if !isPlain { output.append(XMLText.escape(text)) }
  }

  /// `XMLText.escape(AtomFeed.tagEncoded(text))`, of `text.fastLowercased()` when `lowercased`.
  ///
  /// Ids are ARNs, action names and days, whose every byte stands for itself in a tag URI and
  /// in XML: those are copied (lower-cased byte by byte if asked) in one pass, without making the
  /// encoded, escaped and lower-case strings. Feeds write four such names an entry, and each
  /// string made cost several hundred instructions.
  mutating func appendTagEncoded(_ text: String, lowercased: Bool = false) {
    let isCopied: Bool = text.withUTF8Bytes { bytes in
      guard bytes.allSatisfy(AtomFeed.standsForItself) else { return false }
      guard lowercased else {
        output.append(bytes)
        return true
      }
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lower in
        for index in bytes.indices { lower[index] = bytes[index].lowercasedASCII }
        output.append(UnsafeBufferPointer(lower))
      }
      return true
    }
    if !isCopied { appendEscaped(AtomFeed.tagEncoded(lowercased ? text.fastLowercased() : text)) }
  }
}

/// XML escaping for feeds, with the same bidi-control marks as the pages.
enum XMLText {
  /// Whether `bytes` are ASCII without a markup or control character, a word at a time: text
  /// outside ASCII goes the long way, which marks bidi controls.
  static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard HTMLEscaper.isPlainASCII(bytes), let base = bytes.baseAddress else { return bytes.isEmpty }
    let ones: UInt64 = 0x0101_0101_0101_0101
    var offset = 0
    while offset + 8 <= bytes.count {
      let word = UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self)
      // The "has a byte below n" test: each byte is ASCII here, so no borrow misleads it.
      if (word &- ones &* 0x20) & ~word & (ones &* 0x80) != 0 { return false }
      offset += 8
    }
    return !bytes[offset...].contains { $0 < 0x20 }
  }

  static func escape(_ text: String) -> String {
    // Most text is ASCII with nothing to escape: no markup character and no control character
    // (`isPlain`, a word at a time). Anything else, text outside ASCII included, goes through the
    // scalars, which also shows bidi controls.
    if text.withUTF8Bytes(isPlain) { return text }
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
