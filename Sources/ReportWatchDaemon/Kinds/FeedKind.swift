import Foundation
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore

/// `kind: feed`: an RSS or Atom feed. Entries are keyed by link, never by id or guid, which
/// some feeds (GOV.UK's) change on every update.
///
/// Alerts: a new entry, and a changed title, date or summary of an entry, each only when it
/// mentions one of the `keywords` (when set). An entry leaving the feed never alerts: a feed
/// lists its latest entries, so leaving says nothing about the document. An entry older than
/// every entry the feed now lists is kept as stored, so that if it shows again (a feed served
/// short for a while) it is not new.
struct FeedKind: SourceKind {
    /// The most entries kept after they left the feed, newest first: enough that one does not
    /// come back as new, few enough that a busy feed's store stays small.
    static let keptBeyondWindow = 1000

    func read(_ page: Page, context: SourceContext) async -> SourceRead {
        let feed: FeedParser.Feed
        do {
            feed = try FeedParser.parse(page)
        } catch {
            return .failure(SourceFailure(.structure, error.description))
        }
        let items = feed.items
        return .items(items + context.itemsBeyondWindow(of: items, date: Self.date, limit: Self.keptBeyondWindow))
    }

    static func date(_ item: Item) -> Date? {
        (item.fields["published"] ?? item.fields["updated"]).flatMap(FeedParser.parseDate)
    }

    func alert(for change: Change, source: SourceConfiguration, date: Date, stored: StoredSource) throws -> Alert? {
        if case .removed = change { return nil }
        guard var alert = SourceChecker.genericAlert(for: change, source: source, date: date) else { return nil }
        if case .added(let item) = change {
            var summary = "New on \(source.name): \(item.title ?? item.key)"
            if let published = item.fields["published"] ?? item.fields["updated"] { summary += " (\(published))" }
            summary += "."
            if let text = item.fields["summary"], text != item.title { summary += " \(text)" }
            alert.summary = summary
        }
        return alert
    }

    /// No keys of its own: the feed is the URL.
    static let registration = SourceKindRegistration(name: "feed", keys: []) { _, _, _ in
        FeedKind()
    }
}

extension SourceContext {
    /// Stored items missing from a windowed listing (a feed's latest entries, a search page
    /// sorted newest first) that are older than everything it lists now: they moved past its
    /// end, they were not removed, so they are carried over as stored. Items without a date,
    /// or dated within the listing's range, are not carried: missing, they are removed.
    func itemsBeyondWindow(of items: [Item], date: (Item) -> Date?, limit: Int? = nil) -> [Item] {
        guard let oldest = items.compactMap(date).min() else { return [] }
        let present = Set(items.map(\.key))
        var carried: [(item: Item, date: Date)] = []
        for item in previousItems.values where !present.contains(item.key) {
            if let itemDate = date(item), itemDate < oldest { carried.append((item, itemDate)) }
        }
        carried.sort { $0.date != $1.date ? $0.date > $1.date : $0.item.key < $1.item.key }
        if let limit, carried.count > limit { carried.removeLast(carried.count - limit) }
        return carried.map(\.item)
    }
}
