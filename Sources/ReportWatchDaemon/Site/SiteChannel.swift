import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchStore
import Synchronization

/// The `site` channel: a small static website rebuilt from the store. An alert counts as
/// delivered once a site that lists it is on disk. Passes that record something without
/// alerting (a baseline, a failure before it alerts) rewrite the site too
/// (``Runtime/refreshSites(after:since:)``).
public struct SiteChannel: AlertChannel {
    public let id: String
    let builder: SiteBuilder
    let store: Store
    /// When the site was last written, so a pass whose alerts already rewrote it is not
    /// written twice.
    let lastBuilt = BuildTime()

    public var deliversInBatches: Bool { true }

    public func deliver(_ alert: Alert) async throws(DeliveryError) -> String {
        try build()
    }

    public func deliver(_ alert: Alert, context: DeliveryContext) async throws(DeliveryError) -> String {
        try build()
    }

    public func deliver(batch alerts: [Alert], context: DeliveryContext) async throws(DeliveryError) -> String {
        try build()
    }

    public func deliver(digest: AlertDigest, context: DeliveryContext) async throws(DeliveryError) -> String {
        try build()
    }

    /// Rewrites the whole site from the store.
    @discardableResult
    public func build(now: Date = Date()) throws(DeliveryError) -> String {
        let snapshot: SiteSnapshot
        do {
            snapshot = try store.read { try SiteSnapshot(transaction: $0, configuration: builder.configuration, channelID: id) }
        } catch {
            throw DeliveryError("cannot read the store for the site: \(error)")
        }
        let files = builder.files(snapshot, now: now)
        try SiteWriter.write(files, to: builder.directory)
        lastBuilt.set(now)
        return "wrote \(files.count) files to \(builder.directory)"
    }

    func builtSince(_ date: Date) -> Bool {
        lastBuilt.get().map { $0 >= date } ?? false
    }
}

final class BuildTime: Sendable {
    private let date = Mutex<Date?>(nil)

    func get() -> Date? {
        date.withLock { $0 }
    }

    func set(_ value: Date) {
        date.withLock { $0 = value }
    }
}

/// Writes a site's files: each beside the old one then renamed over it, so a reader never sees
/// half a page; files 0644 and folders 0755 whatever the umask, so a web server can read them.
/// Pages of sources no longer configured are removed.
enum SiteWriter {
    static func write(_ files: [String: [UInt8]], to directory: String) throws(DeliveryError) {
        var folders: Set<String> = [directory]
        for path in files.keys {
            var folder = (path as NSString).deletingLastPathComponent
            while !folder.isEmpty {
                folders.insert((directory as NSString).appendingPathComponent(folder))
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        // Folders the site creates get 0755; one that already exists is left as its owner made it.
        for folder in folders.sorted() where !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw DeliveryError("cannot create \(folder): \(error)")
            }
            guard chmod(folder, 0o755) == 0 else {
                throw DeliveryError.system("cannot make \(folder) readable")
            }
        }
        // Pages before the index, so the index never links to a page not yet written.
        for (path, bytes) in files.sorted(by: { ($0.key == "index.html" ? 1 : 0, $0.key) < ($1.key == "index.html" ? 1 : 0, $1.key) }) {
            try AtomicFile.write(bytes, to: (directory as NSString).appendingPathComponent(path), mode: 0o644)
        }
        // Only what the site itself writes is removed: its pages folder's .html files.
        let pages = (directory as NSString).appendingPathComponent(SiteBuilder.pagesFolder)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: pages)) ?? [] where name.hasSuffix(".html") {
            if files["\(SiteBuilder.pagesFolder)/\(name)"] == nil {
                unlink((pages as NSString).appendingPathComponent(name))
            }
        }
    }
}

/// `reportwatch site`: writes every `site` channel's pages once from the store, checking nothing.
public enum SiteWriting {
    public struct NoSiteChannel: Error, CustomStringConvertible {
        public let file: String
        public var description: String {
            "\(file) has no channel of kind site; add one, for example:\n  - id: site\n    kind: site\n    path: ./var/site"
        }
    }

    /// Writes each site channel (or only `channelID`) and returns what each wrote.
    public static func writeAll(configuration: Configuration, channelID: String? = nil, now: Date = Date()) throws -> [String] {
        let sites = configuration.channels.filter { $0.settings is SiteSettings && (channelID == nil || $0.id == channelID) }
        guard !sites.isEmpty else { throw NoSiteChannel(file: configuration.file) }
        let store = try Store.open(stateDirectory: configuration.stateDirectory)
        var answers: [String] = []
        for channel in sites {
            guard let settings = channel.settings as? SiteSettings else { continue }
            let site = SiteChannel(id: channel.id, builder: SiteBuilder(
                channelID: channel.id, directory: settings.path, title: settings.title ?? "reportwatch",
                baseURL: settings.baseURL, configuration: configuration), store: store)
            answers.append("\(channel.id): " + (try site.build(now: now)))
        }
        return answers
    }
}
