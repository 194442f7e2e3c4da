import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchExtract

/// A `moderngov-committee` source's page: the meetings inside its window, newest first, each with
/// its published papers; papers and agenda items that match the source's keywords are marked,
/// with the sentences that matched quoted.
struct SiteCommitteePage {
    let source: SourceConfiguration
    let items: [String: Item]
    let now: Date
    let timeZone: TimeZone

    private func e(_ text: String) -> String { TextEscaping.html(text) }

    struct Meeting {
        var id: String
        var item: Item
        var date: Date?
    }

    var meetings: [Meeting] {
        let window = (source.kind as? ModernGovCommitteeKind)?.window
        return items.filter { $0.key.hasPrefix("meeting:") }.map { key, item in
            Meeting(id: String(key.dropFirst("meeting:".count)), item: item,
                    date: item.fields["date"].flatMap { ModernGovParser.date(from: $0, timeZone: ModernGovCommitteeKind.timeZone) })
        }
        .filter { meeting in
            guard let window, let date = meeting.date else { return true }
            return window.contains(date, now: now)
        }
        .sorted { ($0.date ?? .distantPast, $0.id) > ($1.date ?? .distantPast, $1.id) }
    }

    /// Up to three sentences of `text` that contain a keyword, each cut to 300 characters.
    static func quotes(_ text: String, keywords: [String]) -> [String] {
        guard !keywords.isEmpty else { return [] }
        var sentences: [String] = []
        var current = ""
        for character in TextEscaping.multiline(text) {
            current.append(character)
            if character == "\n" || ((character == "." || character == "?" || character == "!") ) {
                sentences.append(current)
                current = ""
            }
        }
        sentences.append(current)
        return sentences.map(TextEscaping.oneLine)
            .filter { !$0.isEmpty && Keywords.matches(keywords, in: $0) }
            .prefix(3)
            .map { TextEscaping.truncate($0, to: 300) }
    }

    var html: String {
        let keywords = source.keywords
        let list = meetings
        var out = "<section aria-labelledby=\"meetings\">\n<h2 id=\"meetings\">Meetings</h2>\n"
        if !keywords.isEmpty {
            out += "<p>Papers and agenda items that mention \(e(keywords.joined(separator: ", "))) are marked “matches”.</p>\n"
        }
        if list.isEmpty {
            out += "<p>No meetings in the window yet.</p>\n"
        }
        var matchedCount = 0
        for meeting in list {
            let fields = meeting.item.fields
            let title = TextEscaping.oneLine(fields["date"] ?? meeting.item.title ?? "Meeting")
            let heading = TextEscaping.safeLink(meeting.item.link).map { "<a href=\"\(e($0))\">\(e(title))</a>" } ?? e(title)
            out += "<article class=\"meeting\">\n<h3>\(heading)\(fields["cancelled"] != nil ? " <span class=\"cancelled\">(cancelled)</span>" : "")</h3>\n"
            if let published = fields["published"] ?? fields["status"] {
                out += "<p class=\"meta\">Published: \(e(TextEscaping.oneLine(published)))</p>\n"
            }
            let agenda = items.filter { $0.key.hasPrefix("agenda:\(meeting.id):") }.map(\.value)
                .sorted { (Int($0.fields["number"] ?? "") ?? Int.max, $0.title ?? "") < (Int($1.fields["number"] ?? "") ?? Int.max, $1.title ?? "") }
            let documents = items.filter { $0.key.hasPrefix("document:") && $0.value.fields["meeting_id"] == meeting.id }.map(\.value)
                .sorted { ($0.title ?? "") < ($1.title ?? "") }
            if agenda.isEmpty && documents.isEmpty {
                out += "<p>No agenda items or papers stored for this meeting.</p>\n</article>\n"
                continue
            }
            out += "<ul class=\"papers\">\n"
            for entry in agenda {
                let text = [entry.title ?? "", entry.fields["text"] ?? ""].joined(separator: ". ")
                let itemQuotes = Self.quotes(text, keywords: keywords)
                let papers = documents.filter { $0.fields["agenda"].map { items[$0] == entry } ?? false }
                let matchedPapers = papers.filter { Keywords.matches(keywords, in: [$0.title ?? "", $0.fields["item"] ?? ""].joined(separator: ". ")) }
                let matched = !itemQuotes.isEmpty || !matchedPapers.isEmpty
                if matched { matchedCount += 1 }
                out += "<li\(matched ? " class=\"matched\"" : "")>"
                if let number = entry.fields["number"] { out += "\(e(TextEscaping.oneLine(number))). " }
                let name = TextEscaping.oneLine(entry.title ?? "Agenda item")
                out += TextEscaping.safeLink(entry.link).map { "<a href=\"\(e($0))\">\(e(name))</a>" } ?? e(name)
                if matched { out += " <strong class=\"match\">matches</strong>" }
                for quote in itemQuotes { out += "<blockquote><p>\(e(quote))</p></blockquote>" }
                if !papers.isEmpty {
                    out += "<ul>" + papers.map { paper in
                        let isMatch = matchedPapers.contains(paper)
                        return "<li\(isMatch ? " class=\"matched\"" : "")>\(paperLink(paper))\(isMatch ? " <strong class=\"match\">matches</strong>" : "")</li>"
                    }.joined() + "</ul>"
                }
                out += "</li>\n"
            }
            // Papers not under an agenda item the page lists.
            for paper in documents where !agenda.contains(where: { entry in paper.fields["agenda"].map { items[$0] == entry } ?? false }) {
                let isMatch = Keywords.matches(keywords, in: paper.title ?? "")
                if isMatch { matchedCount += 1 }
                out += "<li\(isMatch ? " class=\"matched\"" : "")>\(paperLink(paper))\(isMatch ? " <strong class=\"match\">matches</strong>" : "")</li>\n"
            }
            out += "</ul>\n</article>\n"
        }
        if !keywords.isEmpty && !list.isEmpty {
            out += "<p>\(matchedCount == 0 ? "Nothing" : matchedCount == 1 ? "One agenda item or paper" : "\(matchedCount) agenda items or papers") in these meetings matched.</p>\n"
        }
        return out + "</section>\n"
    }

    private func paperLink(_ paper: Item) -> String {
        let name = TextEscaping.oneLine(paper.title ?? "Paper")
        return TextEscaping.safeLink(paper.link).map { "<a href=\"\(e($0))\">\(e(name))</a>" } ?? e(name)
    }
}
