import Foundation
import ReportWatchCore

/// Alerts gathered for one digest message.
public struct AlertDigest: Sendable {
    public enum Period: String, Sendable {
        case daily
        case weekly
    }

    /// Stable for the same channel and the same alerts, so a digest sent again after a crash
    /// carries the same id (and the same email Message-ID) as the first time.
    public let id: String
    public let channelID: String
    public let period: Period
    /// The digest time the alerts were gathered for.
    public let scheduledAt: Date
    /// Oldest first.
    public let alerts: [Alert]

    public init(channelID: String, period: Period, scheduledAt: Date, alerts: [Alert]) {
        self.channelID = channelID
        self.period = period
        self.scheduledAt = scheduledAt
        self.alerts = alerts
        id = StableUUID.make(from: "digest\u{0}\(channelID)\u{0}" + alerts.map(\.id).sorted().joined(separator: ","))
    }
}
