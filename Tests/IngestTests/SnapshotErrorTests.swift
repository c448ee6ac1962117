import Foundation
import Model
import Testing

@testable import Ingest

@Suite struct SnapshotErrorTests {
  static let folder = "content/analysis/2026-11-22/"
  static let reexport = "Export the file again with the AWS CLI's JSON output, unchanged"

  @Test func aWrongTypeNamesTheLineAndField() throws {
    let error = try singleError(fixture: "errors/status-number.json")
    #expect(error.file == Self.folder + "status-number.json")
    #expect(error.line == 8)
    #expect(error.field == "status")
    #expect(error.message == "expected a string, found a number")
    #expect(
      error.description
        == "content/analysis/2026-11-22/status-number.json:8: field status: expected a string, found a number"
    )
  }

  @Test func aMissingFieldInTheSecondElementOfAnArray() throws {
    let error = try singleError(fixture: "errors/missing-resource.json")
    #expect(error.file == Self.folder + "missing-resource.json")
    #expect(error.line == 20)
    #expect(error.field == "[1].resource")
    #expect(error.message == "required field is missing")
    #expect(error.hint == Self.reexport)
  }

  @Test func aMissingNestedFieldNamesTheWholePath() throws {
    let error = try singleError(fixture: "errors/missing-service-namespace.json")
    #expect(error.line == 31)
    #expect(error.field == "findingDetails[1].unusedPermissionDetails.serviceNamespace")
    #expect(error.message == "required field is missing")
    #expect(
      error.description
        == "content/analysis/2026-11-22/missing-service-namespace.json:31: field findingDetails[1].unusedPermissionDetails.serviceNamespace: required field is missing. "
        + Self.reexport)
  }

  @Test func anUnknownFindingType() throws {
    let error = try singleError(fixture: "errors/unknown-type.json")
    #expect(error.line == 17)
    #expect(error.field == "findingType")
    #expect(error.message == "unknown finding type \"UnusedS3Bucket\"")
    #expect(
      error.hint
        == "Expected one of UnusedPermission, UnusedIAMRole, UnusedIAMUserAccessKey, UnusedIAMUserPassword, ExternalAccess, InternalAccess"
    )
  }

  @Test func anUnknownStatus() throws {
    let error = try singleError(fixture: "errors/unknown-status.json")
    #expect(error.line == 8)
    #expect(error.field == "status")
    #expect(error.message == "unknown finding status \"OPEN\"")
    #expect(error.hint == "Expected ACTIVE, ARCHIVED or RESOLVED")
  }

  @Test func aTimestampThatIsNotOne() throws {
    let error = try singleError(fixture: "errors/bad-timestamp.json")
    #expect(error.line == 3)
    #expect(error.field == "createdAt")
    #expect(error.message == "\"yesterday\" is not an ISO 8601 timestamp")
  }

  @Test func aTruncatedFile() throws {
    let error = try singleError(fixture: "errors/truncated.json")
    #expect(error.file == Self.folder + "truncated.json")
    #expect(error.line == 10)
    #expect(error.field == nil)
    #expect(error.message == "invalid JSON at column 1: the file ends inside an object (is it truncated?)")
  }

  @Test(arguments: ["errors/empty.json", "errors/whitespace.json"])
  func anEmptyFile(fixture: String) throws {
    let error = try singleError(fixture: fixture)
    #expect(error.file == Self.folder + URL(fileURLWithPath: fixture).lastPathComponent)
    #expect(error.line == nil)
    #expect(error.field == nil)
    #expect(error.message == "the file is empty")
    #expect(error.hint == "An export with no findings is `[]`; remove the file if the export failed")
  }

  @Test func binaryGarbage() throws {
    let error = try singleError(fixture: "errors/garbage.bin")
    #expect(error.file == Self.folder + "garbage.bin")
    #expect(error.line == 1)
    #expect(error.message == "not a JSON export (it starts with neither '{' nor '[')")
  }

  @Test func aJSONLinesRecordWithAWrongTypeOnLine3() throws {
    let error = try singleError(fixture: "errors/bad-type-line-3.jsonl")
    #expect(error.file == Self.folder + "bad-type-line-3.jsonl")
    #expect(error.line == 3)
    #expect(error.field == "status")
    #expect(error.message == "expected a string, found an array")
  }

  @Test func aJSONLinesFileCutOffOnLine3() throws {
    let error = try singleError(fixture: "errors/bad-syntax-line-3.jsonl")
    #expect(error.line == 3)
    #expect(
      error.message
        == "invalid JSON at column 41: a control character inside a string (a string must end on its line)")
  }

  @Test func aWrongTypeInTheInventory() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("findings.json", "[]")
    try folder.copy(fixture: "errors/inventory-tags-string.json")
    let errors = snapshotErrors(folder.snapshot())
    #expect(errors.count == 1)
    let error = try #require(errors.first)
    #expect(error.file == Self.folder + "inventory-tags-string.json")
    #expect(error.line == 163)
    #expect(error.field == "RoleDetailList[2].Tags")
    #expect(error.message == "expected an array, found a string")
  }

  @Test func aFolderWithOnlyAnInventoryIsRefused() throws {
    let errors = snapshotErrors(Fixtures.snapshot("inventory-only"))
    #expect(errors.count == 1)
    let error = try #require(errors.first)
    #expect(error.file == "content/analysis/2026-11-22")
    #expect(error.line == nil)
    #expect(error.field == nil)
    #expect(error.message == "no export of unused access in this snapshot folder")
    #expect(error.hint?.contains("`[]` when there are no findings") == true)
  }

  @Test func anEmptyFolderIsRefused() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let errors = snapshotErrors(folder.snapshot(day: "2026-01-31"))
    #expect(errors.map(\.file) == ["content/analysis/2026-01-31"])
    #expect(errors.map(\.message) == ["no export of unused access in this snapshot folder"])
  }

  @Test func everyBadFileOfAFolderIsReportedAtOnce() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.copy(fixture: "pretty/finding-01.json")
    try folder.copy(fixture: "errors/unknown-status.json", to: "a/unknown-status.json")
    try folder.copy(fixture: "errors/empty.json", to: "b-empty.json")
    try folder.copy(fixture: "errors/bad-type-line-3.jsonl", to: "c.jsonl")
    let errors = snapshotErrors(folder.snapshot())
    #expect(
      errors.map(\.file) == [
        Self.folder + "a/unknown-status.json", Self.folder + "b-empty.json", Self.folder + "c.jsonl",
      ])
    #expect(errors.map(\.line) == [8, nil, 3])
    #expect(
      errors.map(\.message) == [
        "unknown finding status \"OPEN\"", "the file is empty", "expected a string, found an array",
      ])
  }

  @Test(
    arguments: [
      (
        "[\n{\"findingType\": \"ExternalAccess\"},\n1]", 3, "[1]",
        "expected an object (an AWS CLI response), found a number"
      ),
      (
        "{\"Foo\": 1,\n \"Bar\": 2}", 1, nil, "not a recognised AWS export (members: Foo, Bar)"
      ),
      (
        """
        {"findingType": "UnusedIAMRole", "status": "ACTIVE", "resource": "arn:aws:iam::1:role/x", "id": "f",
         "createdAt": "2026-01-01T00:00:00Z",
         "findingDetails": {"unusedIamRoleDetails": {}}}
        """, 3, "findingDetails", "expected an array, found an object"
      ),
      (
        """
        {"findingType": "UnusedPermission", "status": "ACTIVE", "resource": "arn:aws:iam::1:role/x", "id": "f",
         "createdAt": "2026-01-01T00:00:00Z", "findingDetails": [
          {"unusedPermissionDetails": {"serviceNamespace": "s3", "actions": [
            {"action": "s3:GetObject"},
            {"lastAccessed": "2026-01-01T00:00:00Z"}]}}]}
        """, 5, "findingDetails[0].unusedPermissionDetails.actions[1].action", "required field is missing"
      ),
      (
        """
        {"findingType": "UnusedIAMUserAccessKey", "status": "ACTIVE", "resource": "arn:aws:iam::1:user/u",
         "id": "f", "createdAt": "2026-01-01T00:00:00Z",
         "findingDetails": [{"unusedIamUserAccessKeyDetails": {"lastAccessed": "2026-01-01T00:00:00Z"}}]}
        """, 3, "findingDetails[0].unusedIamUserAccessKeyDetails.accessKeyId", "required field is missing"
      ),
      (
        """
        {"findingType": "UnusedIAMRole", "status": "ACTIVE", "resource": "arn:aws:iam::1:role/x", "id": "f",
         "createdAt": "2026-01-01T00:00:00Z", "findingDetails": ["unusedIamRoleDetails"]}
        """, 2, "findingDetails[0]", "expected an object, found a string"
      ),
      (
        """
        {"findingType": "UnusedIAMRole", "status": "ACTIVE", "resource": "arn:aws:iam::1:role/x",
         "createdAt": "2026-01-01T00:00:00Z", "findingDetails": []}
        """, 1, "id", "required field is missing"
      ),
      (
        """
        {"RoleDetailList": [{"RoleName": "x", "Arn": "arn:aws:iam::1:role/x",
          "RoleLastUsed": "2026-01-01T00:00:00Z"}]}
        """, 2, "RoleDetailList[0].RoleLastUsed", "expected an object, found a string"
      ),
      (
        """
        {"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::1:user/u",
          "Tags": [{"Key": "team"}]}]}
        """, 2, "UserDetailList[0].Tags[0].Value", "required field is missing"
      ),
    ] as [(String, Int, String?, String)])
  func malformedRecords(json: String, line: Int, field: String?, message: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("findings.json", "[]")
    try folder.write("export.json", json)
    let errors = snapshotErrors(folder.snapshot())
    #expect(errors.count == 1)
    let error = try #require(errors.first)
    #expect(error.file == Self.folder + "export.json")
    #expect(error.line == line)
    #expect(error.field == field)
    #expect(error.message == message)
  }
}

@Suite struct EncodingErrorTests {
  @Test func utf16IsNamedWithAFix() throws {
    let bytes: [UInt8] = [0xFF, 0xFE] + Array("[]".utf8).flatMap { [$0, 0] }
    let error = try bytes.withUnsafeBufferPointer { buffer in
      try #require(throws: IngestError.self) { try ExportFileReader.read(buffer, displayName: "x.json") }
    }
    #expect(error.message == "the file is UTF-16 text")
    #expect(error.hint?.hasPrefix("Save it as UTF-8") == true)
  }
}
