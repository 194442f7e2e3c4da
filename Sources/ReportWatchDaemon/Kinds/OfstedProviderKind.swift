import Foundation
import Logging
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore

/// `kind: ofsted-provider`: an Ofsted provider page (`https://reports.ofsted.gov.uk/provider/44/{URN}`,
/// a council's children's services), whose items are its reports, keyed by the PDF's file id.
///
/// Each report's PDF is fetched once, ever (the baseline pass included, so the first new report
/// can be compared with the last one), kept under `<state>/reports/<sha256>.pdf`, and read for
/// its findings. A new report's alert says what the report itself says: dates, each grade
/// against the same provider's previous graded report, what needs to improve and the link; or
/// that the report could not be read. A letter's alert (monitoring or focused visit, JTAI) names
/// its areas for priority action in its title, gives its headline findings and its points to
/// improve, each marked new or remaining beside the provider's previous letter; it never has a
/// grade. Nothing is ever guessed.
///
/// Item fields: `title` and `type` (the report type), `published` and `event_date`
/// (`yyyy-mm-dd`), `link` (the PDF) and `provider` (the page's heading).
struct OfstedProviderKind: SourceKind {
    /// The council's name for messages; else the page's heading, else the report's own words.
    let council: String?
    /// The most PDFs fetched in one pass, newest first; the rest wait for the next passes, so a
    /// provider with a long history is read politely over a few passes.
    let documentsPerPass: Int
    let reader: OfstedReportReader

    static let defaultDocumentsPerPass = 10

    init(council: String?, documentsPerPass: Int = Self.defaultDocumentsPerPass, reader: OfstedReportReader = OfstedReportReader()) {
        self.council = council
        self.documentsPerPass = documentsPerPass
        self.reader = reader
    }

    /// Fields whose change alone says nothing about a report: a new heading, a timeline date
    /// moved by an edit of the page.
    static let silentFields: Set<String> = ["provider", "event_date"]

    /// Reports are parts of the page: those beyond a pass's budget, and those whose fetch failed
    /// and is due again, must be read even while the page itself answers 304.
    var checksParts: Bool { true }

    // MARK: Reading

    func read(_ page: Page, context: SourceContext) async -> SourceRead {
        let listing: OfstedProviderPage.Listing
        do {
            listing = try OfstedProviderPage.listing(from: page)
        } catch {
            return .failure(SourceFailure(.structure, error.description))
        }
        // A 200 page without report links is a changed page (a JavaScript shell, an error or
        // maintenance page), never "no reports".
        guard listing.reportLinkCount > 0 else {
            return .failure(SourceFailure(.structure, "no a.publication-link on the page: it is not an Ofsted provider page as expected"))
        }
        guard !listing.reports.isEmpty else {
            return .failure(SourceFailure(.structure,
                "\(listing.reportLinkCount) a.publication-link, none with a file id (…/v1/file/{id}) in its href"))
        }

        let items = listing.reports.map { Self.item(for: $0, provider: listing.providerName) }
        let documents = await readDocuments(listing.reports, context: context)
        return .items(items, documents: documents)
    }

    /// The page answered 304: it still lists the reports the last good pass stored. Those still
    /// waiting to be read are read now; with none, the items are as stored and the check is quiet.
    func readParts(context: SourceContext) async -> SourceRead {
        let items = context.previousItems.values.sorted { $0.key < $1.key }
        let reports = items.compactMap(Self.report(from:))
        let documents = await readDocuments(reports, context: context)
        return .items(items, documents: documents)
    }

    /// A stored report item as the page listed it.
    static func report(from item: Item) -> OfstedProviderPage.Report? {
        guard let link = item.fields["link"] else { return nil }
        return OfstedProviderPage.Report(
            fileID: item.key, link: link, type: item.fields["type"] ?? item.title ?? "Report",
            published: item.fields["published"].flatMap(OfstedProviderPage.isoDay),
            eventDate: item.fields["event_date"].flatMap(OfstedProviderPage.isoDay))
    }

    static func item(for report: OfstedProviderPage.Report, provider: String?) -> Item {
        var fields = ["title": report.type, "type": report.type, "link": report.link]
        if let published = report.published { fields["published"] = OfstedProviderPage.isoText(published) }
        if let event = report.eventDate { fields["event_date"] = OfstedProviderPage.isoText(event) }
        if let provider, !provider.isEmpty { fields["provider"] = provider }
        return Item(key: report.fileID, fields: fields)
    }

    /// The reports not yet stored (or whose fetch failed long enough ago), newest first, at most
    /// `documentsPerPass` of them, one after another through the source's politeness.
    private func readDocuments(_ reports: [OfstedProviderPage.Report], context: SourceContext) async -> [StoredDocument] {
        let now = context.now
        let wanted = reports.enumerated().filter { _, report in
            guard let stored = context.storedDocuments[report.fileID] else { return true }
            return OfstedReportReader.shouldRefetch(stored, at: now)
        }
        // Newest first by publication date; undated ones after, in page order (newest first).
        let ordered = wanted.sorted { lhs, rhs in
            switch (lhs.element.published, rhs.element.published) {
            case let (l?, r?) where l != r: return l > r
            case (.some, nil): return true
            case (nil, .some): return false
            default: return lhs.offset < rhs.offset
            }
        }.map(\.element)
        if ordered.count > documentsPerPass {
            context.logger.info("reading the newest reports first; the rest wait for the next passes", metadata: [
                "source.id": "\(context.source.id)", "reports.waiting": "\(ordered.count - documentsPerPass)",
            ])
        }
        var documents: [StoredDocument] = []
        for report in ordered.prefix(documentsPerPass) {
            if Task.isCancelled { break }
            let document = await reader.read(key: report.fileID, url: report.link, published: report.published, context: context)
            if let error = document.error {
                context.logger.warning("report not read", metadata: [
                    "source.id": "\(context.source.id)", "url": "\(report.link)", "error": "\(error)",
                ])
            }
            documents.append(document)
        }
        return documents
    }

    // MARK: Alerts

    func alert(for change: Change, source: SourceConfiguration, date: Date, stored: StoredSource) throws -> Alert? {
        switch change {
        case .added(let item):
            if !source.keywords.isEmpty, !Keywords.matches(source.keywords, in: item) { return nil }
            return try newReportAlert(item, source: source, date: date, documents: stored.documents())
        case .changed(_, _, let fields):
            // Reordering and edits of the heading or the timeline say nothing new about a report.
            guard fields.contains(where: { !Self.silentFields.contains($0.name) }) else { return nil }
            return SourceChecker.genericAlert(for: change, source: source, date: date)
        case .removed:
            return SourceChecker.genericAlert(for: change, source: source, date: date)
        }
    }

    func newReportAlert(_ item: Item, source: SourceConfiguration, date: Date, documents: [String: StoredDocument]) -> Alert {
        let document = documents[item.key]
        let findings = document?.error == nil ? document?.findings : nil
        let type = item.fields["type"] ?? item.title ?? "Report"
        let published = item.fields["published"].flatMap(OfstedProviderPage.isoDay) ?? document?.published
        let councilName = council ?? item.fields["provider"] ?? findings?.localAuthority ?? source.name
        let link = item.link ?? document?.url ?? source.url

        if let findings, let letterType = findings.letterType {
            // A letter: what it found and what must improve, beside the previous letter's
            // points; never a grade.
            let previous = Self.previousReport(before: item.key, published: published, findings: findings, in: documents) {
                $0.letterType != nil
            }
            let summary = OfstedLetterHeadline.text(
                council: councilName, reportType: type, published: published, findings: findings,
                previous: previous?.findings, previousPublished: previous?.published, link: link)
            return Alert(
                source: source.id, event: .added,
                title: OfstedLetterHeadline.title(type: letterType, itemType: type, council: councilName, findings: findings),
                url: link, detectedAt: date, key: item.key, item: item.fields, summary: summary, findings: findings)
        }

        var comparisons: [JudgementComparison] = []
        if let findings, findings.isGraded {
            let previous = Self.previousGradedReport(before: item.key, published: published, findings: findings, in: documents)
            comparisons = findings.compared(with: previous?.findings, previousPublished: previous?.published)
        }
        let summary = OfstedHeadline.text(
            council: councilName, reportType: type, published: published, findings: findings,
            comparisons: comparisons, link: link)
        return Alert(
            source: source.id, event: .added,
            title: Self.title(type: type, council: councilName, findings: findings, unreadable: findings == nil),
            url: link, detectedAt: date, key: item.key, item: item.fields, summary: summary, findings: findings,
            comparisons: comparisons.isEmpty ? nil : comparisons)
    }

    /// "Ofsted: new children's services inspection report for Harrow — Inadequate".
    static func title(type: String, council: String, findings: ReportFindings?, unreadable: Bool) -> String {
        var title = "Ofsted: new \(lowercasedFirst(type)) report for \(council)"
        if unreadable {
            title += " — could not be read"
        } else if let overall = findings?.overall {
            title += " — \(overall.grade.rawValue)"
        } else if let findings, findings.isGraded {
            title += " — no overall effectiveness judgement"
        }
        return title
    }

    /// "Children's services inspection" → "children's services inspection"; "SEND …" stays.
    static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        let second = text.dropFirst().first
        if let second, second.isUppercase { return text }
        return first.lowercased() + text.dropFirst()
    }

    /// The same provider's latest graded report published before this one (by publication date,
    /// else the last inspection day), other than this one.
    static func previousGradedReport(before key: String, published: Date?, findings: ReportFindings,
                                     in documents: [String: StoredDocument]) -> StoredDocument? {
        previousReport(before: key, published: published, findings: findings, in: documents) { $0.isGraded }
    }

    /// The same provider's latest readable report matching `kind`, published before this one.
    static func previousReport(before key: String, published: Date?, findings: ReportFindings,
                               in documents: [String: StoredDocument],
                               where kind: (ReportFindings) -> Bool) -> StoredDocument? {
        func when(_ document: StoredDocument) -> Date? {
            document.published ?? document.findings?.inspectionEnd ?? document.findings?.inspectionStart
        }
        guard let reference = published ?? findings.inspectionEnd ?? findings.inspectionStart else { return nil }
        var best: (document: StoredDocument, date: Date)?
        for document in documents.values where document.key != key && document.error == nil {
            guard let findings = document.findings, kind(findings), let date = when(document), date < reference else { continue }
            // Ties (two reports the same day) go to the larger key, so the choice is stable.
            if let current = best, current.date > date || (current.date == date && current.document.key > document.key) {
                continue
            }
            best = (document, date)
        }
        return best?.document
    }

    // MARK: Configuration

    /// Keys: `council` (the name for messages; default: the page's heading) and
    /// `documents_per_pass` (most report PDFs fetched in one pass, newest first; default 10).
    static let registration = SourceKindRegistration(name: "ofsted-provider", keys: ["council", "documents_per_pass"]) { reader, map, path in
        let council = reader.string(map, "council", at: path).map(Text.normalise).flatMap { $0.isEmpty ? nil : $0 }
        let perPass = reader.integer(map, "documents_per_pass", at: path, range: 1...100) ?? defaultDocumentsPerPass
        return OfstedProviderKind(council: council, documentsPerPass: perPass)
    }
}
