import Foundation
import ReportWatchAlerts

/// `kind: site`: `path` of the site's directory, optional `title` and `base_url` (the address the
/// site is published at, for the feed's and pages' canonical links). `sources` and `events`, the
/// keys every channel has, choose the alerts the site lists; every source's health is shown.
struct SiteSettings: ChannelSettings {
    let path: String
    let title: String?
    let baseURL: String?

    func makeChannel(id: String, context: ChannelContext) throws -> any AlertChannel {
        SiteChannel(id: id, builder: SiteBuilder(
            channelID: id, directory: path, title: title ?? "reportwatch", baseURL: baseURL,
            configuration: context.configuration), store: context.store)
    }

    static let registration = ChannelKindRegistration(name: "site", keys: ["path", "title", "base_url"]) { reader, map, path in
        let directory = reader.required(reader.string(map, "path", at: path), map, "path", at: path)
        let title = reader.string(map, "title", at: path)
        let baseURL = reader.string(map, "base_url", at: path)
        if let baseURL, TextEscaping.safeLink(baseURL) == nil, let node = map.value(for: "base_url") {
            reader.report(node, ConfigReader.join(path, "base_url"), "must be an http or https URL")
        }
        guard let directory else { return nil }
        return SiteSettings(path: directory, title: title, baseURL: baseURL.flatMap(TextEscaping.safeLink))
    }
}
