import Foundation
import Synchronization

/// What politeness needs from a URL: the host its gate is keyed by (lower-cased), and the
/// origin whose robots.txt applies with the path and query that file judges.
public struct URLParts: Sendable, Hashable {
    public var host: String
    public var origin: String
    /// The percent-encoded path (`/` when empty), then `?` and the query when there is one.
    public var pathAndQuery: String

    public init(host: String, origin: String, pathAndQuery: String) {
        self.host = host
        self.origin = origin
        self.pathAndQuery = pathAndQuery
    }

    /// The parts by `URLComponents`; `nil` without a scheme or a host.
    public init?(parsing url: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return nil
        }
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        self.init(host: host.lowercased(), origin: "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? ""),
                  pathAndQuery: path)
    }

    /// Each URL's parts, parsed once: the same sources' URLs come back every pass. Bounded, as
    /// report links keep coming.
    final class Cache: Sendable {
        private let known = Mutex<[String: URLParts?]>([:])

        func parts(of url: String) -> URLParts? {
            if let parts = known.withLock({ $0[url] }) { return parts }
            let parts = URLParts(parsing: url)
            known.withLock { known in
                if known.count >= 20_000 { known.removeAll(keepingCapacity: true) }
                known[url] = .some(parts)
            }
            return parts
        }

        /// The gate's key: the host, or the whole URL when it has none.
        func host(of url: String) -> String {
            parts(of: url)?.host ?? url
        }
    }
}
