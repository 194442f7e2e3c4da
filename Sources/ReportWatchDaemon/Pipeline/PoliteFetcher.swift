import Foundation
import ReportWatchCore
import ReportWatchFetch
import Synchronization

/// Fetches as a good citizen: robots.txt first, then through the per-host gate, with the
/// configured timeouts and size limit, and conditionally when validators are known.
struct PoliteFetcher: Sendable {
    let client: HTTPClient
    let gate: HostGate
    let robots: RobotsCache
    let settings: HTTPSettings
    let politeness: Politeness
    /// Noted whenever a request ends, answered or not.
    var progress: CheckProgress? = nil
    /// The gate's key for each URL fetched, so a check does not parse its URL again.
    private let hosts = HostKeys()

    func fetch(_ url: String, politeness override: Politeness? = nil, etag: String? = nil, lastModified: String? = nil,
               maxBodyBytes: Int? = nil) async throws -> HTTPResponse {
        let politeness = override ?? self.politeness
        let verdict = await robots.verdict(for: url) { robotsURL in
            try await send(HTTPRequest(
                url: robotsURL, connectTimeout: settings.connectTimeout, totalTimeout: settings.timeout, maxBodyBytes: 500_000),
                politeness: politeness)
        }
        if case .disallowed(let reason) = verdict {
            throw RobotsDisallowed(reason: reason)
        }
        return try await send(HTTPRequest(
            url: url,
            etag: etag,
            lastModified: lastModified,
            connectTimeout: settings.connectTimeout,
            totalTimeout: settings.timeout,
            maxBodyBytes: maxBodyBytes ?? settings.maxBodyBytes
        ), politeness: politeness)
    }

    private func send(_ request: HTTPRequest, politeness: Politeness) async throws -> HTTPResponse {
        let host = hosts.key(for: request.url)
        try await gate.acquire(host, politeness: politeness)
        defer { progress?.note() }
        do {
            let response = try await client.send(request)
            if response.status == 429 || response.status == 503,
               let wait = response.header("Retry-After").flatMap(RetryAfter.parse) {
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
struct RobotsDisallowed: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// The host gate's key for a URL (its host, lower-cased), parsed once per URL: `URLComponents`
/// with its IDNA pass cost about 1% of a quiet check. Bounded, as report links keep coming.
final class HostKeys: Sendable {
    private let keys = Mutex<[String: String]>([:])

    func key(for url: String) -> String {
        if let key = keys.withLock({ $0[url] }) { return key }
        let key = Runtime.host(of: url)
        keys.withLock { keys in
            if keys.count >= 4096 { keys.removeAll(keepingCapacity: true) }
            keys[url] = key
        }
        return key
    }
}
