import ReportWatchCore
import ReportWatchFetch

extension PoliteFetcher {
    /// A fetcher with the configuration's timeouts, size limit and politeness, noting each
    /// finished request in `progress`.
    init(client: HTTPClient, gate: HostGate, robots: RobotsCache, configuration: Configuration, progress: CheckProgress? = nil) {
        var noteProgress: (@Sendable () -> Void)?
        if let progress { noteProgress = { progress.note() } }
        let http = configuration.http
        self.init(
            client: client, gate: gate, robots: robots, connectTimeout: http.connectTimeout, timeout: http.timeout,
            maxBodyBytes: http.maxBodyBytes, politeness: configuration.politeness.host, progress: noteProgress)
    }

    /// Fetches within a source's politeness, or the configuration's when the source sets none.
    func fetch(_ url: String, politeness: Politeness?, etag: String? = nil, lastModified: String? = nil,
               maxBodyBytes: Int? = nil, sourceURL: String? = nil) async throws -> HTTPResponse {
        try await fetch(url, politeness: politeness?.host, etag: etag, lastModified: lastModified,
                        maxBodyBytes: maxBodyBytes, sourceURL: sourceURL)
    }
}

extension Politeness {
    /// What the host gate needs of it.
    var host: HostPoliteness {
        HostPoliteness(minGap: minGap, maxPerHost: maxPerHost)
    }
}
