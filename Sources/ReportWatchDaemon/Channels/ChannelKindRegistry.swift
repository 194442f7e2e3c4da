import Foundation
import Logging
import ReportWatchAlerts
import ReportWatchFetch
import ReportWatchStore

/// A channel kind's settings, read from the config; they make the channel at start and on reload.
public protocol ChannelSettings: Sendable {
    func makeChannel(id: String, context: ChannelContext) throws -> any AlertChannel
}

/// What a channel may use: the shared HTTP client (webhooks, SMTP), the store (Atom's recent
/// alerts, the site's pages), the state directory, systemd's credentials directory for secrets,
/// and the whole configuration (the site names every source and links the Atom feed).
public struct ChannelContext: Sendable {
    public let client: HTTPClient
    public let store: Store
    public let stateDirectory: String
    public let credentialsDirectory: String?
    public let logger: Logger
    public let configuration: Configuration
}

/// How a channel kind reads its own config keys, like ``SourceKindRegistration``.
struct ChannelKindRegistration: Sendable {
    let name: String
    let keys: [String]
    let build: @Sendable (inout ConfigReader, YAMLNode.Mapping, String) -> (any ChannelSettings)?
}

/// Every channel kind reportwatch knows. Add a kind here and in its own file under `Channels/`.
enum ChannelKindRegistry {
    static let all: [ChannelKindRegistration] = [
        JSONLinesSettings.registration,
        EmailSettings.registration,
        WebhookSettings.registration,
        AtomSettings.registration,
        SiteSettings.registration,
    ]

    static func registration(_ name: String) -> ChannelKindRegistration? {
        all.first { $0.name == name }
    }
}
