import Foundation

/// Calendar-day arithmetic independent of time zones and locales: a day is stored as the `Date`
/// at 00:00 UTC of that day.
public enum CalendarDay {
    public static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    /// 1-based month number for an English month name or its usual abbreviation.
    public static func month(named name: String) -> Int? {
        let lower = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        guard lower.count >= 3 else { return nil }
        for (offset, full) in monthNames.enumerated() {
            let fullLower = full.lowercased()
            if lower == fullLower { return offset + 1 }
            if lower.count <= 4, fullLower.hasPrefix(lower) { return offset + 1 }  // "Sept", "Jan"
        }
        return nil
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// The day at 00:00 UTC, or nil when it is not a real calendar day (or outside 1900–2999).
    public static func date(year: Int, month: Int, day: Int) -> Date? {
        guard (1900...2999).contains(year), (1...12).contains(month),
              day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        // Days from 1970-01-01 (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: Double(days) * 86_400)
    }

    /// (year, month, day) of the UTC calendar day containing `date`.
    public static func components(of date: Date) -> (year: Int, month: Int, day: Int)? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e13 else { return nil }
        let days = Int((seconds / 86_400).rounded(.down))
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func monthName(_ month: Int) -> String {
        guard (1...12).contains(month) else { return "?" }
        return monthNames[month - 1]
    }

    /// "4 March 2025"
    public static func longText(_ date: Date) -> String {
        guard let c = components(of: date) else { return "" }
        return "\(c.day) \(monthName(c.month)) \(c.year)"
    }

    /// "March 2020"
    public static func monthYearText(_ date: Date) -> String {
        guard let c = components(of: date) else { return "" }
        return "\(monthName(c.month)) \(c.year)"
    }

    /// "20–24 January 2025", "27 April – 1 May 2026", "30 December 2024 – 3 January 2025",
    /// "5 March 2024" (one day).
    public static func rangeText(start: Date, end: Date) -> String {
        guard let s = components(of: start), let e = components(of: end) else { return "" }
        if s == e { return longText(start) }
        if s.year == e.year && s.month == e.month {
            return "\(s.day)–\(e.day) \(monthName(e.month)) \(e.year)"
        }
        if s.year == e.year {
            return "\(s.day) \(monthName(s.month)) – \(e.day) \(monthName(e.month)) \(e.year)"
        }
        return "\(longText(start)) – \(longText(end))"
    }
}
