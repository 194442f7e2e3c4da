import Foundation
import ReportWatchStore

/// What `reportwatch status` shows: one row per configured source and the outbox per channel.
public struct StatusReport: Codable, Sendable {
    public struct SourceRow: Codable, Sendable {
        public var id: String
        public var kind: String
        public var url: String
        public var health: String
        public var lastCheck: Date?
        public var lastSuccess: Date?
        public var lastChange: Date?
        public var nextCheck: Date?
        public var consecutiveFailures: Int
        public var items: Int
        public var robots: String?
        public var lastError: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, url, health, items, robots
            case lastCheck = "last_check", lastSuccess = "last_success", lastChange = "last_change", nextCheck = "next_check"
            case consecutiveFailures = "consecutive_failures", lastError = "last_error"
        }
    }

    public var sources: [SourceRow]
    public var outbox: [OutboxSummary]

    /// Reads the store read-only: `status` never creates or changes state.
    public static func make(configuration: Configuration) throws -> StatusReport {
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            return StatusReport(sources: configuration.sources.map {
                SourceRow(id: $0.id, kind: $0.kindName, url: $0.url, health: "never checked", consecutiveFailures: 0, items: 0)
            }, outbox: [])
        }
        let store = try Store(path: configuration.databasePath)
        return try store.read { transaction in
            let rows = try configuration.sources.map { source -> SourceRow in
                guard let state = try transaction.sourceState(source.id) else {
                    return SourceRow(id: source.id, kind: source.kindName, url: source.url, health: "never checked",
                                     consecutiveFailures: 0, items: 0)
                }
                // "degraded": failing, but not yet for `failures_before_alert` checks in a row.
                let health = state.health == .ok && state.consecutiveFailures > 0 ? "degraded" : state.health.rawValue
                return SourceRow(
                    id: source.id, kind: source.kindName, url: source.url, health: health,
                    lastCheck: state.lastCheckAt, lastSuccess: state.lastSuccessAt, lastChange: state.lastChangeAt,
                    nextCheck: state.nextCheckAt, consecutiveFailures: state.consecutiveFailures, items: state.itemCount,
                    robots: state.robots, lastError: state.lastError)
            }
            return StatusReport(sources: rows, outbox: try transaction.outboxSummary())
        }
    }

    public func table(timezone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        formatter.timeZone = timezone
        func when(_ date: Date?) -> String { date.map(formatter.string(from:)) ?? "-" }
        var rows = [["SOURCE", "HEALTH", "LAST CHECK", "LAST CHANGE", "FAILURES", "NEXT CHECK", "ITEMS", "ROBOTS"]]
        for source in sources {
            rows.append([source.id, source.health, when(source.lastCheck), when(source.lastChange), "\(source.consecutiveFailures)",
                         when(source.nextCheck), "\(source.items)", source.robots ?? "-"])
        }
        var text = Self.align(rows)
        let errors = sources.compactMap { source in source.lastError.map { "  \(source.id): \($0)" } }
        if !errors.isEmpty { text += "\nlast errors:\n" + errors.joined(separator: "\n") + "\n" }
        var outboxRows = [["CHANNEL", "PENDING", "RETRYING", "DEAD", "DELIVERED", "LAST ERROR"]]
        for channel in outbox {
            outboxRows.append([channel.channelID, "\(channel.pending)", "\(channel.retrying)", "\(channel.dead)", "\(channel.delivered)",
                               channel.lastError ?? "-"])
        }
        text += "\n" + Self.align(outboxRows)
        return text
    }

    static func align(_ rows: [[String]]) -> String {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
