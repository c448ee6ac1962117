import Testing

@testable import Ingest

/// Parses `text` and calls `body` with its root value while the parse is alive.
private func withRoot<Result>(_ text: String, _ body: (JSONValue) throws -> Result) throws -> Result {
  let bytes = Array(text.utf8)
  return try bytes.withUnsafeBufferPointer { buffer in
    let parsed = try JSONParser.parseDocument(buffer)
    return try withExtendedLifetime(parsed) { try body(parsed.root) }
  }
}

@Suite struct TruncationMarkerTests {
  private func marker(_ text: String) throws -> String? {
    try withRoot(text) { Truncation.marker(in: JSONField($0)) }
  }

  @Test func eachMarkerIsNamed() throws {
    #expect(try marker(#"{"findings": [], "IsTruncated": true}"#) == "IsTruncated is true")
    #expect(try marker(#"{"findings": [], "nextToken": "abc"}"#) == "nextToken left over")
    #expect(try marker(#"{"RoleDetailList": [], "NextToken": "abc"}"#) == "NextToken left over")
    #expect(try marker(#"{"RoleDetailList": [], "Marker": "abc"}"#) == "Marker left over")
    #expect(try marker(#"{"Marker": "abc", "IsTruncated": true}"#) == "IsTruncated is true")
    #expect(try marker(#"{"Marker": "abc", "nextToken": "x"}"#) == "nextToken left over")
  }

  @Test func finishedExportsHaveNone() throws {
    #expect(try marker(#"{"findings": [], "IsTruncated": false, "nextToken": "", "Marker": null}"#) == nil)
    #expect(try marker(#"{"id": "a", "findingDetails": [{"nextToken": "inside"}]}"#) == nil)
    #expect(try marker(#"[{"IsTruncated": true}]"#) == nil)
  }

  @Test func theFirstOfTwoMembersOfOneNameCounts() throws {
    #expect(try marker(#"{"IsTruncated": false, "IsTruncated": true}"#) == nil)
    #expect(try marker(#"{"nextToken": "", "nextToken": "abc"}"#) == nil)
    #expect(try marker(#"{"nextToken": "abc", "nextToken": ""}"#) == "nextToken left over")
  }

  @Test func anEscapedNameIsTheSameName() throws {
    #expect(try marker(#"{"\u0049sTruncated": true}"#) == "IsTruncated is true")
  }
}
