import Foundation
import Testing
import ReportWatchCore

/// Report dates are stored as the day's midnight in UTC, and only real days are dates.
@Suite("Calendar days in UTC")
struct CalendarDayTests {
    @Test func aDayIsItsMidnightInUTC() throws {
        for (year, month, day, seconds) in [(2023, 5, 17, 1_684_281_600.0), (2024, 2, 29, 1_709_164_800), (1900, 1, 1, -2_208_988_800),
                                            (2999, 12, 31, 32_503_593_600)] {
            let date = try #require(CalendarDay.date(year: year, month: month, day: day))
            #expect(date.timeIntervalSince1970 == seconds)
            #expect(CalendarDay.components(of: date + 86_399) ?? (0, 0, 0) == (year, month, day))
        }
    }

    @Test func onlyRealDaysAreDates() {
        for (year, month, day) in [(2023, 2, 29), (2100, 2, 29), (2024, 4, 31), (2024, 13, 1), (2024, 0, 1), (2024, 1, 0), (2024, 1, 32),
                                   (1899, 12, 31), (3000, 1, 1)] {
            #expect(CalendarDay.date(year: year, month: month, day: day) == nil, "\(year)-\(month)-\(day)")
        }
    }

    @Test func rangesReadAsWritten() throws {
        let day = { (y: Int, m: Int, d: Int) in try #require(CalendarDay.date(year: y, month: m, day: d)) }
        #expect(CalendarDay.rangeText(start: try day(2025, 1, 20), end: try day(2025, 1, 24)) == "20–24 January 2025")
        #expect(CalendarDay.rangeText(start: try day(2026, 4, 27), end: try day(2026, 5, 1)) == "27 April – 1 May 2026")
        #expect(CalendarDay.rangeText(start: try day(2024, 12, 30), end: try day(2025, 1, 3)) == "30 December 2024 – 3 January 2025")
        #expect(CalendarDay.monthYearText(try day(2020, 3, 9)) == "March 2020")
    }
}
