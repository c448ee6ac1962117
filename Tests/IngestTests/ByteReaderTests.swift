import Model
import Testing

@testable import Ingest

/// The readers that work on bytes give exactly what the model's string-based functions give.
@Suite struct ByteReaderTests {
  @Test(arguments: [
    "2024-02-14T22:44:40+00:00", "2024-02-14T22:44:40.905000+00:00", "2024-02-14T22:44:40.241Z",
    "2024-02-14", "2024-02-14 23:59:60Z", "2024-02-14T23:30:00-01:00", "2024-02-14T00:30:00+0100",
    "2024-02-14t22:44:40Z", "2024-02-14T22:44:40z", "2024-02-14T22:44:40", "2024-02-14T22:44:40.Z",
    "2024-02-14T24:00:00Z", "2024-02-30T00:00:00Z", "2024-02-14T22:44:40+00:0", "2024-02-14T22:44:40+0:000",
    "2024-02-14T22:44:40+00:00Z", "2024-02-14T22:44:40ZZ", "yesterday", "", "2024-2-14", "2024-02-14T",
    "2024-02-14T22:44:40+24:00", "2024-02-14T22:44:40+00:60", "2024-02-14T22:44:40 +00:00",
  ])
  func timestampsFromBytes(text: String) {
    let day = Array(text.utf8).withUnsafeBufferPointer { TimestampBytes.day($0) }
    #expect(day == Timestamp(iso: text)?.day)
  }

  @Test(arguments: [
    "arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:role/service-role/a/b/app",
    "arn:aws:iam::111122223333:user/dana", "arn:aws:iam::111122223333:root", "arn:aws:iam::1:role/a//b",
    "arn:aws:iam::1:role/", "arn:aws:iam::1:group/x/y", "arn:aws:iam::1:role/x:y", "arn:aws:iam::1",
    "not an arn", "", "arn:aws:iam::1:röle/å", "arn:aws:iam::1:role/名前", "ARN:aws:iam::1:role/x",
    "arn:aws:iam::1:role", "arn:aws:iam::1:rolex/a", "arn:aws:iam::1:rol/a", "arn::::", "arn:::::",
    "arn:aws:iam::111122223333:user/a/b/c/d/x:y/name", "xarn:aws:iam::1:role/a", "ar:aws:iam::1:role/a",
  ])
  func arnsFromBytes(text: String) {
    let parts = ARNParts(text)
    let model = IAMARN(text)
    #expect(parts?.accountID == model?.accountID)
    #expect(parts?.kind == model?.kind)
    #expect(parts?.path == model?.path)
    #expect(parts?.name == model?.name)
    #expect(Principal.named(text, kind: .user) == Principal(arnOnly: text, kind: .user))
  }

  @Test(arguments: ["GetObject", "s3:GetObject", "S3:getobject", ":", "s3:", "a:b:c", "Get\\u00e9", "é:x"])
  func actionsFromBytes(action: String) throws {
    let parsed = try Array("{\"action\": \"\(action)\"}".utf8).withUnsafeBufferPointer { buffer in
      try JSONParser.parseDocument(buffer)
    }
    defer { withExtendedLifetime(parsed) {} }
    let field = try JSONField(parsed.root).required("action")
    let permissions = ServicePermissions(principalARN: "arn:aws:iam::1:role/x", service: "S3")
    #expect(
      try permissions.action(field)
        == .permission(principalARN: "arn:aws:iam::1:role/x", service: "S3", action: try field.string))
  }

  @Test func internedStringsAreEqualTextsShared() {
    let interner = StringInterner()
    let texts = ["ec2:AuthorizeSecurityGroupEgress", "short", "ec2:AuthorizeSecurityGroupIngress"]
    for _ in 0..<3 {
      for text in texts {
        let interned = Array(text.utf8).withUnsafeBufferPointer { interner.string($0) }
        #expect(interned == text)
      }
    }
  }

  @Test func aDocumentInAStringReportsTheStringsLineAndPath() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("f.json", "[]")
    try folder.write(
      "inventory.json",
      """
      {"RoleDetailList": [{"RoleName": "x", "Arn": "arn:aws:iam::1:role/x",
        "RolePolicyList": [
          {"PolicyName": "p",
           "PolicyDocument": "%7B%0A%22Statement%22%3A%0A%5B%7B%22Action%22%3A%201%7D%5D%7D"}]}]}
      """)
    let error = try #require(snapshotErrors(folder.snapshot()).first)
    #expect(error.line == 4)
    #expect(error.field == "RoleDetailList[0].RolePolicyList[0].PolicyDocument.Statement[0].Action")
    #expect(error.message == "expected an array, found a number")
  }
}
