import Foundation
import Testing
@testable import ReportWatchCore

@Suite("RFC 3339 timestamps read and written without a formatter")
struct RFC3339Tests {
    /// What Foundation's ISO 8601 formatter makes of a string, fractional seconds or not.
    func foundation(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    @Test(arguments: [
        "2026-11-27T07:19:37.123Z", "2026-11-27T07:19:37Z", "1970-01-01T00:00:00.000Z",
        "2024-02-29T23:59:59.999Z", "2016-11-25T10:00:00+01:00", "2016-11-25T10:00:00-05:30",
        "1999-12-31T23:59:59.5Z", "2000-03-01T00:00:00Z", "1969-07-20T20:17:40Z",
        "2038-01-19T03:14:08Z", "2100-02-28T12:00:00.250+00:00",
    ])
    func readsWhatFoundationReads(text: String) throws {
        let fast = try #require(RFC3339.parse(text))
        let expected = try #require(foundation(text))
        #expect(abs(fast.timeIntervalSince1970 - expected.timeIntervalSince1970) < 0.0005, "\(text)")
    }

    @Test(arguments: [
        "", "2026-11-27", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
        "2026-11-27T24:00:00Z", "2026-11-27T07:60:00Z", "2026-11-27T07:19:37", "2026-11-27T07:19:37.Z",
        "2026-11-27T07:19:37+0100", "2026-11-27 07:19:37Z", "2026-11-27T07:19:37Zjunk", "２０２６-11-27T07:19:37Z",
    ])
    func strictFormRejectsTheRest(text: String) {
        #expect(RFC3339.parse(text) == nil, "\(text)")
    }

    @Test func otherFormsStillReadThroughFoundation() throws {
        // Not the strict profile (no colon in the offset), but Foundation has always read it.
        let text = "2026-11-27T07:19:37+0100"
        #expect(RFC3339.date(from: text) == foundation(text))
        #expect(RFC3339.date(from: "not a date") == nil)
    }

    @Test func writesMillisecondsInUTCAndReadsThemBack() throws {
        for interval in [0.0, 1_795_000_000.123, 951_782_400.999, 1_700_000_000.5, -14_182_940.0] {
            let date = Date(timeIntervalSince1970: interval)
            let text = RFC3339.string(from: date)
            #expect(text.utf8.count == 24 && text.hasSuffix("Z"), "\(text)")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            #expect(text == formatter.string(from: Date(timeIntervalSince1970: (interval * 1000).rounded() / 1000)), "\(interval)")
            let back = try #require(RFC3339.date(from: text))
            #expect(abs(back.timeIntervalSince1970 - interval) < 0.001)
        }
    }
}
