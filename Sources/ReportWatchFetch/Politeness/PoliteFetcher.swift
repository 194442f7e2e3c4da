import Foundation
import ReportWatchCore

/// Fetches as a good citizen: robots.txt first, then through the per-host gate, with the
/// configured timeouts and size limit, and conditionally when validators are known.
///
/// Redirects are followed here, not by libcurl, so each hop is judged like the first: its
/// site's robots.txt, its host's gate, and where it may connect. The source's own host (as its
/// configured URL names it) may be at any address, so an intranet source works; every other host
/// (a redirect's target, a link from the page) must be at a public address, checked on the
/// address actually connected (``AddressPolicy/publicOnly``), so DNS cannot get round it.
public struct PoliteFetcher: Sendable {
    let client: HTTPClient
    let gate: HostGate
    let robots: RobotsCache
    let connectTimeout: Duration
    let timeout: Duration
    let maxBodyBytes: Int
    let politeness: HostPoliteness
    /// Called whenever a request ends, answered or not, and by ``noteProgress()``.
    private let progress: (@Sendable () -> Void)?
    /// What the gate and robots.txt need from each URL fetched, so a check does not parse its
    /// URL again.
    private let targets: URLParts.Cache

    static let maxRedirects = 5
    /// RFC 9309: a crawler reads at least the first 500 KiB of robots.txt.
    static let robotsBytes = 500 * 1024

    /// `politeness` applies to fetches that name none; `progress` is called whenever a request
    /// ends.
    public init(client: HTTPClient, gate: HostGate, robots: RobotsCache, connectTimeout: Duration, timeout: Duration,
                maxBodyBytes: Int, politeness: HostPoliteness, progress: (@Sendable () -> Void)? = nil) {
        self.client = client
        self.gate = gate
        self.robots = robots
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.politeness = politeness
        self.progress = progress
        targets = URLParts.Cache()
    }

    /// The clock the gate's gaps and holds run on.
    public var clock: any ServiceClock { gate.clock }

    /// Tells the watchdog that a check moved forward, as each finished request does.
    public func noteProgress() {
        progress?()
    }

    /// `sourceURL`: the configured URL of the source this fetch is for (a link taken from its
    /// page); nil when `url` is that URL itself.
    public func fetch(_ url: String, politeness override: HostPoliteness? = nil, etag: String? = nil, lastModified: String? = nil,
                      maxBodyBytes: Int? = nil, sourceURL: String? = nil) async throws -> HTTPResponse {
        let politeness = override ?? self.politeness
        let ownHost = targets.host(of: sourceURL ?? url)
        return try await follow(url, ownHost: ownHost, politeness: politeness) { hop in
            let verdict = await robots.verdict(for: targets.parts(of: hop)) { robotsURL in
                // RFC 9309: robots.txt's own redirects are followed (five at most), by the same rules.
                try await follow(robotsURL, ownHost: ownHost, politeness: politeness) { _ in
                    var request = HTTPRequest(
                        url: robotsURL, connectTimeout: connectTimeout, totalTimeout: timeout,
                        maxBodyBytes: Self.robotsBytes, maxRedirects: 0)
                    request.keepsBodyPrefix = true
                    return request
                }
            }
            if case .disallowed(let reason) = verdict {
                throw RobotsDisallowed(reason: reason)
            }
            return HTTPRequest(
                url: hop,
                etag: etag,
                lastModified: lastModified,
                connectTimeout: connectTimeout,
                totalTimeout: timeout,
                maxBodyBytes: maxBodyBytes ?? self.maxBodyBytes,
                maxRedirects: 0
            )
        }
    }

    /// Sends the request `prepare` makes for `url`, then for each redirect's target, at most
    /// `maxRedirects` times. A hop to a host other than `ownHost` may connect to public
    /// addresses only.
    private func follow(_ url: String, ownHost: String, politeness: HostPoliteness,
                        prepare: (String) async throws -> HTTPRequest) async throws -> HTTPResponse {
        var current = url
        var redirects = 0
        while true {
            var request = try await prepare(current)
            request.url = current
            request.addressPolicy = targets.host(of: current) == ownHost ? nil : .publicOnly
            var response = try await send(request, politeness: politeness)
            guard [301, 302, 303, 307, 308].contains(response.status), let next = response.redirectURL else {
                response.redirectCount = redirects
                return response
            }
            redirects += 1
            guard redirects <= Self.maxRedirects else {
                throw FetchError(kind: .redirect, message: "more than \(Self.maxRedirects) redirects", url: url)
            }
            current = next
        }
    }

    private func send(_ request: HTTPRequest, politeness: HostPoliteness) async throws -> HTTPResponse {
        let host = targets.host(of: request.url)
        try await gate.acquire(host, politeness: politeness)
        defer { progress?() }
        do {
            let response = try await client.send(request)
            if response.status == 429 || response.status == 503,
               let wait = response.header("Retry-After").flatMap({ RetryAfter.parse($0, now: clock.now) }) {
                // Capped by the parser, so a hostile header cannot stall the host for ever.
                await gate.hold(host, for: wait)
            }
            await gate.release(host)
            return response
        } catch {
            await gate.release(host)
            throw error
        }
    }
}

/// robots.txt forbids the URL: a health event, not a fetch.
public struct RobotsDisallowed: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
