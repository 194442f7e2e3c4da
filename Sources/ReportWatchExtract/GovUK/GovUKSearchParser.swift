import Foundation
import ReportWatchCore

/// Reads a GOV.UK Search API answer (`/api/search.json?...`): `{"results": [...], "total": N}`.
///
/// Each result with a `link` becomes an item keyed by that link as GOV.UK gives it (a path such
/// as `/government/publications/...`), with the fields `title`, `link` (absolute: resolved
/// against the page URL, so a path gets the API's origin), `document_type` (from
/// `content_store_document_type`: the result's own `document_type` is the search index's type,
/// such as `edition`), `public_timestamp` and `description`.
///
/// A body that is not JSON, or JSON without a `results` list (an error object, a 422 answer
/// served with 200), is an error: it must never read as "every result was removed".
public enum GovUKSearchParser {
    public struct Results: Sendable {
        public var items: [Item]
        /// `total` as the API reports it: how many results match, across all pages.
        public var total: Int?
        /// How many results this page holds, with or without a link.
        public var count: Int

        public init(items: [Item], total: Int?, count: Int) {
            self.items = items
            self.total = total
            self.count = count
        }

        /// True when more results match than this page holds: the page is a window (newest
        /// first with `order=-public_timestamp`), and a result missing from it may only have
        /// moved past its end.
        public var isWindow: Bool {
            guard let total else { return true }
            return total > count
        }
    }

    /// The fields a result keeps, by their name in the API's answer.
    static let fieldNames: [(api: String, item: String)] = [
        ("title", "title"),
        ("content_store_document_type", "document_type"),
        ("public_timestamp", "public_timestamp"),
        ("description", "description"),
    ]

    public static func parse(_ page: Page) throws(ExtractError) -> Results {
        let object = try JSONBody.object(page)
        guard let results = object["results"] as? [Any] else {
            throw .unparseable(url: page.url, message: "not a GOV.UK search answer: the JSON has no 'results' list"
                + JSONBody.errorHint(object))
        }
        let base = URL(string: page.url)
        var items: [Item] = []
        var seen = Set<String>()
        for case let result as [String: Any] in results {
            guard let link = (result["link"] as? String).map(Text.normalise), !link.isEmpty,
                  seen.insert(link).inserted else { continue }
            var fields: [String: String] = ["link": resolve(link, against: base)]
            for name in fieldNames {
                if let value = (result[name.api] as? String).map(Text.normalise), !value.isEmpty {
                    fields[name.item] = value
                }
            }
            items.append(Item(key: link, fields: fields))
        }
        return Results(items: items, total: object["total"] as? Int, count: results.count)
    }

    /// A path resolves against the API's origin (`https://www.gov.uk`); an absolute link stays.
    static func resolve(_ link: String, against base: URL?) -> String {
        guard let resolved = URL(string: link, relativeTo: base)?.absoluteURL.absoluteString else { return link }
        return resolved
    }
}

/// Reading a JSON object from a page, shared by the GOV.UK parsers.
enum JSONBody {
    static func object(_ page: Page) throws(ExtractError) -> [String: Any] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(page.body))
        } catch {
            let start = String(decoding: page.body.prefix(200), as: UTF8.self)
            let looksLikeHTML = start.range(of: "<html", options: .caseInsensitive) != nil
                || start.range(of: "<!doctype", options: .caseInsensitive) != nil
            throw .invalidJSON(url: page.url, message: looksLikeHTML ? "the server sent an HTML page, not JSON" : "the body is not JSON")
        }
        guard let object = parsed as? [String: Any] else {
            throw .invalidJSON(url: page.url, message: "expected a JSON object")
        }
        return object
    }

    /// What an error object says (`{"error": "..."}` as GOV.UK's APIs answer), for the message.
    static func errorHint(_ object: [String: Any]) -> String {
        for key in ["error", "errors", "message"] {
            if let text = object[key] as? String, !text.isEmpty { return " (\(key): \(text.prefix(200)))" }
            if let value = object[key] {
                return " (\(key): \(String(describing: value).prefix(200)))"
            }
        }
        return ""
    }
}
