import Foundation

/// What the host gate and the robots cache need from a URL, as `URLComponents` reads it: its
/// scheme, host, port, and the path and query that robots.txt judges.
struct URLTarget: Equatable, Sendable {
    var scheme: String
    var host: String
    var port: Int?
    /// The percent-encoded path (`/` when empty), then `?` and the query when there is one.
    var pathAndQuery: String

    /// The origin whose robots.txt applies.
    var origin: String { "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") }

    /// The parts of the URL, or `nil` when `URLComponents` cannot read it or it has no scheme
    /// or host.
    static func parse(_ url: String) -> URLTarget? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return nil
        }
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        return URLTarget(scheme: scheme, host: host, port: components.port, pathAndQuery: path)
    }
}
