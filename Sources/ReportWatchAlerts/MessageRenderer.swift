import Foundation
import ReportWatchCore

/// A part of a message, independent of how it is shown. Text in it is not escaped yet: each
/// renderer escapes for its own format.
public indirect enum MessageBlock: Sendable {
    case banner(String)
    case heading(String)
    case paragraph(String)
    case facts([(label: String, value: String)])
    /// Judgements with the previous report's grades; `previousReport` says when that was ("March 2020").
    case judgements([FindingsView.Row], previousReport: String?)
    case section(String, [MessageBlock])
    case list([String])
    /// A link already checked by ``TextEscaping/safeLink(_:)``, and its label.
    case link(String, String)
    case footer([(label: String, value: String)])
    case separator
}

/// Renders blocks as plain text or as an HTML document in which all text is escaped.
public enum MessageRenderer {
    public static func plain(_ blocks: [MessageBlock]) -> String {
        blocks.map(plain).joined(separator: "\n\n") + "\n"
    }

    static func plain(_ block: MessageBlock) -> String {
        switch block {
        case .banner(let text):
            return "*** \(text) ***"
        case .heading(let text):
            return text + "\n" + String(repeating: "=", count: min(text.count, 72))
        case .paragraph(let text):
            return text.components(separatedBy: "\n").map { wrap($0, first: "", rest: "") }.joined(separator: "\n")
        case .facts(let facts), .footer(let facts):
            return facts.map { "\($0.label): \($0.value)" }.joined(separator: "\n")
        case .judgements(let rows, let previousReport):
            let heading = previousReport.map { "Judgements (previous report: \($0)):" } ?? "Judgements:"
            return heading + "\n" + rows.map { row in
                let indent = row.isSubJudgement ? "    - " : "  - "
                var line = "\(row.label): \(row.grade.rawValue)"
                if let previous = row.previousText, let change = row.change { line += " (\(previous); \(change))" }
                return wrap(line, first: indent, rest: String(repeating: " ", count: indent.count))
            }.joined(separator: "\n")
        case .section(let title, let inner):
            return "\(title):\n" + inner.map(plain).joined(separator: "\n")
        case .list(let items):
            return items.map { wrap($0, first: "  - ", rest: "    ") }.joined(separator: "\n")
        case .link(let url, let label):
            return "\(label): \(url)"
        case .separator:
            return String(repeating: "-", count: 72)
        }
    }

    /// Text wrapped at word boundaries to lines of at most `width` characters for a terminal,
    /// the first line after `first`, the others after `rest`; a longer word (a URL) stays whole.
    static func wrap(_ text: String, width: Int = 76, first: String, rest: String) -> String {
        var lines: [String] = []
        var line = first
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// How HTML is styled: inline, for mail clients that drop stylesheets, or by class names, for
    /// the site's stylesheet (sections then are `h3` under the page's own `h2`).
    public enum Style: Sendable {
        case inline
        case classes
    }

    public static func html(_ blocks: [MessageBlock], title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(TextEscaping.html(title))</title></head>
        <body style="font-family: Arial, Helvetica, sans-serif; line-height: 1.45; color: #1d1d1d; max-width: 720px;">
        \(fragment(blocks))
        </body></html>

        """
    }

    /// The blocks as HTML without the document around them (for an Atom entry's content, a page).
    public static func fragment(_ blocks: [MessageBlock], style: Style = .inline) -> String {
        blocks.map { html($0, style: style) }.joined(separator: "\n")
    }

    static func html(_ block: MessageBlock, style: Style) -> String {
        let e = TextEscaping.html
        let inline = style == .inline
        switch block {
        case .banner(let text):
            return inline
                ? "<p style=\"background: #fff3cd; border: 1px solid #e0c36c; padding: 8px;\"><strong>\(e(text))</strong></p>"
                : "<p class=\"banner\"><strong>\(e(text))</strong></p>"
        case .heading(let text):
            return inline ? "<h1 style=\"font-size: 20px;\">\(e(text))</h1>" : "<h2>\(e(text))</h2>"
        case .paragraph(let text):
            return text.components(separatedBy: "\n\n").map { paragraph in
                "<p>" + paragraph.components(separatedBy: "\n").map(e).joined(separator: "<br>\n") + "</p>"
            }.joined(separator: "\n")
        case .facts(let facts):
            return "<p>" + facts.map { "<strong>\(e($0.label)):</strong> \(e($0.value))" }.joined(separator: "<br>\n") + "</p>"
        case .judgements(let rows, let previousReport):
            return judgementTable(rows, previousReport: previousReport, style: style)
        case .section(let title, let inner):
            let heading = inline ? "<h2 style=\"font-size: 16px;\">\(e(title))</h2>" : "<h3>\(e(title))</h3>"
            return heading + "\n" + inner.map { html($0, style: style) }.joined(separator: "\n")
        case .list(let items):
            return "<ul>\n" + items.map { "<li>\(e($0))</li>" }.joined(separator: "\n") + "\n</ul>"
        case .link(let url, let label):
            return inline
                ? "<p><a href=\"\(e(url))\">\(e(label))</a><br><span style=\"color: #666; font-size: 12px;\">\(e(url))</span></p>"
                : "<p class=\"link\"><a href=\"\(e(url))\">\(e(label))</a><br><span class=\"url\">\(e(url))</span></p>"
        case .footer(let facts):
            return (inline ? "<p style=\"color: #666; font-size: 12px;\">" : "<p class=\"footer\">")
                + facts.map { "\(e($0.label)): \(e($0.value))" }.joined(separator: "<br>\n") + "</p>"
        case .separator:
            return "<hr>"
        }
    }

    /// Judgement, grade, and (when the previous report had grades) the previous grade as
    /// "was Good" and the change in words: colour is never the only signal.
    static func judgementTable(_ rows: [FindingsView.Row], previousReport: String?, style: Style) -> String {
        let e = TextEscaping.html
        let inline = style == .inline
        let cell = inline ? " style=\"border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top;\"" : ""
        // Previous columns only when a previous grade is known: empty ones would read as "there was none".
        let showPrevious = rows.contains { $0.previousGrade != nil }
        let previousHeading = "Previous report" + (previousReport.map { " (\($0))" } ?? "")
        var head = "<tr><th scope=\"col\"\(cell)>Judgement</th><th scope=\"col\"\(cell)>Grade</th>"
        if showPrevious { head += "<th scope=\"col\"\(cell)>\(e(previousHeading))</th><th scope=\"col\"\(cell)>Change</th>" }
        head += "</tr>"
        let body = rows.map { row in
            let rowClass = inline ? "" : (row.isOverall ? " class=\"overall\"" : (row.isSubJudgement ? " class=\"sub\"" : ""))
            let indent = row.isSubJudgement && inline ? "&nbsp;&nbsp;&nbsp;" : ""
            let strong = row.isOverall ? ("<strong>", "</strong>") : ("", "")
            let gradeCell = inline
                ? "<td\(cell)><span style=\"color: \(color(row.grade.rawValue));\">\(strong.0)\(e(row.grade.rawValue))\(strong.1)</span></td>"
                : "<td class=\"grade \(gradeClass(row.grade))\">\(e(row.grade.rawValue))</td>"
            var line = "<tr\(rowClass)><th scope=\"row\"\(cell)>\(indent)\(strong.0)\(e(row.label))\(strong.1)</th>" + gradeCell
            if showPrevious {
                line += "<td\(cell)>\(e(row.previousText ?? "—"))</td><td\(cell)>\(e(row.change ?? "—"))</td>"
            }
            return line + "</tr>"
        }.joined(separator: "\n")
        let table = inline ? "<table style=\"border-collapse: collapse;\">" : "<table class=\"judgements\">"
        return "\(table)\n<thead>\(head)</thead>\n<tbody>\n\(body)\n</tbody>\n</table>"
    }

    /// The CSS class of a grade, for the site's stylesheet.
    public static func gradeClass(_ grade: Grade) -> String {
        switch grade {
        case .outstanding: "g-outstanding"
        case .good: "g-good"
        case .requiresImprovement: "g-ri"
        case .inadequate: "g-inadequate"
        }
    }

    /// Grades in the colours people know from Ofsted's own pages.
    static func color(_ grade: String) -> String {
        switch grade {
        case "Outstanding": "#1d70b8"
        case "Good": "#00703c"
        case "Requires improvement to be good": "#b35900"
        case "Inadequate": "#d4351c"
        default: "#1d1d1d"
        }
    }
}
