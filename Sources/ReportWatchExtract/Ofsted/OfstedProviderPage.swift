import Foundation
import ReportWatchCore

/// Reads an Ofsted provider page (`https://reports.ofsted.gov.uk/provider/44/{URN}`): the
/// provider's name and its published reports.
///
/// The markup, as independent scrapers of the site record it (DESIGN.md): events sit in
/// `li.timeline__day` elements, newest first, each with `p.timeline__date time` holding the
/// event date; a report is an `a.publication-link` whose `href` is the PDF at
/// `https://files.ofsted.gov.uk/v1/file/{id}` and whose `span.nonvisual` reads
/// `"<report type>, PDF - <dd Month yyyy>"` (the publication date). Events without a
/// publication link ("Registration") are not reports.
///
/// Pure parsing, no I/O. A page without any `a.publication-link` is not read as "no reports"
/// here or anywhere: ``reportLinkCount`` lets the caller tell a changed page from an empty one.
public enum OfstedProviderPage {
    /// One report as the provider page lists it.
    public struct Report: Sendable, Hashable {
        /// The file id from the link (`.../v1/file/{id}`): the report's stable key.
        public var fileID: String
        /// The PDF's address, resolved against the page.
        public var link: String
        /// "Children's services inspection", "Monitoring visit", ...
        public var type: String
        /// The publication date from the link's hidden text, at 00:00 UTC; nil when unreadable.
        public var published: Date?
        /// The enclosing timeline day's date, at 00:00 UTC; nil when there is none.
        public var eventDate: Date?

        public init(fileID: String, link: String, type: String, published: Date?, eventDate: Date?) {
            self.fileID = fileID
            self.link = link
            self.type = type
            self.published = published
            self.eventDate = eventDate
        }
    }

    public struct Listing: Sendable, Hashable {
        /// The page's `h1` (else its `<title>` before any " - "), whitespace-normalised.
        public var providerName: String?
        /// Reports in page order, each file id once.
        public var reports: [Report] = []
        /// Every `a.publication-link` found, with or without a usable file id.
        public var reportLinkCount = 0
        /// Publication links whose `href` carries no file id (passed over).
        public var linksWithoutFileID = 0
    }

    public static func listing(from page: Page) throws(ExtractError) -> Listing {
        try listing(in: HTMLDocument(bytes: page.body, url: page.url, charset: page.declaredCharset))
    }

    public static func listing(in document: HTMLDocument) throws(ExtractError) -> Listing {
        do {
            var listing = Listing()
            listing.providerName = try providerName(in: document)
            let hidden = try XPathExpression("string((.//span[\(hasClass("nonvisual"))])[1])")
            let eventTime = try XPathExpression(
                "(ancestor::li[\(hasClass("timeline__day"))][1]//p[\(hasClass("timeline__date"))]//time)[1]")
            var seen = Set<String>()
            for link in try document.nodes(XPathExpression("//a[\(hasClass("publication-link"))]")) {
                listing.reportLinkCount += 1
                guard let href = link.attribute("href"), let id = fileID(fromLink: href) else {
                    listing.linksWithoutFileID += 1
                    continue
                }
                guard seen.insert(id).inserted else { continue }
                let label = Text.normalise(try document.string(hidden, in: link) ?? "")
                let linkText = Text.normalise(link.text)
                let described = describe(label)
                // Without the hidden label, the visible text (less any label inside it) names the type.
                var type = described.type
                if type.isEmpty {
                    type = linkText.replacingOccurrences(of: label, with: "").trimmingCharacters(in: .whitespaces)
                }
                if type.isEmpty { type = "Report" }
                var eventDate: Date?
                if let time = try document.nodes(eventTime, in: link).first {
                    eventDate = time.attribute("datetime").flatMap(isoDay) ?? day(fromText: Text.normalise(time.text))
                }
                listing.reports.append(Report(
                    fileID: id, link: document.resolve(href), type: type, published: described.published,
                    eventDate: eventDate))
            }
            return listing
        } catch {
            throw .xpath(error)
        }
    }

    /// `"Children's services inspection, PDF - 04 March 2025"` → the type and the date. "pdf"
    /// is matched in any letter case, and the dash may be a hyphen, en or em dash.
    public static func describe(_ label: String) -> (type: String, published: Date?) {
        let text = Text.normalise(label)
        guard let marker = text.range(of: ", pdf", options: [.caseInsensitive, .backwards])
            ?? text.range(of: " pdf", options: [.caseInsensitive, .backwards])
        else {
            return (text, nil)
        }
        let type = String(text[..<marker.lowerBound]).trimmingCharacters(in: CharacterSet(charactersIn: " ,"))
        let rest = text[marker.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " -–—:,"))
        return (type, day(fromText: rest))
    }

    /// The file id of `https://files.ofsted.gov.uk/v1/file/{id}` (any host, so a mirror or a
    /// test server reads the same), without query or fragment.
    public static func fileID(fromLink href: String) -> String? {
        var path = href.trimmingCharacters(in: .whitespacesAndNewlines)
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let index = parts.lastIndex(where: { $0.lowercased() == "file" }), index + 1 < parts.count else {
            return nil
        }
        let id = parts[index + 1]
        guard !id.isEmpty, id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        return String(id)
    }

    /// "04 March 2025", "4 Mar 2025" → the day at 00:00 UTC.
    public static func day(fromText text: String) -> Date? {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "," })
        guard words.count >= 3 else { return nil }
        for start in 0...(words.count - 3) {
            guard let day = Int(words[start]), let month = CalendarDay.month(named: String(words[start + 1])),
                  let year = Int(words[start + 2]) else { continue }
            if let date = CalendarDay.date(year: year, month: month, day: day) { return date }
        }
        return nil
    }

    /// `2025-03-04` (optionally followed by a time) → the day at 00:00 UTC.
    public static func isoDay(_ text: String) -> Date? {
        let parts = text.prefix(10).split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
              let day = Int(parts[2]) else { return nil }
        return CalendarDay.date(year: year, month: month, day: day)
    }

    /// `2025-03-04`, for item fields: stable and sortable.
    public static func isoText(_ date: Date) -> String {
        guard let c = CalendarDay.components(of: date) else { return "" }
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(c.year)-\(two(c.month))-\(two(c.day))"
    }

    private static func providerName(in document: HTMLDocument) throws(XPathError) -> String? {
        if let heading = try document.string(XPathExpression("(//h1)[1]")).map(Text.normalise), !heading.isEmpty {
            return heading
        }
        guard let title = try document.string(XPathExpression("(//title)[1]")).map(Text.normalise), !title.isEmpty else {
            return nil
        }
        // "Harrow - Open - Find an Inspection Report - Ofsted": the provider is the first part.
        let first = title.components(separatedBy: " - ").first?.trimmingCharacters(in: .whitespaces) ?? title
        return first.isEmpty ? nil : first
    }

    /// XPath for "the class attribute contains this word", as CSS's `.name` means it.
    static func hasClass(_ name: String) -> String {
        "contains(concat(' ', normalize-space(@class), ' '), ' \(name) ')"
    }
}
