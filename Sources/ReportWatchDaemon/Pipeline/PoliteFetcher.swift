import Foundation
import ReportWatchCore
import ReportWatchFetch

/// Fetches as a good citizen: robots.txt first, then through the per-host gate, with the
/// configured timeouts and size limit, and conditionally when validators are known.
struct PoliteFetcher: Sendable {
    let client: HTTPClient
    let gate: HostGate
    let robots: RobotsCache
    let settings: HTTPSettings
    let politeness: Politeness

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
        let host = URLComponents(string: request.url)?.host?.lowercased() ?? request.url
        try await gate.acquire(host, politeness: politeness)
        do {
            let response = try await client.send(request)
            if response.status == 429 || response.status == 503,
               let wait = response.header("Retry-After").flatMap(RetryAfter.parse) {
                // Capped, so a hostile header cannot stall the host for ever.
                await gate.hold(host, for: min(wait, .seconds(6 * 3600)))
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
