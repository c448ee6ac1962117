import Model

/// A JSON value together with where it came from, for reading AWS shapes field by field with
/// errors that name the file, the line and the field path. Unknown members are never looked at,
/// so new fields in future CLI versions are ignored.
struct JSONField {
  let value: JSONValue
  let file: String
  let path: String

  init(_ value: JSONValue, file: String, path: String = "") {
    self.value = value
    self.file = file
    self.path = path
  }

  func child(_ key: String) -> JSONField? {
    guard let member = value[key] else { return nil }
    if case .null = member.storage { return nil }
    return JSONField(member, file: file, path: path.isEmpty ? key : path + "." + key)
  }

  func error(_ message: String, hint: String? = nil) -> IngestError {
    IngestError(file: file, line: value.line, field: path.isEmpty ? nil : path, message: message, hint: hint)
  }

  func missing(_ key: String) -> IngestError {
    IngestError(
      file: file, line: value.line, field: path.isEmpty ? key : path + "." + key,
      message: "required field is missing",
      hint: "Export the file again with the AWS CLI's JSON output, unchanged")
  }

  func wrongType(expected: String) -> IngestError {
    error("expected \(expected), found \(value.typeDescription)")
  }

  /// The required member `key`.
  func required(_ key: String) throws(IngestError) -> JSONField {
    guard let field = child(key) else { throw missing(key) }
    return field
  }

  var string: String {
    get throws(IngestError) {
      guard case .string(let text) = value.storage else { throw wrongType(expected: "a string") }
      return text
    }
  }

  var bool: Bool {
    get throws(IngestError) {
      guard case .bool(let flag) = value.storage else { throw wrongType(expected: "true or false") }
      return flag
    }
  }

  var elements: [JSONField] {
    get throws(IngestError) {
      guard case .array(let items) = value.storage else { throw wrongType(expected: "an array") }
      return items.enumerated().map { JSONField($1, file: file, path: path + "[\($0)]") }
    }
  }

  var isObject: Bool { value.objectMembers != nil }

  func requireObject() throws(IngestError) {
    guard isObject else { throw wrongType(expected: "an object") }
  }

  /// A required string member.
  func string(_ key: String) throws(IngestError) -> String { try required(key).string }

  /// An optional string member (absent or null gives nil).
  func optionalString(_ key: String) throws(IngestError) -> String? { try child(key)?.string }

  /// An optional array member (absent or null gives an empty array).
  func optionalElements(_ key: String) throws(IngestError) -> [JSONField] { try child(key)?.elements ?? [] }

  /// A required timestamp member as its UTC day.
  func timestampDay(_ key: String) throws(IngestError) -> Day { try required(key).timestampDay }

  /// An optional timestamp member as its UTC day.
  func optionalTimestampDay(_ key: String) throws(IngestError) -> Day? { try child(key)?.timestampDay }

  var timestampDay: Day {
    get throws(IngestError) {
      let text = try string
      guard let timestamp = Timestamp(iso: text) else {
        throw error(
          "\"\(text.prefix(60))\" is not an ISO 8601 timestamp",
          hint: "Expected a form such as 2024-02-14T22:44:40+00:00 or 2024-02-14T22:44:40.241Z")
      }
      return timestamp.day
    }
  }
}
