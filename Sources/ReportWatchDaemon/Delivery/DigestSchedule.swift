import Foundation
import ReportWatchAlerts

/// When a channel's digest goes out: `daily@08:00` or `weekly@mon 08:00`, in the config's time
/// zone. An alert waits for the first digest time after it was detected.
public struct DigestSchedule: Sendable, Hashable, CustomStringConvertible {
    public enum Period: Sendable, Hashable {
        case daily
        /// 1 = Sunday … 7 = Saturday, as `Calendar` counts.
        case weekly(weekday: Int)
    }

    public var period: Period
    public var hour: Int
    public var minute: Int

    static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    public init(period: Period, hour: Int, minute: Int) {
        self.period = period
        self.hour = hour
        self.minute = minute
    }

    /// Reads `daily@HH:MM` or `weekly@ddd HH:MM` (ddd: mon … sun, or the full day name).
    public init?(parsing text: String) {
        let parts = text.lowercased().split(separator: "@", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return nil }
        let when = parts[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let time: String
        switch parts[0] {
        case "daily":
            guard when.count == 1 else { return nil }
            period = .daily
            time = when[0]
        case "weekly":
            guard when.count == 2, when[0].count >= 3,
                  let index = Self.weekdays.firstIndex(where: { when[0].hasPrefix($0) })
            else { return nil }
            let full = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"][index]
            guard full.hasPrefix(when[0]) else { return nil }
            period = .weekly(weekday: index + 1)
            time = when[1]
        default:
            return nil
        }
        let clock = time.split(separator: ":")
        guard clock.count == 2, clock[0].count <= 2, clock[1].count == 2,
              let hour = Int(clock[0]), let minute = Int(clock[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        self.hour = hour
        self.minute = minute
    }

    public var description: String {
        let time = String(format: "%02d:%02d", hour, minute)
        switch period {
        case .daily: return "daily@\(time)"
        case .weekly(let weekday): return "weekly@\(Self.weekdays[(weekday - 1) % 7]) \(time)"
        }
    }

    var digestPeriod: AlertDigest.Period {
        switch period {
        case .daily: .daily
        case .weekly: .weekly
        }
    }

    /// The first digest time strictly after `date`. A time that a clock change skips moves to the
    /// next time that exists.
    public func next(after date: Date, in timeZone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var components = DateComponents(hour: hour, minute: minute, second: 0)
        if case .weekly(let weekday) = period { components.weekday = weekday }
        if let next = calendar.nextDate(after: date, matching: components, matchingPolicy: .nextTime), next > date {
            return next
        }
        // Not expected; a day (or week) later keeps alerts moving rather than held for ever.
        return date.addingTimeInterval(period == .daily ? 86_400 : 7 * 86_400)
    }
}
