import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchFetch
import ReportWatchTestSupport

/// Where a page may send the fetcher. Only loopback exists here, so "the internal network" is
/// another loopback host: 127.0.0.2, or the name `localhost`. The rule under test is the one that
/// protects a public source too: a host other than the source's own may be reached only at a
/// public address, checked on the address actually connected.
@Suite("Redirects and links cannot reach the local network; robots.txt everywhere", .serialized)
struct NetworkPolicyTests {
    func internalServer() throws -> TestHTTPServer {
        let server = try TestHTTPServer(host: "127.0.0.2")
        server.start()
        server.set("/secret.html", body: newsPage([("/admin/token", "root password is hunter2", "2026-11-01")]))
        return server
    }

    func failureOf(_ harness: Harness, _ results: [SourceChecker.Result]) -> SourceFailure? {
        if case .failed(let failure) = harness.result("news", results)?.outcome { return failure }
        return nil
    }

    @Test(arguments: ["127.0.0.2", "localhost"])
    func aRedirectToAnotherHostOnALocalAddressIsRefused(_ host: String) async throws {
        let inside = try internalServer()
        defer { inside.stop() }
        let harness = try Harness(sources: newsSource)
        let port = host == "localhost" ? harness.server.port : inside.port
        harness.server.set("/news", response: .redirect(to: "http://\(host):\(port)/secret.html"))
        harness.server.set("/secret.html", body: newsPage([("/admin/token", "root password is hunter2", "2026-11-01")]))
        let results = await harness.check()
        let failure = try #require(failureOf(harness, results), "the redirect was followed: \(String(describing: results))")
        #expect(failure.message.contains("not allowed"), "\(failure.message)")
        #expect(inside.requests.isEmpty, "nothing was sent to the internal host")
        #expect(harness.server.requests(forPath: "/secret.html").isEmpty)

        // test-source, where the review saw the internal page printed.
        let printed = try ReportWatchBinary.run(["test-source", "news", "--config", harness.configFile])
        #expect(printed.status != 0)
        #expect(!printed.stdout.contains("hunter2"), "\(printed.stdout)")
    }

    @Test func aRedirectWithinTheSourcesOwnHostIsFollowed() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", response: .redirect(to: "/news/2026"))
        harness.server.set("/news/2026", body: newsPage(twoReports))
        let results = await harness.check()
        guard case .baseline(let count) = harness.result("news", results)?.outcome else {
            Issue.record("expected a baseline, got \(String(describing: results))")
            return
        }
        #expect(count == 2)
    }

    /// Report PDFs and meeting pages are links taken from a page: the same rule.
    @Test func aLinkFromAPageToALocalAddressIsRefused() async throws {
        let inside = try internalServer()
        defer { inside.stop() }
        let harness = try Harness(sources: newsSource)
        harness.server.set("/r/1", body: "a report")
        let configuration = harness.configuration
        let client = HTTPClient(userAgent: "reportwatch-tests")
        defer { client.shutdown() }
        let fetcher = PoliteFetcher(client: client, gate: HostGate(), robots: RobotsCache(), configuration: configuration)
        let context = SourceContext(
            fetcher: fetcher, source: try #require(configuration.source("news")), stateDirectory: configuration.stateDirectory,
            logger: harness.logs.logger, previousItems: [:], isBaseline: true, storedDocuments: [:])
        let own = try await context.fetch(harness.server.url("/r/1"))
        #expect(own.status == 200)
        await #expect(throws: FetchError.self) {
            _ = try await context.fetch(inside.url("/secret.html"))
        }
        #expect(inside.requests.isEmpty)
    }

    @Test func robotsTxtAppliesToARedirectsTarget() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/robots.txt", body: "User-agent: *\nDisallow: /private\n", headers: ["Content-Type": "text/plain"])
        harness.server.set("/news", response: .redirect(to: "/private/news"))
        harness.server.set("/private/news", body: newsPage(twoReports))
        let results = await harness.check()
        let failure = try #require(failureOf(harness, results), "the redirect was followed")
        #expect(failure.kind == .robots)
        #expect(harness.server.requests(forPath: "/private/news").isEmpty)
    }

    /// RFC 9309: robots.txt's own redirects are followed (the fetcher follows redirects itself).
    @Test func robotsTxtRedirectsAreFollowed() async throws {
        let harness = try Harness(sources: newsSource + "\n" + newsSource.replacingOccurrences(of: "id: news", with: "id: hidden")
            .replacingOccurrences(of: "{{base}}/news", with: "{{base}}/private/news"))
        harness.server.set("/robots.txt", response: .redirect(to: "/static/robots.txt", status: 301))
        harness.server.set("/static/robots.txt", body: "User-agent: *\nDisallow: /private\n", headers: ["Content-Type": "text/plain"])
        harness.server.set("/news", body: newsPage(twoReports))
        harness.server.set("/private/news", body: newsPage(twoReports))
        let results = await harness.check()
        guard case .baseline = harness.result("news", results)?.outcome else {
            Issue.record("robots.txt behind a redirect: \(String(describing: harness.result("news", results)?.outcome))")
            return
        }
        guard case .failed(let failure) = harness.result("hidden", results)?.outcome else {
            Issue.record("the redirected robots.txt was not applied")
            return
        }
        #expect(failure.kind == .robots)
        #expect(harness.server.requests(forPath: "/private/news").isEmpty)
    }

    /// RFC 9309: at least the first 500 KiB are read. A larger file was an error, read as
    /// "allow all" and fetched again on every check.
    @Test func robotsTxtOver500KBIsReadUpTo500KiBAndKept() async throws {
        let harness = try Harness(sources: newsSource.replacingOccurrences(of: "{{base}}/news", with: "{{base}}/private/news"))
        let padding = String(repeating: "# a long comment line, as some sites have\n", count: 16_000)
        harness.server.set("/robots.txt", body: "User-agent: *\nDisallow: /private\n" + padding + "Disallow: /nothing\n",
                           headers: ["Content-Type": "text/plain"])
        harness.server.set("/private/news", body: newsPage(twoReports))
        for _ in 0..<2 {
            let results = await harness.check()
            #expect(failureOf(harness, results)?.kind == .robots)
        }
        #expect(harness.server.requests(forPath: "/private/news").isEmpty)
        #expect(harness.server.requests(forPath: "/robots.txt").count == 1)
    }
}
