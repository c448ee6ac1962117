import Foundation
import Model

/// Reads IAM policy documents in the forms the AWS CLI prints: a JSON object, or (older CLI
/// versions and the raw API) a URL-encoded JSON string; `Statement` and `Action` as a single value
/// or a list.
enum PolicyReader {
  static func document(_ field: JSONField) throws(IngestError) -> PolicyDocument {
    guard field.value.kind == .string else { return try objectDocument(field) }
    guard let decoded = percentDecoded(try field.string) else {
      throw field.error("the policy document is neither JSON nor URL-encoded JSON")
    }
    let inner: ParsedJSON
    do {
      inner = try embedded(bytes: decoded, in: field)
    } catch {
      throw field.error("the URL-encoded policy document is not valid JSON: \(error.message)")
    }
    defer { withExtendedLifetime(inner) {} }
    return try objectDocument(JSONField(inner.root))
  }

  /// A policy document held in a string, as `recommendedPolicy` is.
  static func document(json text: String, field: JSONField) throws(IngestError) -> PolicyDocument {
    let inner: ParsedJSON
    do {
      inner = try embedded(text, in: field)
    } catch {
      throw field.error("the policy is not valid JSON: \(error.message)")
    }
    defer { withExtendedLifetime(inner) {} }
    return try objectDocument(JSONField(inner.root))
  }

  /// A JSON text held in the string `field`, parsed as a document of its own whose errors name the
  /// string's file, line and field: the text's own lines are not the file's.
  private static func embedded(_ text: String, in field: JSONField) throws(JSONSyntaxError) -> ParsedJSON {
    try embedded(bytes: Array(text.utf8), in: field)
  }

  private static func embedded(bytes: [UInt8], in field: JSONField) throws(JSONSyntaxError) -> ParsedJSON {
    let parsed = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) in
      try JSONParser.parseDocument(buffer, file: field.file)
    }
    parsed.document.container = field.value
    parsed.document.interner = field.value.document.interner
    return parsed
  }

  /// `text`'s UTF-8 with each `%XX` replaced by the byte it names; nil when a `%` is not followed
  /// by two hexadecimal digits or the bytes are not UTF-8, as Foundation's
  /// `removingPercentEncoding` decides. Decoded here because that copies the string through
  /// `CFStringGetBytes` at about 350,000 instructions a policy document.
  static func percentDecoded(_ text: String) -> [UInt8]? {
    text.withUTF8Bytes { source -> [UInt8]? in
      var decoded: [UInt8] = []
      decoded.reserveCapacity(source.count)
      var index = 0
      while index < source.count {
        let byte = source[index]
        guard byte == UInt8(ascii: "%") else {
          decoded.append(byte)
          index += 1
          continue
        }
        guard index + 2 < source.count, let high = JSONScan.hexDigit(source[index + 1]),
          let low = JSONScan.hexDigit(source[index + 2])
        else { return nil }
        decoded.append(UInt8(high << 4 | low))
        index += 3
      }
      return String(validating: decoded, as: UTF8.self) == nil ? nil : decoded
    }
  }

  private static func objectDocument(_ field: JSONField) throws(IngestError) -> PolicyDocument {
    try field.requireObject()
    let version = try field.optionalString("Version")
    var statements: [PolicyStatement] = []
    if let statementField = field.child("Statement") {
      if statementField.isArray {
        for entry in try statementField.elements {
          statements.append(try statement(entry))
        }
      } else {
        statements.append(try statement(statementField))
      }
    }
    return PolicyDocument(version: version, statements: statements)
  }

  /// The member names of a statement that the reader treats apart, told by their length first:
  /// asking whether a name is each of them in turn compared it up to four times, for each member
  /// of half a million statements at the size of a large organisation.
  private enum StatementMember {
    case sid, effect, action, resource, other

    init(_ key: JSONValue) {
      guard let bytes = key.plainStringBytes else {
        // Escapes or bytes outside ASCII: each name compared as a string, as `isString` does.
        let names: [(StaticString, StatementMember)] = [
          ("Sid", .sid), ("Effect", .effect), ("Action", .action), ("Resource", .resource),
        ]
        self = names.first { key.isString($0.0) }?.1 ?? .other
        return
      }
      switch bytes.count {
      case 3: self = key.isString("Sid") ? .sid : .other
      case 6: self = key.isString("Effect") ? .effect : key.isString("Action") ? .action : .other
      case 8: self = key.isString("Resource") ? .resource : .other
      default: self = .other
      }
    }
  }

  private static func statement(_ entry: JSONField) throws(IngestError) -> PolicyStatement {
    guard entry.isObject else {
      throw entry.wrongType(expected: "a policy statement object")
    }
    var sid: String?
    var effect = "Allow"
    var actions: [String]?
    var others: [RawMember] = []
    try entry.value.forEachMember { key, value throws(IngestError) in
      let member = JSONField(value)
      let name = StatementMember(key)
      switch name {
      case .sid:
        sid = try member.string
      case .effect:
        // Nearly every statement says one of the two: shared rather than decoded each time.
        effect = value.isString("Allow") ? "Allow" : value.isString("Deny") ? "Deny" : try member.string
      case .action:
        if value.kind == .string {
          actions = [try member.sharedString]
        } else {
          // Reserved at once: mapping the elements, whose number is not known up front, grew the
          // list one reallocation at a time, for every statement of a hundred thousand roles.
          let elements = try member.elements
          var list: [String] = []
          list.reserveCapacity(elements.countAtMost)
          for element in elements { list.append(try element.sharedString) }
          actions = list
        }
      case .resource, .other:
        others.append(
          RawMember(
            key: name == .resource ? "Resource" : key.decodedString, json: JSONPrinter.pretty(value)))
      }
    }
    return PolicyStatement(sid: sid, effect: effect, actions: actions, otherMembers: others)
  }
}
