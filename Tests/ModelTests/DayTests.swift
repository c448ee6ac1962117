import Model
import Testing

@Suite struct DayTests {
  @Test(arguments: [
    ("1970-01-01", 0),
    ("1969-12-31", -1),
    ("1900-01-01", -25_567),
    ("1600-03-01", -135_080),
    ("2000-02-29", 11_016),
    ("2000-03-01", 11_017),
    ("2024-02-29", 19_782),
    ("2026-11-22", 20_779),
    ("1999-12-31", 10_956),
    ("2000-01-01", 10_957),
    ("2099-12-31", 47_481),
    ("2100-01-01", 47_482),
  ])
  func isoRoundTrip(text: String, daysSinceEpoch: Int) throws {
    let day = try #require(Day(iso: text))
    #expect(day.daysSinceEpoch == daysSinceEpoch)
    #expect(day.iso == text)
    #expect(day.description == text)
    #expect(Day(daysSinceEpoch: daysSinceEpoch).iso == text)
  }

  @Test(arguments: [
    "2023-02-29", "1900-02-29", "2100-02-29", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10",
    "2024-01-00", "2024-01-32", "2024-1-01", "2024/01/01", "24-01-01", "2024-01-01T", " 2024-01-01",
    "2024-01-0a", "", "abcd-ef-gh", "+024-01-01",
  ])
  func impossibleOrMalformedDatesAreNil(text: String) {
    #expect(Day(iso: text) == nil)
  }

  @Test func leapDaysFollowTheGregorianRules() {
    #expect(Day(year: 2024, month: 2, day: 29) != nil)
    #expect(Day(year: 2000, month: 2, day: 29) != nil)
    #expect(Day(year: 1900, month: 2, day: 29) == nil)
    #expect(Day(year: 2023, month: 2, day: 29) == nil)
    #expect(Day.length(ofMonth: 2, inYear: 2024) == 29)
    #expect(Day.length(ofMonth: 2, inYear: 1900) == 28)
    #expect(Day.length(ofMonth: 2, inYear: 2000) == 29)
    #expect(Day.length(ofMonth: 4, inYear: 2026) == 30)
    #expect(Day.length(ofMonth: 12, inYear: 2026) == 31)
  }

  @Test func componentsOfADay() throws {
    let day = try #require(Day(year: 2026, month: 11, day: 22))
    #expect(day.components == (2026, 11, 22))
    #expect(day.year == 2026)
    #expect(day.month == 11)
    #expect(Day(year: 2026, month: 0, day: 1) == nil)
    #expect(Day(year: 2026, month: 13, day: 1) == nil)
    #expect(Day(year: 2026, month: 1, day: 0) == nil)
  }

  @Test func addingDaysCrossesMonthAndYearEnds() throws {
    let newYearsEve = try #require(Day(iso: "2025-12-31"))
    #expect(newYearsEve.adding(days: 1).iso == "2026-01-01")
    #expect(newYearsEve.adding(days: 366).iso == "2027-01-01")
    #expect(newYearsEve.adding(days: -365).iso == "2024-12-31")
    #expect(try #require(Day(iso: "2024-02-28")).adding(days: 1).iso == "2024-02-29")
    #expect(try #require(Day(iso: "2023-02-28")).adding(days: 1).iso == "2023-03-01")
    #expect(try #require(Day(iso: "2024-03-01")).adding(days: -1).iso == "2024-02-29")
    #expect(try #require(Day(iso: "1970-01-01")).adding(days: -1).iso == "1969-12-31")
    #expect(newYearsEve.adding(days: 0) == newYearsEve)
  }

  @Test func daysSinceIsTheSignedDifference() throws {
    let start = try #require(Day(iso: "2024-01-01"))
    let end = try #require(Day(iso: "2025-01-01"))
    #expect(end.days(since: start) == 366)
    #expect(start.days(since: end) == -366)
    #expect(start.days(since: start) == 0)
    #expect(try #require(Day(iso: "2026-03-01")).days(since: try #require(Day(iso: "2026-02-01"))) == 28)
  }

  @Test func everyDayOfFourCenturiesRoundTrips() {
    // 1800-01-01 to 2199-12-31: every date produced by `iso` parses back to itself, one day apart.
    var previous: Day?
    for offset in -62_091...84_005 {
      let day = Day(daysSinceEpoch: offset)
      guard Day(iso: day.iso) == day else {
        Issue.record("\(day.iso) (\(offset)) does not round trip")
        return
      }
      if let previous, day.days(since: previous) != 1 || !(previous < day) {
        Issue.record("\(previous.iso) and \(day.iso) are not consecutive")
        return
      }
      previous = day
    }
    #expect(Day(daysSinceEpoch: -62_091).iso == "1800-01-01")
    #expect(Day(daysSinceEpoch: 84_005).iso == "2199-12-31")
  }

  @Test func daysAreOrderedChronologically() throws {
    let days = try ["2026-01-02", "1969-12-31", "2025-12-31", "2026-01-01"].map { try #require(Day(iso: $0)) }
    #expect(days.sorted().map(\.iso) == ["1969-12-31", "2025-12-31", "2026-01-01", "2026-01-02"])
  }
}

@Suite struct TimestampTests {
  /// 2024-02-14T22:44:40Z.
  static let instant: Int64 = 1_707_950_680

  @Test(arguments: [
    "2024-02-14T22:44:40+00:00",
    "2024-02-14T22:44:40.905000+00:00",
    "2024-02-14T22:44:40.241Z",
    "2024-02-14T22:44:40Z",
    "2024-02-14T22:44:40z",
    "2024-02-14T22:44:40",
    "2024-02-14T22:44:40.123456789Z",
    "2024-02-14T22:44:40.9+00:00",
    "2024-02-14 22:44:40+00:00",
    "2024-02-14T22:44:40-00:00",
    "2024-02-14T22:44:40+0000",
    "2024-02-15T04:14:40+05:30",
    "2024-02-15T04:14:40.5+0530",
    "2024-02-14T14:44:40-08:00",
    "2024-02-14T14:44:40-0800",
  ])
  func theFormsTheCLIPrintsAreTheSameInstant(text: String) throws {
    let timestamp = try #require(Timestamp(iso: text))
    #expect(timestamp.secondsSinceEpoch == Self.instant)
    #expect(timestamp.iso == "2024-02-14T22:44:40Z")
    #expect(timestamp.day.iso == "2024-02-14")
  }

  @Test func offsetsShiftTheDay() throws {
    #expect(try #require(Timestamp(iso: "2024-02-15T02:00:00+05:30")).day.iso == "2024-02-14")
    #expect(try #require(Timestamp(iso: "2024-02-15T02:00:00+05:30")).iso == "2024-02-14T20:30:00Z")
    #expect(try #require(Timestamp(iso: "2024-02-14T20:00:00-08:00")).day.iso == "2024-02-15")
    #expect(try #require(Timestamp(iso: "2024-02-14T20:00:00-0800")).iso == "2024-02-15T04:00:00Z")
    #expect(try #require(Timestamp(iso: "2023-12-31T23:30:00-01:00")).day.iso == "2024-01-01")
    #expect(try #require(Timestamp(iso: "2025-11-30T23:59:59-05:00")).iso == "2025-12-01T04:59:59Z")
  }

  @Test func aBareDateIsMidnightUTC() throws {
    let timestamp = try #require(Timestamp(iso: "2024-02-14"))
    #expect(timestamp.secondsSinceEpoch == 1_707_868_800)
    #expect(timestamp.iso == "2024-02-14T00:00:00Z")
    #expect(timestamp.day.iso == "2024-02-14")
  }

  @Test func aLeapSecondIsAccepted() throws {
    #expect(try #require(Timestamp(iso: "2016-12-31T23:59:60Z")).iso == "2017-01-01T00:00:00Z")
  }

  @Test(arguments: [
    "", "garbage", "2024-02-14T", "2024-02-14T22:44", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z", "2024-02-14T25:00:00Z", "2024-02-14T24:00:00Z", "2024-02-14T22:60:00Z",
    "2024-02-14T22:44:61Z", "2024-02-14T22:44:40Zjunk", "2024-02-14T22:44:40+00:00junk",
    "2024-02-14T22:44:40 junk", "2024-02-14T22:44:40.Z", "2024-02-14T22:44:40.", "2024-02-14T22:44:40+05",
    "2024-02-14T22:44:40+5:30", "2024-02-14T22:44:40+05:30:00", "2024-02-14T22:44:40+05-30",
    "2024-02-14T22:44:40+0a:00", "2024-02-14X22:44:40Z", "2024-02-14T22-44-40Z", "2024-02-14T2a:44:40Z",
    "2024-02-14junk", "14/02/2024 22:44:40", "2024-02-14T22:44:40,241Z",
  ])
  func malformedTimestampsAreNil(text: String) {
    #expect(Timestamp(iso: text) == nil)
  }

  @Test(arguments: ["2024-02-14T22:44:40+24:00", "2024-02-14T22:44:40+99:99", "2024-02-14T22:44:40-05:60"])
  func offsetsOutOfRangeAreNil(text: String) {
    #expect(Timestamp(iso: text) == nil)

  }

  @Test func instantsBeforeTheEpochFallOnTheRightDay() {
    #expect(Timestamp(secondsSinceEpoch: -1).day.iso == "1969-12-31")
    #expect(Timestamp(secondsSinceEpoch: -1).iso == "1969-12-31T23:59:59Z")
    #expect(Timestamp(secondsSinceEpoch: -86_400).day.iso == "1969-12-31")
    #expect(Timestamp(secondsSinceEpoch: -86_401).day.iso == "1969-12-30")
    #expect(Timestamp(secondsSinceEpoch: 0).iso == "1970-01-01T00:00:00Z")
    #expect(Timestamp(secondsSinceEpoch: 86_399).day.iso == "1970-01-01")
    #expect(Timestamp(iso: "1969-12-31T23:59:59Z")?.secondsSinceEpoch == -1)
  }

  @Test func timestampsAreOrderedChronologically() throws {
    let early = try #require(Timestamp(iso: "2024-02-14T22:44:40.999Z"))
    let late = try #require(Timestamp(iso: "2024-02-14T22:44:41Z"))
    #expect(early < late)
    // Fractions are dropped, so instants within the same second are equal.
    #expect(Timestamp(iso: "2024-02-14T22:44:40.001Z") == Timestamp(iso: "2024-02-14T22:44:40.999Z"))
  }
}
