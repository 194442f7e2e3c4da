import Foundation
import ReportWatchCore

/// robots.txt per origin, fetched politely and kept for a day. One per process: a reload keeps it.
public actor RobotsCache {
    enum Verdict: Sendable, Hashable {
        case allowed
        case disallowed(String)
    }

    private struct Entry {
        var rules: RobotsRules
        var expires: ContinuousClock.Instant
    }

    private var entries: [String: Entry] = [:]
    private var inFlight: [String: Task<(rules: RobotsRules, keepFor: Duration?), Never>] = [:]
    private let agent = "reportwatch"
    private let lifetime: Duration = .seconds(86_400)
    /// Each file is kept for its lifetime on this clock.
    private let clock: any ServiceClock

    public init(clock: any ServiceClock = SystemClock()) {
        self.clock = clock
    }

    /// Whether the URL with these parts may be fetched (one without a host is not judged).
    /// `fetchRobots` fetches a robots.txt URL (through the host gate, like any other request).
    func verdict(for url: URLParts?, fetchRobots: @escaping @Sendable (String) async throws -> HTTPResponse) async -> Verdict {
        guard let url else { return .allowed }
        let rules = await rules(for: url.origin, fetchRobots: fetchRobots)
        return rules.allows(url.pathAndQuery) ? .allowed : .disallowed("\(url.origin)/robots.txt disallows \(url.pathAndQuery)")
    }

    private func rules(for origin: String, fetchRobots: @escaping @Sendable (String) async throws -> HTTPResponse) async -> RobotsRules {
        if let entry = entries[origin], entry.expires > clock.instant { return entry.rules }
        if let task = inFlight[origin] { return await task.value.rules }
        let agent = self.agent
        let lifetime = self.lifetime
        let task = Task { () -> (rules: RobotsRules, keepFor: Duration?) in
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
                    return (.disallowAll, .seconds(600))
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
            entries[origin] = Entry(rules: result.rules, expires: clock.instant + keepFor)
        }
        return result.rules
    }
}
