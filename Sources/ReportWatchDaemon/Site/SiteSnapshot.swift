import Foundation
import ReportWatchCore
import ReportWatchStore

/// What a site shows, read from the store in one transaction.
struct SiteSnapshot: Sendable {
    /// The alerts the channel takes, newest first.
    var alerts: [Alert]
    /// The newest `source_failing` alert of each source, for "failing since".
    var failingSince: [String: Date]
    var states: [String: SourceState]
    /// Current items of the sources that have a page.
    var items: [String: [String: Item]]
    /// Stored report documents of `ofsted-provider` sources.
    var documents: [String: [String: StoredDocument]]

    /// The most alerts the index lists.
    static let alertLimit = 60
    /// How far back the outbox is read to find them (other channels' alerts are skipped).
    static let alertWindow = 1000

    init(alerts: [Alert], failingSince: [String: Date] = [:], states: [String: SourceState],
         items: [String: [String: Item]] = [:], documents: [String: [String: StoredDocument]] = [:]) {
        self.alerts = alerts
        self.failingSince = failingSince
        self.states = states
        self.items = items
        self.documents = documents
    }

    init(transaction: StoreTransaction, configuration: Configuration, channelID: String) throws {
        let recent = try transaction.recentAlerts(limit: Self.alertWindow)
        let channel = configuration.channel(channelID)
        alerts = Array(recent.filter { channel?.accepts($0) ?? true }.prefix(Self.alertLimit))
        failingSince = [:]
        for alert in recent where alert.event == .sourceFailing && failingSince[alert.source] == nil {
            failingSince[alert.source] = alert.detectedAt
        }
        states = try transaction.allSourceStates().reduce(into: [:]) { $0[$1.sourceID] = $1 }
        items = [:]
        documents = [:]
        for source in configuration.sources where SiteBuilder.hasPage(source) {
            items[source.id] = try transaction.currentItems(source.id)
            if source.kindName == "ofsted-provider" {
                documents[source.id] = try transaction.documents(source.id)
            }
        }
    }
}
