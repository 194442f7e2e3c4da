import Foundation
import Testing
@testable import ReportWatchCore

@Suite("RFC 3339 timestamps as alerts and feeds carry them")
struct RFC3339Tests {
    @Test(arguments: [
        ("2026-11-27T07:19:37.123Z", 1_795_763_977.123), ("2026-11-27T07:19:37Z", 1_795_763_977),
        ("1970-01-01T00:00:00.000Z", 0), ("2024-02-29T23:59:59.999Z", 1_709_251_199.999),
        ("2016-11-25T10:00:00+01:00", 1_480_064_400), ("2016-11-25T10:00:00-05:30", 1_480_087_800),
        ("1999-12-31T23:59:59.5Z", 946_684_799.5), ("1969-07-20T20:17:40Z", -14_182_940),
        ("2100-02-28T12:00:00.250+00:00", 4_107_499_200.25),
        // Not the strict profile (no colon in the offset), but read as it always has been.
        ("2026-11-27T07:19:37+0100", 1_795_760_377),
    ])
    func reads(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.date(from: text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005, "\(text)")
    }

    @Test(arguments: ["", "not a date", "2026-11-27", "2026-13-01T00:00:00Z", "2026-11-27T07:19:37", "2026-11-27 07:19:37Z"])
    func rejects(text: String) {
        #expect(RFC3339.date(from: text) == nil, "\(text)")
    }

    @Test func writesMillisecondsInUTCAndReadsThemBack() throws {
        for (interval, expected) in [
            (0.0, "1970-01-01T00:00:00.000Z"), (1_795_000_000.123, "2026-11-18T11:06:40.123Z"),
            (951_782_400.999, "2000-02-29T00:00:00.999Z"), (1_700_000_000.5, "2023-11-14T22:13:20.500Z"),
            (1_700_000_000.9999, "2023-11-14T22:13:20.999Z"), (-14_182_940.0, "1969-07-20T20:17:40.000Z"),
        ] {
            let text = RFC3339.string(from: Date(timeIntervalSince1970: interval))
            #expect(text == expected, "\(interval)")
            let back = try #require(RFC3339.date(from: text))
            #expect(RFC3339.string(from: back) == text)
        }
    }
}
