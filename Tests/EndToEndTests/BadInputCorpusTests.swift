import Foundation
import Logging
import Model
import Testing

@testable import PermsiteKit

/// The corpus of bad input every kind of file can bring, each case with the one message a user
/// gets: the file, the line or field, and what is wrong. Fatal cases stop the build before anything
/// is published; the others are listed as data problems and the build goes on.
@Suite struct BadInputCorpusTests {
  struct Case: CustomStringConvertible, Sendable {
    var name: String
    var files: [String: String]
    /// A substring of the message.
    var message: String
    var fatal = true
    var description: String { name }
  }

  static let snapshot = "content/analysis/2026-11-20/"
  static let finding = FindingJSON.unusedPermission(
    id: "x", arn: BuildTests.payA, status: "ACTIVE", services: [("s3", ["GetObject"])])
  static let lastAccessed = """
    {"Arn": "\(BuildTests.payA)", "JobStatus": "COMPLETED", "JobCreationDate": "2026-11-20T00:00:00Z",
     "ServicesLastAccessed": [{"ServiceName": "S3", "ServiceNamespace": "s3"}]}
    """
  static let header = CredentialReportReaderColumns.header

  static let cases: [Case] = [
    Case(
      name: "truncated findings", files: [snapshot + "f.jsonl": String(finding.prefix(120))],
      message: "f.jsonl:1: invalid JSON at column"),
    Case(
      name: "invalid findings JSON",
      files: [snapshot + "f.json": "[{\"findingType\": \"UnusedPermission\",}]"],
      message: "f.json:1: invalid JSON at column 37: expected a quoted member name, found '}'"),
    Case(
      name: "a wrong type",
      files: [snapshot + "f.json": finding.replacingOccurrences(of: "\"ACTIVE\"", with: "3")],
      message: "f.json:1: field status: expected a string, found a number"),
    Case(
      name: "a missing field",
      files: [snapshot + "f.json": finding.replacingOccurrences(of: "\"resource\":", with: "\"resourceX\":")],
      message: "f.json:1: field resource: required field is missing"),
    Case(
      name: "an unknown finding type",
      files: [
        snapshot + "f.json": finding.replacingOccurrences(of: "\"UnusedPermission\"", with: "\"Unused\"")
      ],
      message: "field findingType: unknown finding type \"Unused\""),
    Case(
      name: "an unknown status",
      files: [snapshot + "f.json": finding.replacingOccurrences(of: "\"ACTIVE\"", with: "\"OPEN\"")],
      message: "field status: unknown finding status \"OPEN\". Expected ACTIVE, ARCHIVED or RESOLVED"),
    Case(name: "an empty file", files: [snapshot + "f.json": ""], message: "f.json: the file is empty"),
    Case(
      name: "binary garbage", files: [snapshot + "f.bin": "\u{7F}ELF\u{01}\u{02}"],
      message: "f.bin:1: not a JSON export (it starts with neither '{' nor '[')"),
    Case(
      name: "a truncated last-accessed export",
      files: [snapshot + "la.json": String(lastAccessed.dropLast(10))],
      message: "la.json:2: invalid JSON"),
    Case(
      name: "an unknown job status",
      files: [snapshot + "la.json": lastAccessed.replacingOccurrences(of: "COMPLETED", with: "DONE")],
      message: "field JobStatus: unknown job status \"DONE\""),
    Case(
      name: "last-accessed data without the added Arn",
      files: [snapshot + "la.json": lastAccessed.replacingOccurrences(of: "\"Arn\"", with: "\"Who\"")],
      message: "la.json:1: field Arn: required field is missing"),
    Case(
      name: "a credential report without a column",
      files: [snapshot + "report.csv": "user,arn,user_creation_time\nbob,arn:aws:iam::1:user/bob,N/A\n"],
      message: "report.csv:1: field password_enabled: the credential report lacks the column password_enabled"
    ),
    Case(
      name: "a credential report with a bad date",
      files: [
        snapshot + "report.csv": header + "\n"
          + "bob,arn:aws:iam::111122223333:user/bob,soon,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
      ],
      message: "report.csv:2: field user_creation_time: \"soon\" is not a date or a documented sentinel"),
    Case(
      name: "a credential report that is not base64",
      files: [snapshot + "report.json": #"{"Content": "%%%", "ReportFormat": "text/csv"}"#],
      message: "report.json:1: field Content: the report content is not base64-encoded UTF-8 text"),
    Case(
      name: "inventory tags of the wrong type",
      files: [
        snapshot + "inv.json": #"{"RoleDetailList": [{"Arn": "arn:aws:iam::1:role/x", "Tags": "team=a"}]}"#
      ],
      message: "inv.json:1: field RoleDetailList[0].Tags: expected an array, found a string"),
    Case(
      name: "a policy document that is not JSON",
      files: [
        snapshot + "inv.json":
          #"{"RoleDetailList": [{"Arn": "arn:aws:iam::1:role/x", "RolePolicyList": [{"PolicyName": "p", "PolicyDocument": 7}]}]}"#
      ],
      message: "field RoleDetailList[0].RolePolicyList[0].PolicyDocument: expected an object, found a number"),
    Case(
      name: "invalid YAML in site.yml", files: ["site.yml": "title: [unclosed\n"],
      message: "site.yml:2: invalid YAML"),
    Case(
      name: "an out-of-range setting", files: ["site.yml": "unused_threshold_days: 0\n"],
      message: "site.yml:1: field unused_threshold_days: 0 is out of range. Use a number from 1 to 3650"),
    Case(
      name: "duplicate team ids",
      files: ["teams.yml": "teams:\n  - id: a\n  - id: A\n"],
      message: "teams.yml:3: field teams[1]: duplicate team id \"A\" (first defined on line 2)"),
    Case(
      name: "a tag rule without a value",
      files: ["teams.yml": "teams:\n  - id: a\n    match:\n      tags: [team]\n"],
      message: "teams.yml:4: field teams[0].match.tags[0]: \"team\" is not a tag rule"),
    Case(
      name: "a rule that matches nothing",
      files: ["teams.yml": "teams:\n  - id: a\n    match:\n      accounts: [\"123456789012\"]\n"],
      message: "the rule 123456789012 of team a matches no principal", fatal: false),
    Case(
      name: "a review with a malformed date",
      files: [
        "content/reviews/2026-Q4/payments.yml": "signed_off:\n  - id: read\n    by: P\n    date: 14/10/2026\n"
      ],
      message: "field signed_off[0].date: \"14/10/2026\" is not a date", fatal: false),
    Case(
      name: "a review signing off an unknown item",
      files: [
        "content/reviews/2026-Q4/payments.yml": "signed_off:\n  - id: nope\n    by: P\n    date: 2026-10-14\n"
      ],
      message: "sign-off for unknown checklist item id \"nope\"", fatal: false),
    Case(
      name: "a procedure with bad front matter",
      files: ["content/procedures/bad.md": "---\nchecklist: weekly\n---\n# Bad\n"],
      message: "content/procedures/bad.md:2: field checklist: expected `quarterly` or `false`"),
    Case(
      name: "a template that does not parse", files: ["templates/team.mustache": "{{#open}} never closed"],
      message:
        "templates/team.mustache: the template does not parse: line 1, column 1: a section is opened ({{#open}}) and never closed"
    ),
    Case(
      name: "a template with a missing partial", files: ["templates/team.mustache": "{{> partials/nowhere}}"],
      message: "templates/team.mustache: includes the partial \"partials/nowhere\""),
  ]

  @Test(arguments: cases)
  func eachBadInputGetsOneClearMessage(_ bad: Case) throws {
    var files = BuildTests.siteFiles()
    files.merge(bad.files) { $1 }
    let tree = try SiteTree(files)
    defer { tree.remove() }
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let options = BuildOptions(site: tree.root, now: Timestamp(secondsSinceEpoch: 1_795_000_000))
    if bad.fatal {
      #expect {
        try BuildPipeline(options: options, logger: logger).run()
      } throws: { error in
        "\(error)".contains(bad.message) && !"\(error)".contains("Swift.") && !"\(error)".contains("Error(")
      }
      #expect(!tree.exists("output"), "a failed build publishes nothing")
    } else {
      let summary = try BuildPipeline(options: options, logger: logger).run()
      let problems = try #require(summary.report).dataProblems.map {
        "\($0.file)\($0.line.map { ":\($0)" } ?? ""): \($0.message)"
      }
      #expect(problems.contains { $0.contains(bad.message) }, "\(problems)")
    }
  }

  @Test func aOneGigabyteFileOfGarbageFailsAtOnce() throws {
    let tree = try SiteTree(BuildTests.siteFiles())
    defer { tree.remove() }
    let path = tree.root.appendingPathComponent(Self.snapshot + "huge.json").path
    // A sparse file: a gigabyte long, no disk used; it is mapped, never read whole.
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: 1 << 30)
    try handle.close()
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let start = Date()
    #expect {
      try BuildPipeline(
        options: BuildOptions(site: tree.root, now: Timestamp(secondsSinceEpoch: 0)), logger: logger
      ).run()
    } throws: { error in
      "\(error)".contains("huge.json:1: not a JSON export")
    }
    #expect(Date().timeIntervalSince(start) < 60, "it must not read the whole gigabyte to say so")
  }
}

/// The credential report's header, spelt out here so the corpus does not depend on the reader's list.
enum CredentialReportReaderColumns {
  static let header =
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    + "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    + "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    + "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    + "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
}
