import Foundation
import Synchronization
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

    @Test func requestsToOneHostKeepTheConfiguredMinimumGap() async throws {
        let clock = ManualClock()
        let paths = ["/a", "/b", "/c", "/d"]
        let harness = try Harness(sources: sources(paths), politeness: "{min_gap: 1s, max_per_host: 1}", clock: clock)
        let stamps = ClockStamps()
        stamps.serve(harness.server, "/robots.txt", clock: clock, .status(404))
        for path in paths { stamps.serve(harness.server, path, clock: clock, .ok(newsPage(twoReports))) }
        let results = await clock.advancing { await harness.check() }
        #expect(results.count == 4)
        // Without the gate all five start at once; with it each starts 1 s after the one before.
        #expect(stamps.times("/robots.txt") == [.zero])
        #expect(paths.flatMap(stamps.times).sorted() == [.seconds(1), .seconds(2), .seconds(3), .seconds(4)], "\(stamps.all)")
    }

    /// Whether requests overlap, per host: a server-side count of the requests in flight.
    final class Overlap: Sendable {
        private let state = Mutex<(now: [String: Int], most: [String: Int], order: [String])>(([:], [:], []))

        func serve(_ server: TestHTTPServer, _ path: String, holding: Duration) {
            let host = server.host
            server.route(path) { [self] request in
                state.withLock {
                    $0.now[host, default: 0] += 1
                    $0.most[host] = max($0.most[host] ?? 0, $0.now[host] ?? 0)
                    $0.order.append(request.pathWithoutQuery)
                }
                Thread.sleep(forTimeInterval: holding.seconds)
                state.withLock { $0.now[host, default: 0] -= 1 }
                return .ok(newsPage(twoReports))
            }
        }

        func most(_ host: String) -> Int { state.withLock { $0.most[host] ?? 0 } }
        var order: [String] { state.withLock { $0.order } }
    }

    @Test(arguments: [1, 3])
    func atMostMaxPerHostRequestsAtOnceButHostsInParallel(_ maxPerHost: Int) async throws {
        let other = try TestHTTPServer(host: "127.0.0.2")
        other.start()
        defer { other.stop() }
        let paths = ["/a", "/b", "/c"]
        let yaml = sources(paths) + "\n" + sources(["/x"], base: other.baseURL).replacingOccurrences(of: "id: s0", with: "id: other")
        let harness = try Harness(sources: yaml, politeness: "{min_gap: 0s, max_per_host: \(maxPerHost)}")
        let overlap = Overlap()
        // Each request is held long enough that, one at a time, this host's last request starts
        // most of a second after the other host's could have, however loaded the machine.
        for path in paths { overlap.serve(harness.server, path, holding: .milliseconds(400)) }
        overlap.serve(other, "/x", holding: .milliseconds(400))
        let results = await harness.check()
        #expect(results.count == 4)
        #expect(overlap.most(harness.server.host) == maxPerHost, "requests in flight to one host at once")
        #expect(overlap.most(other.host) == 1)
        // The other host is not queued behind this one: its request comes before this host's last.
        let order = overlap.order
        #expect(try #require(order.firstIndex(of: "/x")) < (try #require(order.firstIndex(of: "/c"))) || maxPerHost > 1,
                "another host waited for this one: \(order)")
    }

    @Test func retryAfterHoldsTheHost() async throws {
        let clock = ManualClock()
        let harness = try Harness(sources: sources(["/busy", "/next"]), politeness: "{min_gap: 0s, max_per_host: 1}", clock: clock)
        let stamps = ClockStamps()
        stamps.serve(harness.server, "/busy", clock: clock, .status(429, headers: ["Retry-After": "2"]))
        stamps.serve(harness.server, "/next", clock: clock, .ok(newsPage(twoReports)))
        let runtime = harness.runtime
        let configuration = harness.configuration
        await clock.advancing {
            _ = await runtime.checkAll([configuration.source("s0")!])
            _ = await runtime.checkAll([configuration.source("s1")!])
        }
        // Retry-After: 2 holds the host 2 s (without it: no wait at all).
        #expect(stamps.times("/busy") == [.zero])
        #expect(stamps.times("/next") == [.seconds(2)])
        let state = try #require(try harness.state("s0"))
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
