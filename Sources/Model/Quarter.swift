/// A quarter of a (fiscal) year, labelled like `2026-Q4`.
///
/// With the default fiscal-year start in January, quarters are calendar quarters. When the fiscal
/// year starts in another month, Q1 begins in that month and the year in the label is the calendar
/// year in which the fiscal year ends (the common convention: with a start in October,
/// 2026-10-01 falls in 2027-Q1).
public struct Quarter: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The (fiscal) year in the label.
  public let year: Int
  /// 1 to 4.
  public let number: Int
  /// The month (1–12) in which the fiscal year begins.
  public let fiscalYearStartMonth: Int

  /// The quarter with the given label parts; `number` must be 1 to 4 and the month 1 to 12.
  public init?(year: Int, number: Int, fiscalYearStartMonth: Int = 1) {
    guard (1...4).contains(number), (1...12).contains(fiscalYearStartMonth) else { return nil }
    self.year = year
    self.number = number
    self.fiscalYearStartMonth = fiscalYearStartMonth
  }

  /// The quarter that contains `day`.
  public init(containing day: Day, fiscalYearStartMonth: Int = 1) {
    let start = min(max(fiscalYearStartMonth, 1), 12)
    let (year, month, _) = day.components
    let monthsIntoYear = (month - start + 12) % 12
    self.number = monthsIntoYear / 3 + 1
    // A fiscal year that starts in a later month than January ends in the next calendar year.
    self.year = (start == 1 || month < start) ? year : year + 1
    self.fiscalYearStartMonth = start
  }

  /// Parses `YYYY-Qn`; nil for anything else.
  public init?(label: some StringProtocol, fiscalYearStartMonth: Int = 1) {
    let parts = label.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 4, parts[0].allSatisfy({ $0 >= "0" && $0 <= "9" }),
      let year = Int(parts[0]), parts[1].count == 2, parts[1].first == "Q",
      let number = Int(parts[1].dropFirst())
    else { return nil }
    self.init(year: year, number: number, fiscalYearStartMonth: fiscalYearStartMonth)
  }

  /// `YYYY-Qn`, e.g. `2026-Q4`.
  public var label: String { "\(year)-Q\(number)" }

  /// The same as `label`.
  public var description: String { label }

  /// The first day of the quarter.
  public var firstDay: Day {
    let (calendarYear, month) = firstMonth
    return Day(year: calendarYear, month: month, day: 1)!
  }

  /// The last day of the quarter.
  public var lastDay: Day { next.firstDay.adding(days: -1) }

  /// The quarter after this one.
  public var next: Quarter {
    number == 4
      ? Quarter(year: year + 1, number: 1, fiscalYearStartMonth: fiscalYearStartMonth)!
      : Quarter(year: year, number: number + 1, fiscalYearStartMonth: fiscalYearStartMonth)!
  }

  /// The quarter before this one.
  public var previous: Quarter {
    number == 1
      ? Quarter(year: year - 1, number: 4, fiscalYearStartMonth: fiscalYearStartMonth)!
      : Quarter(year: year, number: number - 1, fiscalYearStartMonth: fiscalYearStartMonth)!
  }

  /// Whether `day` falls within this quarter.
  public func contains(_ day: Day) -> Bool { day >= firstDay && day <= lastDay }

  /// Compares quarters chronologically.
  public static func < (lhs: Quarter, rhs: Quarter) -> Bool {
    (lhs.year, lhs.number) < (rhs.year, rhs.number)
  }

  private var firstMonth: (year: Int, month: Int) {
    // Months since the fiscal year began, mapped back onto the calendar.
    let monthIndex = fiscalYearStartMonth - 1 + (number - 1) * 3
    let calendarYear = fiscalYearStartMonth == 1 ? year : year - 1
    return (calendarYear + monthIndex / 12, monthIndex % 12 + 1)
  }
}
