import Foundation
import ReportWatchCore

/// One alert awaiting delivery to one channel.
public struct PendingDelivery: Sendable {
    public var alert: Alert
    public var channelID: String
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
}

/// A channel's backlog, as `reportwatch status` and `outbox` show it.
public struct OutboxSummary: Sendable, Hashable, Codable {
    public var channelID: String
    /// Never tried yet.
    public var pending: Int
    /// Tried and failed at least once; waiting for the next attempt.
    public var retrying: Int
    public var dead: Int
    public var delivered: Int
    public var oldestPendingAt: Date?
    public var lastError: String?

    enum CodingKeys: String, CodingKey {
        case channelID = "channel", pending, retrying, dead, delivered
        case oldestPendingAt = "oldest_pending_at", lastError = "last_error"
    }
}

/// One entry of a source's change history.
public struct HistoryEntry: Sendable, Hashable {
    public var key: String
    public var event: String
    public var detail: String?
    public var detectedAt: Date
    public var alertID: String?
}
