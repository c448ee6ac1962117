import Model

/// A JSON value of an export, for reading AWS shapes field by field with errors that name the file,
/// the line and the field path. Unknown members are never looked at, so new fields in future CLI
/// versions are ignored.
///
/// The line and the path are worked out from the tape only when an error is reported: reading a
/// large export then costs no string per field.
struct JSONField {
  let value: JSONValue

  init(_ value: JSONValue) {
    self.value = value
  }

  var file: String { value.document.file }
  var path: String { value.document.path(to: value.index) }

  /// The member `key`; nil when absent or null.
  func child(_ key: StaticString) -> JSONField? {
    guard let member = value.member(key), member.kind != .null else { return nil }
    return JSONField(member)
  }

  func error(_ message: String, hint: String? = nil) -> IngestError {
    let path = path
    return IngestError(
      file: file, line: value.line, field: path.isEmpty ? nil : path, message: message, hint: hint)
  }

  func missing(_ key: StaticString) -> IngestError {
    let path = path
    return IngestError(
      file: file, line: value.line, field: path.isEmpty ? key.description : path + "." + key.description,
      message: "required field is missing",
      hint: "Export the file again with the AWS CLI's JSON output, unchanged")
  }

  func wrongType(expected: String) -> IngestError {
    error("expected \(expected), found \(value.typeDescription)")
  }

  /// The required member `key`.
  func required(_ key: StaticString) throws(IngestError) -> JSONField {
    guard let field = child(key) else { throw missing(key) }
    return field
  }

  var string: String {
    get throws(IngestError) {
      guard value.kind == .string else { throw wrongType(expected: "a string") }
      return value.decodedString
    }
  }

  /// A string value that repeats across the organisation (an action, a tag), shared with the
  /// equal ones read before.
  var sharedString: String {
    get throws(IngestError) {
      guard let bytes = value.plainStringBytes, let interner = value.document.interner else {
        return try string
      }
      return interner.string(bytes)
    }
  }

  /// A required string member that repeats across the organisation.
  func sharedString(_ key: StaticString) throws(IngestError) -> String { try required(key).sharedString }

  func requireString() throws(IngestError) {
    guard value.kind == .string else { throw wrongType(expected: "a string") }
  }

  var bool: Bool {
    get throws(IngestError) {
      switch value.kind {
      case .true: return true
      case .false: return false
      default: throw wrongType(expected: "true or false")
      }
    }
  }

  /// The elements of an array, each read in turn.
  var elements: JSONElements {
    get throws(IngestError) {
      guard value.kind == .array else { throw wrongType(expected: "an array") }
      return JSONElements(array: value)
    }
  }

  var isArray: Bool { value.kind == .array }

  var isObject: Bool { value.kind == .object }

  func requireObject() throws(IngestError) {
    guard isObject else { throw wrongType(expected: "an object") }
  }

  /// Whether this is the string `text`, compared without decoding it.
  func isString(_ text: StaticString) -> Bool { value.isString(text) }

  /// A required string member.
  func string(_ key: StaticString) throws(IngestError) -> String { try required(key).string }

  /// An optional string member (absent or null gives nil).
  func optionalString(_ key: StaticString) throws(IngestError) -> String? { try child(key)?.string }

  /// An optional array member (absent or null gives an empty list).
  func optionalElements(_ key: StaticString) throws(IngestError) -> JSONElements {
    guard let field = child(key) else { return JSONElements(array: nil) }
    return try field.elements
  }

  /// A required timestamp member as its UTC day.
  func timestampDay(_ key: StaticString) throws(IngestError) -> Day { try required(key).timestampDay }

  /// An optional timestamp member as its UTC day.
  func optionalTimestampDay(_ key: StaticString) throws(IngestError) -> Day? { try child(key)?.timestampDay }

  var timestampDay: Day {
    get throws(IngestError) {
      guard value.kind == .string else { throw wrongType(expected: "a string") }
      // Timestamps are plain ASCII; read from the bytes, they need no string.
      if let bytes = value.plainStringBytes, let day = TimestampBytes.day(bytes) { return day }
      let text = value.decodedString
      guard let timestamp = Timestamp(iso: text) else {
        throw error(
          "\"\(text.prefix(60))\" is not an ISO 8601 timestamp",
          hint: "Expected a form such as 2024-02-14T22:44:40+00:00 or 2024-02-14T22:44:40.241Z")
      }
      return timestamp.day
    }
  }
}

/// The elements of a JSON array (or none), as fields.
struct JSONElements: Sequence {
  let array: JSONValue?

  var isEmpty: Bool { array?.isEmptyContainer ?? true }

  /// At least as many as there are elements, and exactly as many when none is an array or an
  /// object: the tokens between the array's brackets.
  var countAtMost: Int { array.map { $0.document[$0.index].end - $0.index - 1 } ?? 0 }

  func makeIterator() -> Iterator {
    guard let array else { return Iterator(document: nil, position: 0, end: 0) }
    return Iterator(document: array.document, position: array.index + 1, end: array.document[array.index].end)
  }

  struct Iterator: IteratorProtocol {
    let document: JSONDocument?
    var position: Int
    let end: Int

    mutating func next() -> JSONField? {
      guard let document, position < end else { return nil }
      let element = JSONField(JSONValue(document: document, index: position))
      position = document.skip(position)
      return element
    }
  }
}

/// The day of a timestamp read straight from its bytes, accepting exactly what
/// `Timestamp(iso:)` accepts (a date, `T` or a space, a time with optional fraction, then `Z`,
/// `+HH:MM`, `-HH:MM` or `+HHMM`, or nothing): the same answer without a string per timestamp.
enum TimestampBytes {
  static func day(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
    let count = bytes.count
    guard count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let dayOfMonth = number(bytes, 8, 2),
      let date = Day(year: year, month: month, day: dayOfMonth)
    else { return nil }
    if count == 10 { return date }
    guard count >= 19, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
      let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2), let second = number(bytes, 17, 2),
      hour < 24, minute < 60, second <= 60
    else { return nil }
    var index = 19
    if index < count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      let fractionStart = index
      while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
      guard index > fractionStart else { return nil }
    }
    guard let offset = zoneOffsetSeconds(bytes, from: index) else { return nil }
    let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offset
    return Timestamp(secondsSinceEpoch: Int64(seconds)).day
  }

  /// The zone designator from `index` to the end, as seconds east of UTC; nil when malformed.
  private static func zoneOffsetSeconds(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Int? {
    let count = bytes.count
    if index == count { return 0 }
    let sign = bytes[index]
    if sign == UInt8(ascii: "Z") || sign == UInt8(ascii: "z") { return index + 1 == count ? 0 : nil }
    guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
    let rest = count - index - 1
    let hours: Int?
    let minutes: Int?
    if rest == 4 {
      hours = number(bytes, index + 1, 2)
      minutes = number(bytes, index + 3, 2)
    } else if rest == 5, bytes[index + 3] == UInt8(ascii: ":") {
      hours = number(bytes, index + 1, 2)
      minutes = number(bytes, index + 4, 2)
    } else {
      return nil
    }
    guard let hours, let minutes, hours <= 23, minutes <= 59 else { return nil }
    return (sign == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
  }

  private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int) -> Int? {
    var value = 0
    for index in start..<(start + length) {
      let byte = bytes[index]
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }
}
