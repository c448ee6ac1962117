/// A calendar day in UTC, such as a snapshot's date or the day something was last used.
///
/// Days are the unit of every date the site shows: snapshot folders are named by day, and ages
/// ("open for 42 days") are differences of days. Stored as days since 1970-01-01 so that
/// comparisons and differences are integer operations.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Days since 1970-01-01 (negative before it).
  public let daysSinceEpoch: Int

  /// The day that is `daysSinceEpoch` days after 1970-01-01.
  public init(daysSinceEpoch: Int) {
    self.daysSinceEpoch = daysSinceEpoch
  }

  /// The day with the given calendar date, or nil when the date does not exist.
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= Day.length(ofMonth: month, inYear: year)
    else { return nil }
    self.daysSinceEpoch = Day.daysFromCivil(year: year, month: month, day: day)
  }

  /// Parses `YYYY-MM-DD`; nil for anything else, including impossible dates.
  public init?(iso text: some StringProtocol) {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      let year = Day.number(bytes[0..<4]), let month = Day.number(bytes[5..<7]),
      let day = Day.number(bytes[8..<10])
    else { return nil }
    self.init(year: year, month: month, day: day)
  }

  /// The calendar year, month (1–12) and day of month.
  public var components: (year: Int, month: Int, day: Int) {
    Day.civil(fromDays: daysSinceEpoch)
  }

  /// The year of this day.
  public var year: Int { components.year }
  /// The month of this day, 1–12.
  public var month: Int { components.month }

  /// `YYYY-MM-DD`.
  public var iso: String {
    // Pages and exports print millions of days, a few thousand distinct ones: the days of this
    // century are made once, and a ten-byte string is copied without a reference count.
    let offset = daysSinceEpoch - Day.tableStart
    if offset >= 0, offset < Day.isoTable.count { return Day.isoTable[offset] }
    return computedISO
  }

  /// The first day of `isoTable`, 2000-01-01.
  private static let tableStart = 10_957
  /// `computedISO` of the days from 2000-01-01 to 2099-12-31.
  private static let isoTable: [String] = (0..<36_525).map {
    Day(daysSinceEpoch: tableStart + $0).computedISO
  }

  /// `YYYY-MM-DD`, worked out from the day count.
  var computedISO: String {
    let (y, m, d) = components
    guard (0...9999).contains(y) else { return Day.pad(y, 4) + "-" + Day.pad(m, 2) + "-" + Day.pad(d, 2) }
    return String(unsafeUninitializedCapacity: 10) { buffer in
      func digit(_ value: Int) -> UInt8 { UInt8(truncatingIfNeeded: 0x30 + value) }
      buffer[0] = digit(y / 1000)
      buffer[1] = digit(y / 100 % 10)
      buffer[2] = digit(y / 10 % 10)
      buffer[3] = digit(y % 10)
      buffer[4] = 0x2D
      buffer[5] = digit(m / 10)
      buffer[6] = digit(m % 10)
      buffer[7] = 0x2D
      buffer[8] = digit(d / 10)
      buffer[9] = digit(d % 10)
      return 10
    }
  }

  /// The same as `iso`.
  public var description: String { iso }

  /// The day `count` days later (earlier when negative).
  public func adding(days count: Int) -> Day {
    Day(daysSinceEpoch: daysSinceEpoch + count)
  }

  /// Whole days from `earlier` to this day (negative when `earlier` is later).
  public func days(since earlier: Day) -> Int {
    daysSinceEpoch - earlier.daysSinceEpoch
  }

  /// Compares two days chronologically.
  public static func < (lhs: Day, rhs: Day) -> Bool {
    lhs.daysSinceEpoch < rhs.daysSinceEpoch
  }

  /// The number of days in a month of a year of the proleptic Gregorian calendar.
  public static func length(ofMonth month: Int, inYear year: Int) -> Int {
    switch month {
    case 2:
      let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  // Howard Hinnant's days-from-civil algorithm: exact for the proleptic Gregorian calendar
  // without going through Foundation's Calendar, which is slow and depends on time zones.
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let shiftedMonth = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146097 + dayOfEra - 719468
  }

  static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let dayOfEra = z - era * 146097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day)
  }

  static func number(_ digits: ArraySlice<UInt8>) -> Int? {
    var value = 0
    for byte in digits {
      guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
  }
}

/// An instant as AWS prints it, e.g. `2024-02-14T22:44:40+00:00`, `2024-02-14T22:44:40.905000+00:00`
/// or `2024-02-14T22:44:40.241Z`, kept as whole seconds since 1970 in UTC.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Seconds since 1970-01-01T00:00:00Z, fractions dropped.
  public let secondsSinceEpoch: Int64

  /// The instant `secondsSinceEpoch` seconds after 1970-01-01T00:00:00Z.
  public init(secondsSinceEpoch: Int64) {
    self.secondsSinceEpoch = secondsSinceEpoch
  }

  /// Parses the ISO 8601 forms the AWS CLI prints: a date, `T` (or a space), a time with 0 to 9
  /// fractional digits, then `Z`, `+HH:MM`, `-HH:MM` or `+HHMM`. A bare date means midnight UTC.
  /// Returns nil for anything else.
  public init?(iso text: some StringProtocol) {
    let bytes = Array(text.utf8)
    guard bytes.count >= 10, let day = Day(iso: String(decoding: bytes[0..<10], as: UTF8.self))
    else { return nil }
    if bytes.count == 10 {
      self.secondsSinceEpoch = Int64(day.daysSinceEpoch) * 86_400
      return
    }
    guard bytes.count >= 19, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
      let hour = Day.number(bytes[11..<13]), let minute = Day.number(bytes[14..<16]),
      let second = Day.number(bytes[17..<19]), hour < 24, minute < 60, second <= 60
    else { return nil }
    var index = 19
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      let start = index
      while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
        index += 1
      }
      guard index > start else { return nil }
    }
    var offsetSeconds = 0
    if index == bytes.count || bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
      index += index == bytes.count ? 0 : 1
    } else if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
      let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
      let rest = bytes[(index + 1)...]
      let digits = rest.filter { $0 != UInt8(ascii: ":") }
      guard digits.count == 4,
        rest.count == 4 || (rest.count == 5 && rest[rest.startIndex + 2] == UInt8(ascii: ":")),
        let hours = Day.number(digits[0..<2]), let minutes = Day.number(digits[2..<4]), hours <= 23,
        minutes <= 59
      else { return nil }
      offsetSeconds = sign * (hours * 3600 + minutes * 60)
      index = bytes.count
    }
    guard index == bytes.count else { return nil }
    let seconds = day.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    self.secondsSinceEpoch = Int64(seconds)
  }

  /// The UTC day this instant falls on.
  public var day: Day {
    let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
    return Day(daysSinceEpoch: Int(days))
  }

  /// `YYYY-MM-DDTHH:MM:SSZ`.
  public var iso: String {
    let secondsOfDay = Int(secondsSinceEpoch - Int64(day.daysSinceEpoch) * 86_400)
    return day.iso + "T" + Day.pad(secondsOfDay / 3600, 2) + ":" + Day.pad(secondsOfDay / 60 % 60, 2) + ":"
      + Day.pad(secondsOfDay % 60, 2) + "Z"
  }

  /// The same as `iso`.
  public var description: String { iso }

  /// Compares two instants chronologically.
  public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
    lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
  }
}
