import Model
import Testing

@Suite struct QuarterTests {
  private func day(_ text: String) -> Day { Day(iso: text)! }

  @Test(arguments: [
    ("2026-01-01", "2026-Q1"), ("2026-03-31", "2026-Q1"), ("2026-04-01", "2026-Q2"),
    ("2026-06-30", "2026-Q2"),
    ("2026-07-01", "2026-Q3"), ("2026-09-30", "2026-Q3"), ("2026-10-01", "2026-Q4"),
    ("2026-12-31", "2026-Q4"),
    ("2024-02-29", "2024-Q1"),
  ])
  func calendarQuartersAtTheirEdges(text: String, label: String) {
    let quarter = Quarter(containing: day(text))
    #expect(quarter.label == label)
    #expect(quarter.fiscalYearStartMonth == 1)
  }

  @Test(arguments: [
    ("2026-10-01", "2027-Q1"), ("2026-09-30", "2026-Q4"), ("2026-12-31", "2027-Q1"),
    ("2027-01-01", "2027-Q2"),
    ("2027-03-31", "2027-Q2"), ("2027-04-01", "2027-Q3"), ("2027-06-30", "2027-Q3"),
    ("2027-07-01", "2027-Q4"),
    ("2027-09-30", "2027-Q4"), ("2027-10-01", "2028-Q1"),
  ])
  func fiscalYearStartingInOctober(text: String, label: String) {
    let quarter = Quarter(containing: day(text), fiscalYearStartMonth: 10)
    #expect(quarter.label == label)
    #expect(quarter.fiscalYearStartMonth == 10)
  }

  @Test(arguments: [
    ("2026-03-31", "2026-Q4"), ("2026-04-01", "2027-Q1"), ("2026-06-30", "2027-Q1"),
    ("2026-07-01", "2027-Q2"),
    ("2026-10-01", "2027-Q3"), ("2026-12-31", "2027-Q3"), ("2027-01-15", "2027-Q4"),
    ("2027-03-31", "2027-Q4"),
  ])
  func fiscalYearStartingInApril(text: String, label: String) {
    #expect(Quarter(containing: day(text), fiscalYearStartMonth: 4).label == label)
  }

  @Test func firstAndLastDays() throws {
    let q1 = try #require(Quarter(year: 2024, number: 1))
    #expect(q1.firstDay.iso == "2024-01-01")
    #expect(q1.lastDay.iso == "2024-03-31")
    let q4 = try #require(Quarter(year: 2024, number: 4))
    #expect(q4.firstDay.iso == "2024-10-01")
    #expect(q4.lastDay.iso == "2024-12-31")
    let octoberQ1 = try #require(Quarter(year: 2027, number: 1, fiscalYearStartMonth: 10))
    #expect(octoberQ1.firstDay.iso == "2026-10-01")
    #expect(octoberQ1.lastDay.iso == "2026-12-31")
    let octoberQ2 = try #require(Quarter(year: 2027, number: 2, fiscalYearStartMonth: 10))
    #expect(octoberQ2.firstDay.iso == "2027-01-01")
    #expect(octoberQ2.lastDay.iso == "2027-03-31")
    let aprilQ4 = try #require(Quarter(year: 2028, number: 4, fiscalYearStartMonth: 4))
    #expect(aprilQ4.firstDay.iso == "2028-01-01")
    #expect(aprilQ4.lastDay.iso == "2028-03-31")
    let februaryQ4 = try #require(Quarter(year: 2025, number: 4, fiscalYearStartMonth: 2))
    #expect(februaryQ4.firstDay.iso == "2024-11-01")
    #expect(februaryQ4.lastDay.iso == "2025-01-31")
  }

  @Test func everyDayIsInExactlyTheQuarterThatContainsIt() {
    // For every fiscal-year start and every day of 2023–2025: the day lies in its quarter, quarters
    // tile the calendar without gaps, and each quarter's first day maps back to the same quarter.
    for start in 1...12 {
      var day = Day(iso: "2023-01-01")!
      var current = Quarter(containing: day, fiscalYearStartMonth: start)
      while day <= Day(iso: "2025-12-31")! {
        let quarter = Quarter(containing: day, fiscalYearStartMonth: start)
        if quarter != current {
          guard quarter == current.next, day == current.lastDay.adding(days: 1), day == quarter.firstDay
          else {
            Issue.record("start \(start): \(day) begins \(quarter) after \(current)")
            return
          }
          current = quarter
        }
        guard quarter.contains(day), !quarter.next.contains(day), !quarter.previous.contains(day) else {
          Issue.record("start \(start): \(day) is not only in \(quarter)")
          return
        }
        day = day.adding(days: 1)
      }
    }
  }

  @Test func nextAndPreviousCrossYears() throws {
    let q4 = try #require(Quarter(year: 2026, number: 4))
    #expect(q4.next == Quarter(year: 2027, number: 1))
    #expect(q4.next.previous == q4)
    #expect(q4.previous.label == "2026-Q3")
    #expect(try #require(Quarter(year: 2027, number: 1)).previous.label == "2026-Q4")
    let fiscal = try #require(Quarter(year: 2027, number: 4, fiscalYearStartMonth: 10))
    #expect(fiscal.next.label == "2028-Q1")
    #expect(fiscal.next.fiscalYearStartMonth == 10)
    #expect(fiscal.next.firstDay.iso == "2027-10-01")
    #expect(fiscal.previous.previous.previous.previous.label == "2026-Q4")
  }

  @Test func quartersAreOrderedChronologically() throws {
    let labels = ["2027-Q1", "2026-Q4", "2026-Q1", "2025-Q3"]
    let quarters = try labels.map { try #require(Quarter(label: $0)) }
    #expect(quarters.sorted().map(\.label) == ["2025-Q3", "2026-Q1", "2026-Q4", "2027-Q1"])
  }

  @Test(arguments: ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4", "1999-Q4", "2100-Q2"])
  func labelsRoundTrip(label: String) throws {
    let quarter = try #require(Quarter(label: label))
    #expect(quarter.label == label)
    #expect(quarter.description == quarter.label)
    let fiscal = try #require(Quarter(label: label, fiscalYearStartMonth: 10))
    #expect(fiscal.fiscalYearStartMonth == 10)
    #expect(Quarter(containing: fiscal.firstDay, fiscalYearStartMonth: 10) == fiscal)
  }

  @Test(arguments: [
    "", "2026", "2026-Q", "2026-Q0", "2026-Q5", "2026-Q10", "2026-q4", "2026Q4", "26-Q4", "20266-Q1",
    "2026-4",
    "abcd-Q1", "2026-Q4 ", " 2026-Q4", "2026-Qa", "2026_Q4",
  ])
  func invalidLabelsAreNil(label: String) {
    #expect(Quarter(label: label) == nil)
  }

  @Test(arguments: ["2026--Q4", "-2026-Q4", "2026-Q4-", "+026-Q4"])
  func labelsWithExtraSignsAreNil(label: String) {
    #expect(Quarter(label: label) == nil)

  }

  @Test func invalidPartsAreNil() {
    #expect(Quarter(year: 2026, number: 0) == nil)
    #expect(Quarter(year: 2026, number: 5) == nil)
    #expect(Quarter(year: 2026, number: 1, fiscalYearStartMonth: 0) == nil)
    #expect(Quarter(year: 2026, number: 1, fiscalYearStartMonth: 13) == nil)
    #expect(Quarter(label: "2026-Q1", fiscalYearStartMonth: 13) == nil)
  }

  @Test func anOutOfRangeStartMonthIsClamped() {
    #expect(Quarter(containing: day("2026-02-01"), fiscalYearStartMonth: 0).fiscalYearStartMonth == 1)
    #expect(Quarter(containing: day("2026-02-01"), fiscalYearStartMonth: 0).label == "2026-Q1")
    #expect(Quarter(containing: day("2026-12-01"), fiscalYearStartMonth: 99).label == "2027-Q1")
  }
}
