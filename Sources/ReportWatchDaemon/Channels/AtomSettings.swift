import Foundation
import ReportWatchAlerts

/// `kind: atom`: `path` of the feed file, `max_entries` (default 100), optional `title`.
struct AtomSettings: ChannelSettings {
    let path: String
    let maxEntries: Int
    let title: String?

    func makeChannel(id: String, context: ChannelContext) throws -> any AlertChannel {
        let statePath = (context.stateDirectory as NSString).appendingPathComponent("atom-\(id).json")
        return AtomChannel(id: id, path: path, maxEntries: maxEntries, title: title, statePath: statePath)
    }

    static let registration = ChannelKindRegistration(name: "atom", keys: ["path", "max_entries", "title"]) { reader, map, path in
        let file = reader.required(reader.string(map, "path", at: path), map, "path", at: path)
        let maxEntries = reader.integer(map, "max_entries", at: path, range: 1...10_000) ?? 100
        let title = reader.string(map, "title", at: path)
        guard let file else { return nil }
        return AtomSettings(path: file, maxEntries: maxEntries, title: title)
    }
}
