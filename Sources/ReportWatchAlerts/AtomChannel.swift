import Foundation
import ReportWatchCore

/// The `atom` channel: keeps an Atom feed file of this channel's most recent alerts. Each
/// delivery rewrites the feed atomically; the alert counts as delivered once the new feed is
/// on disk.
///
/// The entries live in a small JSON file beside the state (`statePath`), so the feed is rebuilt
/// from data rather than by parsing our own XML, and an alert delivered twice stays one entry.
public struct AtomChannel: AlertChannel {
    public let id: String
    public let path: String
    public let maxEntries: Int
    public let title: String
    public let statePath: String

    public init(id: String, path: String, maxEntries: Int = 100, title: String? = nil, statePath: String) {
        self.id = id
        self.path = path
        self.maxEntries = maxEntries
        self.title = title ?? "reportwatch alerts (\(id))"
        self.statePath = statePath
    }

    public func deliver(_ alert: Alert) async throws(DeliveryError) -> String {
        try await deliver(alert, context: .standard)
    }

    public func deliver(_ alert: Alert, context: DeliveryContext) async throws(DeliveryError) -> String {
        try add([alert], context: context)
    }

    public func deliver(digest: AlertDigest, context: DeliveryContext) async throws(DeliveryError) -> String {
        try add(digest.alerts, context: context)
    }

    /// The feed's id: stable for this channel, whatever the file is called.
    public var feedID: String {
        "urn:uuid:" + StableUUID.make(from: "atom\u{0}\(id)")
    }

    private func add(_ alerts: [Alert], context: DeliveryContext) throws(DeliveryError) -> String {
        var entries = try loadEntries()
        for alert in alerts {
            let entry = AtomFeed.Entry(alert: alert, context: context)
            if let index = entries.firstIndex(where: { $0.alert.id == alert.id }) {
                entries[index] = entry
            } else {
                entries.append(entry)
            }
        }
        entries.sort { $0.alert.detectedAt > $1.alert.detectedAt }
        if entries.count > maxEntries { entries.removeLast(entries.count - maxEntries) }

        let state: [UInt8]
        do {
            state = Array(try Alert.jsonEncoder().encode(entries))
        } catch {
            throw DeliveryError("cannot encode the feed's entries: \(error)")
        }
        // The entries first: if the process dies between the two writes, the alert is not yet
        // confirmed, and the retry rewrites the feed from entries that already hold it.
        try AtomicFile.write(state, to: statePath, mode: 0o640)
        let feed = AtomFeed(id: feedID, title: title, entries: entries)
        try AtomicFile.write(Array(feed.xml.utf8), to: path)
        return "wrote \(entries.count) entries to \(path)"
    }

    private func loadEntries() throws(DeliveryError) -> [AtomFeed.Entry] {
        guard let data = FileManager.default.contents(atPath: statePath) else { return [] }
        do {
            return try Alert.jsonDecoder().decode([AtomFeed.Entry].self, from: data)
        } catch {
            throw DeliveryError("cannot read the feed's entries from \(statePath): \(error)")
        }
    }
}
