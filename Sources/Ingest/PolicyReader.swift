import Foundation
import Model

/// Reads IAM policy documents in the forms the AWS CLI prints: a JSON object, or (older CLI
/// versions and the raw API) a URL-encoded JSON string; `Statement` and `Action` as a single value
/// or a list.
enum PolicyReader {
  static func document(_ field: JSONField) throws(IngestError) -> PolicyDocument {
    var field = field
    if case .string(let encoded) = field.value.storage {
      guard let decoded = encoded.removingPercentEncoding else {
        throw field.error("the policy document is neither JSON nor URL-encoded JSON")
      }
      let value: JSONValue
      do {
        value = try Array(decoded.utf8).withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
          try JSONParser.parseDocument(buffer)
        }
      } catch {
        throw field.error("the URL-encoded policy document is not valid JSON: \(error.message)")
      }
      field = JSONField(
        JSONValue(storage: value.storage, line: field.value.line), file: field.file, path: field.path)
    }
    try field.requireObject()
    let version = try field.optionalString("Version")
    var statements: [PolicyStatement] = []
    if let statementField = field.child("Statement") {
      let list = statementField.value.arrayElements != nil ? try statementField.elements : [statementField]
      for entry in list {
        statements.append(try statement(entry))
      }
    }
    return PolicyDocument(version: version, statements: statements)
  }

  /// A policy document held in a string, as `recommendedPolicy` is.
  static func document(json text: String, field: JSONField) throws(IngestError) -> PolicyDocument {
    let value: JSONValue
    do {
      value = try Array(text.utf8).withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
        try JSONParser.parseDocument(buffer)
      }
    } catch {
      throw field.error("the policy is not valid JSON: \(error.message)")
    }
    return try document(
      JSONField(JSONValue(storage: value.storage, line: field.value.line), file: field.file, path: field.path)
    )
  }

  private static func statement(_ entry: JSONField) throws(IngestError) -> PolicyStatement {
    guard let members = entry.value.objectMembers else {
      throw entry.wrongType(expected: "a policy statement object")
    }
    var sid: String?
    var effect = "Allow"
    var actions: [String]?
    var others: [RawMember] = []
    for (key, value) in members {
      let member = JSONField(value, file: entry.file, path: entry.path + "." + key)
      switch key {
      case "Sid": sid = try member.string
      case "Effect": effect = try member.string
      case "Action":
        if case .string(let single) = value.storage {
          actions = [single]
        } else {
          actions = try member.elements.map { element throws(IngestError) in try element.string }
        }
      default: others.append(RawMember(key: key, json: JSONPrinter.pretty(value)))
      }
    }
    return PolicyStatement(sid: sid, effect: effect, actions: actions, otherMembers: others)
  }
}

/// Prints a JSON value with two-space indentation, numbers as written.
enum JSONPrinter {
  static func pretty(_ value: JSONValue, indent: String = "") -> String {
    switch value.storage {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let text): return text
    case .string(let text): return PolicyDocument.quoted(text)
    case .array(let elements):
      if elements.isEmpty { return "[]" }
      let inner = indent + "  "
      return "[\n" + elements.map { inner + pretty($0, indent: inner) }.joined(separator: ",\n") + "\n"
        + indent + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      let inner = indent + "  "
      return "{\n"
        + members.map { inner + PolicyDocument.quoted($0.key) + ": " + pretty($0.value, indent: inner) }
        .joined(separator: ",\n") + "\n" + indent + "}"
    }
  }
}
