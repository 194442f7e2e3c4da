import Foundation
import ReportWatchCore

/// An Atom 1.0 feed (RFC 4287) of alerts, newest first, every piece of text XML-escaped.
public struct AtomFeed: Sendable {
    /// One alert as the feed shows it, rendered when it was delivered.
    public struct Entry: Sendable, Codable {
        public var alert: Alert
        public var title: String
        public var summary: String
        /// An HTML fragment, escaped once more when it goes into the XML.
        public var html: String

        public init(alert: Alert, context: DeliveryContext) {
            let text = AlertText(alert, context: context)
            self.alert = alert
            title = text.subject
            summary = TextEscaping.truncate(text.summary ?? text.title, to: 1000)
            html = MessageRenderer.fragment(text.blocks)
        }
    }

    public var id: String
    public var title: String
    public var entries: [Entry]

    public init(id: String, title: String, entries: [Entry]) {
        self.id = id
        self.title = title
        self.entries = entries
    }

    public var xml: String {
        let x = TextEscaping.xml
        let updated = entries.map(\.alert.detectedAt).max() ?? Date(timeIntervalSince1970: 0)
        var out = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>\(x(id))</id>
              <title type="text">\(x(title))</title>
              <updated>\(RFC3339.string(from: updated))</updated>
              <author><name>reportwatch</name></author>
              <generator version="\(x(ReportWatchVersion.current))">reportwatch</generator>

            """
        for entry in entries {
            out += "  <entry>\n"
            out += "    <id>\(x(StableUUID.urn(for: entry.alert.id)))</id>\n"
            out += "    <title type=\"text\">\(x(entry.title))</title>\n"
            out += "    <updated>\(RFC3339.string(from: entry.alert.detectedAt))</updated>\n"
            out += "    <published>\(RFC3339.string(from: entry.alert.detectedAt))</published>\n"
            if let link = TextEscaping.safeLink(entry.alert.url) {
                out += "    <link rel=\"alternate\" href=\"\(x(link))\"/>\n"
            }
            out += "    <category term=\"\(x(entry.alert.event.rawValue))\"/>\n"
            out += "    <summary type=\"text\">\(x(entry.summary))</summary>\n"
            out += "    <content type=\"html\">\(x(entry.html))</content>\n"
            out += "  </entry>\n"
        }
        out += "</feed>\n"
        return out
    }
}
