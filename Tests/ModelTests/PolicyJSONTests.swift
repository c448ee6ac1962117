import Model
import Testing

@Suite struct PolicyJSONTests {
  @Test func documentsPrintInIAMOrderWithTwoSpaceIndentation() {
    let document = PolicyDocument(
      version: "2012-10-17",
      statements: [
        PolicyStatement(
          sid: "Read\"All\"", effect: "Allow", actions: ["s3:GetObject", "s3:ListBucket"],
          otherMembers: [
            RawMember(key: "Resource", json: "[\n  \"arn:aws:s3:::b\",\n  \"arn:aws:s3:::b/*\"\n]"),
            RawMember(key: "Condition", json: "{}"),
          ]),
        PolicyStatement(
          effect: "Deny", actions: nil, otherMembers: [RawMember(key: "NotAction", json: "\"iam:*\"")]),
      ])
    #expect(
      document.json == """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Read\\"All\\"",
              "Effect": "Allow",
              "Action": [
                "s3:GetObject",
                "s3:ListBucket"
              ],
              "Resource": [
                "arn:aws:s3:::b",
                "arn:aws:s3:::b/*"
              ],
              "Condition": {}
            },
            {
              "Effect": "Deny",
              "NotAction": "iam:*"
            }
          ]
        }
        """)
  }

  @Test func escapedTextsAndASingleActionPrintAsJSONDoes() {
    // Texts that need escaping take another way out than plain ones; the bytes and the string agree.
    let document = PolicyDocument(
      version: "2012-10-17",
      statements: [PolicyStatement(sid: "Caf\u{E9}\t\u{1}\\", effect: "Allow", actions: ["s3:GetObject"])])
    let expected =
      "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"Caf\u{E9}\\t\\u0001\\\\\",\n"
      + "      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\"\n    }\n  ]\n}"
    #expect(document.json == expected)
    #expect(document.jsonUTF8 == Array(expected.utf8))
  }

  @Test func aDocumentWithoutVersionOrStatementsIsStillJSON() {
    #expect(PolicyDocument(version: nil, statements: []).json == "{\n  \"Statement\": []\n}")
  }

  @Test func anEmptyActionListPrintsAsEmptyBrackets() {
    let document = PolicyDocument(
      version: nil, statements: [PolicyStatement(effect: "Deny", actions: [])])
    #expect(
      document.json
        == "{\n  \"Statement\": [\n    {\n      \"Effect\": \"Deny\",\n      \"Action\": []\n    }\n  ]\n}")
  }
}
