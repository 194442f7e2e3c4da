import Foundation
import Synchronization
import Testing
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

/// Invariant 2 under the faults a real site produces, each through the real `reportwatch check`
/// command against a real loopback peer: a baseline, three failing passes, two good ones. Each
/// outage must give exactly one health alert (at the second failure), then exactly one recovery;
/// never `removed`, never a false `added`; the stored items untouched; every pass within the
/// time limit and the memory limit. HealthTests covers 500, 404, a timeout, an empty 200, a
/// maintenance page, a login wall and a dropped connection in-process; these are the rest.
///
/// To cover a new source kind, add a ``FaultTarget`` (its source YAML, a good answer and, for
/// the structure faults, what a broken one looks like) to ``SourceFaultTests/cases``.
@Suite("Fault: source outages through the real command", .serialized)
struct SourceFaultTests {
    enum Fault: String, CaseIterable, Sendable {
        case http429 = "HTTP 429 with Retry-After: 3600"
        case connectionRefused = "connection refused"
        case dnsFailure = "DNS failure (.invalid host)"
        case tlsFailure = "TLS failure (self-signed certificate)"
        case drip = "a server that drips one byte a second"
        case truncatedBody = "truncated HTML (Content-Length not met)"
        case truncatedChunks = "truncated HTML (chunked, no last chunk)"
        case javascriptShell = "a JavaScript-only shell"
        case gzipBomb = "a gzip bomb (1 GiB of zeros)"
        case gigabyteChunked = "a 1 GB body, chunked"
        case gigabyteDeclared = "a 1 GB body, Content-Length"
        case redirectLoop = "a redirect loop"
        case redirectToFile = "a redirect to file://"
        case retryAfterForever = "HTTP 503 with Retry-After: 9999999999"
        case entityExpansion = "a 106 KB feed using a 100 KB entity 2,000 times"

        /// The health event the outage raises.
        var event: AlertEvent { self == .javascriptShell || self == .entityExpansion ? .structureChanged : .sourceFailing }

        /// What the stored last error must say (for the shell, the kind's own words vary: the
        /// health state says it instead).
        var errorMarker: String? {
            switch self {
            case .http429: "HTTP 429"
            case .connectionRefused: "connect"
            case .dnsFailure: "dns"
            case .tlsFailure: "tls"
            case .drip: "timeout"
            case .truncatedBody, .truncatedChunks: "connection_dropped"
            case .javascriptShell: nil
            case .gzipBomb, .gigabyteChunked, .gigabyteDeclared: "too_large"
            case .redirectLoop: "redirect"
            case .redirectToFile: "protocol_not_allowed"
            case .retryAfterForever: "HTTP 503"
            case .entityExpansion: "entities"
            }
        }
    }

    /// A source kind under test: its YAML (with `{{base}}`), the path it fetches and a good answer.
    struct FaultTarget: Sendable {
        var name: String
        var yaml: String
        var path: String
        var contentType: String
        var goodBody: @Sendable () -> String
        /// A well-formed answer that is not what the kind reads (a JavaScript shell).
        var shell: String = javascriptOnlyPage
    }

    static let html = FaultTarget(
        name: "html", yaml: newsSource, path: "/news", contentType: "text/html; charset=utf-8",
        goodBody: { newsPage(twoReports) })

    static let feed = FaultTarget(
        name: "feed",
        yaml: """
              - id: news
                kind: feed
                url: {{base}}/feed.rss
            """,
        path: "/feed.rss", contentType: "application/rss+xml; charset=utf-8",
        goodBody: {
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Council news</title><link>https://example.org/</link>
            <item><title>Cabinet report on children's services</title><link>https://example.org/r/1</link></item>
            <item><title>Scrutiny minutes</title><link>https://example.org/r/2</link></item>
            </channel></rss>
            """
        })

    /// Every fault on the html kind; on the feed kind, those whose handling is the kind's own
    /// (the rest happen before any kind reads a byte).
    static let cases: [(Fault, FaultTarget)] = Fault.allCases.filter { $0 != .entityExpansion }.map { ($0, html) }
        + [Fault.http429, .javascriptShell, .truncatedBody, .gzipBomb, .entityExpansion].map { ($0, feed) }

    /// A 1 GiB gzip bomb made once (about 1 MB compressed) by /bin/gzip, never held decompressed.
    static let bomb: [UInt8] = (try? TestHTTPServer.gzipBomb(decompressedSize: 1 << 30)) ?? []

    /// One flat 100 KB entity used 2,000 times in a title: 200 MB of text if read.
    static let entityBomb: [UInt8] = Array("""
        <?xml version="1.0"?>
        <!DOCTYPE rss [<!ENTITY big "\(String(repeating: "A", count: 100_000))">]>
        <rss version="2.0"><channel><title>Council news</title><link>https://example.org/</link>
        <item><title>\(String(repeating: "&big;", count: 2_000))</title><link>https://example.org/r/1</link></item>
        </channel></rss>
        """.utf8)

    static let passLimit: Duration = .seconds(15)
    /// Peak resident memory of one pass. AddressSanitizer's shadow memory (`make asan`, which
    /// sets ASAN_OPTIONS) roughly triples a process's footprint, so the limit does too there.
    static let memoryLimitMB = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil ? 400 : 1200

    @Test(arguments: 0..<cases.count)
    func outageGivesOneHealthAlertAndOneRecovery(_ index: Int) throws {
        let (fault, target) = Self.cases[index]
        let name = "\(fault.rawValue) [\(target.name)]"
        if fault == .gzipBomb {
            // Made before the first pass: gzip takes seconds over 1 GiB, longer than the timeout.
            try #require(Self.bomb.count > 0 && Self.bomb.count < 2 << 20, "gzip bomb of \(Self.bomb.count) bytes")
        }
        let mode = Mode()
        let tls = fault == .tlsFailure ? try TLSTestServer() : nil
        let server = try TestHTTPServer()
        server.route(target.path) { _ in Self.answer(mode.current, target: target, tls: tls) }
        server.set("/loop-a", response: .redirect(to: "/loop-b"))
        server.set("/loop-b", response: .redirect(to: "/loop-a"))
        server.start()
        defer { server.stop() }
        let world = try FaultWorld(sources: target.yaml.replacingOccurrences(of: "{{base}}", with: server.baseURL))

        let baseline = try world.check()
        #expect(baseline.status == 0, "\(name): baseline \(baseline)\n\(baseline.stderr)")
        let baselineItems = try world.store().read { try $0.currentItems("news") }
        #expect(baselineItems.count == 2, "\(name): baseline items \(baselineItems.keys.sorted())")

        mode.set(fault)
        if fault == .connectionRefused { server.stopListening() }
        var faultRuns: [ChildProcess.Outcome] = []
        for _ in 0..<3 {
            let run = try world.check(timeout: Self.passLimit + .seconds(30))
            faultRuns.append(run)
            #expect(run.status == 0, "\(name): a failing source must not fail the pass: \(run)\n\(run.stderr)")
        }
        let state = try world.store().read { try $0.sourceState("news") }
        let lastError = state?.lastError ?? ""
        if let marker = fault.errorMarker {
            #expect(lastError.contains(marker), "\(name): last error '\(lastError)' should mention \(marker)")
        }
        #expect(state?.health == (fault.event == .structureChanged ? .structureChanged : .failing), "\(name): health \(String(describing: state?.health))")
        #expect(state?.consecutiveFailures == 3, "\(name): \(state?.consecutiveFailures ?? -1) consecutive failures")
        if fault == .http429, let next = state?.nextCheckAt, let last = state?.lastCheckAt {
            #expect(next.timeIntervalSince(last) >= 3600, "\(name): next check \(next.timeIntervalSince(last)) s after the last, not after Retry-After")
        }
        if fault == .retryAfterForever {
            // Retry-After is capped as the host gate caps it (6 h), whatever the server asks.
            let wait = state.flatMap { state in state.nextCheckAt.map { $0.timeIntervalSince(state.lastCheckAt ?? $0) } } ?? -1
            #expect(wait > 0 && wait <= 6 * 3600, "\(name): next check \(wait) s after the last")
        }
        #expect(try world.store().read { try $0.currentItems("news") } == baselineItems, "\(name) touched the stored items")
        let duringOutage = try world.alerts().map(\.event)
        #expect(duringOutage == [fault.event], "\(name): alerts during the outage \(duringOutage)")

        mode.set(nil)
        if fault == .connectionRefused { try server.resumeListening() }
        var goodRuns: [ChildProcess.Outcome] = []
        for _ in 0..<2 {
            let run = try world.check()
            goodRuns.append(run)
            #expect(run.status == 0, "\(name): recovery pass \(run)\n\(run.stderr)")
        }
        let events = try world.alerts().map(\.event)
        #expect(events == [fault.event, .sourceRecovered], "\(name): alerts \(events)")
        #expect(!events.contains(.removed) && !events.contains(.added), "\(name): \(events)")
        #expect(try world.store().read { try $0.currentItems("news") } == baselineItems)

        let slowest = faultRuns.map(\.wall).max() ?? .zero
        let peak = (faultRuns + goodRuns).map(\.maxRSSMegabytes).max() ?? 0
        #expect(slowest < Self.passLimit, "\(name): slowest failing pass \(slowest), limit \(Self.passLimit)")
        #expect(peak < Self.memoryLimitMB, "\(name): peak RSS \(peak) MB, limit \(Self.memoryLimitMB) MB")
        faultReport(name, "alerts \(events.map(\.rawValue)); removed 0, added 0; items kept \(baselineItems.count)/2; "
            + "slowest failing pass \(String(format: "%.2f", Self.seconds(slowest))) s (limit \(Self.passLimit)); "
            + "peak RSS \(peak) MB (baseline \(baseline.maxRSSMegabytes) MB, limit \(Self.memoryLimitMB) MB); error: \(lastError.prefix(90))")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The fault in force, switched by the test between passes.
    final class Mode: Sendable {
        private let fault = Mutex<Fault?>(nil)
        func set(_ fault: Fault?) { self.fault.withLock { $0 = fault } }
        var current: Fault? { fault.withLock { $0 } }
    }

    /// What the source's page answers under `fault` (anything else is answered 404).
    static func answer(_ fault: Fault?, target: FaultTarget, tls: TLSTestServer?) -> TestHTTPResponse {
        let good = TestHTTPResponse.ok(target.goodBody(), contentType: target.contentType)
        // The head of an answer whose framing the fault writes by hand.
        let head = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: \(target.contentType)\r\n"
        switch fault {
        case nil, .connectionRefused:
            return good
        case .http429:
            return .status(429, headers: ["Retry-After": "3600"])
        case .dnsFailure:
            return .redirect(to: "http://news.reportwatch.invalid\(target.path)")
        case .tlsFailure:
            return .redirect(to: "\(tls?.baseURL ?? "https://127.0.0.1:1")\(target.path)")
        case .drip:
            // The client's 2 s timeout ends it long before the page does.
            return good.dripped(bytesPerSecond: 1)
        case .truncatedBody:
            return good.truncated(at: good.body.count / 2)
        case .truncatedChunks:
            let half = good.body.prefix(good.body.count / 2)
            return .raw { connection in
                _ = connection.send(head + "Transfer-Encoding: chunked\r\n\r\n" + String(half.count, radix: 16) + "\r\n")
                    && connection.send(half) && connection.send("\r\n")
            }
        case .javascriptShell:
            return .ok(target.shell)
        case .gzipBomb:
            return .ok(bytes: bomb, contentType: target.contentType, headers: ["Content-Encoding": "gzip"])
        case .gigabyteChunked:
            return .raw { connection in
                guard connection.send(head + "Transfer-Encoding: chunked\r\n\r\n") else { return }
                sendLazily(bytes: 1 << 30, chunked: true, to: connection)
            }
        case .gigabyteDeclared:
            return .raw { connection in
                guard connection.send(head + "Content-Length: \(1 << 30)\r\n\r\n") else { return }
                sendLazily(bytes: 1 << 30, chunked: false, to: connection)
            }
        case .redirectLoop:
            return .redirect(to: "/loop-a")
        case .redirectToFile:
            return .redirect(to: "file:///etc/passwd")
        case .retryAfterForever:
            return .status(503, headers: ["Retry-After": "9999999999"])
        case .entityExpansion:
            return .ok(bytes: entityBomb, contentType: target.contentType)
        }
    }

    /// `bytes` of page-like filler in 64 KiB pieces, made as they are sent: the server never
    /// holds more than one piece, and stops as soon as the client hangs up.
    static func sendLazily(bytes total: Int, chunked: Bool, to connection: TestHTTPConnection) {
        let line = Array("<li class=\"filler\">All work and no play makes a very large page.</li>\n".utf8)
        var piece: [UInt8] = []
        while piece.count < 65_536 { piece += line }
        piece = Array(piece.prefix(65_536))
        var remaining = total
        while remaining > 0 {
            let count = min(remaining, piece.count)
            if chunked, !connection.send(String(count, radix: 16) + "\r\n") { return }
            guard connection.send(piece.prefix(count)) else { return }
            if chunked, !connection.send("\r\n") { return }
            remaining -= count
        }
        if chunked { connection.send("0\r\n\r\n") }
    }
}

/// What some sites now serve instead of their HTML: an empty mount point and a script.
let javascriptOnlyPage = """
    <!DOCTYPE html><html><head><meta charset="utf-8"><title>Reports</title>
    <script defer src="/static/js/main.4f2a.js"></script></head>
    <body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body></html>
    """
