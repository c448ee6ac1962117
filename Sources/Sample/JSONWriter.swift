import Model

/// Writes JSON text straight into a byte buffer, compact (as JSON Lines) or indented the way
/// Python's `json.dumps(indent=...)` and so the AWS CLI print it: `"key": value`, one element per
/// line, `[]` and `{}` for empty containers.
///
/// At the big benchmark size the sample writes several gigabytes, so this avoids `JSONEncoder`,
/// intermediate dictionaries and `String` building: callers emit tokens in order and the writer
/// only tracks where commas and line breaks go.
struct JSONWriter {
  /// The text so far, UTF-8.
  var bytes: [UInt8] = []
  /// Spaces per level; 0 writes compact JSON without any whitespace.
  let indent: Int
  private var depth = 0
  /// True right after an opening bracket, until the first element.
  private var atFirstElement = false
  /// True between a key and its value.
  private var afterKey = false

  init(indent: Int, capacity: Int = 0) {
    self.indent = indent
    bytes.reserveCapacity(capacity)
  }

  /// Empties the buffer, keeping its storage, to write the next document.
  mutating func reset() {
    bytes.removeAll(keepingCapacity: true)
    depth = 0
    atFirstElement = false
    afterKey = false
  }

  // MARK: structure

  mutating func beginObject() {
    valuePrefix()
    bytes.append(UInt8(ascii: "{"))
    depth += 1
    atFirstElement = true
  }

  mutating func endObject() {
    close(UInt8(ascii: "}"))
  }

  mutating func beginArray() {
    valuePrefix()
    bytes.append(UInt8(ascii: "["))
    depth += 1
    atFirstElement = true
  }

  mutating func endArray() {
    close(UInt8(ascii: "]"))
  }

  /// Starts a member; the next value written is its value. Keys are the sample's own ASCII
  /// names, so they are never escaped.
  mutating func key(_ name: StaticString) {
    elementSeparator()
    bytes.append(UInt8(ascii: "\""))
    append(name)
    bytes.append(UInt8(ascii: "\""))
    bytes.append(UInt8(ascii: ":"))
    if indent > 0 { bytes.append(UInt8(ascii: " ")) }
    afterKey = true
  }

  // MARK: values

  mutating func string(_ text: String) {
    valuePrefix()
    appendQuoted(text)
  }

  /// A string value made of two parts, such as `s3:` and `GetObject`, without joining them first.
  mutating func string(_ prefix: String, _ text: String) {
    valuePrefix()
    bytes.append(UInt8(ascii: "\""))
    appendEscaped(prefix)
    appendEscaped(text)
    bytes.append(UInt8(ascii: "\""))
  }

  mutating func string(_ text: StaticString) {
    valuePrefix()
    bytes.append(UInt8(ascii: "\""))
    append(text)
    bytes.append(UInt8(ascii: "\""))
  }

  /// A value whose JSON text (quotes included) was prepared in advance, such as an action name.
  mutating func raw(_ json: [UInt8]) {
    valuePrefix()
    bytes.append(contentsOf: json)
  }

  mutating func int(_ value: Int) {
    valuePrefix()
    appendDecimal(value)
  }

  mutating func bool(_ value: Bool) {
    valuePrefix()
    append(value ? "true" : "false")
  }

  /// Starts a string value to be written in parts with `stringPart`, such as an ARN built from
  /// an account id and a name, without joining the parts into a `String` first.
  mutating func beginString() {
    valuePrefix()
    bytes.append(UInt8(ascii: "\""))
  }

  /// Appends escaped text to a string begun with `beginString`.
  mutating func stringPart(_ text: String) {
    appendEscaped(text)
  }

  /// Appends text known to need no escaping to a string begun with `beginString`.
  mutating func stringPart(_ text: StaticString) {
    append(text)
  }

  /// Ends a string begun with `beginString`.
  mutating func endString() {
    bytes.append(UInt8(ascii: "\""))
  }

  /// An instant, quoted, in one of the forms the AWS tools print.
  mutating func timestamp(milliseconds: Int64, style: TimestampStyle) {
    valuePrefix()
    bytes.append(UInt8(ascii: "\""))
    appendTimestamp(milliseconds: milliseconds, style: style)
    bytes.append(UInt8(ascii: "\""))
  }

  /// A string value whose content is `document`'s bytes percent-encoded, as the IAM API (and old
  /// CLI versions) return policy documents: every byte outside RFC 3986's unreserved set becomes
  /// `%XX`, which also leaves nothing that JSON would need to escape.
  mutating func urlEncodedString(_ document: [UInt8]) {
    valuePrefix()
    bytes.append(UInt8(ascii: "\""))
    let hex: StaticString = "0123456789ABCDEF"
    for byte in document {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
        UInt8(ascii: "~"):
        bytes.append(byte)
      default:
        bytes.append(UInt8(ascii: "%"))
        bytes.append(hex.utf8Start[Int(byte >> 4)])
        bytes.append(hex.utf8Start[Int(byte & 0xF)])
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }

  /// Ends a JSON Lines record.
  mutating func newline() {
    bytes.append(UInt8(ascii: "\n"))
  }

  // MARK: plumbing

  private mutating func valuePrefix() {
    if afterKey {
      afterKey = false
    } else if depth > 0 {
      elementSeparator()
    }
  }

  private mutating func elementSeparator() {
    if atFirstElement {
      atFirstElement = false
    } else {
      bytes.append(UInt8(ascii: ","))
    }
    if indent > 0 { lineBreak() }
  }

  private mutating func close(_ bracket: UInt8) {
    depth -= 1
    if !atFirstElement, indent > 0 { lineBreak() }
    atFirstElement = false
    bytes.append(bracket)
  }

  private mutating func lineBreak() {
    // A static string rather than an array of spaces: no reference counting in this hot path.
    let newlineAndSpaces: StaticString = "\n                                                                "
    var spaces = depth * indent
    newlineAndSpaces.withUTF8Buffer { buffer in
      let run = min(spaces, buffer.count - 1)
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<(run + 1)]))
      spaces -= run
      while spaces > 0 {
        let more = min(spaces, buffer.count - 1)
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[1..<(more + 1)]))
        spaces -= more
      }
    }
  }

  mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  private mutating func appendQuoted(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    appendEscaped(text)
    bytes.append(UInt8(ascii: "\""))
  }

  /// JSON string escaping: quote, backslash and control characters; everything else, including
  /// non-ASCII UTF-8, is copied as is (as the AWS CLI prints it).
  private mutating func appendEscaped(_ text: String) {
    text.withUTF8Bytes { utf8 in
      var needsEscape = false
      for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
        needsEscape = true
        break
      }
      if !needsEscape {
        bytes.append(contentsOf: utf8)
        return
      }
      let hex: StaticString = "0123456789abcdef"
      for byte in utf8 {
        switch byte {
        case UInt8(ascii: "\""): append("\\\"")
        case UInt8(ascii: "\\"): append("\\\\")
        case 0x0A: append("\\n")
        case 0x0D: append("\\r")
        case 0x09: append("\\t")
        case 0x08: append("\\b")
        case 0x0C: append("\\f")
        case 0..<0x20:
          append("\\u00")
          bytes.append(hex.utf8Start[Int(byte >> 4)])
          bytes.append(hex.utf8Start[Int(byte & 0xF)])
        default: bytes.append(byte)
        }
      }
    }
  }

  private mutating func appendDecimal(_ value: Int) {
    if value < 0 {
      bytes.append(UInt8(ascii: "-"))
      appendDecimal(-value)
      return
    }
    if value >= 10 { appendDecimal(value / 10) }
    bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
  }

  private mutating func appendDigits(_ value: Int, width: Int) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    var rest = value
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
      rest %= divisor
      divisor /= 10
    }
  }

  /// `YYYY-MM-DDTHH:MM:SS` then the style's fraction and zone.
  mutating func appendTimestamp(milliseconds: Int64, style: TimestampStyle) {
    let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
    let millis = Int(milliseconds - seconds * 1000)
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let secondOfDay = Int(seconds - days * 86_400)
    let (year, month, day) = Day(daysSinceEpoch: Int(days)).components
    appendDigits(year, width: 4)
    bytes.append(UInt8(ascii: "-"))
    appendDigits(month, width: 2)
    bytes.append(UInt8(ascii: "-"))
    appendDigits(day, width: 2)
    bytes.append(UInt8(ascii: "T"))
    appendDigits(secondOfDay / 3600, width: 2)
    bytes.append(UInt8(ascii: ":"))
    appendDigits(secondOfDay / 60 % 60, width: 2)
    bytes.append(UInt8(ascii: ":"))
    appendDigits(secondOfDay % 60, width: 2)
    switch style {
    case .microseconds:
      // Python's isoformat, and so the AWS CLI, prints no fraction for a whole second.
      if millis == 0 {
        append("+00:00")
        break
      }
      bytes.append(UInt8(ascii: "."))
      appendDigits(millis, width: 3)
      append("000+00:00")
    case .zuluMilliseconds:
      bytes.append(UInt8(ascii: "."))
      appendDigits(millis, width: 3)
      bytes.append(UInt8(ascii: "Z"))
    case .seconds:
      append("+00:00")
    }
  }
}

/// How an exporter printed an instant.
enum TimestampStyle {
  /// `2026-11-22T03:12:44.905000+00:00`: the AWS CLI (botocore) for Access Analyzer; without the
  /// fraction when it is zero.
  case microseconds
  /// `2026-11-22T03:12:44.905Z`: exported with a JavaScript SDK script.
  case zuluMilliseconds
  /// `2026-11-22T03:12:44+00:00`: IAM dates, and instants recorded without a fraction.
  case seconds
}
