import Foundation
import ReportWatchCore
import ReportWatchFetch

/// Fetches as a good citizen: through the per-host gate, with the configured timeouts and size
/// limit, and conditionally when validators are known.
struct PoliteFetcher: Sendable {
    let client: HTTPClient
    let gate: HostGate
    let settings: HTTPSettings
    let politeness: Politeness

    func fetch(_ url: String, politeness override: Politeness? = nil, etag: String? = nil, lastModified: String? = nil,
               maxBodyBytes: Int? = nil) async throws -> HTTPResponse {
        let host = URLComponents(string: url)?.host?.lowercased() ?? url
        try await gate.acquire(host, politeness: override ?? politeness)
        let request = HTTPRequest(
            url: url,
            etag: etag,
            lastModified: lastModified,
            connectTimeout: settings.connectTimeout,
            totalTimeout: settings.timeout,
            maxBodyBytes: maxBodyBytes ?? settings.maxBodyBytes
        )
        do {
            let response = try await client.send(request)
            await gate.release(host)
            return response
        } catch {
            await gate.release(host)
            throw error
        }
    }
}
