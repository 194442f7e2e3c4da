import Foundation

extension InspectionFramework {
    /// The first day inspections were carried out under the framework.
    public var startDate: Date? {
        switch self {
        case .sif2013: return CalendarDay.date(year: 2013, month: 11, day: 1)
        case .ilacs2018: return CalendarDay.date(year: 2018, month: 1, day: 1)
        case .ilacs2023: return CalendarDay.date(year: 2023, month: 1, day: 1)
        case .ilacs2026: return CalendarDay.date(year: 2026, month: 4, day: 1)
        case .legacy2009, .ungraded, .unknown: return nil
        }
    }

    /// The graded framework in force on an inspection's first day; nil before November 2013.
    public static func latest(inspectedOn day: Date?) -> InspectionFramework? {
        guard let day else { return nil }
        return [InspectionFramework.ilacs2026, .ilacs2023, .ilacs2018, .sif2013].first { framework in
            framework.startDate.map { $0 <= day } ?? false
        }
    }
}
