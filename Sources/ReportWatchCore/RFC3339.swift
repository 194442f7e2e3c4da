import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// RFC 3339 timestamps in UTC with milliseconds, as every alert carries them.
///
/// Both directions work on bytes: every alert is decoded from the outbox before delivery, and
/// a fresh `ISO8601DateFormatter` per date cost more than the rest of the alert's decoding.
public enum RFC3339 {
    public static func string(from date: Date) -> String {
        // Whole milliseconds, truncated, after rounding to the microsecond: 1795000000.123
        // is 1795000000.12299990654 as a Double and must still print as .123.
        let totalMillis = Int64((date.timeIntervalSince1970 * 1_000_000).rounded()).floorDividing(by: 1000)
        var seconds = time_t(totalMillis.floorDividing(by: 1000))
        let millis = Int(totalMillis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let year = Int(parts.tm_year) + 1900
        guard (0...9999).contains(year) else {
            // Outside four digits: the plain form, as before.
            return "\(year)-\(parts.tm_mon + 1)-\(parts.tm_mday)T\(parts.tm_hour):\(parts.tm_min):\(parts.tm_sec).\(millis)Z"
        }
        return String(unsafeUninitializedCapacity: 24) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(year, 4, at: 0); buffer[4] = UInt8(ascii: "-")
            put(Int(parts.tm_mon) + 1, 2, at: 5); buffer[7] = UInt8(ascii: "-")
            put(Int(parts.tm_mday), 2, at: 8); buffer[10] = UInt8(ascii: "T")
            put(Int(parts.tm_hour), 2, at: 11); buffer[13] = UInt8(ascii: ":")
            put(Int(parts.tm_min), 2, at: 14); buffer[16] = UInt8(ascii: ":")
            put(Int(parts.tm_sec), 2, at: 17); buffer[19] = UInt8(ascii: ".")
            put(min(max(millis, 0), 999), 3, at: 20); buffer[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    public static func date(from text: String) -> Date? {
        if let date = parse(text) { return date }
        // Anything the strict form below does not take (week dates, basic format, odd
        // offsets) still gets Foundation's reading.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, the profile RFC 3339 section 5.6 gives; nil
    /// for anything else, or a field out of range.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes -> Date? in
            let count = bytes.count
            guard count >= 20 else { return nil }
            func digits(_ offset: Int, _ width: Int) -> Int? {
                var value = 0
                for index in offset..<(offset + width) {
                    let byte = bytes[index]
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                return value
            }
            guard let year = digits(0, 4), bytes[4] == UInt8(ascii: "-"),
                  let month = digits(5, 2), bytes[7] == UInt8(ascii: "-"),
                  let day = digits(8, 2), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
                  let hour = digits(11, 2), bytes[13] == UInt8(ascii: ":"),
                  let minute = digits(14, 2), bytes[16] == UInt8(ascii: ":"),
                  let second = digits(17, 2)
            else { return nil }
            guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
                  hour <= 23, minute <= 59, second <= 59
            else { return nil }
            var index = 19
            var fraction = 0.0
            if bytes[index] == UInt8(ascii: ".") {
                index += 1
                var scale = 0.1
                let start = index
                while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                    scale /= 10
                    index += 1
                }
                guard index > start else { return nil }
            }
            guard index < count else { return nil }
            var offset = 0
            switch bytes[index] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard count - index == 6, let hours = digits(index + 1, 2), bytes[index + 3] == UInt8(ascii: ":"),
                      let minutes = digits(index + 4, 2), hours <= 23, minutes <= 59
                else { return nil }
                offset = (hours * 60 + minutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
                index += 6
            default:
                return nil
            }
            guard index == count else { return nil }
            let days = daysFromCivil(year: year, month: month, day: day)
            let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
            return Date(timeIntervalSince1970: Double(seconds) + fraction)
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Int64 {
    fileprivate func floorDividing(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
