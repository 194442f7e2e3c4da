import Foundation
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore

/// `kind: govuk-search`: a GOV.UK Search API query (`https://www.gov.uk/api/search.json?...`),
/// such as the Department for Education's decisions, newest first. Items are keyed by link.
///
/// Alerts: a new result (matching `keywords`, when set); a changed `public_timestamp` (or
/// title, description) of a matching result; a matching result gone from within the page's
/// date range. A result that only moved past the end of a full page (`total` larger than the
/// page) is kept as it was, not removed: the page is a window, newest first.
struct GovUKSearchKind: SourceKind {
    func read(_ page: Page, context: SourceContext) async -> SourceRead {
        let results: GovUKSearchParser.Results
        do {
            results = try GovUKSearchParser.parse(page)
        } catch {
            return .failure(SourceFailure(.structure, error.description))
        }
        var items = results.items
        if results.isWindow {
            items += context.itemsBeyondWindow(of: items, date: Self.date)
        }
        return .items(items)
    }

    static func date(_ item: Item) -> Date? {
        item.fields["public_timestamp"].flatMap(RFC3339.date)
    }

    func alert(for change: Change, source: SourceConfiguration, date: Date, stored: StoredSource) throws -> Alert? {
        // Keywords select removals too: another council's decision leaving the list is no news.
        if case .removed(let item) = change, !source.keywords.isEmpty, !Keywords.matches(source.keywords, in: item) {
            return nil
        }
        guard var alert = SourceChecker.genericAlert(for: change, source: source, date: date) else { return nil }
        alert.summary = Self.summary(change, source: source)
        return alert
    }

    static func summary(_ change: Change, source: SourceConfiguration) -> String {
        switch change {
        case .added(let item):
            var text = "New on GOV.UK"
            if let type = item.fields["document_type"] { text += " (\(type.replacingOccurrences(of: "_", with: " ")))" }
            text += ": \(item.title ?? item.key)"
            if let published = item.fields["public_timestamp"].flatMap(GovUKDate.day) { text += ", published \(published)" }
            text += "."
            if let description = item.fields["description"] { text += " \(description)" }
            return text
        case .changed(_, let item, let fields):
            var text = "Updated on GOV.UK: \(item.title ?? item.key)."
            for field in fields {
                if field.name == "public_timestamp" {
                    let old = field.old.flatMap(GovUKDate.day) ?? field.old ?? "(none)"
                    let new = field.new.flatMap(GovUKDate.day) ?? field.new ?? "(none)"
                    text += " Public timestamp: \(old) → \(new)."
                } else {
                    text += " \(GovUKContentKind.label(field.name)): \(field.old ?? "(none)") → \(field.new ?? "(none)")."
                }
            }
            return text
        case .removed(let item):
            return "No longer listed by \(source.name) on GOV.UK: \(item.title ?? item.key)."
        }
    }

    /// No keys of its own: the query is the URL. The URL must be the Search API, not the
    /// `/search/...` pages that robots.txt forbids.
    static let registration = SourceKindRegistration(name: "govuk-search", keys: []) { reader, map, path in
        if let node = map.value(for: "url"), let url = node.string, let components = URLComponents(string: url),
           !components.path.hasSuffix("/api/search.json") {
            reader.report(node, "\(path).url", "a govuk-search URL is a Search API query ending in /api/search.json",
                          suggestion: "for example https://www.gov.uk/api/search.json?filter_organisations=department-for-education"
                              + "&filter_content_store_document_type=decision&order=-public_timestamp&count=50"
                              + (components.path.hasPrefix("/search") ? " (robots.txt forbids GOV.UK's /search pages)" : ""))
            return nil
        }
        return GovUKSearchKind()
    }
}

/// Dates as GOV.UK writes them, for messages.
enum GovUKDate {
    /// "20 November 2026" from an ISO 8601 timestamp, on the day as GOV.UK wrote it (in its own
    /// UTC offset), so a notice published just after midnight in London is not a day early.
    static func day(_ timestamp: String) -> String? {
        let prefix = String(timestamp.prefix(10))
        let reader = DateFormatter()
        reader.locale = Locale(identifier: "en_US_POSIX")
        reader.timeZone = TimeZone(identifier: "UTC")
        reader.dateFormat = "yyyy-MM-dd"
        guard let date = reader.date(from: prefix) else { return nil }
        let writer = DateFormatter()
        writer.locale = Locale(identifier: "en_GB")
        writer.timeZone = TimeZone(identifier: "UTC")
        writer.dateFormat = "d MMMM yyyy"
        return writer.string(from: date)
    }
}
