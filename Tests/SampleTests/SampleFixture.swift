import Foundation
import Model
import Sample

/// A temporary folder removed when the value goes away.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("permsite-sample-tests-" + UUID().uuidString, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(at: url)
  }
}

/// One account's files in one snapshot, parsed.
struct AccountSnapshot {
  let accountID: String
  /// Empty for an account without the analyzer.
  let findingsFileName: String
  let findingsText: String
  let findings: [[String: Any]]
  let inventory: [String: Any]
  let inventoryText: String
  /// The `get-service-last-accessed-details` responses, when exported.
  var lastAccessed: [[String: Any]]?
  var lastAccessedText = ""
  /// The credential report's file name and its CSV text (decoded from `Content` for the JSON form).
  var credentialReportFileName: String?
  var credentialReportCSV: String?
  /// The `get-credential-report` response, for the JSON form.
  var credentialReportResponse: [String: Any]?
  /// `get-finding-recommendation` responses, one per line, when there are any.
  var recommendations: [[String: Any]]?
  /// The `list-findings-v2` response's `findings`, when exported.
  var findingSummaries: [[String: Any]]?

  var hasFindings: Bool { !findingsFileName.isEmpty }
  var roles: [[String: Any]] { inventory["RoleDetailList"] as? [[String: Any]] ?? [] }
  var users: [[String: Any]] { inventory["UserDetailList"] as? [[String: Any]] ?? [] }
  var policies: [[String: Any]] { inventory["Policies"] as? [[String: Any]] ?? [] }

  /// Every role and user ARN in the inventory.
  var principalARNs: Set<String> {
    Set((roles + users).compactMap { $0["Arn"] as? String })
  }

  /// Every finding the account exported, with details or only as a summary, by id; details win.
  var findingsByID: [String: [String: Any]] {
    var byID: [String: [String: Any]] = [:]
    for summary in findingSummaries ?? [] { byID[summary["id"] as! String] = summary }
    for finding in findings { byID[finding["id"] as! String] = finding }
    return byID
  }

  /// The credential report's rows, split at commas, header first.
  var credentialReportRows: [[String]] {
    (credentialReportCSV ?? "").split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
  }
}

/// A generated sample read back into memory: every file parsed, the folder already deleted.
final class LoadedSample: @unchecked Sendable {
  let options: SampleOptions
  let summary: SampleSummary
  let siteYAML: String
  let teamsYAML: String
  /// Snapshot day to its accounts, days ascending.
  let snapshots: [(day: Day, accounts: [AccountSnapshot])]
  /// Paths relative to `content/`, to text, for procedures and reviews.
  let documents: [String: String]

  init(options: SampleOptions) throws {
    self.options = options
    let folder = try TemporaryFolder()
    summary = try SampleSite.write(to: folder.url, options: options)
    siteYAML = try String(contentsOf: folder.url.appendingPathComponent("site.yml"), encoding: .utf8)
    teamsYAML = try String(contentsOf: folder.url.appendingPathComponent("teams.yml"), encoding: .utf8)
    let content = folder.url.appendingPathComponent("content")
    let analysis = content.appendingPathComponent("analysis")
    let manager = FileManager.default
    var snapshots: [(Day, [AccountSnapshot])] = []
    for name in try manager.contentsOfDirectory(atPath: analysis.path).sorted() {
      guard let day = Day(iso: name) else { throw LoadError.unexpected(name) }
      let snapshotFolder = analysis.appendingPathComponent(name)
      let files = try manager.contentsOfDirectory(atPath: snapshotFolder.path).sorted()
      var accounts: [AccountSnapshot] = []
      var known = Set<String>()
      func text(_ file: String) throws -> String {
        known.insert(file)
        return try String(contentsOf: snapshotFolder.appendingPathComponent(file), encoding: .utf8)
      }
      func jsonLines(_ file: String, _ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
          guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw LoadError.unexpected(file)
          }
          return object
        }
      }
      for file in files where file.hasPrefix("authorization-details-") && file.hasSuffix(".json") {
        let accountID = String(file.dropFirst("authorization-details-".count).prefix(12))
        let inventoryText = try text(file)
        guard
          let inventory = try JSONSerialization.jsonObject(with: Data(inventoryText.utf8)) as? [String: Any]
        else { throw LoadError.unexpected(file) }
        var findingsFileName = ""
        var findingsText = ""
        var findings: [[String: Any]] = []
        for name in ["findings-" + accountID + ".jsonl", "findings-" + accountID + ".json"]
        where files.contains(name) {
          if !findingsFileName.isEmpty { throw LoadError.unexpected(name) }
          findingsFileName = name
          findingsText = try text(name)
          if name.hasSuffix(".jsonl") {
            findings = try jsonLines(name, findingsText)
          } else {
            guard
              let array = try JSONSerialization.jsonObject(with: Data(findingsText.utf8)) as? [[String: Any]]
            else { throw LoadError.unexpected(name) }
            findings = array
          }
        }
        var account = AccountSnapshot(
          accountID: accountID, findingsFileName: findingsFileName, findingsText: findingsText,
          findings: findings, inventory: inventory, inventoryText: inventoryText)
        let lastAccessedName = "last-accessed-" + accountID + ".json"
        if files.contains(lastAccessedName) {
          account.lastAccessedText = try text(lastAccessedName)
          guard
            let array = try JSONSerialization.jsonObject(with: Data(account.lastAccessedText.utf8))
              as? [[String: Any]]
          else { throw LoadError.unexpected(lastAccessedName) }
          account.lastAccessed = array
        }
        let csvName = "credential-report-" + accountID + ".csv"
        let responseName = "credential-report-" + accountID + ".json"
        if files.contains(csvName) {
          account.credentialReportFileName = csvName
          account.credentialReportCSV = try text(csvName)
        }
        if files.contains(responseName) {
          if account.credentialReportFileName != nil { throw LoadError.unexpected(responseName) }
          account.credentialReportFileName = responseName
          guard
            let response = try JSONSerialization.jsonObject(with: Data(try text(responseName).utf8))
              as? [String: Any],
            let content = response["Content"] as? String, let decoded = Data(base64Encoded: content)
          else { throw LoadError.unexpected(responseName) }
          account.credentialReportResponse = response
          account.credentialReportCSV = String(decoding: decoded, as: UTF8.self)
        }
        let recommendationsName = "recommendations-" + accountID + ".jsonl"
        if files.contains(recommendationsName) {
          account.recommendations = try jsonLines(recommendationsName, try text(recommendationsName))
        }
        let summariesName = "finding-summaries-" + accountID + ".json"
        if files.contains(summariesName) {
          guard
            let response = try JSONSerialization.jsonObject(with: Data(try text(summariesName).utf8))
              as? [String: Any],
            let list = response["findings"] as? [[String: Any]]
          else { throw LoadError.unexpected(summariesName) }
          account.findingSummaries = list
        }
        accounts.append(account)
      }
      // Every file in the folder is one of an account's exports.
      if let stray = files.first(where: { !known.contains($0) }) { throw LoadError.unexpected(stray) }
      snapshots.append((day, accounts))
    }
    self.snapshots = snapshots
    var documents: [String: String] = [:]
    for folderName in ["procedures", "reviews"] {
      let base = content.appendingPathComponent(folderName)
      guard let walker = manager.enumerator(atPath: base.path) else { continue }
      for case let path as String in walker where path.hasSuffix(".md") || path.hasSuffix(".yml") {
        documents[folderName + "/" + path] = try String(
          contentsOf: base.appendingPathComponent(path), encoding: .utf8)
      }
    }
    self.documents = documents
  }

  enum LoadError: Error {
    case unexpected(String)
    case missing(String)
  }

  /// The demo-size sample, generated once for all tests that only read it.
  static let standard = Result { try LoadedSample(options: SampleOptions()) }

  /// Every finding of every snapshot with its snapshot index and account.
  var allFindings: [(snapshot: Int, account: AccountSnapshot, finding: [String: Any])] {
    snapshots.enumerated().flatMap { index, snapshot in
      snapshot.accounts.flatMap { account in account.findings.map { (index, account, $0) } }
    }
  }

  /// The teams of `teams.yml`, read with a small parser for the format the sample writes.
  func teams() -> [Team] {
    var teams: [Team] = []
    for line in teamsYAML.split(separator: "\n").map(String.init) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("- id: ") {
        let id = String(trimmed.dropFirst("- id: ".count))
        teams.append(Team(id: id, name: id))
      } else if trimmed.hasPrefix("tags: ") {
        for value in Self.flowList(trimmed) {
          let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
          teams[teams.count - 1].rules.append(.tag(key: parts[0], value: parts[1]))
        }
      } else if trimmed.hasPrefix("accounts: ") {
        teams[teams.count - 1].rules += Self.flowList(trimmed).map { .account($0) }
      } else if trimmed.hasPrefix("arns: ") {
        teams[teams.count - 1].rules += Self.flowList(trimmed).map { .arn(Glob($0)) }
      }
    }
    return teams
  }

  /// `key: ["a", "b"]` to `["a", "b"]`.
  static func flowList(_ line: String) -> [String] {
    guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return [] }
    return line[line.index(after: open)..<close].split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }
  }

  /// A Model principal from an inventory entry.
  static func principal(_ entry: [String: Any], accountID: String) -> Principal {
    let isUser = entry["UserName"] != nil
    let tags = (entry["Tags"] as? [[String: String]] ?? []).map { Tag(key: $0["Key"]!, value: $0["Value"]!) }
    return Principal(
      arn: entry["Arn"] as! String, kind: isUser ? .user : .role,
      name: (entry[isUser ? "UserName" : "RoleName"] as? String) ?? "", accountID: accountID,
      path: entry["Path"] as? String ?? "/", tags: tags)
  }

  /// Team index (into `teams()`, or nil for unowned) of every principal ARN ever in an inventory,
  /// as Model's `TeamDirectory` assigns it.
  func owners() -> [String: Int?] {
    let directory = TeamDirectory(teams: teams(), ownerTagKeys: ["team", "owner"])
    var owners: [String: Int?] = [:]
    for snapshot in snapshots {
      for account in snapshot.accounts {
        for entry in account.roles + account.users {
          let principal = Self.principal(entry, accountID: account.accountID)
          owners[principal.arn] = directory.teamIndex(for: principal)
        }
      }
    }
    return owners
  }

  /// Unused permissions a finding counts for: one per action, or one for a service without actions.
  static func unusedPermissionCount(_ finding: [String: Any]) -> Int {
    guard finding["findingType"] as? String == "UnusedPermission" else { return 0 }
    let details = finding["findingDetails"] as? [[String: Any]] ?? []
    return details.reduce(0) { total, detail in
      let permission = detail["unusedPermissionDetails"] as? [String: Any] ?? [:]
      return total + ((permission["actions"] as? [[String: Any]])?.count ?? 1)
    }
  }

  /// `principal service:action` items of the unused permissions a snapshot reports with one of
  /// `statuses` (ACTIVE: open), actions lower-cased as the design compares them, `service:*` for
  /// service-level data.
  func permissions(at snapshot: Int, statuses: Set<String> = ["ACTIVE"]) -> Set<String> {
    var result = Set<String>()
    for account in snapshots[snapshot].accounts {
      for finding in account.findings
      where finding["findingType"] as? String == "UnusedPermission"
        && statuses.contains(finding["status"] as? String ?? "")
      {
        let resource = finding["resource"] as! String
        for detail in finding["findingDetails"] as? [[String: Any]] ?? [] {
          let permission = detail["unusedPermissionDetails"] as! [String: Any]
          let service = (permission["serviceNamespace"] as! String).lowercased()
          guard let actions = permission["actions"] as? [[String: Any]] else {
            result.insert(resource + " " + service + ":*")
            continue
          }
          for action in actions {
            var name = action["action"] as! String
            if let colon = name.firstIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
            result.insert(resource + " " + service + ":" + name.lowercased())
          }
        }
      }
    }
    return result
  }

  /// A policy document as an object, decoding the URL-encoded string form.
  static func document(_ value: Any?) -> [String: Any]? {
    if let object = value as? [String: Any] { return object }
    guard let text = value as? String, let decoded = text.removingPercentEncoding else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(decoded.utf8))) as? [String: Any]
  }

  /// The actions an inline-policy document grants, lower-cased, `service:*` kept as is.
  static func grantedActions(_ document: [String: Any]) -> Set<String> {
    let statements: [[String: Any]]
    if let list = document["Statement"] as? [[String: Any]] {
      statements = list
    } else if let single = document["Statement"] as? [String: Any] {
      statements = [single]
    } else {
      statements = []
    }
    var actions = Set<String>()
    for statement in statements where statement["Effect"] as? String == "Allow" {
      if let one = statement["Action"] as? String { actions.insert(one.lowercased()) }
      for action in statement["Action"] as? [String] ?? [] { actions.insert(action.lowercased()) }
    }
    return actions
  }

  /// ARN to the actions its inline policies grant, for one account at one snapshot.
  static func inlineGrants(_ account: AccountSnapshot) -> [String: Set<String>] {
    var grants: [String: Set<String>] = [:]
    for entry in account.roles + account.users {
      let arn = entry["Arn"] as! String
      let inline = (entry["RolePolicyList"] ?? entry["UserPolicyList"]) as? [[String: Any]] ?? []
      var actions = Set<String>()
      for policy in inline {
        if let document = document(policy["PolicyDocument"]) { actions.formUnion(grantedActions(document)) }
      }
      grants[arn] = actions
    }
    return grants
  }
}
