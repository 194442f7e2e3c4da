import Foundation
import ReportWatchCore
import Testing
@testable import ReportWatchFetch
import ReportWatchTestSupport

/// Invariant 4 on the fetcher itself, with time under the test's control: a gap or a
/// Retry-After of minutes takes milliseconds, and the waits are exact.
@Suite("Politeness on the service's clock: gaps, Retry-After, robots.txt kept a day")
final class PolitenessTests {
    let server: TestHTTPServer
    let client = HTTPClient(userAgent: "reportwatch/test (+tests@example.org)")
    let clock = ManualClock()

    init() throws {
        server = try TestHTTPServer()
        server.start()
    }

    deinit {
        client.shutdown()
        server.stop()
    }

    func fetcher(minGap: Duration = .zero, maxPerHost: Int = 1) -> PoliteFetcher {
        PoliteFetcher(client: client, gate: HostGate(clock: clock), robots: RobotsCache(clock: clock),
                      connectTimeout: .seconds(2), timeout: .seconds(5), maxBodyBytes: 1_000_000,
                      politeness: HostPoliteness(minGap: minGap, maxPerHost: maxPerHost))
    }

    @Test func requestsToOneHostStartTheMinimumGapApartOnTheClock() async throws {
        let stamps = ClockStamps()
        for path in ["/robots.txt", "/a", "/b", "/c"] { stamps.serve(server, path, clock: clock) }
        let fetcher = fetcher(minGap: .seconds(2))
        let urls = ["/a", "/b", "/c"].map(server.url)
        // Three at once: one slot for the host, so they queue, and each waits out the gap.
        let statuses = await clock.advancing {
            await withTaskGroup(of: Int.self) { group in
                for url in urls { group.addTask { (try? await fetcher.fetch(url).status) ?? 0 } }
                return await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(statuses == [200, 200, 200])
        // robots.txt first, then each page 2 s after the start of the request before it.
        #expect(stamps.all.sorted() == [.zero, .seconds(2), .seconds(4), .seconds(6)], "\(stamps.all)")
        #expect(clock.elapsed == .seconds(6))
    }

    @Test func aRetryAfterHoldsTheHostForThatLongOnTheClock() async throws {
        let stamps = ClockStamps()
        stamps.serve(server, "/robots.txt", clock: clock, .status(404))
        stamps.serve(server, "/busy", clock: clock, .status(429, headers: ["Retry-After": "120"]))
        stamps.serve(server, "/next", clock: clock)
        let fetcher = fetcher()
        #expect(try await fetcher.fetch(server.url("/busy")).status == 429)
        let nextURL = server.url("/next")
        let next = Task { try await fetcher.fetch(nextURL).status }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.sleepers == [.seconds(120)], "the host is held for the server's 120 s, no more, no less")
        clock.advance(by: .seconds(119))
        #expect(clock.sleepers == [.seconds(1)], "still held a second before the end")
        #expect(stamps.times("/next").isEmpty)
        clock.advance(by: .seconds(1))
        #expect(try await next.value == 200)
        #expect(stamps.times("/next") == [.seconds(120)])
    }

    @Test func aRetryAfterDateCountsFromTheClocksDate() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: clock.now.addingTimeInterval(300))
        server.set("/robots.txt", response: .status(404))
        server.set("/busy", response: .status(503, headers: ["Retry-After": date]))
        server.set("/next", response: .status(200))
        let fetcher = fetcher()
        _ = try await fetcher.fetch(server.url("/busy"))
        let nextURL = server.url("/next")
        let next = Task { try await fetcher.fetch(nextURL).status }
        #expect(await clock.waitForSleepers(1))
        #expect(clock.sleepers == [.seconds(300)])
        clock.advance(by: .seconds(300))
        #expect(try await next.value == 200)
    }

    @Test func robotsTxtIsKeptForADayOnTheClock() async throws {
        server.set("/robots.txt", body: "User-agent: *\nDisallow: /private\n", headers: ["Content-Type": "text/plain"])
        server.set("/public", response: .status(200))
        server.set("/private", response: .status(200))
        let fetcher = fetcher()
        for _ in 0..<3 { #expect(try await fetcher.fetch(server.url("/public")).status == 200) }
        await #expect(throws: RobotsDisallowed.self) { _ = try await fetcher.fetch(self.server.url("/private")) }
        #expect(server.requests(forPath: "/robots.txt").count == 1)
        clock.advance(by: .seconds(86_400 - 60))
        _ = try await fetcher.fetch(server.url("/public"))
        #expect(server.requests(forPath: "/robots.txt").count == 1, "asked again before the day was out")
        clock.advance(by: .seconds(120))
        _ = try await fetcher.fetch(server.url("/public"))
        #expect(server.requests(forPath: "/robots.txt").count == 2, "not asked again after a day")
        #expect(server.requests(forPath: "/private").isEmpty)
    }

    /// RFC 9309: an unreachable robots.txt (5xx) disallows everything, for now: ten minutes.
    @Test func anUnreachableRobotsTxtDisallowsAllForTenMinutesOnTheClock() async throws {
        server.set("/robots.txt", response: .status(503))
        server.set("/page", response: .status(200))
        let fetcher = fetcher()
        await #expect(throws: RobotsDisallowed.self) { _ = try await fetcher.fetch(self.server.url("/page")) }
        server.set("/robots.txt", response: .status(404))
        clock.advance(by: .seconds(590))
        await #expect(throws: RobotsDisallowed.self) { _ = try await fetcher.fetch(self.server.url("/page")) }
        clock.advance(by: .seconds(20))
        #expect(try await fetcher.fetch(server.url("/page")).status == 200)
        #expect(server.requests(forPath: "/robots.txt").count == 2)
        #expect(server.requests(forPath: "/page").count == 1)
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

    @Test func theRetryAfterParserCapsSecondsAndDates() {
        let now = clock.now
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse("9999999999", now: now) == RetryAfter.ceiling)
        #expect(RetryAfter.parse("Fri, 31 Dec 9999 23:59:59 GMT", now: now) == RetryAfter.ceiling)
        #expect(RetryAfter.parse("99999999999999999999999", now: now) == RetryAfter.ceiling)
        #expect(RetryAfter.parse("Thu, 01 Jan 2015 00:00:00 GMT", now: now) == .zero, "a date gone by: no wait")
        #expect(RetryAfter.parse("-5", now: now) == nil)
        #expect(RetryAfter.parse("soon", now: now) == nil)
    }
}
