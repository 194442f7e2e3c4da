import Foundation
import ReportWatchCore

/// Reads an RSS 2.0 (or 0.9x / 1.0) or Atom feed into items.
///
/// Entries are keyed by their link, resolved to an absolute URL, and not by `<id>` / `<guid>`:
/// some publishers (GOV.UK's Atom feeds among them) mint a new id each time an entry is updated,
/// which would read as a new entry. Only an entry without any link falls back to its id.
/// Fields: `title`, `link`, `published`, `updated` (RFC 3339 in UTC when the date can be read,
/// else as written) and `summary` (text with tags stripped, at most ``summaryLimit`` characters).
///
/// Elements are matched by local name, so namespaces need no registration and prefixed
/// variants (`atom:link` in RSS, `dc:date`) are found as well. A body that is not well-formed
/// XML, or whose root is not `rss`, `RDF` or `feed` (an HTML error page), is an error.
public enum FeedParser {
    public enum Format: String, Sendable {
        case rss
        case atom
    }

    public struct Feed: Sendable {
        public var format: Format
        public var title: String?
        public var items: [Item]

        public init(format: Format, title: String?, items: [Item]) {
            self.format = format
            self.title = title
            self.items = items
        }
    }

    /// Longer summaries are cut: an alert needs the gist, and the whole text is at the link.
    public static let summaryLimit = 1000

    public static func parse(_ page: Page) throws(ExtractError) -> Feed {
        let document = try XMLDocument(bytes: page.body, url: page.url)
        guard let root = document.root else {
            throw .unparseable(url: page.url, message: "the XML document has no root element")
        }
        do {
            switch root.localName {
            case "feed":
                return try atom(document, root)
            case "rss":
                return try rss(document, root, entries: "*[local-name()='channel']/*[local-name()='item']",
                               title: "string(*[local-name()='channel']/*[local-name()='title'])")
            case "RDF":
                // RSS 1.0: items are siblings of the channel.
                return try rss(document, root, entries: "*[local-name()='item']",
                               title: "string(*[local-name()='channel']/*[local-name()='title'])")
            default:
                throw ExtractError.unparseable(url: page.url, message: "not an RSS or Atom feed: the root element is <\(root.localName)>")
            }
        } catch let error as ExtractError {
            throw error
        } catch let error as XPathError {
            throw .xpath(error)
        } catch {
            throw .unparseable(url: page.url, message: "\(error)")
        }
    }

    // MARK: Atom

    private static func atom(_ document: XMLDocument, _ root: XMLNode) throws -> Feed {
        let entries = try XPathExpression("*[local-name()='entry']")
        let title = try XPathExpression("*[local-name()='title']")
        // The alternate link (or one with no rel) is the entry's page; others are enclosures,
        // edit links and the like.
        let alternate = try XPathExpression("*[local-name()='link'][not(@rel) or @rel='alternate'][@href]")
        let anyLink = try XPathExpression("*[local-name()='link'][@href]")
        let id = try XPathExpression("string(*[local-name()='id'])")
        let published = try XPathExpression("string(*[local-name()='published'])")
        let updated = try XPathExpression("string(*[local-name()='updated'])")
        let summary = try XPathExpression("*[local-name()='summary']")
        let content = try XPathExpression("*[local-name()='content']")

        var items: [Item] = []
        var seen = Set<String>()
        for entry in try document.nodes(entries, in: root) {
            var fields: [String: String] = [:]
            if let node = try document.node(title, in: entry) { fields["title"] = atomText(node) }
            if let link = try document.node(alternate, in: entry) ?? document.node(anyLink, in: entry),
               let href = link.attribute("href") {
                fields["link"] = document.resolve(href, at: link)
            }
            fields["published"] = date(try document.string(published, in: entry))
            fields["updated"] = date(try document.string(updated, in: entry))
            if let node = try document.node(summary, in: entry) ?? document.node(content, in: entry) {
                fields["summary"] = limited(atomText(node))
            }
            let fallback = Text.normalise(try document.string(id, in: entry) ?? "")
            append(fields, fallbackKey: fallback, to: &items, seen: &seen)
        }
        let feedTitle = try document.node(title, in: root).map(atomText)
        return Feed(format: .atom, title: feedTitle.flatMap { $0.isEmpty ? nil : $0 }, items: items)
    }

    /// Atom text constructs: `type="html"` holds escaped markup, `xhtml` holds elements (whose
    /// text is the node's text), `text` (the default) is plain.
    private static func atomText(_ node: XMLNode) -> String {
        node.attribute("type")?.lowercased() == "html" ? stripTags(node.text) : Text.normalise(node.text)
    }

    // MARK: RSS

    private static func rss(_ document: XMLDocument, _ root: XMLNode, entries: String, title feedTitle: String) throws -> Feed {
        let entries = try XPathExpression(entries)
        let title = try XPathExpression("string(*[local-name()='title'])")
        // RSS's own <link> holds text; an `atom:link` in an item has an href instead.
        let link = try XPathExpression("string(*[local-name()='link'][not(@href)])")
        let atomLink = try XPathExpression("*[local-name()='link'][@href][not(@rel) or @rel='alternate']")
        let guid = try XPathExpression("*[local-name()='guid']")
        let about = try XPathExpression("string(@*[local-name()='about'])")
        let published = try XPathExpression("string((*[local-name()='pubDate'] | *[local-name()='date'])[1])")
        let updated = try XPathExpression("string(*[local-name()='updated'] | *[local-name()='modified'])")
        let description = try XPathExpression("string(*[local-name()='description'])")
        let encoded = try XPathExpression("string(*[local-name()='encoded'])")
        let feedTitleExpression = try XPathExpression(feedTitle)

        var items: [Item] = []
        var seen = Set<String>()
        for entry in try document.nodes(entries, in: root) {
            var fields: [String: String] = [:]
            fields["title"] = Text.normalise(try document.string(title, in: entry) ?? "")
            let guidNode = try document.node(guid, in: entry)
            let guidText = Text.normalise(guidNode?.text ?? "")
            var href = Text.normalise(try document.string(link, in: entry) ?? "")
            if href.isEmpty, let node = try document.node(atomLink, in: entry) {
                href = node.attribute("href") ?? ""
            }
            // A guid is a permalink unless it says otherwise (RSS 2.0).
            if href.isEmpty, !guidText.isEmpty, guidNode?.attribute("isPermaLink")?.lowercased() != "false",
               guidText.contains("://") {
                href = guidText
            }
            if !href.isEmpty { fields["link"] = document.resolve(href, at: entry) }
            fields["published"] = date(try document.string(published, in: entry))
            fields["updated"] = date(try document.string(updated, in: entry))
            var text = try document.string(description, in: entry) ?? ""
            if Text.normalise(text).isEmpty { text = try document.string(encoded, in: entry) ?? "" }
            fields["summary"] = limited(stripTags(text))
            var fallback = guidText
            if fallback.isEmpty { fallback = Text.normalise(try document.string(about, in: entry) ?? "") }
            append(fields, fallbackKey: fallback, to: &items, seen: &seen)
        }
        let channelTitle = Text.normalise(try document.string(feedTitleExpression, in: root) ?? "")
        return Feed(format: .rss, title: channelTitle.isEmpty ? nil : channelTitle, items: items)
    }

    // MARK: Shared

    /// Drops empty fields, keys the entry by its link (else the fallback), and skips repeats.
    private static func append(_ fields: [String: String], fallbackKey: String, to items: inout [Item], seen: inout Set<String>) {
        var values: [String: String] = [:]
        for (name, value) in fields where !value.isEmpty {
            values[name] = value
        }
        let key = values["link"] ?? fallbackKey
        guard !key.isEmpty, seen.insert(key).inserted else { return }
        items.append(Item(key: key, fields: values))
    }

    /// The text of escaped markup (RSS descriptions, Atom `type="html"`), as a reader sees it:
    /// entities decoded, tags dropped, scripts and styles left out, and a space where a block
    /// ends so that paragraphs do not run together.
    static func stripTags(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return Text.normalise(html) }
        // Built per call: NSRegularExpression is not Sendable, and a feed has few entries. The
        // pattern is a constant, so it compiles; without it only the paragraph spaces are lost.
        let blockTag = try? NSRegularExpression(
            pattern: "<(/?(?:p|br|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|hr|dd|dt)\\b)",
            options: [.caseInsensitive])
        let spaced = blockTag?.stringByReplacingMatches(
            in: html, range: NSRange(html.startIndex..., in: html), withTemplate: " <$1") ?? html
        guard let document = try? HTMLDocument(bytes: Array(spaced.utf8), url: "about:blank", charset: "utf-8"),
              let expression = try? XPathExpression("//text()[not(ancestor::script) and not(ancestor::style)]"),
              let nodes = try? document.nodes(expression) else { return Text.normalise(html) }
        return Text.normalise(nodes.map(\.text).joined())
    }

    private static func limited(_ text: String) -> String {
        guard text.count > summaryLimit else { return text }
        return String(text.prefix(summaryLimit - 1)) + "…"
    }

    /// A feed date as RFC 3339 in UTC, so that a publisher switching between equivalent
    /// spellings (`+0000`, `GMT`, `Z`) changes nothing; as written when it cannot be read.
    static func date(_ text: String?) -> String? {
        guard let text = text.map(Text.normalise), !text.isEmpty else { return nil }
        guard let date = parseDate(text) else { return text }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// RFC 3339 (Atom, `dc:date`) or RFC 822 (RSS `pubDate`), with the variants seen in the wild.
    public static func parseDate(_ text: String) -> Date? {
        if let date = RFC3339.date(from: text) { return date }
        var value = text
        // RFC 822's "UT" and military "Z" are not zone names DateFormatter reads.
        for (suffix, replacement) in [(" UT", " GMT"), (" Z", " +0000")] where value.hasSuffix(suffix) {
            value = String(value.dropLast(suffix.count)) + replacement
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in [
            "EEE, d MMM yyyy HH:mm:ss Z", "EEE, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss zzz",
            "EEE, d MMM yyyy HH:mm Z", "EEE, d MMM yyyy HH:mm zzz", "EEE, d MMM yy HH:mm:ss Z", "yyyy-MM-dd",
        ] {
            formatter.dateFormat = format
            if let date = formatter.date(from: value) { return date }
        }
        return nil
    }
}
