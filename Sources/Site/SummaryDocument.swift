import Analysis
import Model
import TemplateEngine

/// `data/summary.json`, the public contract other tools read. Fields may be added, never renamed;
/// keys are written in the documented order so diffs between nights stay readable.
struct SummaryDocument {
  let report: OrganisationReport

  func json() -> String {
    var writer = JSONWriter()
    writer.object { json in
      json.member("snapshot", report.snapshot?.iso)
      json.member("quarter", report.quarter?.label)
      json.key("totals")
      json.object { writeTotals(report.totals, into: &$0) }
      json.key("byService")
      json.array(report.byService) { json, service in
        json.object { json in
          json.member("service", service.service)
          json.member("unusedPermissions", service.unusedPermissions)
        }
      }
      json.key("topPrincipals")
      json.array(Array(report.topPrincipals.prefix(10))) { json, principal in
        json.object { json in
          json.member("arn", principal.principal.arn)
          json.member("team", principal.teamID)
          json.member("unusedPermissions", principal.unusedPermissions)
        }
      }
      json.key("quarters")
      json.array(report.quarters) { json, quarter in
        json.object { json in
          json.member("quarter", quarter.quarter.label)
          json.member("identified", quarter.identified)
          json.member("removed", quarter.removed)
          json.member("reductionRate", quarter.reductionRate)
          json.member("hasSnapshots", quarter.hasSnapshots)
        }
      }
      json.key("teams")
      json.array(report.teams) { json, team in
        json.object { json in
          json.member("id", team.team.id)
          json.member("name", team.team.name)
          json.member("principals", team.totals.principals)
          json.member("rolesWithUnused", team.totals.rolesWithUnused)
          json.member("unusedPermissions", team.totals.unusedPermissions)
          json.member("identifiedThisQuarter", team.totals.identifiedThisQuarter)
          json.member("removedThisQuarter", team.totals.removedThisQuarter)
          json.member("reductionRate", team.totals.reductionRate)
          json.member("overduePermissions", team.totals.overduePermissions)
          json.key("checklist")
          json.object { json in
            json.member("done", team.checklist.done)
            json.member("total", team.checklist.total)
          }
        }
      }
    }
    return writer.text + "\n"
  }

  private func writeTotals(_ totals: Totals, into json: inout JSONWriter) {
    json.member("principals", totals.principals)
    json.member("roles", totals.roles)
    json.member("rolesWithUnused", totals.rolesWithUnused)
    json.member("unusedPermissions", totals.unusedPermissions)
    json.member("identifiedThisQuarter", totals.identifiedThisQuarter)
    json.member("removedThisQuarter", totals.removedThisQuarter)
    json.member("reductionRate", totals.reductionRate)
    json.member("unusedRoles", totals.unusedRoles)
    json.member("unusedAccessKeys", totals.unusedAccessKeys)
    json.member("unusedPasswords", totals.unusedPasswords)
    json.member("acceptedPermissions", totals.acceptedPermissions)
    json.member("exceptedPermissions", totals.exceptedPermissions)
    json.member("overduePermissions", totals.overduePermissions)
    json.member("findingsWithoutDetails", totals.findingsWithoutDetails)
  }
}

/// A small JSON writer with members in insertion order and two-space indentation.
struct JSONWriter {
  private(set) var text = ""
  private var depth = 0
  private var needsComma = false
  private var afterKey = false

  private mutating func beginValue() {
    if afterKey {
      afterKey = false
      return
    }
    if needsComma { text += "," }
    if depth > 0 { newline() }
  }

  /// A line break and the indentation of the current depth, without making a string for it:
  /// an export writes one per member of a million rows.
  private mutating func newline() {
    text += "\n"
    for _ in 0..<depth { text += "  " }
  }

  mutating func key(_ name: String) {
    beginValue()
    text += JSONWriter.quoted(name)
    text += ": "
    afterKey = true
    needsComma = true
  }

  mutating func object(_ body: (inout JSONWriter) -> Void) {
    beginValue()
    text += "{"
    depth += 1
    needsComma = false
    body(&self)
    depth -= 1
    if needsComma { newline() }
    text += "}"
    needsComma = true
  }

  mutating func array<Element>(_ elements: [Element], _ body: (inout JSONWriter, Element) -> Void) {
    array { json in
      for element in elements { body(&json, element) }
    }
  }

  /// An array whose elements `body` writes one by one, for lists too long to gather first.
  mutating func array(_ body: (inout JSONWriter) -> Void) {
    beginValue()
    text += "["
    depth += 1
    needsComma = false
    body(&self)
    depth -= 1
    if needsComma { newline() }
    text += "]"
    needsComma = true
  }

  mutating func member(_ name: String, _ value: String?) {
    key(name)
    beginValue()
    text += value.map(JSONWriter.quoted) ?? "null"
  }

  mutating func member(_ name: String, _ value: Int) {
    key(name)
    beginValue()
    text += String(value)
  }

  mutating func member(_ name: String, _ value: Bool) {
    key(name)
    beginValue()
    text += value ? "true" : "false"
  }

  /// Rates are written with at most four decimals, so output does not depend on float printing.
  mutating func member(_ name: String, _ value: Double) {
    key(name)
    beginValue()
    text += JSONWriter.number(value)
  }

  static func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let scaled = Int((value * 10_000).rounded())
    let whole = scaled / 10_000
    var fraction = String(abs(scaled % 10_000))
    fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    return fraction.isEmpty ? sign + String(whole) : sign + String(whole) + "." + fraction
  }

  /// `quoted(text)` appended to a render buffer; text with nothing to escape is copied as it is.
  static func appendQuoted(_ text: String, to output: inout TemplateOutput) {
    // The bytes are checked and copied in one pass over them: the exports quote millions of strings.
    let isPlain = text.withUTF8Bytes { raw in
      guard !containsByteToEscape(raw) else { return false }
      output.append(UInt8(ascii: "\""))
      output.append(raw)
      output.append(UInt8(ascii: "\""))
      return true
    }
    if !isPlain { output.append(quoted(text)) }
  }

  /// Nearly every string has nothing to escape: no control character, quote, backslash, `<`, or
  /// E2 byte (the first byte of U+2028 and U+2029).
  private static func needsEscaping(_ text: String) -> Bool {
    text.withUTF8Bytes(containsByteToEscape)
  }

  /// Whether any byte of `bytes` is one `quoted(_:)` escapes: a control character, quote,
  /// backslash, `<`, or E2.
  static func containsByteToEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    JSONEscapeScan.contains(bytes, orAnyOf: (0x3C, 0xE2))
  }

  static func quoted(_ text: String) -> String {
    if !needsEscaping(text) { return "\"" + text + "\"" }
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      // Line and paragraph separators break JavaScript that embeds JSON; `<` guards HTML embedding.
      case "\u{2028}", "\u{2029}", "<":
        result += "\\u" + hex4(scalar.value)
      default:
        if scalar.value < 0x20 {
          result += "\\u" + hex4(scalar.value)
        } else {
          result.unicodeScalars.append(scalar)
        }
      }
    }
    return result + "\""
  }

  private static func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
  }
}
