import Foundation

/// A site folder written from an inline file tree into a fresh temporary folder, Hugo-test style.
struct SiteTree {
  let root: URL

  init(_ files: [String: String]) throws {
    root = FileManager.default.temporaryDirectory.appendingPathComponent("permsite-test-\(UUID().uuidString)")
    for (path, contents) in files {
      try write(path, contents)
    }
  }

  func write(_ path: String, _ contents: String) throws {
    let url = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(contents.utf8).write(to: url)
  }

  func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  func exists(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path)
  }

  func remove() {
    try? FileManager.default.removeItem(at: root)
  }
}

/// Writes Access Analyzer `get-finding-v2` responses the way the AWS CLI prints them.
enum FindingJSON {
  /// A JSON string literal.
  static func quoted(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
  }

  /// One UnusedPermission finding with the given service → actions (nil actions: service level).
  static func unusedPermission(
    id: String, arn: String, status: String, services: [(String, [String]?)],
    created: String = "2026-01-10T08:00:00.241Z"
  ) -> String {
    let account = arn.split(separator: ":", omittingEmptySubsequences: false)[4]
    let details = services.map { service, actions in
      let list =
        actions.map { names in
          "\"actions\":[" + names.map { "{\"action\":\(quoted($0))}" }.joined(separator: ",") + "],"
        } ?? ""
      return "{\"unusedPermissionDetails\":{\(list)\"serviceNamespace\":\(quoted(service))}}"
    }
    return """
      {"analyzedAt":"2026-01-10T08:00:00.905000+00:00","createdAt":"\(created)","id":"\(id)",\
      "resource":\(quoted(arn)),"resourceType":"AWS::IAM::Role","resourceOwnerAccount":"\(account)",\
      "status":"\(status)","updatedAt":"2026-01-10T08:00:00+00:00",\
      "findingDetails":[\(details.joined(separator: ","))],"findingType":"UnusedPermission"}
      """
  }

  /// An inventory with the given roles: (ARN, tags).
  static func inventory(roles: [(String, [String: String])]) -> String {
    let entries = roles.map { arn, tags in
      let name = arn.split(separator: "/").last!
      let tagList = tags.sorted { $0.key < $1.key }.map {
        "{\"Key\":\(quoted($0.key)),\"Value\":\(quoted($0.value))}"
      }
      return """
        {"Path":"/","RoleName":\(quoted(String(name))),"RoleId":"AROAEXAMPLE","Arn":\(quoted(arn)),\
        "CreateDate":"2024-02-14T22:44:40+00:00","Tags":[\(tagList.joined(separator: ","))],"RoleLastUsed":{}}
        """
    }
    return
      "{\"RoleDetailList\":[\(entries.joined(separator: ",\n"))],\"UserDetailList\":[],\"IsTruncated\":false}"
  }
}
