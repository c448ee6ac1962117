import Foundation
import Model

/// What a credential report says: unused passwords and access keys of users, and root users.
struct CredentialReport {
  var principals: [Principal] = []
  var observations: [Observation] = []
  var rootAccounts: [RootAccount] = []
}

/// Reads the IAM credential report: the decoded CSV, or the `aws iam get-credential-report` JSON
/// whose `Content` holds it in base64.
///
/// Sentinels as AWS documents them: `N/A` (no password, or a key never used or absent),
/// `no_information` (a password not used since IAM began tracking it in October 2014, so: never
/// within any window we use), `not_supported` (the root user's password fields).
enum CredentialReportReader {
  static let columns = [
    "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
    "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
    "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
    "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
    "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated",
    "cert_2_active", "cert_2_last_rotated",
  ]

  static func read(jsonResponse record: JSONField, context: ReadContext) throws(IngestError)
    -> CredentialReport
  {
    let contentField = try record.required("Content")
    let format = try record.optionalString("ReportFormat") ?? "text/csv"
    guard format == "text/csv" else {
      throw try record.required("ReportFormat").error("unsupported report format \"\(format.prefix(40))\"")
    }
    let encoded = try contentField.string
    guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters),
      let text = String(data: data, encoding: .utf8)
    else {
      throw contentField.error("the report content is not base64-encoded UTF-8 text")
    }
    return try read(csv: text, file: record.file, context: context, firstLine: nil)
  }

  /// Reads the CSV; `firstLine` is the file line of the header when the CSV is a file itself,
  /// nil when it came out of a JSON response (lines then count within the report).
  static func read(csv text: String, file: String, context: ReadContext, firstLine: Int?) throws(IngestError)
    -> CredentialReport
  {
    let lines = Self.lines(of: text)
    let base = firstLine ?? 1
    func error(_ index: Int, _ field: String?, _ message: String, hint: String? = nil) -> IngestError {
      IngestError(
        file: file, line: base + index, field: field,
        message: firstLine == nil ? "credential report line \(index + 1): " + message : message, hint: hint)
    }
    guard let header = lines.first.map(splitCSV), header.first == "user" else {
      throw error(0, nil, "not a credential report: the first line must start with \"user,arn,\"")
    }
    var index: [String: Int] = [:]
    for (position, name) in header.enumerated() { index[name] = position }
    for column in columns where index[column] == nil {
      throw error(
        0, column, "the credential report lacks the column \(column)",
        hint: "Export it unchanged with `aws iam get-credential-report`")
    }
    var report = CredentialReport()
    for (number, line) in lines.enumerated().dropFirst() where !line.isEmpty {
      let cells = splitCSV(line)
      guard cells.count >= header.count else {
        throw error(
          number, nil,
          "has \(cells.count) columns where the header has \(header.count) (is the file truncated?)")
      }
      func cell(_ name: String) -> String { cells[index[name]!] }
      func date(_ name: String) throws(IngestError) -> Day? {
        let value = cell(name)
        if ["N/A", "no_information", "not_supported", ""].contains(value) { return nil }
        guard let timestamp = Timestamp(iso: value) else {
          throw error(number, name, "\"\(value.prefix(40))\" is not a date or a documented sentinel")
        }
        return timestamp.day
      }
      let arn = cell("arn")
      if cell("user") == "<root_account>" {
        let keys = [cell("access_key_1_active"), cell("access_key_2_active")].filter {
          $0.lowercased() == "true"
        }
        report.rootAccounts.append(
          RootAccount(
            accountID: ARNParts(arn)?.accountID ?? "", passwordLastUsed: try date("password_last_used"),
            mfaActive: cell("mfa_active").lowercased() == "true", activeAccessKeys: keys.count,
            accessKeyLastUsed: [
              try date("access_key_1_last_used_date"), try date("access_key_2_last_used_date"),
            ]
            .compactMap { $0 }.max()))
        continue
      }
      guard ARNParts(arn) != nil else {
        throw error(number, "arn", "\"\(arn.prefix(80))\" is not an IAM ARN")
      }
      var principal = Principal.named(arn, kind: .user)
      principal.createdOn = try date("user_creation_time")
      report.principals.append(principal)
      // Something created within the window has not had the chance to be used yet.
      let created = principal.createdOn ?? context.day
      if cell("password_enabled").lowercased() == "true" {
        let lastUsed = try date("password_last_used")
        if context.isUnused(lastUsed: lastUsed) && created < context.cutoff {
          report.observations.append(
            Observation(
              access: UnusedAccess(principalARN: arn, kind: .password), status: .active, lastUsedOn: lastUsed,
              sources: .credentialReport))
        }
      }
      for key in 1...2 {
        guard cell("access_key_\(key)_active").lowercased() == "true" else { continue }
        let lastUsed = try date("access_key_\(key)_last_used_date")
        let rotated = try date("access_key_\(key)_last_rotated") ?? created
        if context.isUnused(lastUsed: lastUsed) && rotated < context.cutoff {
          report.observations.append(
            Observation(
              access: UnusedAccess(principalARN: arn, kind: .accessKey, detail: "#\(key)"), status: .active,
              lastUsedOn: lastUsed, sources: .credentialReport))
        }
      }
    }
    return report
  }

  /// The lines of `text`, split at line feeds with carriage returns trimmed from both ends. Read
  /// as bytes: splitting and trimming characters cost a hundred thousand instructions a line.
  static func lines(of text: String) -> [String] {
    text.withUTF8Bytes { bytes in
      var lines: [String] = []
      var start = 0
      func addLine(upTo end: Int) {
        var first = start
        var last = end
        while first < last && bytes[first] == 0x0D { first += 1 }
        while last > first && bytes[last - 1] == 0x0D { last -= 1 }
        lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<last]), as: UTF8.self))
      }
      for index in bytes.indices where bytes[index] == 0x0A {
        addLine(upTo: index)
        start = index + 1
      }
      addLine(upTo: bytes.count)
      return lines
    }
  }

  /// Splits one CSV line (RFC 4180 quoting; the report itself never quotes, but a spreadsheet may).
  /// Quotes and commas are ASCII, which no byte of another character's UTF-8 is: the line is read
  /// as bytes.
  static func splitCSV(_ line: String) -> [String] {
    line.withUTF8Bytes { bytes in
      let quote = UInt8(ascii: "\"")
      let comma = UInt8(ascii: ",")
      var cells: [String] = []
      var current: [UInt8] = []
      var quoted = false
      var index = 0
      while index < bytes.count {
        let byte = bytes[index]
        if quoted {
          if byte == quote {
            // Two quotes inside a quoted cell stand for one.
            if index + 1 < bytes.count, bytes[index + 1] == quote {
              current.append(quote)
              index += 1
            } else {
              quoted = false
            }
          } else {
            current.append(byte)
          }
        } else if byte == quote {
          quoted = true
        } else if byte == comma {
          cells.append(String(decoding: current, as: UTF8.self))
          current.removeAll(keepingCapacity: true)
        } else {
          current.append(byte)
        }
        index += 1
      }
      cells.append(String(decoding: current, as: UTF8.self))
      return cells
    }
  }
}
