import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

@Suite("status and the metrics file")
struct StatusAndMetricsTests {
    @Test func metricsFileIsWrittenAfterAPass() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let metrics = directory.appendingPathComponent("metrics.prom").path
        let harness = try Harness(sources: newsSource + "\n    failures_before_alert: 1", extra: "metrics_file: \(metrics)")
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", body: newsPage([("/r/3", "New report", "2026-11-27")] + twoReports))
        await harness.check()
        harness.server.set("/news", response: .status(500))
        await harness.check()

        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("# TYPE reportwatch_checks_total counter"))
        #expect(text.contains("reportwatch_checks_total{source=\"news\",outcome=\"baseline\"} 1"))
        #expect(text.contains("reportwatch_checks_total{source=\"news\",outcome=\"changed\"} 1"))
        #expect(text.contains("reportwatch_check_failures_total{source=\"news\"} 1"))
        #expect(text.contains("reportwatch_alerts_total{source=\"news\",event=\"added\"} 1"))
        #expect(text.contains("reportwatch_alerts_total{source=\"news\",event=\"source_failing\"} 1"))
        #expect(text.contains("reportwatch_fetch_duration_seconds_count{source=\"news\"} 3"))
        #expect(text.contains("reportwatch_delivered_total{channel=\"log\"} 2"))
        #expect(!FileManager.default.fileExists(atPath: metrics + ".tmp"))
    }

    /// The whole exposition for two sources, byte for byte: sources in id order, outcomes in
    /// alphabetical order and only those seen, every source's failure and byte counters.
    @Test func metricsTextListsSourcesInOrder() async {
        let metrics = Metrics()
        await metrics.record(source: "zeta", outcome: .baseline(itemCount: 3), alerts: [], fetchDuration: .milliseconds(250), bytes: 1000)
        await metrics.record(source: "zeta", outcome: .unchanged(notModified: true), alerts: [], fetchDuration: .milliseconds(250), bytes: 0)
        await metrics.record(source: "zeta", outcome: .failed(SourceFailure(.fetch, "refused")), alerts: [], fetchDuration: nil, bytes: 0)
        await metrics.record(source: "alpha", outcome: .unchanged(notModified: false), alerts: [], fetchDuration: .milliseconds(500), bytes: 7)
        let text = await metrics.render(outbox: [])
        #expect(text == """
            # HELP reportwatch_checks_total Checks of a source, by outcome.
            # TYPE reportwatch_checks_total counter
            reportwatch_checks_total{source="alpha",outcome="unchanged"} 1
            reportwatch_checks_total{source="zeta",outcome="baseline"} 1
            reportwatch_checks_total{source="zeta",outcome="failed"} 1
            reportwatch_checks_total{source="zeta",outcome="not_modified"} 1
            # HELP reportwatch_check_failures_total Checks that failed.
            # TYPE reportwatch_check_failures_total counter
            reportwatch_check_failures_total{source="alpha"} 0
            reportwatch_check_failures_total{source="zeta"} 1
            # HELP reportwatch_alerts_total Alerts recorded, by event.
            # TYPE reportwatch_alerts_total counter
            # HELP reportwatch_fetch_duration_seconds Time spent fetching the source's main page.
            # TYPE reportwatch_fetch_duration_seconds summary
            reportwatch_fetch_duration_seconds_sum{source="alpha"} 0.5
            reportwatch_fetch_duration_seconds_count{source="alpha"} 1
            reportwatch_fetch_duration_seconds_sum{source="zeta"} 0.5
            reportwatch_fetch_duration_seconds_count{source="zeta"} 2
            # HELP reportwatch_fetch_bytes_total Decoded bytes fetched for the source.
            # TYPE reportwatch_fetch_bytes_total counter
            reportwatch_fetch_bytes_total{source="alpha"} 7
            reportwatch_fetch_bytes_total{source="zeta"} 1000
            # HELP reportwatch_outbox_pending Alerts not yet delivered to the channel.
            # TYPE reportwatch_outbox_pending gauge
            # HELP reportwatch_delivery_retrying Alerts whose delivery to the channel failed at least once and is pending.
            # TYPE reportwatch_delivery_retrying gauge
            # HELP reportwatch_delivery_dead_total Alerts given up on for the channel.
            # TYPE reportwatch_delivery_dead_total counter
            # HELP reportwatch_delivered_total Alerts delivered to the channel.
            # TYPE reportwatch_delivered_total counter

            """)
    }

    /// Lines are rendered again only for sources whose counters moved: a file written after more
    /// checks must read exactly as one rendered from scratch, new sources and events included.
    @Test func metricsRenderedAgainAfterMoreChecksMatchAFreshRender() async {
        let checks: [(String, CheckOutcome, [Alert])] = [
            ("b", .baseline(itemCount: 2), []),
            ("a", .unchanged(notModified: true), []),
            ("b", .unchanged(notModified: true), []),
            ("c", .failed(SourceFailure(.httpStatus, "HTTP 500")), []),
            ("a", .changed([]), [Alert(source: "a", event: .added, title: "New", url: nil, detectedAt: Date(), summary: "New")]),
            ("b", .unchanged(notModified: false), []),
        ]
        let incremental = Metrics()
        var renders: [String] = []
        for (source, outcome, alerts) in checks {
            await incremental.record(source: source, outcome: outcome, alerts: alerts, fetchDuration: .milliseconds(125), bytes: 10)
            renders.append(await incremental.render(outbox: []))
        }
        let fresh = Metrics()
        for (source, outcome, alerts) in checks {
            await fresh.record(source: source, outcome: outcome, alerts: alerts, fetchDuration: .milliseconds(125), bytes: 10)
        }
        let expected = await fresh.render(outbox: [])
        #expect(renders.last == expected)
        #expect(expected.contains("reportwatch_checks_total{source=\"a\",outcome=\"changed\"} 1"))
        #expect(expected.contains("reportwatch_alerts_total{source=\"a\",event=\"added\"} 1"))
        #expect(expected.contains("reportwatch_checks_total{source=\"b\",outcome=\"unchanged\"} 1"))
        #expect(expected.contains("reportwatch_fetch_duration_seconds_count{source=\"b\"} 3"))
        #expect(Set(renders).count == renders.count, "every check changes the file")
    }

    @Test func statusShowsEachSourceAndTheOutbox() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", response: .status(503))
        await harness.check()

        let table = try ReportWatchBinary.run(["status", "--config", harness.configFile])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("news"))
        #expect(table.stdout.contains("degraded"))
        #expect(table.stdout.contains("allowed"))
        #expect(table.stdout.contains("news: http_status: HTTP 503"))

        let json = try ReportWatchBinary.run(["status", "--config", harness.configFile, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let sources = try #require(object["sources"] as? [[String: Any]])
        #expect(sources.first?["id"] as? String == "news")
        #expect(sources.first?["consecutive_failures"] as? Int == 1)
        #expect(sources.first?["items"] as? Int == 2)
        #expect(sources.first?["next_check"] as? String != nil)
    }
}
