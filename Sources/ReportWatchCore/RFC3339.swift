import Foundation

/// RFC 3339 timestamps in UTC with milliseconds, as every alert carries them.
public enum RFC3339 {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    public static func string(from date: Date) -> String {
        // Whole milliseconds after rounding to the microsecond, so 1795000000.123 (a Double just
        // below it) prints .123; the style truncates, so it is given the middle of that millisecond.
        let millis = ((date.timeIntervalSince1970 * 1_000_000).rounded() / 1000).rounded(.down)
        return Date(timeIntervalSince1970: (millis + 0.5) / 1000).formatted(withFraction)
    }

    public static func date(from text: String) -> Date? {
        if let date = try? withFraction.parse(text) { return date }
        if let date = try? withoutFraction.parse(text) { return date }
        // Forms the style does not take still get the formatter's wider reading.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
