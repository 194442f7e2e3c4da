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
