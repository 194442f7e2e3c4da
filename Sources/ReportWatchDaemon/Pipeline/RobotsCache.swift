import Foundation
import ReportWatchFetch

/// robots.txt per origin, fetched politely and kept for a day.
actor RobotsCache {
    enum Verdict: Sendable, Hashable {
        case allowed
        case disallowed(String)
    }

    private struct Entry {
        var rules: RobotsRules
        var expires: Date
    }

    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<(rules: RobotsRules, keepFor: TimeInterval?), Never>] = [:]
    private let agent = "reportwatch"
    private let lifetime: TimeInterval = 86_400

    /// Whether the URL may be fetched. `fetchRobots` fetches a robots.txt URL (through the
    /// host gate, like any other request).
    func verdict(for url: String, fetchRobots: @escaping @Sendable (String) async throws -> HTTPResponse) async -> Verdict {
        guard let (origin, path) = target(of: url) else { return .allowed }
        let rules = await rules(for: origin, fetchRobots: fetchRobots)
        return rules.allows(path) ? .allowed : .disallowed("\(origin)/robots.txt disallows \(path)")
    }

    /// The origin whose robots.txt applies to the URL, and the path and query it judges.
    /// Remembered per URL: the same sources' URLs come back every pass.
    private func target(of url: String) -> (origin: String, path: String)? {
        if let known = targets[url] { return known }
        let parsed = URLTarget.parse(url).map { ($0.origin, $0.pathAndQuery) }
        if targets.count >= 20_000 { targets.removeAll(keepingCapacity: true) }
        targets[url] = .some(parsed)
        return parsed
    }

    private var targets: [String: (origin: String, path: String)?] = [:]

    private func rules(for origin: String, fetchRobots: @escaping @Sendable (String) async throws -> HTTPResponse) async -> RobotsRules {
        if let entry = entries[origin], entry.expires > Date() { return entry.rules }
        if let task = inFlight[origin] { return await task.value.rules }
        let agent = self.agent
        let lifetime = self.lifetime
        let task = Task { () -> (rules: RobotsRules, keepFor: TimeInterval?) in
            do {
                let response = try await fetchRobots("\(origin)/robots.txt")
                switch response.status {
                case 200..<300:
                    // A file cut at the limit (RFC 9309: at least 500 KiB are read) loses its last,
                    // partial line, which could be half a rule.
                    var body = response.body[...]
                    if response.isTruncated, let lastLineEnd = body.lastIndex(of: UInt8(ascii: "\n")) {
                        body = body[...lastLineEnd]
                    }
                    let text = String(decoding: body, as: UTF8.self)
                    return (RobotsRules(parsing: text, agent: agent), lifetime)
                case 400..<500:
                    // RFC 9309: an unavailable robots.txt allows everything.
                    return (.allowAll, lifetime)
                default:
                    // RFC 9309: an unreachable robots.txt (5xx) disallows everything, for now.
                    return (.disallowAll, 600)
                }
            } catch {
                // No answer at all: the site itself is probably down, and the fetch that follows
                // will say so; ask again next time rather than guess.
                return (.allowAll, nil)
            }
        }
        inFlight[origin] = task
        let result = await task.value
        inFlight[origin] = nil
        if let keepFor = result.keepFor {
            entries[origin] = Entry(rules: result.rules, expires: Date().addingTimeInterval(keepFor))
        }
        return result.rules
    }
}
