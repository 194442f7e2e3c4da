import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchFetch
import ReportWatchTestSupport

/// A server's Retry-After moves a source's next check, within reason: it is capped as the host
/// gate caps it, and a wait longer than the source's alert threshold's worth of intervals is
/// reported as a failing source at once rather than after failures that cannot happen.
@Suite("Retry-After on a source")
struct RetryAfterTests {
    static let source = newsSource + "\n    interval: 1h\n    failures_before_alert: 3"

    @Test func aHugeRetryAfterIsCappedAndRaisesSourceFailing() async throws {
        let harness = try Harness(sources: Self.source)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", response: .status(503, headers: ["Retry-After": "9999999999"]))
        let before = Date()
        let results = await harness.check()
        let next = try #require(harness.result("news", results)?.nextCheckAt)
        #expect(next.timeIntervalSince(before) <= RetryAfter.ceiling.seconds + 5,
                "next check \(next) (\(next.timeIntervalSince(before)) s away)")
        #expect(next.timeIntervalSince(before) >= RetryAfter.ceiling.seconds - 5, "the server's wait, as far as the cap, is kept")
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.sourceFailing], "\(alerts.map(\.event))")
        #expect(alerts.first?.title.contains("Retry-After") == true, "\(alerts.first?.title ?? "")")
        #expect(try harness.items("news").count == 2)
        #expect(try harness.state("news")?.health == .failing)
    }

    @Test func aRetryAfterWithinTheThresholdAlertsNothing() async throws {
        let harness = try Harness(sources: Self.source)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", response: .status(429, headers: ["Retry-After": "7200"]))
        let before = Date()
        let results = await harness.check()
        let next = try #require(harness.result("news", results)?.nextCheckAt)
        #expect(next.timeIntervalSince(before) >= 7195)
        #expect(try harness.deliveredAlerts().isEmpty)
    }

}
