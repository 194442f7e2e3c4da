import Foundation
import ReportWatchCore

/// Reads one GOV.UK Content API item (`/api/content/<path>`).
///
/// The page itself is one item keyed by its `base_path`, with `title`, `link`, `document_type`,
/// `public_updated_at`, `change_note` (the newest note of `details.change_history` by its
/// `public_timestamp`) and, once withdrawn, `withdrawn_at`. A publication's update (a notice
/// being lifted) changes `public_updated_at` and `change_note` together: one change.
///
/// A collection (`details.collection_groups`, as "Improvement notices and directions") also
/// gives one item per document it groups, keyed by the document's content id (stable when the
/// document's path is renamed), with `title`, `link` and `document_type` from the expanded
/// `links.documents[]`, and `group`: the title of the group listing it ("Open notices").
/// Moving a document between groups changes only `group`. The documents' own update times are
/// left out on purpose: every edit of a grouped document would otherwise be a change of the
/// collection, and a page whose updates matter is watched as a publication of its own.
public enum GovUKContentParser {
    public struct Content: Sendable {
        /// The page's own item first, then the collection's documents in group order.
        public var items: [Item]
        public var basePath: String
        public var title: String
        /// True for a document collection, whose other items are its documents.
        public var isCollection: Bool

        public init(items: [Item], basePath: String, title: String, isCollection: Bool) {
            self.items = items
            self.basePath = basePath
            self.title = title
            self.isCollection = isCollection
        }
    }

    /// The field naming a document's group; only a collection's documents have it.
    public static let groupField = "group"

    public static func parse(_ page: Page) throws(ExtractError) -> Content {
        let object = try JSONBody.object(page)
        guard let basePath = (object["base_path"] as? String).map(Text.normalise), !basePath.isEmpty,
              let title = (object["title"] as? String).map(Text.normalise), !title.isEmpty else {
            throw .unparseable(url: page.url, message: "not a GOV.UK content item: the JSON has no 'base_path' and 'title'"
                + JSONBody.errorHint(object))
        }
        let base = URL(string: page.url)
        let details = object["details"] as? [String: Any] ?? [:]
        var fields: [String: String] = ["title": title, "link": GovUKSearchParser.resolve(basePath, against: base)]
        if let type = object["document_type"] as? String, !type.isEmpty { fields["document_type"] = type }
        if let updated = object["public_updated_at"] as? String, !updated.isEmpty { fields["public_updated_at"] = updated }
        if let note = latestChangeNote(details["change_history"]) { fields["change_note"] = note }
        if let withdrawn = (object["withdrawn_notice"] as? [String: Any])?["withdrawn_at"] as? String, !withdrawn.isEmpty {
            fields["withdrawn_at"] = withdrawn
        }
        var items = [Item(key: basePath, fields: fields)]

        let isCollection = object["document_type"] as? String == "document_collection" || details["collection_groups"] != nil
        if isCollection {
            guard let groups = details["collection_groups"] as? [Any] else {
                throw .unparseable(url: page.url, message: "a document collection without 'details.collection_groups'")
            }
            items += documents(in: groups, links: object["links"] as? [String: Any], base: base, excluding: basePath)
        }
        return Content(items: items, basePath: basePath, title: title, isCollection: isCollection)
    }

    /// The note of the newest `change_history` entry. GOV.UK lists them newest first, but the
    /// timestamps decide (they carry different UTC offsets); the list order breaks ties.
    static func latestChangeNote(_ history: Any?) -> String? {
        guard let entries = history as? [Any] else { return nil }
        var best: (date: Date?, note: String)?
        for case let entry as [String: Any] in entries {
            guard let note = (entry["note"] as? String).map(Text.normalise), !note.isEmpty else { continue }
            let date = (entry["public_timestamp"] as? String).flatMap(RFC3339.date)
            guard let current = best else {
                best = (date, note)
                continue
            }
            if let date, current.date.map({ date > $0 }) ?? true {
                best = (date, note)
            }
        }
        return best?.note
    }

    /// One item per grouped document. Groups list content ids; `links.documents[]` holds each
    /// one's title and path. A document in several groups gets their titles joined by "; ".
    static func documents(in groups: [Any], links: [String: Any]?, base: URL?, excluding basePath: String) -> [Item] {
        var linked: [String: [String: Any]] = [:]
        for case let document as [String: Any] in links?["documents"] as? [Any] ?? [] {
            if let id = document["content_id"] as? String { linked[id] = document }
        }
        var order: [String] = []
        var groupTitles: [String: [String]] = [:]
        for case let group as [String: Any] in groups {
            let title = (group["title"] as? String).map(Text.normalise) ?? ""
            for case let id as String in group["documents"] as? [Any] ?? [] {
                let id = Text.normalise(id)
                guard !id.isEmpty else { continue }
                if groupTitles[id] == nil { order.append(id) }
                if !title.isEmpty, groupTitles[id, default: []].contains(title) == false {
                    groupTitles[id, default: []].append(title)
                }
            }
        }
        return order.compactMap { id in
            var fields: [String: String] = [:]
            if let groups = groupTitles[id], !groups.isEmpty { fields[groupField] = groups.joined(separator: "; ") }
            if let document = linked[id] {
                if let title = (document["title"] as? String).map(Text.normalise), !title.isEmpty { fields["title"] = title }
                if let path = document["base_path"] as? String, !path.isEmpty {
                    guard path != basePath else { return nil }
                    fields["link"] = GovUKSearchParser.resolve(path, against: base)
                } else if let web = document["web_url"] as? String, !web.isEmpty {
                    fields["link"] = web
                }
                if let type = document["document_type"] as? String, !type.isEmpty { fields["document_type"] = type }
            }
            return Item(key: id, fields: fields)
        }
    }
}
