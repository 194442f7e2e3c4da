import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

/// A failing source never reads as "everything was removed": each fault leaves the stored items
/// alone, and the third consecutive failure raises one health alert; the next success one recovery.
@Suite("Failures are health events, never removals")
struct HealthTests {
    static let faults: [(name: String, response: TestHTTPResponse, expected: AlertEvent)] = [
        ("HTTP 500", .status(500), .sourceFailing),
        ("HTTP 404", .status(404), .sourceFailing),
        ("a timeout", TestHTTPResponse.ok(newsPage(twoReports)).delayed(by: .seconds(4)), .sourceFailing),
        ("an empty 200", .ok(""), .structureChanged),
        ("a page without the items", .ok("<html><body><h1>Site maintenance</h1><p>Back soon.</p></body></html>"), .structureChanged),
        ("a login wall", .ok("<html><body><form action='/login'><input name='password'></form></body></html>"), .structureChanged),
        ("a dropped connection", .emptyReply, .sourceFailing),
    ]

    @Test(arguments: 0..<faults.count)
    func faultGivesOneHealthAlertAndNoRemoval(_ index: Int) async throws {
        let fault = Self.faults[index]
        let harness = try Harness(sources: newsSource + "\n    failures_before_alert: 3", extra: "")
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()

        harness.server.set("/news", response: fault.response)
        for _ in 0..<5 { await harness.check() }
        #expect(try harness.items("news").count == 2, "\(fault.name) touched the stored items")
        var alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [fault.expected], "\(fault.name): \(alerts.map(\.event))")
        #expect(try harness.state("news")?.consecutiveFailures == 5)

        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        await harness.check()
        alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [fault.expected, .sourceRecovered], "\(fault.name): \(alerts.map(\.event))")
        #expect(!alerts.contains { $0.event == .removed || $0.event == .added })
    }

    @Test func fewerFailuresThanTheThresholdAlertNothing() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", response: .status(503))
        await harness.check()
        await harness.check()
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        #expect(try harness.deliveredAlerts().isEmpty)
        #expect(try harness.state("news")?.consecutiveFailures == 0)
    }

    @Test func validatorsOfABrokenPageAreNotKept() async throws {
        let harness = try Harness(sources: newsSource + "\n    failures_before_alert: 1")
        let good = newsPage(twoReports)
        harness.server.route("/news") { request in
            TestHTTPServer.conditional(request, etag: "\"good\"", lastModified: nil, body: good)
        }
        await harness.check()
        harness.server.route("/news") { request in
            TestHTTPServer.conditional(request, etag: "\"broken\"", lastModified: nil, body: "<html><body>Error</body></html>")
        }
        await harness.check()
        #expect(try harness.state("news")?.etag == "\"good\"")
        // The server recovers with the good page's validator: the 304 vouches for a page that read well.
        harness.server.route("/news") { request in
            TestHTTPServer.conditional(request, etag: "\"good\"", lastModified: nil, body: good)
        }
        await harness.check()
        #expect(try harness.deliveredAlerts().map(\.event) == [.structureChanged, .sourceRecovered])
    }

    @Test func aSourceThatNeverMatchedIsAStructureProblemNotAnEmptyBaseline() async throws {
        let harness = try Harness(sources: newsSource + "\n    failures_before_alert: 1")
        harness.server.set("/news", body: "<html><body><p>No reports here</p></body></html>")
        let results = await harness.check()
        guard case .failed(let failure) = harness.result("news", results)?.outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.kind == .structure)
        #expect(try harness.state("news")?.baselineAt == nil)
    }
}
