import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ServiceLifecycleTestKit
import ReportWatchTestSupport

/// An Ofsted provider page listing `count` reports, each linking to `/v1/file/{id}` on `base`,
/// newest first; every link is served the same real report PDF.
func manyReportsPage(count: Int, base: String) -> String {
    let days = (0..<count).map { index -> String in
        let id = 60_000_001 + index
        let year = 2025 - index
        return """
            <li class="timeline__day"><p class="timeline__date"><time datetime="\(year)-01-24">24 January \(year)</time></p>
            <ul class="timeline__events"><li class="timeline__event"><span class="event__title heading--sub">Children's services inspection</span>
            <a class="publication-link" href="\(base)/v1/file/\(id)" target="_blank">Children's services inspection
            <span class="nonvisual">Children's services inspection, PDF - 04 March \(year)</span></a></li></ul></li>
            """
    }.joined(separator: "\n")
    return """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
        <title>Harrow - Open - Find an inspection report - Ofsted</title></head><body>
        <main><h1 class="heading--title">Harrow</h1>
        <div class="timeline"><ul class="timeline__list">\(days)</ul></div></main></body></html>
        """
}

/// Serves the page and its reports, each PDF after `delay`.
func serveManyReports(_ server: TestHTTPServer, count: Int, delay: Duration) throws {
    server.set("/provider/44/80499", body: manyReportsPage(count: count, base: server.baseURL))
    let pdf = Array(try Fixtures.data("ofsted/harrow_ilacs_2025-03-04_file50270419.pdf"))
    for index in 0..<count {
        server.set("/v1/file/\(60_000_001 + index)", response: TestHTTPResponse.ok(bytes: pdf, contentType: "application/pdf").delayed(by: delay))
    }
}

/// Serves the page and its reports; each PDF takes `each` on the clock before it is answered.
func serveManyReports(_ server: TestHTTPServer, count: Int, each: Duration, clock: ManualClock) throws {
    server.set("/provider/44/80499", body: manyReportsPage(count: count, base: server.baseURL))
    let pdf = TestHTTPResponse.ok(bytes: Array(try Fixtures.data("ofsted/harrow_ilacs_2025-03-04_file50270419.pdf")),
                                  contentType: "application/pdf")
    for index in 0..<count {
        server.route("/v1/file/\(60_000_001 + index)") { _ in
            clock.advance(by: each)
            return pdf
        }
    }
}

let manyReportsSource = """
      - id: ofsted-harrow
        kind: ofsted-provider
        url: {{base}}/provider/44/80499
        council: Harrow
    """

/// The watchdog's budget counts requests per host; a source's own follow-up fetches (report
/// PDFs read with pdftotext) are progress too, so a long pass that keeps moving is never taken
/// for a stuck loop.
@Suite("The watchdog sees a long pass making progress")
struct WatchdogProgressTests {
    @Test func aPassReadingManyReportsKeepsTheWatchdogFed() async throws {
        let clock = ManualClock()
        let harness = try Harness(sources: manyReportsSource, clock: clock)
        // Four reports, 40 s each on the clock: a pass of 160 s, far past the 6 s the budget gives
        // one source with a 2 s timeout ((timeout + gap) × (1 + 2)) and the 62 s of grace after
        // the page's request; only the reports' own progress keeps it alive.
        try serveManyReports(harness.server, count: 4, each: .seconds(40), clock: clock)
        let scheduler = SchedulerService(runtime: harness.runtime, minimumBudget: .milliseconds(100))
        var stalledAt: [Duration] = []
        var sampled: Duration = .zero
        let last = "/v1/file/\(60_000_004)"
        try await testGracefulShutdown { trigger in
            let loop = Task { try await scheduler.run() }
            let started = ContinuousClock.now
            // Until the pass ends (the loop sleeps on the clock).
            while clock.sleepers.isEmpty || harness.server.requests(forPath: last).isEmpty, ContinuousClock.now - started < .seconds(30) {
                if !(await scheduler.isMakingProgress) { stalledAt.append(clock.elapsed) }
                sampled = clock.elapsed
                try await Task.sleep(for: .milliseconds(2))
            }
            trigger.triggerGracefulShutdown()
            try await loop.value
        }
        #expect(harness.server.requests(forPath: last).count == 1)
        #expect(sampled >= .seconds(150), "the pass was too short to outlast the budget: \(sampled)")
        #expect(stalledAt.first == nil, "the watchdog would have stopped pinging at \(stalledAt.first.map { "\($0)" } ?? "") of a healthy pass")
    }

    /// A report whose request has run 70 s on the clock without ending: past the budget and the
    /// grace, the loop counts as stuck, so the test above can fail.
    @Test func aPassWithoutProgressPastItsGraceIsStuck() async throws {
        let clock = ManualClock()
        let harness = try Harness(sources: manyReportsSource, clock: clock)
        harness.server.set("/provider/44/80499", body: manyReportsPage(count: 1, base: harness.server.baseURL))
        let release = DispatchSemaphore(value: 0)
        let pdf = Array(try Fixtures.data("ofsted/harrow_ilacs_2025-03-04_file50270419.pdf"))
        harness.server.route("/v1/file/\(60_000_001)") { _ in
            clock.advance(by: .seconds(70))
            release.wait()
            return .ok(bytes: pdf, contentType: "application/pdf")
        }
        let scheduler = SchedulerService(runtime: harness.runtime, minimumBudget: .milliseconds(100))
        try await testGracefulShutdown { trigger in
            let loop = Task { try await scheduler.run() }
            let started = ContinuousClock.now
            while clock.elapsed < .seconds(70), ContinuousClock.now - started < .seconds(20) {
                try await Task.sleep(for: .milliseconds(1))
            }
            #expect(!(await scheduler.isMakingProgress), "70 s into a request, past the budget and the 62 s of grace")
            release.signal()
            trigger.triggerGracefulShutdown()
            try await loop.value
        }
    }
}
