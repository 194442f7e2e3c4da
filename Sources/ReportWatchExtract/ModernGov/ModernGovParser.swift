import Foundation
import ReportWatchCore

/// Reads ModernGov committee sites (most English councils' committee pages): the committee's
/// meeting list (`ieListMeetings.aspx`) and one meeting's page (`ieListDocuments.aspx`).
///
/// Pure parsing, no I/O. Everything is found by ModernGov's own class names and ids, never by
/// position or by the committee's name, so a page whose wording was edited still reads the same.
public enum ModernGovParser {
    /// One meeting as the committee's list shows it.
    public struct Meeting: Sendable, Hashable {
        /// The meeting id (`MId`, `MID` or `MeetingId` in the link).
        public var id: String
        /// The date as the link shows it, whitespace-normalised: `15 Jan 2026 7:30 pm`.
        public var dateText: String
        /// The link to the meeting's page, resolved against the list's URL.
        public var link: String
        /// What follows the link: `Agenda, Decisions, Minutes`, `CANCELLED`; `nil` when nothing.
        public var status: String?
        public var cancelled: Bool
        /// The committee's name, from the page's subtitle or else the link's title.
        public var committee: String?

        public init(id: String, dateText: String, link: String, status: String?, cancelled: Bool, committee: String?) {
            self.id = id
            self.dateText = dateText
            self.link = link
            self.status = status
            self.cancelled = cancelled
            self.committee = committee
        }
    }

    /// The meetings of a list page, in page order, each id once.
    public struct MeetingList: Sendable, Hashable {
        public var meetings: [Meeting] = []
        /// Meeting links whose href carries no meeting id (passed over).
        public var linksWithoutID = 0
    }

    /// A report or other document of a meeting (`documents/s{id}/...`).
    public struct Document: Sendable, Hashable {
        /// The numeric id after `documents/s`.
        public var id: String
        public var title: String
        public var link: String
    }

    /// One row of the meeting's item table.
    public struct AgendaItem: Sendable, Hashable {
        /// ModernGov's agenda item id, from the row's `<a name="AI51890">` anchor. Unlike the
        /// number, it survives the renumbering to minute numbers when minutes are published.
        public var anchor: String?
        /// The number as shown, without its trailing dot: `54`.
        public var number: String?
        public var title: String
        /// The item's description: the `div.mgWordPara` text before any "Decision:" or
        /// "Minutes:" heading, so publishing minutes does not change it.
        public var text: String
        /// The title's own link (usually the main report), resolved.
        public var link: String?
        /// The documents linked from the row, in page order, each id once.
        public var documents: [Document]

        /// What identifies the item within its meeting: the anchor, else the number, else the title.
        public var identifier: String { anchor ?? number ?? title }
    }

    /// What a meeting's page says.
    public struct MeetingPage: Sendable, Hashable {
        /// `h1.mgMainTitleTxt`: "Agenda", "Agenda and minutes", "Agenda, decisions and minutes",
        /// "Meeting" (nothing published, or cancelled).
        public var published: String
        /// The first `.mgSubTitleTxt`: "Committee - Thursday 15 January 2026 7:30 pm[, CANCELLED]".
        public var subtitle: String?
        public var cancelled: Bool
        /// `<meta name="DC.date.modified">`: a cheap change signal, never a change by itself.
        public var modified: String?
        public var agendaItems: [AgendaItem] = []
        /// Documents linked outside the item table.
        public var otherDocuments: [Document] = []
    }

    // MARK: Pages

    public static func meetingList(from page: Page) throws(ExtractError) -> MeetingList {
        try meetingList(in: HTMLDocument(bytes: page.body, url: page.url, charset: page.declaredCharset))
    }

    public static func meetingList(in document: HTMLDocument) throws(ExtractError) -> MeetingList {
        do {
            let pageCommittee = try document.string(XPathExpression("(//*[\(hasClass("mgSubTitleTxt"))])[1]"))
                .map(Text.normalise).flatMap { $0.isEmpty ? nil : $0 }
            let following = try XPathExpression("following-sibling::node()")
            var list = MeetingList()
            var seen = Set<String>()
            for link in try document.nodes(XPathExpression("//a[\(hasClass("mgMeetingTableLnk"))]")) {
                guard let href = link.attribute("href"), let id = meetingID(fromLink: href) else {
                    list.linksWithoutID += 1
                    continue
                }
                guard seen.insert(id).inserted else { continue }
                let linkText = Text.normalise(link.text)
                let after = Text.normalise(try document.nodes(following, in: link).map(\.text).joined())
                let status = after.trimmingCharacters(in: CharacterSet(charactersIn: "-–,: "))
                let cancelled = isCancelled(status) || isCancelled(linkText)
                list.meetings.append(Meeting(
                    id: id,
                    dateText: strippingCancellation(linkText),
                    link: resolve(href, in: document),
                    status: status.isEmpty ? nil : status,
                    cancelled: cancelled,
                    committee: pageCommittee ?? committee(fromLinkTitle: link.attribute("title"))))
            }
            return list
        } catch {
            throw .xpath(error)
        }
    }

    /// Reads a meeting's page. A page without `h1.mgMainTitleTxt` is not a ModernGov meeting
    /// page (an error page, a login wall) and throws, so it is never read as "no items".
    public static func meetingPage(from page: Page) throws(ExtractError) -> MeetingPage {
        try meetingPage(in: HTMLDocument(bytes: page.body, url: page.url, charset: page.declaredCharset))
    }

    public static func meetingPage(in document: HTMLDocument) throws(ExtractError) -> MeetingPage {
        do {
            let heading = try document.string(XPathExpression("(//h1[\(hasClass("mgMainTitleTxt"))])[1]")).map(Text.normalise)
            guard let heading, !heading.isEmpty else {
                throw ExtractError.unparseable(url: document.url, message: "no h1.mgMainTitleTxt: not a ModernGov meeting page")
            }
            let subtitle = try document.string(XPathExpression("(//*[\(hasClass("mgSubTitleTxt"))])[1]"))
                .map(Text.normalise).flatMap { $0.isEmpty ? nil : $0 }
            let modified = try document.string(XPathExpression("//meta[@name='DC.date.modified']/@content"))
                .map(Text.normalise).flatMap { $0.isEmpty ? nil : $0 }
            var result = MeetingPage(
                published: heading, subtitle: subtitle,
                cancelled: subtitle.map(isCancelled) ?? false,
                modified: modified)

            var seenDocuments = Set<String>()
            let table = "//table[@id='mgItemTable' or \(hasClass("mgItemTable"))]"
            // Direct rows only (with or without an implied tbody): rows of the "Recorded Vote"
            // tables nested inside an item are not items.
            let rows = try XPathExpression("\(table)/tr[td//p[\(hasClass("mgAiTitleTxt"))]] | \(table)/tbody/tr[td//p[\(hasClass("mgAiTitleTxt"))]]")
            let numberCell = try XPathExpression("td[\(hasClass("mgItemNumberCell"))]")
            let anchor = try XPathExpression("string((.//a[starts-with(@name, 'AI')]/@name)[1])")
            let titleParagraph = try XPathExpression("(td[not(\(hasClass("mgItemNumberCell")))]//p[\(hasClass("mgAiTitleTxt"))])[1]")
            let titleLink = try XPathExpression("(.//a[@href])[1]")
            let description = try XPathExpression(
                ".//div[\(hasClass("mgWordPara"))][not(ancestor::div[\(hasClass("mgWordPara"))])]"
                    + "[not(preceding-sibling::p[\(hasClass("mgSubItemTitleTxt"))])]")
            let documentLinks = try XPathExpression(".//a[@href]")
            for row in try document.nodes(rows) {
                let numberText = try document.nodes(numberCell, in: row).first.map { Text.normalise($0.text) } ?? ""
                let number = numberText.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                let anchorName = try document.string(anchor, in: row) ?? ""
                guard let paragraph = try document.nodes(titleParagraph, in: row).first else { continue }
                let title = try visibleText(of: paragraph)
                guard !title.isEmpty else { continue }
                let ownLink = try document.nodes(titleLink, in: paragraph).first?.attribute("href")
                let text = try document.nodes(description, in: row).map { Text.normalise($0.text) }
                    .filter { !$0.isEmpty }.joined(separator: " ")
                var documents: [Document] = []
                for link in try document.nodes(documentLinks, in: row) {
                    guard let found = try self.document(link, in: document), seenDocuments.insert(found.id).inserted
                    else { continue }
                    documents.append(found)
                }
                result.agendaItems.append(AgendaItem(
                    anchor: anchorName.isEmpty ? nil : anchorName,
                    number: number.isEmpty ? nil : number,
                    title: title, text: text,
                    link: ownLink.map { resolve($0, in: document) },
                    documents: documents))
            }
            for link in try document.nodes(XPathExpression("//a[@href][not(ancestor::table[@id='mgItemTable' or \(hasClass("mgItemTable"))])]")) {
                guard let found = try self.document(link, in: document), seenDocuments.insert(found.id).inserted
                else { continue }
                result.otherDocuments.append(found)
            }
            return result
        } catch let error as XPathError {
            throw .xpath(error)
        } catch let error as ExtractError {
            throw error
        } catch {
            throw .unparseable(url: document.url, message: "\(error)")
        }
    }

    // MARK: Links

    /// The meeting id in a link, whichever way the site spells the parameter (`MId`, `MID`,
    /// `MeetingId`, in any case), so the key stays the same when `Ver=` or the spelling changes.
    public static func meetingID(fromLink link: String) -> String? {
        guard let question = link.firstIndex(of: "?") else { return nil }
        var query = link[link.index(after: question)...]
        if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            var name = parts[0].lowercased()
            // An href escaped twice (`&amp;amp;MId=`) leaves "amp;" in front of the name.
            if name.hasPrefix("amp;") { name.removeFirst(4) }
            guard name == "mid" || name == "meetingid" else { continue }
            let value = String(parts[1]).removingPercentEncoding ?? String(parts[1])
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }

    /// The id of a ModernGov document link (`documents/s112217/Report.pdf` → `112217`); `nil`
    /// for anything else, including meeting-level packs under `documents/g...`.
    public static func documentID(fromLink link: String) -> String? {
        guard let range = link.range(of: "documents/s", options: .caseInsensitive) else { return nil }
        let rest = link[range.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, rest.dropFirst(digits.count).first == "/" else { return nil }
        return String(digits)
    }

    // MARK: Dates

    /// The time a ModernGov date text names: `15 Jan 2026 7:30 pm`, `Thursday 15 January 2026
    /// 7.30 pm`, `3 Mar 2026` (midnight). `nil` when it names no valid day.
    public static func date(from text: String, timeZone: TimeZone) -> Date? {
        let tokens = Text.normalise(text).lowercased()
            .split { $0 == " " || $0 == "," }
            .map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var hour = 0
        var minute = 0
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if month == nil, let number = monthNumber(token) {
                month = number
            } else if token.count == 4, let number = Int(token) {
                year = number
            } else if day == nil, let number = Int(stripOrdinal(token)), (1...31).contains(number) {
                day = number
            } else if let time = clockTime(token, next: index < tokens.count ? tokens[index] : nil) {
                (hour, minute) = (time.hour, time.minute)
                if time.usedNext { index += 1 }
            }
        }
        guard let day, let month, let year else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { return nil }
        return date
    }

    /// The date text without its time: `15 Jan 2026 7:30 pm` → `15 Jan 2026`.
    public static func dayText(_ text: String) -> String {
        let normalised = Text.normalise(text)
        let words = normalised.split(separator: " ")
        guard let year = words.firstIndex(where: { $0.count == 4 && Int($0) != nil }) else { return normalised }
        return words[...year].joined(separator: " ")
    }

    private static let months = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    private static func monthNumber(_ token: String) -> Int? {
        let word = token.trimmingCharacters(in: CharacterSet(charactersIn: "."))
        guard word.count >= 3 else { return nil }
        return months.firstIndex { $0.hasPrefix(word) }.map { $0 + 1 }
    }

    private static func stripOrdinal(_ token: String) -> String {
        for suffix in ["st", "nd", "rd", "th"] where token.hasSuffix(suffix) {
            return String(token.dropLast(2))
        }
        return token
    }

    /// `7:30`, `7.30`, `19:30`, `7:30pm`, `7pm`, optionally followed by `am`/`pm`/`a.m.`/`p.m.`.
    private static func clockTime(_ token: String, next: String?) -> (hour: Int, minute: Int, usedNext: Bool)? {
        func meridiem(_ text: String) -> String? {
            let letters = text.filter(\.isLetter)
            return letters == "am" || letters == "pm" ? letters : nil
        }
        var body = token
        var suffix: String?
        var usedNext = false
        if let marker = body.firstIndex(where: \.isLetter) {
            suffix = meridiem(String(body[marker...]))
            guard suffix != nil else { return nil }
            body = String(body[..<marker])
        } else if let next, let value = meridiem(next) {
            suffix = value
            usedNext = true
        }
        let parts = body.split { $0 == ":" || $0 == "." }
        guard (1...2).contains(parts.count), let hour = Int(parts[0]),
              let minute = parts.count == 2 ? Int(parts[1]) : 0, (0..<60).contains(minute) else { return nil }
        // A bare number without ":" or am/pm is not a time (it would be a day or year).
        guard parts.count == 2 || suffix != nil else { return nil }
        switch suffix {
        case "am":
            guard (1...12).contains(hour) else { return nil }
            return (hour == 12 ? 0 : hour, minute, usedNext)
        case "pm":
            guard (1...12).contains(hour) else { return nil }
            return (hour == 12 ? 12 : hour + 12, minute, usedNext)
        default:
            guard (0..<24).contains(hour) else { return nil }
            return (hour, minute, usedNext)
        }
    }

    // MARK: Helpers

    /// XPath for "the class attribute contains this word", as CSS's `.name` means it.
    static func hasClass(_ name: String) -> String {
        "contains(concat(' ', normalize-space(@class), ' '), ' \(name) ')"
    }

    static func isCancelled(_ text: String) -> Bool {
        text.range(of: "cancelled", options: .caseInsensitive) != nil
    }

    /// "15 Jan 2026 7:30 pm - CANCELLED" → "15 Jan 2026 7:30 pm", for sites that put the mark
    /// inside the link.
    static func strippingCancellation(_ text: String) -> String {
        guard let range = text.range(of: "cancelled", options: [.caseInsensitive, .backwards]) else { return text }
        let before = text[..<range.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: "-–,:() "))
        return before.isEmpty ? text : before
    }

    /// "Link to meeting details for Cabinet meeting of 15 Jan 2026" → "Cabinet".
    static func committee(fromLinkTitle title: String?) -> String? {
        guard let title = title.map(Text.normalise),
              let forRange = title.range(of: " for "),
              let ofRange = title.range(of: " meeting of ", options: .backwards),
              forRange.upperBound < ofRange.lowerBound else { return nil }
        let name = title[forRange.upperBound..<ofRange.lowerBound].trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    /// The text a reader sees as the title: without ModernGov's file-size badge ("PDF 99 KB")
    /// and screen-reader-only suffixes (", item 59.").
    static func visibleText(of node: HTMLNode) throws(XPathError) -> String {
        let expression = try XPathExpression(
            ".//text()[not(ancestor::*[\(hasClass("mgFileSize")) or \(hasClass("mgHide"))])]")
        return Text.normalise(try node.document.nodes(expression, in: node).map(\.text).joined(separator: " "))
    }

    /// A meeting-level paper's id: `documents/g10230/Printed minutes ….pdf?T=1` → `g10230T1`.
    /// ModernGov gives the meeting's agenda front sheet (`T=0`), printed minutes (`T=1`) and
    /// decisions (`T=2`) one folder, told apart by `T`; without it, by the file's name. The
    /// reports packs (`Public reports pack`, supplements) are `nil`: they bind together the
    /// reports the page lists one by one.
    public static func meetingDocumentID(fromLink link: String) -> String? {
        guard let range = link.range(of: "documents/g", options: .caseInsensitive) else { return nil }
        let rest = link[range.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, rest.dropFirst(digits.count).first == "/" else { return nil }
        let path = rest.dropFirst(digits.count + 1)
        let name = String(path.prefix { $0 != "?" && $0 != "#" })
        let decoded = (name.removingPercentEncoding ?? name).lowercased()
        if decoded.contains("reports pack") || decoded.contains("supplement") { return nil }
        if let query = path.firstIndex(of: "?") {
            for pair in path[path.index(after: query)...].split(separator: "&") where pair.lowercased().hasPrefix("t=") {
                let value = pair.dropFirst(2)
                if !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) { return "g\(digits)T\(value)" }
            }
        }
        return decoded.isEmpty ? nil : "g\(digits):\(Text.normalise(decoded))"
    }

    static func document(_ link: HTMLNode, in document: HTMLDocument) throws(XPathError) -> Document? {
        guard let href = link.attribute("href"), let id = documentID(fromLink: href) ?? meetingDocumentID(fromLink: href) else { return nil }
        var title = try visibleText(of: link)
        if title.isEmpty, let attribute = link.attribute("title"), let quoted = quotedName(attribute) {
            title = quoted
        }
        if title.isEmpty {
            title = (href.split(separator: "/").last).map { String($0).removingPercentEncoding ?? String($0) } ?? href
        }
        return Document(id: id, title: title, link: resolve(href, in: document))
    }

    /// "Link to document 'Minutes' pdf file" → "Minutes".
    static func quotedName(_ text: String) -> String? {
        guard let open = text.firstIndex(of: "'"), let close = text.lastIndex(of: "'"), open < close else { return nil }
        let name = Text.normalise(String(text[text.index(after: open)..<close]))
        return name.isEmpty ? nil : name
    }

    /// Resolves a link. ModernGov's document hrefs carry raw spaces ("documents/s1/Agenda
    /// item.pdf"), which libxml2's URI resolver rejects, so they are percent-encoded first.
    static func resolve(_ href: String, in document: HTMLDocument) -> String {
        let allowed = CharacterSet.urlQueryAllowed.union(.urlPathAllowed).union(CharacterSet(charactersIn: "%#?&=+"))
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        return document.resolve(trimmed.addingPercentEncoding(withAllowedCharacters: allowed) ?? trimmed)
    }
}
