import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

/// Invariant 4: every fetch is polite. The servers record when each request arrived.
@Suite("Politeness per host: gaps, one at a time, Retry-After, robots.txt")
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
        // Arrival times carry scheduling noise on a loaded machine; a 1 s gap measured as at
        // least 0.75 s cannot happen without the gate.
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) >= 0.75, "gap \(later.timeIntervalSince(earlier))")
        }
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
        for (earlier, later) in zip(times, times.dropFirst()) {
            // Each waited for the one before it to finish its 1 s answer.
            #expect(later.timeIntervalSince(earlier) >= 0.75, "overlap: \(later.timeIntervalSince(earlier))")
        }
        let otherStart = try #require(other.requests(forPath: "/x").first?.receivedAt)
        let firstStart = try #require(times.first)
        #expect(otherStart.timeIntervalSince(firstStart) < 0.75, "another host does not wait for this one")
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
        #expect(next.timeIntervalSince(busy) >= 1.9, "the next request to the host waited for Retry-After")
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

    @Test func robotsRulesFollowRFC9309() {
        let rules = RobotsRules(parsing: """
            # comment
            User-agent: *
            Disallow: /search/all*
            Disallow: /*.pdf$
            Allow: /search/all-about
            """, agent: "reportwatch")
        #expect(!rules.allows("/search/all?q=x"))
        #expect(rules.allows("/search/all-about"))
        #expect(!rules.allows("/files/report.pdf"))
        #expect(rules.allows("/files/report.pdf?download=1"))
        #expect(rules.allows("/government/publications"))
        #expect(RobotsRules(parsing: "User-agent: *\nDisallow:\n", agent: "reportwatch").allows("/anything"))
    }
}
