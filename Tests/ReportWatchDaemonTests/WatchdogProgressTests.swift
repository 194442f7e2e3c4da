import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
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

let manyReportsSource = """
      - id: ofsted-harrow
        kind: ofsted-provider
        url: {{base}}/provider/44/80499
        council: Harrow
    """

/// The watchdog's budget counts requests per host; a source's own follow-up fetches (report
/// PDFs read with pdftotext) are progress too, so a long pass that keeps moving is never taken
/// for a stuck loop.
@Suite("The watchdog sees a long pass making progress", .serialized)
struct WatchdogProgressTests {
    @Test func aPassReadingManyReportsKeepsTheWatchdogFed() async throws {
        let harness = try Harness(sources: manyReportsSource)
        // Ten reports, 0.8 s each: a pass of 8 s and more, past the 6 s the budget gives one
        // source with a 2 s timeout ((timeout + gap) × (1 + 2)).
        try serveManyReports(harness.server, count: 10, delay: .milliseconds(800))
        let scheduler = SchedulerService(runtime: harness.runtime, minimumBudget: .milliseconds(100))
        let started = ContinuousClock.now
        let loop = Task { try await scheduler.run() }
        defer { loop.cancel() }
        var stalledAt: [Duration] = []
        let last = "/v1/file/\(60_000_010)"
        while harness.server.requests(forPath: last).isEmpty, ContinuousClock.now - started < .seconds(30) {
            if !(await scheduler.isMakingProgress) { stalledAt.append(ContinuousClock.now - started) }
            try await Task.sleep(for: .milliseconds(200))
        }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed > .seconds(6.5), "the pass was too short to outlast the budget: \(elapsed)")
        #expect(stalledAt.isEmpty, "the watchdog would have stopped pinging at \(stalledAt.first.map { "\($0)" } ?? "") of a healthy pass")
        loop.cancel()
        _ = try? await loop.value
    }
}
