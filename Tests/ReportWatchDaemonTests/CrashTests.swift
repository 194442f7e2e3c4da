import Foundation
import Testing
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

/// Invariant 1: a crash between recording an alert and delivering it loses nothing, and the next
/// run delivers the alert once.
@Suite("A crash loses no alert")
struct CrashTests {
    @Test func sigkillBetweenRecordingAndDeliveringLosesNothing() async throws {
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let alertsPath = directory.appendingPathComponent("alerts.jsonl").path
        let config = directory.appendingPathComponent("reportwatch.yaml").path
        try """
            state_directory: \(directory.path)/state
            contact: tests@example.org
            politeness: {min_gap: 0s, max_per_host: 4}
            sources:
              - id: news
                kind: html
                url: \(server.baseURL)/news
                items: "//li[@class='report']"
                fields: {key: "a/@href", title: "a", link: "a/@href"}
            channels:
              - id: log
                kind: jsonl
                path: \(alertsPath)
            """.write(toFile: config, atomically: true, encoding: .utf8)

        server.set("/news", body: newsPage(twoReports))
        let baseline = try ReportWatchBinary.run(["check", "--config", config])
        #expect(baseline.status == 0, "\(baseline.stderr)")

        // The channel's file is a FIFO with no reader: opening it blocks, so the process sits
        // exactly between committing the alert and confirming its delivery.
        #expect(mkfifo(alertsPath, 0o600) == 0)
        server.set("/news", body: newsPage([("/r/9", "Improvement notice issued", "2026-11-27")] + twoReports))
        let running = try ReportWatchBinary.start(["check", "--config", config])
        let store = try Store(path: "\(directory.path)/state/reportwatch.sqlite")
        var pending: [PendingDelivery] = []
        for _ in 0..<200 where pending.isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            pending = try store.read { try $0.pendingDeliveries(channel: "log", dueBy: nil) }
        }
        #expect(pending.count == 1)
        // Let it reach the blocking open.
        try await Task.sleep(for: .milliseconds(300))
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        #expect(running.process.terminationReason == .uncaughtSignal)

        try FileManager.default.removeItem(atPath: alertsPath)
        let after = try ReportWatchBinary.run(["check", "--config", config])
        #expect(after.status == 0, "\(after.stderr)")
        let again = try ReportWatchBinary.run(["check", "--config", config])
        #expect(again.status == 0)

        let lines = try String(contentsOfFile: alertsPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1, "expected the one alert exactly once, got \(lines)")
        let alert = try Alert.jsonDecoder().decode(Alert.self, from: Data(try #require(lines.first).utf8))
        #expect(alert.id == pending.first?.alert.id)
        #expect(alert.title == "Improvement notice issued")
        #expect(try store.integrityCheck() == "ok")
    }
}
