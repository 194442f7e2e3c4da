import Foundation
import ReportWatchCore

/// `Retry-After`: delta-seconds or an HTTP date, at most ``ceiling``.
public enum RetryAfter {
    /// The longest a server may hold a source or host, so a hostile or broken header cannot
    /// stall it for ever; the host gate holds for the same time.
    public static let ceiling: Duration = .seconds(6 * 3600)

    /// The wait the header asks for; an HTTP date counts from `now`.
    public static func parse(_ value: String, now: Date) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // Too many digits for an Int is still a number of seconds: the longest wait.
            guard let seconds = Int(trimmed) else { return ceiling }
            return min(.seconds(seconds), ceiling)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return .seconds(min(max(0, date.timeIntervalSince(now)), ceiling.seconds))
    }
}
