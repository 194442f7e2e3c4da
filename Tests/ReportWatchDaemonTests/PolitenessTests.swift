import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

/// Invariant 4: every fetch is polite. The servers record when each request arrived.
@Suite("Politeness per host: gaps, one at a time, Retry-After, robots.txt", .serialized)
struct PolitenessTests {
    func sources(_ paths: [String], base: String = "{{base}}", extra: String = "") -> String {
        paths.enumerated().map { index, path in
            """
              - id: s\(index)
                kind: html
                url: \(base)\(path)
                items: "//li[@class='report']"
                fields: {key: "a/@href", title: "a"}
            \(extra)
            """
        }.joined(separator: "\n")
    }

    func starts(_ server: TestHTTPServer, _ paths: [String]) -> [Date] {
        server.requests.filter { paths.contains($0.pathWithoutQuery) }.map(\.receivedAt).sorted()
    }

    @Test func requestsToOneHostKeepTheMinimumGap() async throws {
        let paths = ["/a", "/b", "/c", "/d"]
        let harness = try Harness(sources: sources(paths), politeness: "{min_gap: 1s, max_per_host: 1}")
        for path in paths { harness.server.set(path, body: newsPage(twoReports)) }
        await harness.check()
        let times = starts(harness.server, paths)
        #expect(times.count == 4)
        // Without the gate all four arrive within milliseconds; with it they span 3 s. The
        // server stamps a request when its thread gets to it, and on a loaded 2-core machine one
        // stamp can come late by most of a second (seen in CI), which shrinks one gap and widens
        // the one before: the span, and the average gap, are what the gate guarantees.
        let span = try #require(times.last).timeIntervalSince(try #require(times.first))
        #expect(span >= 2.0, "4 requests with a 1 s minimum gap spanned only \(span) s")
    }

    @Test func oneRequestAtATimePerHostButHostsInParallel() async throws {
        let other = try TestHTTPServer(host: "127.0.0.2")
        other.start()
        defer { other.stop() }
        let slow = TestHTTPResponse.ok(newsPage(twoReports)).delayed(by: .seconds(1))
        let paths = ["/a", "/b", "/c"]
        let yaml = sources(paths) + "\n" + sources(["/x"], base: other.baseURL).replacingOccurrences(of: "id: s0", with: "id: other")
        let harness = try Harness(sources: yaml, extra: "")
        // The harness config says max_per_host: 4; this test needs the default of one.
        for path in paths { harness.server.set(path, response: slow) }
        other.set("/x", response: slow)
        let configuration = try Configuration.load(file: harness.configFile)
        var strict = configuration
        strict.politeness = Politeness(minGap: .zero, maxPerHost: 1)
        let runtime = try Runtime(configuration: strict, logger: harness.logs.logger)
        defer { runtime.shutdown() }
        _ = await runtime.checkOnce()

        let times = starts(harness.server, paths)
        #expect(times.count == 3)
        // Each waited for the one before it to finish its 1 s answer: 3 requests span at least
        // 2 s in principle; 1.5 s leaves room for a late server stamp (see above).
        let span = try #require(times.last).timeIntervalSince(try #require(times.first))
        #expect(span >= 1.5, "one at a time, yet 3 slow requests spanned only \(span) s")
        // The other host is not queued behind this one: its request comes before this host's third.
        let otherStart = try #require(other.requests(forPath: "/x").first?.receivedAt)
        #expect(otherStart < times[2], "another host waited for this one")
    }

    @Test func retryAfterHoldsTheHost() async throws {
        let harness = try Harness(sources: sources(["/busy", "/next"]), extra: "")
        harness.server.set("/busy", response: .status(429, headers: ["Retry-After": "2"]))
        harness.server.set("/next", body: newsPage(twoReports))
        var strict = harness.configuration
        strict.politeness = Politeness(minGap: .zero, maxPerHost: 1)
        let runtime = try Runtime(configuration: strict, logger: harness.logs.logger)
        defer { runtime.shutdown() }
        _ = await runtime.checkAll([try #require(strict.source("s0"))])
        _ = await runtime.checkAll([try #require(strict.source("s1"))])
        let busy = try #require(harness.server.requests(forPath: "/busy").first?.receivedAt)
        let next = try #require(harness.server.requests(forPath: "/next").first?.receivedAt)
        // Retry-After: 2 holds the host 2 s (without it: milliseconds); 1 s allows a late server stamp.
        #expect(next.timeIntervalSince(busy) >= 1.0, "the next request to the host waited for Retry-After")
        let state = try #require(try runtime.store.read { try $0.sourceState("s0") })
        let nextCheck = try #require(state.nextCheckAt)
        let lastCheck = try #require(state.lastCheckAt)
        #expect(nextCheck.timeIntervalSince(lastCheck) >= 2)
    }

    @Test func robotsDisallowIsAHealthEventNotAFetch() async throws {
        let harness = try Harness(sources: sources(["/private/reports", "/public"], extra: "    failures_before_alert: 1"))
        harness.server.set("/robots.txt", body: """
            User-agent: reportwatch
            Disallow: /private

            User-agent: *
            Disallow: /
            Allow: /public
            """, headers: ["Content-Type": "text/plain"])
        harness.server.set("/private/reports", body: newsPage(twoReports))
        harness.server.set("/public", body: newsPage(twoReports))
        let results = await harness.check()
        #expect(harness.server.requests(forPath: "/private/reports").isEmpty, "a disallowed URL is never fetched")
        #expect(harness.server.requests(forPath: "/public").count == 1)
        guard case .failed(let failure) = harness.result("s0", results)?.outcome else {
            Issue.record("expected a robots failure")
            return
        }
        #expect(failure.kind == .robots)
        #expect(try harness.state("s0")?.robots?.hasPrefix("disallowed") == true)
        #expect(try harness.state("s1")?.robots == "allowed")
        #expect(try harness.deliveredAlerts().map(\.event) == [.sourceFailing])
        // robots.txt is fetched once and cached.
        await harness.check()
        #expect(harness.server.requests(forPath: "/robots.txt").count == 1)
    }
}
