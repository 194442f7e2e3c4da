import Foundation
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore

/// `kind: govuk-content`: one GOV.UK Content API item (`https://www.gov.uk/api/content/<path>`),
/// such as an improvement notice publication or the "Improvement notices and directions"
/// collection.
///
/// Alerts: the page updated (a new `public_updated_at`, with its change note in the summary) or
/// withdrawn; for a collection, a document added to it, moved between its groups ("moved from
/// Open notices to Closed notices"), or taken out. With `keywords`, only changes whose item
/// mentions one alert (the page's own item includes its latest change note).
struct GovUKContentKind: SourceKind {
    func read(_ page: Page, context: SourceContext) async -> SourceRead {
        do {
            return .items(try GovUKContentParser.parse(page).items)
        } catch {
            return .failure(SourceFailure(.structure, error.description))
        }
    }

    /// The page's own item is keyed by its path; a collection's documents by content id.
    static func isPage(_ key: String) -> Bool {
        key.hasPrefix("/")
    }

    func alert(for change: Change, source: SourceConfiguration, date: Date, stored: StoredSource) throws -> Alert? {
        if case .removed(let item) = change, !source.keywords.isEmpty, !Keywords.matches(source.keywords, in: item) {
            return nil
        }
        guard var alert = SourceChecker.genericAlert(for: change, source: source, date: date) else { return nil }
        if Self.isPage(change.key) {
            alert.summary = Self.pageSummary(change) ?? alert.summary
        } else {
            let collection = stored.items.values.first { Self.isPage($0.key) }?.title ?? source.name
            alert.summary = Self.documentSummary(change, collection: collection)
        }
        return alert
    }

    /// What happened to the page itself; `nil` keeps the generic account.
    static func pageSummary(_ change: Change) -> String? {
        guard case .changed(_, let item, let fields) = change else { return nil }
        let title = item.title ?? item.key
        var sentences: [String] = []
        if let withdrawn = fields.first(where: { $0.name == "withdrawn_at" }), let at = withdrawn.new {
            sentences.append("\(title) was withdrawn on \(GovUKDate.day(at) ?? at).")
        }
        if let updated = fields.first(where: { $0.name == "public_updated_at" }), let at = updated.new {
            var sentence = "\(title) was updated on GOV.UK on \(GovUKDate.day(at) ?? at)"
            if let note = item.fields["change_note"] { sentence += ": \(note)" }
            sentences.append(sentence.hasSuffix(".") ? sentence : sentence + ".")
        } else if fields.contains(where: { $0.name == "change_note" }), let note = item.fields["change_note"] {
            sentences.append("\(title) has a new change note: \(note)")
        }
        let described: Set = ["withdrawn_at", "public_updated_at", "change_note"]
        for field in fields where !described.contains(field.name) {
            sentences.append("\(label(field.name)): \(field.old ?? "(none)") → \(field.new ?? "(none)").")
        }
        return sentences.joined(separator: " ")
    }

    /// What happened to one of a collection's documents.
    static func documentSummary(_ change: Change, collection: String) -> String {
        let group = GovUKContentParser.groupField
        switch change {
        case .added(let item):
            let under = item.fields[group].map { " under \"\($0)\"" } ?? ""
            return "Added to \(collection)\(under): \(item.title ?? item.key)."
        case .removed(let item):
            let was = item.fields[group].map { " (was under \"\($0)\")" } ?? ""
            return "Removed from \(collection): \(item.title ?? item.key)\(was)."
        case .changed(let old, let new, let fields):
            let title = new.title ?? old.title ?? new.key
            var sentences: [String]
            if let moved = fields.first(where: { $0.name == group }) {
                sentences = ["\(title) moved from \(moved.old ?? "no group") to \(moved.new ?? "no group") in \(collection)."]
            } else {
                sentences = ["Changed in \(collection): \(title)."]
            }
            for field in fields where field.name != group {
                sentences.append("\(label(field.name)): \(field.old ?? "(none)") → \(field.new ?? "(none)").")
            }
            return sentences.joined(separator: " ")
        }
    }

    static func label(_ field: String) -> String {
        let words = field.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// No keys of its own: the item is the URL, which must be the Content API.
    static let registration = SourceKindRegistration(name: "govuk-content", keys: []) { reader, map, path in
        if let node = map.value(for: "url"), let url = node.string, let components = URLComponents(string: url),
           !components.path.hasPrefix("/api/content/") {
            let suggestion = components.path.hasPrefix("/") && !components.path.hasPrefix("/api/")
                ? "use the page's Content API address: \(url.replacingOccurrences(of: components.path, with: "/api/content" + components.path))"
                : "for example https://www.gov.uk/api/content/government/collections/<name>"
            reader.report(node, "\(path).url", "a govuk-content URL is a Content API address starting /api/content/",
                          suggestion: suggestion)
            return nil
        }
        return GovUKContentKind()
    }
}
