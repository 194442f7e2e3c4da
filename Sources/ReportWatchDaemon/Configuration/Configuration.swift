import Foundation
import ReportWatchCore
import ReportWatchExtract

/// Everything a config file says, checked and with defaults applied. Reading it from YAML lives
/// in `Configuration+Reader.swift`, whose doc comment lists every key.
public struct Configuration: Sendable {
    /// The file it was read from, for messages.
    public var file: String
    public var stateDirectory: String
    /// An address or URL that goes into the User-Agent, so that site owners can reach us.
    public var contact: String
    public var timezone: String = "Europe/London"
    public var failuresBeforeAlert: Int = 3
    public var politeness = Politeness()
    public var http = HTTPSettings()
    public var delivery = DeliverySettings()
    public var metricsFile: String?
    public var sources: [SourceConfiguration] = []
    public var channels: [ChannelConfiguration] = []

    public init(file: String, stateDirectory: String, contact: String) {
        self.file = file
        self.stateDirectory = stateDirectory
        self.contact = contact
    }

    public var databasePath: String {
        (stateDirectory as NSString).appendingPathComponent("reportwatch.sqlite")
    }

    public func source(_ id: String) -> SourceConfiguration? {
        sources.first { $0.id == id }
    }

    public func channel(_ id: String) -> ChannelConfiguration? {
        channels.first { $0.id == id }
    }

    /// The ids of the channels that take the alert.
    public func channels(for alert: Alert) -> [String] {
        channels.filter { $0.accepts(alert) }.map(\.id)
    }
}

/// How gently to treat each host.
public struct Politeness: Sendable, Hashable {
    /// The least time between the starts of two requests to one host.
    public var minGap: Duration = .seconds(2)
    /// The most requests in flight to one host at once.
    public var maxPerHost: Int = 1

    public init(minGap: Duration = .seconds(2), maxPerHost: Int = 1) {
        self.minGap = minGap
        self.maxPerHost = maxPerHost
    }
}

public struct HTTPSettings: Sendable, Hashable {
    public var connectTimeout: Duration = .seconds(10)
    public var timeout: Duration = .seconds(60)
    public var maxBodyBytes: Int = 20_000_000

    public init() {}
}

public struct DeliverySettings: Sendable, Hashable {
    /// After this long undelivered, an alert is dead-lettered.
    public var maxAge: Duration = .seconds(3 * 24 * 3600)
    /// The first retry waits about this long; each further one doubles it, up to `maxBackoff`.
    public var initialBackoff: Duration = .seconds(30)
    public var maxBackoff: Duration = .seconds(3600)

    public init() {}
}

/// One watched page and how to read it.
public struct SourceConfiguration: Sendable {
    public var id: String
    /// A human name for messages; defaults to the id.
    public var name: String
    /// How to read the source.
    public var kind: any SourceKind
    /// The config's name for the kind (`html`, `ofsted-provider`, ...).
    public var kindName: String
    public var url: String
    public var interval: Duration = .seconds(3600)
    /// The share of the interval by which each check moves at random, so checks do not align.
    public var jitter: Double = 0.1
    public var failuresBeforeAlert: Int?
    public var politeness: Politeness?
    /// When set, only new items whose text contains one of these (case-insensitively) alert.
    public var keywords: [String] = []
    /// Fields that are stored but never produce a `changed` alert.
    public var ignoreFields: Set<String> = []
    /// The list may really lose most of its items at once: removals are never held as a list
    /// cut short (``SourceChecker``).
    public var mayShrink = false
    /// Where in the config file the source is defined.
    public var line: Int = 0

    public init(id: String, kind: any SourceKind, kindName: String, url: String) {
        self.id = id
        self.name = id
        self.kind = kind
        self.kindName = kindName
        self.url = url
    }
}

/// One place alerts go, and which alerts it takes.
public struct ChannelConfiguration: Sendable {
    public var id: String
    /// The config's name for the kind (`jsonl`, `email`, ...).
    public var kindName: String
    /// The kind's own settings, which make the channel.
    public var settings: any ChannelSettings
    /// Only alerts from these sources; all when `nil`.
    public var sources: Set<String>?
    /// Only these events; all when `nil`.
    public var events: Set<AlertEvent>?
    /// When set, alerts wait and go out together at the digest time (`Delivery/DigestSchedule.swift`).
    public var digest: DigestSchedule?
    /// Events that go out at once even when the channel has a digest.
    public var urgentEvents: Set<AlertEvent> = []

    public init(id: String, kindName: String, settings: any ChannelSettings) {
        self.id = id
        self.kindName = kindName
        self.settings = settings
    }

    public func accepts(_ alert: Alert) -> Bool {
        if let sources, !sources.contains(alert.source) { return false }
        if let events, !events.contains(alert.event) { return false }
        return true
    }

}
