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

    /// The Gregorian calendar in UTC: a day is its midnight there, wherever the process runs.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    /// The day at 00:00 UTC, or nil when it is not a real calendar day (or outside 1900–2999).
    public static func date(year: Int, month: Int, day: Int) -> Date? {
        guard (1900...2999).contains(year), (1...12).contains(month), (1...31).contains(day),
              let date = calendar.date(from: DateComponents(year: year, month: month, day: day))
        else { return nil }
        // The calendar rolls 30 February over into March: a real day reads back as given.
        guard let back = components(of: date), back == (year, month, day) else { return nil }
        return date
    }

    /// (year, month, day) of the UTC calendar day containing `date`.
    public static func components(of date: Date) -> (year: Int, month: Int, day: Int)? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e13 else { return nil }
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
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
