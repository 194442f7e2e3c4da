import Foundation
import Logging
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore

/// `kind: moderngov-committee`: a committee's ModernGov meeting list (`ieListMeetings.aspx`),
/// and for each meeting inside the window its page (`ieListDocuments.aspx`): what is published,
/// the agenda items and the report documents.
///
/// Items: `meeting:<MId>`, `agenda:<MId>:<AI id | number | title>` and `document:<id>`.
///
/// Alerts, one per case:
/// - a new meeting: `added` (agenda items and documents that arrive with it are folded into
///   that one alert; those matching the keywords are named in its summary);
/// - a meeting cancelled (or reinstated, or moved to another date): `changed`;
/// - what is published changing ("Agenda" → "Agenda and minutes"): `changed`;
/// - a new agenda item, or a new document of an agenda item already known: `added`, only when
///   its title or text matches one of the source's keywords (no keywords: none);
/// - a meeting gone from the list while it is recent or upcoming (not older than the window's
///   `past`, and within the span of dates the list still shows): `removed`.
/// Agenda items and documents never alert on change or removal: they leave with their meeting
/// or the window, and their text changes as minutes are written.
struct ModernGovCommitteeKind: SourceKind {
    /// Which meetings' pages are read, relative to now. Pages outside it are never fetched.
    struct Window: Sendable, Hashable {
        var past: Duration = .seconds(60 * 86_400)
        var future: Duration = .seconds(90 * 86_400)

        func contains(_ date: Date, now: Date) -> Bool {
            !isTooOld(date, now: now) && date <= now.addingTimeInterval(future.seconds)
        }

        func isTooOld(_ date: Date, now: Date) -> Bool {
            date < now.addingTimeInterval(-past.seconds)
        }
    }

    let window: Window

    /// ModernGov is a UK product and its pages show UK local times.
    static let timeZone = TimeZone(identifier: "Europe/London") ?? TimeZone.current

    /// Fields kept for reference that never alert by themselves: the page's modification date
    /// and the list of keyword matches (which only annotates a new meeting's alert).
    static let silentFields: Set<String> = ["modified", "matches"]

    /// Descriptions are kept for keyword matching, not for reading in full.
    static let maxTextLength = 2000

    // MARK: Reading

    func read(_ page: Page, context: SourceContext) async -> SourceRead {
        let list: ModernGovParser.MeetingList
        do {
            list = try ModernGovParser.meetingList(from: page)
        } catch {
            return .failure(SourceFailure(.structure, error.description))
        }
        guard !list.meetings.isEmpty else {
            let detail = list.linksWithoutID > 0 ? " (\(list.linksWithoutID) meeting links without one)" : ""
            return .failure(SourceFailure(.structure, "no meeting links (a.mgMeetingTableLnk) with a meeting id\(detail)"))
        }
        let now = Date()
        let previous = context.previousItems
        let keywords = context.source.keywords
        var collected = Collected()

        for meeting in list.meetings {
            let key = "meeting:\(meeting.id)"
            var fields = Self.listFields(meeting)
            let date = ModernGovParser.date(from: meeting.dateText, timeZone: Self.timeZone)
            // Polite: a meeting's page is fetched only inside the window; an undated one never.
            // Its agenda items and documents then leave the stored items, silently.
            guard let date, window.contains(date, now: now) else {
                collected.append(Item(key: key, fields: Self.keepingPageFields(fields, from: previous[key])))
                continue
            }
            switch await readMeetingPage(meeting.link, context: context) {
            case .success(let meetingPage):
                let children = Self.children(of: meeting, fields["title"] ?? meeting.dateText, meetingPage)
                fields["published"] = meetingPage.published
                fields["modified"] = meetingPage.modified
                if meetingPage.cancelled { fields["cancelled"] = "yes" }
                let matches = Self.matchingTitles(children, keywords: keywords)
                if !matches.isEmpty { fields["matches"] = matches.joined(separator: "; ") }
                collected.append(Item(key: key, fields: fields))
                children.forEach { collected.append($0) }
            case .failure(let failure):
                // A page that failed says nothing about its items: keep what the last good pass
                // saw, so nothing reads as removed and nothing of the page flips.
                context.logger.warning("meeting page not read; keeping its previous items", metadata: [
                    "source.id": "\(context.source.id)", "meeting.id": "\(meeting.id)", "url": "\(meeting.link)",
                    "error": "\(failure)",
                ])
                collected.append(Item(key: key, fields: Self.keepingPageFields(fields, from: previous[key])))
                Self.previousChildren(of: meeting.id, in: previous).forEach { collected.append($0) }
            }
        }

        // A meeting that dropped off the list because the list shows another span of dates
        // (ModernGov pages its list) has not been removed: keep it while it is recent.
        let listedDates = list.meetings.compactMap { ModernGovParser.date(from: $0.dateText, timeZone: Self.timeZone) }
        if let earliest = listedDates.min(), let latest = listedDates.max() {
            for (key, item) in previous.sorted(by: { $0.key < $1.key })
            where key.hasPrefix("meeting:") && !collected.keys.contains(key) {
                guard let date = item.fields["date"].flatMap({ ModernGovParser.date(from: $0, timeZone: Self.timeZone) }),
                      date < earliest || date > latest, !window.isTooOld(date, now: now) else { continue }
                collected.append(item)
                Self.previousChildren(of: String(key.dropFirst("meeting:".count)), in: previous).forEach { collected.append($0) }
            }
        }
        return .items(collected.items)
    }

    /// Items in page order, each key once (the first wins: a document listed twice stays with
    /// the first meeting that lists it).
    private struct Collected {
        var items: [Item] = []
        var keys = Set<String>()

        mutating func append(_ item: Item) {
            if keys.insert(item.key).inserted { items.append(item) }
        }
    }

    private func readMeetingPage(_ url: String, context: SourceContext) async -> Result<ModernGovParser.MeetingPage, SourceFailure> {
        let response: HTTPResponse
        do {
            response = try await context.fetch(url)
        } catch let error as FetchError {
            return .failure(SourceFailure(.fetch, "\(error.kind.rawValue): \(error.message)"))
        } catch {
            return .failure(SourceFailure(.fetch, "\(error)"))
        }
        guard response.isSuccess else { return .failure(SourceFailure(.httpStatus, "HTTP \(response.status)")) }
        guard !response.body.isEmpty else { return .failure(SourceFailure(.structure, "empty body")) }
        let page = Page(url: response.url, status: response.status, contentType: response.header("Content-Type"), body: response.body)
        do {
            return .success(try ModernGovParser.meetingPage(from: page))
        } catch {
            return .failure(SourceFailure(.structure, error.description))
        }
    }

    /// The list's fields of a meeting whose page was not read this pass, with what its page
    /// said when last read: a page not read says nothing new, so nothing of it may flip (a
    /// heading vanishing, a cancellation only the page showed reading as "reinstated").
    static func keepingPageFields(_ listFields: [String: String], from old: Item?) -> [String: String] {
        guard let old else { return listFields }
        var fields = listFields
        for name in ["published", "modified", "matches"] { fields[name] = old.fields[name] }
        if old.fields["cancelled"] != nil { fields["cancelled"] = "yes" }
        return fields
    }

    static func listFields(_ meeting: ModernGovParser.Meeting) -> [String: String] {
        var fields = [
            "title": meeting.committee.map { "\($0) - \(meeting.dateText)" } ?? meeting.dateText,
            "date": meeting.dateText,
            "link": meeting.link,
        ]
        fields["committee"] = meeting.committee
        fields["status"] = meeting.status
        if meeting.cancelled { fields["cancelled"] = "yes" }
        return fields
    }

    /// The agenda items and documents of a meeting's page, each item followed by its documents.
    static func children(of meeting: ModernGovParser.Meeting, _ meetingTitle: String, _ page: ModernGovParser.MeetingPage) -> [Item] {
        var items: [Item] = []
        var agendaKeys = Set<String>()
        for agendaItem in page.agendaItems {
            var key = "agenda:\(meeting.id):\(agendaItem.identifier)"
            // Two untitled, unnumbered rows with the same title: number the repeats.
            var repeatCount = 1
            while agendaKeys.contains(key) {
                repeatCount += 1
                key = "agenda:\(meeting.id):\(agendaItem.identifier)#\(repeatCount)"
            }
            agendaKeys.insert(key)
            var fields = ["title": agendaItem.title, "meeting": meetingTitle, "meeting_id": meeting.id]
            // Only the item's own link: the meeting's link carries `Ver=`, which would make
            // every item change with it. Alerts fall back to the meeting's link.
            fields["link"] = agendaItem.link
            fields["number"] = agendaItem.number
            if !agendaItem.text.isEmpty { fields["text"] = String(agendaItem.text.prefix(maxTextLength)) }
            if !agendaItem.documents.isEmpty {
                // Sorted: documents swapping places on the page are not a change.
                fields["documents"] = agendaItem.documents.map(\.title).sorted().joined(separator: "; ")
            }
            items.append(Item(key: key, fields: fields))
            for document in agendaItem.documents {
                items.append(documentItem(document, meeting: meeting, meetingTitle: meetingTitle,
                                          agendaKey: key, agendaTitle: agendaItem.title))
            }
        }
        for document in page.otherDocuments {
            items.append(documentItem(document, meeting: meeting, meetingTitle: meetingTitle, agendaKey: nil, agendaTitle: nil))
        }
        return items
    }

    static func documentItem(_ document: ModernGovParser.Document, meeting: ModernGovParser.Meeting, meetingTitle: String,
                             agendaKey: String?, agendaTitle: String?) -> Item {
        var fields = ["title": document.title, "link": document.link, "meeting": meetingTitle, "meeting_id": meeting.id]
        fields["agenda"] = agendaKey
        fields["item"] = agendaTitle
        return Item(key: "document:\(document.id)", fields: fields)
    }

    static func previousChildren(of meetingID: String, in previous: [String: Item]) -> [Item] {
        previous.values
            .filter { $0.key.hasPrefix("agenda:\(meetingID):") || ($0.key.hasPrefix("document:") && $0.fields["meeting_id"] == meetingID) }
            .sorted { $0.key < $1.key }
    }

    /// Titles of the agenda items (with their documents) and stand-alone documents that match.
    static func matchingTitles(_ children: [Item], keywords: [String]) -> [String] {
        guard !keywords.isEmpty else { return [] }
        return children.filter { item in
            if item.key.hasPrefix("agenda:") { return matches(agendaItem: item, keywords: keywords) }
            return item.fields["agenda"] == nil && matches(document: item, keywords: keywords)
        }.compactMap(\.title)
    }

    static func matches(agendaItem item: Item, keywords: [String]) -> Bool {
        Keywords.matches(keywords, in: Item(key: "", fields: item.fields.filter { ["title", "text", "documents"].contains($0.key) }))
    }

    /// A document matches by its own title or by the title of the agenda item it belongs to.
    static func matches(document item: Item, keywords: [String]) -> Bool {
        Keywords.matches(keywords, in: Item(key: "", fields: item.fields.filter { ["title", "item"].contains($0.key) }))
    }

    // MARK: Alerts

    func alert(for change: Change, source: SourceConfiguration, date: Date, transaction: StoreTransaction) throws -> Alert? {
        let item: Item
        switch change {
        case .added(let new), .removed(let new), .changed(_, let new, _): item = new
        }
        if item.key.hasPrefix("meeting:") {
            return meetingAlert(for: change, source: source, date: date)
        }
        // Agenda items and documents: only new ones, only keyword matches, and only when no
        // other alert of this pass already covers them.
        guard case .added = change, !source.keywords.isEmpty, let meetingID = item.fields["meeting_id"] else { return nil }
        let previous = try transaction.currentItems(source.id)
        // A meeting new in this pass: its own alert covers what arrived with it.
        guard let meetingItem = previous["meeting:\(meetingID)"] else { return nil }
        let meeting = meetingPhrase(meetingItem, source: source)
        if item.key.hasPrefix("agenda:") {
            guard Self.matches(agendaItem: item, keywords: source.keywords) else { return nil }
            return itemAlert(item, title: "New agenda item for \(meeting): \(item.title ?? item.key)",
                             url: item.link ?? meetingItem.link, source: source, date: date)
        }
        if let agendaKey = item.fields["agenda"], previous[agendaKey] == nil {
            return nil  // its agenda item is new too, and that item's alert (which matches on its documents) covers it
        }
        guard Self.matches(document: item, keywords: source.keywords) else { return nil }
        return itemAlert(item, title: "New document for \(meeting): \(item.title ?? item.key)", source: source, date: date)
    }

    private func meetingAlert(for change: Change, source: SourceConfiguration, date: Date) -> Alert? {
        switch change {
        case .added(let meeting):
            // A meeting older than the window appearing (a list reaching further back) is not news.
            if let when = meeting.fields["date"].flatMap({ ModernGovParser.date(from: $0, timeZone: Self.timeZone) }),
               window.isTooOld(when, now: date) {
                return nil
            }
            var title = "New meeting: \(meeting.title ?? meeting.key)"
            if meeting.fields["cancelled"] != nil { title += " (cancelled)" }
            var summary = "New meeting on \(source.name): \(meeting.title ?? meeting.key)"
            if let status = meeting.fields["published"] ?? meeting.fields["status"] { summary += ". Published: \(status)" }
            if let matches = meeting.fields["matches"] { summary += ". Items matching the keywords: \(matches)" }
            return itemAlert(meeting, event: .added, title: title, summary: summary, source: source, date: date)

        case .removed(let meeting):
            guard let when = meeting.fields["date"].flatMap({ ModernGovParser.date(from: $0, timeZone: Self.timeZone) }),
                  !window.isTooOld(when, now: date) else { return nil }
            let title = "\(meetingPhrase(meeting, source: source)) removed from the meeting list"
            return itemAlert(meeting, event: .removed, title: title, summary: "\(title) on \(source.name)", source: source, date: date)

        case .changed(let old, let new, let allFields):
            let fields = allFields.filter { !Self.silentFields.contains($0.name) }
            let byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            let meeting = meetingPhrase(old, source: source)
            let title: String
            if let cancelled = byName["cancelled"] {
                title = cancelled.new != nil ? "\(meeting) cancelled" : "\(meeting) no longer cancelled"
            } else if let moved = byName["date"], let newDate = moved.new, Self.namesAnotherTime(moved.old, newDate) {
                title = "\(meeting) moved to \(newDate)"
            } else if byName["status"] != nil || byName["published"].map({ $0.old != nil && $0.new != nil }) == true {
                // The list's status and the page's heading say the same thing; either changing
                // is one publication. A heading merely appearing or going (the page read for the
                // first time, or not read) is not.
                let now = new.fields["published"] ?? new.fields["status"]
                title = now.map { "\(meeting): \($0) published" } ?? "\(meeting): publication status changed"
            } else {
                return nil  // a new `Ver=` in the link, a renamed committee, a heading not read
            }
            let summary = "\(title) (\(source.name)). "
                + fields.map { "\($0.name): \($0.old ?? "(none)") → \($0.new ?? "(none)")" }.joined(separator: "; ")
            return Alert(
                source: source.id, event: .changed, title: title, url: new.link ?? source.url, detectedAt: date,
                key: new.key, fields: fields, item: new.fields, summary: summary)
        }
    }

    /// Whether two date texts name different times: "7:30 pm" rewritten as "7.30 pm" by a new
    /// site template is not a meeting moving.
    static func namesAnotherTime(_ old: String?, _ new: String) -> Bool {
        guard let old, let before = ModernGovParser.date(from: old, timeZone: timeZone),
              let after = ModernGovParser.date(from: new, timeZone: timeZone) else { return old != new }
        return before != after
    }

    /// "Cabinet meeting of 15 Jan 2026".
    private func meetingPhrase(_ meeting: Item?, source: SourceConfiguration) -> String {
        let committee = meeting?.fields["committee"] ?? source.name
        guard let date = meeting?.fields["date"] else { return "\(committee) meeting" }
        return "\(committee) meeting of \(ModernGovParser.dayText(date))"
    }

    private func itemAlert(_ item: Item, event: AlertEvent = .added, title: String, summary: String? = nil, url: String? = nil,
                           source: SourceConfiguration, date: Date) -> Alert {
        Alert(
            source: source.id, event: event, title: title, url: url ?? item.link ?? source.url, detectedAt: date,
            key: item.key, item: item.fields, summary: summary ?? "\(title) (\(source.name))")
    }

    // MARK: Configuration

    /// Keys: `window` (`{past: 60d, future: 90d}`): which meetings' pages are read.
    static let registration = SourceKindRegistration(name: "moderngov-committee", keys: ["window"]) { reader, map, path in
        var window = Window()
        if let node = map.value(for: "window") {
            let windowPath = "\(path).window"
            guard let inner = reader.mapping(node, at: windowPath) else { return nil }
            reader.checkKeys(inner, allowed: ["past", "future"], at: windowPath)
            if let past = reader.duration(inner, "past", at: windowPath, allowZero: true) { window.past = past }
            if let future = reader.duration(inner, "future", at: windowPath, allowZero: true) { window.future = future }
        }
        return ModernGovCommitteeKind(window: window)
    }
}
