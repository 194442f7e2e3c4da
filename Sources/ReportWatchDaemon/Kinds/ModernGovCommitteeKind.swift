import Foundation
import Logging
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore

/// `kind: moderngov-committee`: a committee's ModernGov meeting list (`ieListMeetings.aspx`),
/// and for each meeting inside the window its page (`ieListDocuments.aspx`): what is published,
/// the agenda items and the papers, each new paper read in full for the keywords.
///
/// A composite source: the list and every meeting page inside the window are checked on every
/// check, each with its own validators (a meeting page's ETag and Last-Modified are kept in its
/// meeting item), whatever the list answered, because ModernGov adds a paper to the meeting's
/// page without changing the list. A meeting page that fails keeps its meeting's items as the
/// last good pass stored them and makes the check a failure for the source's health.
///
/// Items: `meeting:<MId>`, `agenda:<MId>:<AI id | number | title>` and `document:<id>`.
///
/// Papers: each document new since the last pass (never on the baseline, which alerts
/// nothing) is fetched once, ever, kept under `<state>/papers/` and read (PDF, HTML or plain
/// text; anything else is unread and matched by its title). At most `papers.per_pass` are read
/// in one check; the others wait for the next one, their meeting page read again in full.
///
/// Alerts, one per case:
/// - a new meeting: `added` (agenda items and papers that arrive with it are folded into that
///   one alert; those matching the keywords are named, and quoted, in its summary);
/// - a meeting cancelled (or reinstated, or moved to another date): `changed`;
/// - what is published changing ("Agenda" → "Agenda and minutes"): `changed`;
/// - a new agenda item, or a new paper of an agenda item already known (minutes included):
///   `added`, only when its title, its agenda item's title or its text matches one of the
///   source's keywords (no keywords: none), quoting up to three sentences with their pages;
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

    /// How much of the papers is read.
    struct Papers: Sendable, Hashable {
        /// Pages of a PDF read; the rest is not, and the alert says so.
        var maxPages = 60
        /// A larger paper is not fetched whole, and not read.
        var maxBytes = 20_000_000
        /// Papers fetched in one check.
        var perPass = 30
    }

    let window: Window
    var papers = Papers()

    var checksParts: Bool { true }

    /// ModernGov is a UK product and its pages show UK local times.
    static let timeZone = TimeZone(identifier: "Europe/London") ?? TimeZone.current

    /// Fields kept for reference that never alert by themselves: the page's modification date
    /// and validators, and the list of keyword matches (which only annotates a new meeting's alert).
    static let silentFields: Set<String> = ["modified", "matches", "etag", "last_modified", "papers"]

    /// A meeting's `papers` field: its page was read by a version that reads papers. Papers
    /// that first appear as items under a meeting stored without it (the agenda front sheet,
    /// minutes and decisions, which older versions did not list) are recorded unread and
    /// silently, as on a baseline: they are not news.
    static let readsPapers = "read"

    /// Whether papers first seen under this stored meeting are new: its page was read by a
    /// version that reads papers, or never read at all.
    static func papersAreNews(_ meeting: Item) -> Bool {
        meeting.fields["papers"] != nil || meeting.fields["published"] == nil
    }

    /// Fields a paper's reading adds, kept from the pass that read it: a paper is read once.
    static let readingFields = ["matched", "quotes", "read"]

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
        return await read(list.meetings, fromList: true, context: context)
    }

    /// The list answered 304: it still lists the meetings the last good pass stored.
    func readParts(context: SourceContext) async -> SourceRead {
        let meetings = context.previousItems.values.filter { $0.key.hasPrefix("meeting:") }.compactMap(Self.meeting(from:))
            .sorted { $0.id < $1.id }
        return await read(meetings, fromList: false, context: context)
    }

    /// A stored meeting item as the list showed it.
    static func meeting(from item: Item) -> ModernGovParser.Meeting? {
        guard let date = item.fields["date"], let link = item.link else { return nil }
        return ModernGovParser.Meeting(
            id: String(item.key.dropFirst("meeting:".count)), dateText: date, link: link, status: item.fields["status"],
            cancelled: item.fields["cancelled"] != nil, committee: item.fields["committee"])
    }

    private func read(_ meetings: [ModernGovParser.Meeting], fromList: Bool, context: SourceContext) async -> SourceRead {
        let now = context.now
        let previous = context.previousItems
        let keywords = context.source.keywords
        let reader = ModernGovPaperReader(maxPages: papers.maxPages, maxBytes: papers.maxBytes)
        var collected = Collected()
        var failures: [SourceFailure] = []
        var documents: [StoredDocument] = []
        var budget = papers.perPass
        var papersRead: [String: [String: String]] = [:]

        for meeting in meetings {
            let key = "meeting:\(meeting.id)"
            var fields = Self.listFields(meeting)
            let date = ModernGovParser.date(from: meeting.dateText, timeZone: Self.timeZone)
            // Polite: a meeting's page is fetched only inside the window; an undated one never.
            // Its agenda items and documents then leave the stored items, silently.
            guard let date, window.contains(date, now: now) else {
                collected.append(Item(key: key, fields: Self.keepingPageFields(fields, from: previous[key])))
                continue
            }
            // The page's validators, only when its items were stored from it.
            let old = previous[key].flatMap { $0.fields["published"] != nil ? $0 : nil }
            switch await readMeetingPage(meeting.link, etag: old?.fields["etag"], lastModified: old?.fields["last_modified"], context: context) {
            case .success(.notModified):
                collected.append(Item(key: key, fields: Self.keepingPageFields(fields, from: previous[key])))
                Self.previousChildren(of: meeting.id, in: previous).forEach { collected.append($0) }
            case .success(.read(let meetingPage, let etag, let lastModified)):
                var children = Self.children(of: meeting, fields["title"] ?? meeting.dateText, meetingPage)
                let papersKnown = previous[key].map(Self.papersAreNews) ?? true
                let outcome = await readPapers(of: &children, reader: reader, budget: &budget, papersRead: &papersRead,
                                               reading: papersKnown, context: context)
                fields["papers"] = Self.readsPapers
                documents += outcome.documents
                fields["published"] = meetingPage.published
                fields["modified"] = meetingPage.modified
                if meetingPage.cancelled { fields["cancelled"] = "yes" }
                // Papers left for the next check are found there only if the page is read again in full.
                if !outcome.withheld {
                    fields["etag"] = etag
                    fields["last_modified"] = lastModified
                }
                let matches = Self.matchLines(children, keywords: keywords)
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
                failures.append(SourceFailure(failure.kind, "meeting page of \(meeting.dateText) (\(meeting.link)): \(failure.message)"))
                collected.append(Item(key: key, fields: Self.keepingPageFields(fields, from: previous[key])))
                Self.previousChildren(of: meeting.id, in: previous).forEach { collected.append($0) }
            }
        }

        // A meeting that dropped off the list because the list shows another span of dates
        // (ModernGov pages its list) has not been removed: keep it while it is recent.
        let listedDates = meetings.compactMap { ModernGovParser.date(from: $0.dateText, timeZone: Self.timeZone) }
        if fromList, let earliest = listedDates.min(), let latest = listedDates.max() {
            for (key, item) in previous.sorted(by: { $0.key < $1.key })
            where key.hasPrefix("meeting:") && !collected.keys.contains(key) {
                guard let date = item.fields["date"].flatMap({ ModernGovParser.date(from: $0, timeZone: Self.timeZone) }),
                      date < earliest || date > latest, !window.isTooOld(date, now: now) else { continue }
                collected.append(item)
                Self.previousChildren(of: String(key.dropFirst("meeting:".count)), in: previous).forEach { collected.append($0) }
            }
        }
        guard let first = failures.first else { return .items(collected.items, documents: documents) }
        let more = failures.count > 1 ? " (and \(failures.count - 1) more meeting pages)" : ""
        return .partial(collected.items, documents: documents, failure: SourceFailure(first.kind, first.message + more))
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

    enum MeetingPageRead {
        case notModified
        case read(ModernGovParser.MeetingPage, etag: String?, lastModified: String?)
    }

    private func readMeetingPage(_ url: String, etag: String?, lastModified: String?,
                                 context: SourceContext) async -> Result<MeetingPageRead, SourceFailure> {
        let response: HTTPResponse
        do {
            response = try await context.fetch(url, etag: etag, lastModified: lastModified)
        } catch let error as FetchError {
            return .failure(SourceFailure(.fetch, "\(error.kind.rawValue): \(error.message)"))
        } catch let error as RobotsDisallowed {
            return .failure(SourceFailure(.robots, error.reason))
        } catch {
            return .failure(SourceFailure(.fetch, "\(error)"))
        }
        if response.isNotModified, etag != nil || lastModified != nil { return .success(.notModified) }
        guard response.isSuccess else { return .failure(SourceFailure(.httpStatus, "HTTP \(response.status)")) }
        guard !response.body.isEmpty else { return .failure(SourceFailure(.structure, "empty body")) }
        let page = Page(url: response.url, status: response.status, contentType: response.header("Content-Type"), body: response.body)
        do {
            return .success(.read(try ModernGovParser.meetingPage(from: page), etag: response.header("ETag"),
                                  lastModified: response.header("Last-Modified")))
        } catch {
            return .failure(SourceFailure(.structure, error.description))
        }
    }

    /// Reads the meeting's new papers (those not in the last good pass's items) and records on
    /// each child what matched; children already known keep what their reading found.
    /// `withheld`: new papers left for a later check (this check's budget was spent); they are
    /// left out of the items, so they are still new then.
    private func readPapers(of children: inout [Item], reader: ModernGovPaperReader, budget: inout Int,
                            papersRead: inout [String: [String: String]], reading: Bool,
                            context: SourceContext) async -> (documents: [StoredDocument], withheld: Bool) {
        let previous = context.previousItems
        let keywords = context.source.keywords
        var documents: [StoredDocument] = []
        var withheld = Set<String>()
        var readings: [String: [String: String]] = [:]
        for child in children where child.key.hasPrefix("document:") && readings[child.key] == nil {
            if let old = previous[child.key] {
                readings[child.key] = old.fields.filter { Self.readingFields.contains($0.key) }
                continue
            }
            // Listed by another meeting read earlier in this check: read once.
            if let earlier = papersRead[child.key] {
                readings[child.key] = earlier
                continue
            }
            var text: PaperText?
            var note: String?
            // The baseline alerts nothing, so its papers are not read (test-source reads them).
            if (!context.isBaseline && reading) || context.readsAllDocuments, let link = child.link {
                let stored = context.storedDocuments[child.key]
                let retrying = stored.map { ModernGovPaperReader.shouldRetry($0, at: context.now) } ?? false
                if let stored, !retrying {
                    // Read by a check that did not finish, or given up on: not fetched again.
                    text = ModernGovPaperReader.storedText(stored)
                    note = stored.error
                    if context.readsAllDocuments { documents.append(stored) }
                } else if budget > 0 || context.readsAllDocuments, !Task.isCancelled {
                    budget -= 1
                    var paper = await reader.read(key: child.key, url: link, context: context)
                    // The first attempt's time bounds the retries.
                    if let stored { paper.document.fetchedAt = stored.fetchedAt }
                    context.keep(paper.document)
                    documents.append(paper.document)
                    if let error = paper.document.error {
                        context.logger.warning("paper not read", metadata: [
                            "source.id": "\(context.source.id)", "url": "\(link)", "error": "\(error)",
                        ])
                    }
                    // A failure that may pass: the paper stays out of the items, so it is still
                    // new, and tried again, at the next check (test-source shows it as it is).
                    if paper.mayRetry, ModernGovPaperReader.shouldRetry(paper.document, at: context.now), !context.readsAllDocuments {
                        withheld.insert(child.key)
                        continue
                    }
                    text = paper.text
                    note = paper.document.error
                } else {
                    withheld.insert(child.key)
                    continue
                }
            }
            readings[child.key] = Self.reading(child, text: text, note: note, keywords: keywords)
            papersRead[child.key] = readings[child.key]
        }
        if !withheld.isEmpty {
            context.logger.info("papers wait for the next check", metadata: [
                "source.id": "\(context.source.id)", "papers.waiting": "\(withheld.count)",
            ])
        }
        children.removeAll { withheld.contains($0.key) }
        // Each document's reading on the document; each agenda item's on the item, with its papers'.
        for index in children.indices {
            let child = children[index]
            if child.key.hasPrefix("document:") {
                children[index].fields.merge(readings[child.key] ?? [:]) { _, new in new }
            } else if child.key.hasPrefix("agenda:") {
                if let old = previous[child.key] {
                    children[index].fields.merge(old.fields.filter { Self.readingFields.contains($0.key) }) { _, new in new }
                    continue
                }
                let papers = children.filter { $0.key.hasPrefix("document:") && $0.fields["agenda"] == child.key }
                children[index].fields.merge(Self.agendaReading(child, papers: papers.map { ($0, readings[$0.key] ?? [:]) },
                                                                keywords: keywords)) { _, new in new }
            }
        }
        return (documents, !withheld.isEmpty)
    }

    /// What a paper's title, its agenda item's title and its text matched, with quotes.
    static func reading(_ document: Item, text: PaperText?, note: String?, keywords: [String]) -> [String: String] {
        var fields: [String: String] = [:]
        let (textMatched, quotes) = text?.quotes(for: keywords) ?? ([], [])
        let titles = [document.title, document.fields["item"]].compactMap { $0 }.joined(separator: " \n ")
        let titleMatched = Set(Keywords.matched(keywords, in: titles))
        let matched = keywords.filter { titleMatched.contains($0) || textMatched.contains($0) }
        if !matched.isEmpty { fields["matched"] = matched.joined(separator: "; ") }
        if !quotes.isEmpty { fields["quotes"] = quotes.map(quoteText).joined(separator: "\n") }
        if let note {
            fields["read"] = note.replacingOccurrences(of: ModernGovPaperReader.passingPrefix, with: "")
        } else if let cut = text?.cutShort {
            fields["read"] = cut
        }
        return fields
    }

    /// `page 3: "The Care Leavers Service will continue …"`
    static func quoteText(_ quote: PaperText.Quote) -> String {
        (quote.page.map { "page \($0): " } ?? "") + "\"\(quote.sentence)\""
    }

    /// An agenda item matches by its own title and description, its papers' titles, or what
    /// its papers matched; it quotes its papers (up to three sentences, each paper named).
    static func agendaReading(_ item: Item, papers: [(item: Item, reading: [String: String])], keywords: [String]) -> [String: String] {
        let own = Set(Keywords.matched(keywords, in: [item.title, item.fields["text"], item.fields["documents"]]
            .compactMap { $0 }.joined(separator: " \n ")))
        let fromPapers = Set(papers.flatMap { ($0.reading["matched"] ?? "").components(separatedBy: "; ") })
        let matched = keywords.filter { own.contains($0) || fromPapers.contains($0) }
        guard !matched.isEmpty else { return [:] }
        var fields = ["matched": matched.joined(separator: "; ")]
        let quotes = papers.flatMap { paper in
            (paper.reading["quotes"] ?? "").components(separatedBy: "\n").filter { !$0.isEmpty }
                .map { "\"\(paper.item.title ?? paper.item.key)\", \($0)" }
        }
        if !quotes.isEmpty { fields["quotes"] = quotes.prefix(3).joined(separator: "\n") }
        let notes = papers.compactMap { paper in paper.reading["read"].map { "\"\(paper.item.title ?? paper.item.key)\": \($0)" } }
        if !notes.isEmpty { fields["read"] = notes.joined(separator: "; ") }
        return fields
    }

    /// For a new meeting's alert: each matching agenda item and stand-alone paper, with what it
    /// matched and the first quote of its papers.
    static func matchLines(_ children: [Item], keywords: [String]) -> [String] {
        guard !keywords.isEmpty else { return [] }
        return children.compactMap { child -> String? in
            guard let matched = child.fields["matched"], !matched.isEmpty else { return nil }
            if child.key.hasPrefix("document:"), child.fields["agenda"] != nil { return nil }
            var line = "\(child.title ?? child.key) (\(matched.components(separatedBy: "; ").map { "\"\($0)\"" }.joined(separator: ", "))"
            let papers = child.key.hasPrefix("agenda:")
                ? children.filter { $0.fields["agenda"] == child.key } : [child]
            if let quote = papers.lazy.compactMap({ $0.fields["quotes"]?.components(separatedBy: "\n").first }).first {
                line += ": \(quote)"
            }
            return line + ")"
        }
    }

    /// The list's fields of a meeting whose page was not read this pass, with what its page
    /// said when last read: a page not read says nothing new, so nothing of it may flip (a
    /// heading vanishing, a cancellation only the page showed reading as "reinstated").
    static func keepingPageFields(_ listFields: [String: String], from old: Item?) -> [String: String] {
        guard let old else { return listFields }
        var fields = listFields
        for name in ["published", "modified", "matches", "etag", "last_modified", "papers"] { fields[name] = old.fields[name] }
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

    // MARK: Alerts

    func alert(for change: Change, source: SourceConfiguration, date: Date, stored: StoredSource) throws -> Alert? {
        let item: Item
        switch change {
        case .added(let new), .removed(let new), .changed(_, let new, _): item = new
        }
        if item.key.hasPrefix("meeting:") {
            return meetingAlert(for: change, source: source, date: date)
        }
        // Agenda items and papers: only new ones, only keyword matches, and only when no
        // other alert of this pass already covers them.
        guard case .added = change, !source.keywords.isEmpty, let meetingID = item.fields["meeting_id"],
              let matched = item.fields["matched"], !matched.isEmpty else { return nil }
        let previous = stored.items
        // A meeting new in this pass: its own alert covers what arrived with it.
        guard let meetingItem = previous["meeting:\(meetingID)"] else { return nil }
        // A meeting stored before papers were read: what first shows now is not news.
        guard Self.papersAreNews(meetingItem) else { return nil }
        if let agendaKey = item.fields["agenda"], previous[agendaKey] == nil {
            return nil  // its agenda item is new too, and that item's alert (which matches on its papers) covers it
        }
        return paperAlert(item, meeting: meetingItem, source: source, date: date)
    }

    /// `Harrow Cabinet, 12 February 2026: "Children's Services Improvement Plan" mentions
    /// "improvement notice"`; the summary adds the quoted sentences with their pages, what kept
    /// the paper from being read in full, and the link.
    func paperAlert(_ item: Item, meeting: Item, source: SourceConfiguration, date: Date) -> Alert {
        let words = (item.fields["matched"] ?? "").components(separatedBy: "; ").filter { !$0.isEmpty }
        let title = "\(Self.meetingHeading(meeting, source: source)): \"\(item.title ?? item.key)\" mentions \(Self.list(words.map { "\"\($0)\"" }))"
        var summary = title
        let quotes = (item.fields["quotes"] ?? "").components(separatedBy: "\n").filter { !$0.isEmpty }
        if !quotes.isEmpty { summary += " (\(quotes.joined(separator: "; ")))" }
        summary += "."
        if let note = item.fields["read"] {
            summary += " " + Self.readingNote(note, paper: item.key.hasPrefix("agenda:") ? "A paper of this item" : "The paper")
        }
        let url = item.link ?? meeting.link ?? source.url
        summary += " \(url)"
        return Alert(source: source.id, event: .added, title: title, url: url, detectedAt: date, key: item.key,
                     item: item.fields, summary: summary)
    }

    /// What a reading note means for the reader of an alert.
    static func readingNote(_ note: String, paper: String) -> String {
        if note.hasPrefix(ModernGovPaperReader.notFetchedPrefix) || note.hasPrefix(ModernGovPaperReader.notReadPrefix) {
            return "\(paper) could not be read (\(note)): matched by its title only."
        }
        return "\(paper) was cut short by a limit: \(note)."
    }

    /// "Harrow Cabinet, 12 February 2026": the source's name when the config gives one (it
    /// names the council, which ModernGov's "Cabinet" does not), else the committee's.
    static func meetingHeading(_ meeting: Item, source: SourceConfiguration) -> String {
        let committee = source.name != source.id ? source.name : meeting.fields["committee"] ?? source.name
        guard let text = meeting.fields["date"], let date = ModernGovParser.date(from: text, timeZone: timeZone) else {
            return committee
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = timeZone
        formatter.dateFormat = "d MMMM yyyy"
        return "\(committee), \(formatter.string(from: date))"
    }

    /// `"a"`, `"a" and "b"`, `"a", "b" and "c"`.
    static func list(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " and " + (words.last ?? "")
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

    /// Keys: `window` (`{past: 60d, future: 90d}`): which meetings' pages are read; `papers`
    /// (`{max_pages: 60, max_bytes: 20000000, per_pass: 30}`): how much of each new paper is
    /// read, and how many papers one check fetches.
    static let registration = SourceKindRegistration(name: "moderngov-committee", keys: ["window", "papers"]) { reader, map, path in
        var window = Window()
        if let node = map.value(for: "window") {
            let windowPath = "\(path).window"
            guard let inner = reader.mapping(node, at: windowPath) else { return nil }
            reader.checkKeys(inner, allowed: ["past", "future"], at: windowPath)
            if let past = reader.duration(inner, "past", at: windowPath, allowZero: true) { window.past = past }
            if let future = reader.duration(inner, "future", at: windowPath, allowZero: true) { window.future = future }
        }
        var papers = Papers()
        if let node = map.value(for: "papers") {
            let papersPath = "\(path).papers"
            guard let inner = reader.mapping(node, at: papersPath) else { return nil }
            reader.checkKeys(inner, allowed: ["max_pages", "max_bytes", "per_pass"], at: papersPath)
            if let pages = reader.integer(inner, "max_pages", at: papersPath, range: 1...2000) { papers.maxPages = pages }
            if let bytes = reader.integer(inner, "max_bytes", at: papersPath, range: 1024...2_000_000_000) { papers.maxBytes = bytes }
            if let perPass = reader.integer(inner, "per_pass", at: papersPath, range: 1...1000) { papers.perPass = perPass }
        }
        return ModernGovCommitteeKind(window: window, papers: papers)
    }
}

extension Runtime {
    /// `test-source` for a `moderngov-committee` source: for each meeting whose page was read
    /// (those within the window), its papers and which would match the keywords, with the
    /// sentences an alert would quote. `nil` for other kinds.
    public static func papersReport(_ source: SourceConfiguration, items: [Item]) -> [String]? {
        guard source.kind is ModernGovCommitteeKind else { return nil }
        let keywords = source.keywords
        var lines = ["keywords: " + (keywords.isEmpty ? "(none: no agenda item or paper alerts)" : keywords.map { "\"\($0)\"" }.joined(separator: ", "))]
        let meetings = items.filter { $0.key.hasPrefix("meeting:") && $0.fields["published"] != nil }
        if meetings.isEmpty { lines.append("no meeting within the window") }
        for meeting in meetings {
            let id = meeting.fields["meeting_id"] ?? String(meeting.key.dropFirst("meeting:".count))
            let papers = items.filter { $0.key.hasPrefix("document:") && $0.fields["meeting_id"] == id }
            let matching = papers.filter { $0.fields["matched"] != nil }.count
            var heading = "\(ModernGovCommitteeKind.meetingHeading(meeting, source: source)) (\(meeting.fields["published"] ?? "")): "
            heading += "\(papers.count) paper\(papers.count == 1 ? "" : "s"), \(matching) would match"
            lines.append(heading)
            for paper in papers {
                var line = "  - \"\(paper.title ?? paper.key)\""
                if let item = paper.fields["item"] { line += " (item: \(item))" }
                if let matched = paper.fields["matched"] {
                    line += ": would match " + ModernGovCommitteeKind.list(matched.components(separatedBy: "; ").map { "\"\($0)\"" })
                } else {
                    line += ": no match"
                }
                lines.append(line)
                if let note = paper.fields["read"] { lines.append("      \(note)") }
                for quote in (paper.fields["quotes"] ?? "").components(separatedBy: "\n") where !quote.isEmpty {
                    lines.append("      \(quote)")
                }
                if let link = paper.link { lines.append("      \(link)") }
            }
        }
        return lines
    }
}
