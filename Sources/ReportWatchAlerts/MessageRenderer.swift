import Foundation

/// A part of a message, independent of how it is shown. Text in it is not escaped yet: each
/// renderer escapes for its own format.
public indirect enum MessageBlock: Sendable {
    case banner(String)
    case heading(String)
    case paragraph(String)
    case facts([(label: String, value: String)])
    case judgements([AlertText.JudgementRow])
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
            return text
        case .facts(let facts), .footer(let facts):
            return facts.map { "\($0.label): \($0.value)" }.joined(separator: "\n")
        case .judgements(let rows):
            return "Judgements:\n" + rows.map { row in
                let indent = row.isSubJudgement ? "    - " : "  - "
                return indent + "\(row.label): \(row.grade)" + (row.previousGrade.map { " (previously \($0))" } ?? "")
            }.joined(separator: "\n")
        case .section(let title, let inner):
            return "\(title):\n" + inner.map(plain).joined(separator: "\n")
        case .list(let items):
            return items.map { "  - \($0)" }.joined(separator: "\n")
        case .link(let url, let label):
            return "\(label): \(url)"
        case .separator:
            return String(repeating: "-", count: 72)
        }
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

    /// The blocks as HTML without the document around them (for an Atom entry's content).
    public static func fragment(_ blocks: [MessageBlock]) -> String {
        blocks.map(html).joined(separator: "\n")
    }

    static func html(_ block: MessageBlock) -> String {
        let e = TextEscaping.html
        switch block {
        case .banner(let text):
            return "<p style=\"background: #fff3cd; border: 1px solid #e0c36c; padding: 8px;\"><strong>\(e(text))</strong></p>"
        case .heading(let text):
            return "<h1 style=\"font-size: 20px;\">\(e(text))</h1>"
        case .paragraph(let text):
            return text.components(separatedBy: "\n\n").map { paragraph in
                "<p>" + paragraph.components(separatedBy: "\n").map(e).joined(separator: "<br>\n") + "</p>"
            }.joined(separator: "\n")
        case .facts(let facts):
            return "<p>" + facts.map { "<strong>\(e($0.label)):</strong> \(e($0.value))" }.joined(separator: "<br>\n") + "</p>"
        case .judgements(let rows):
            let cell = "style=\"border: 1px solid #ccc; padding: 4px 8px; text-align: left;\""
            // A "Previously" column only when the alert knows a previous grade: an empty column
            // would read as "there was none".
            let showPrevious = rows.contains { $0.previousGrade != nil }
            let body = rows.map { row in
                let label = row.isSubJudgement ? "&nbsp;&nbsp;&nbsp;\(e(row.label))" : e(row.label)
                let strong = row.isOverall ? ("<strong>", "</strong>") : ("", "")
                return "<tr><td \(cell)>\(strong.0)\(label)\(strong.1)</td>"
                    + "<td \(cell)><span style=\"color: \(color(row.grade));\">\(strong.0)\(e(row.grade))\(strong.1)</span></td>"
                    + (showPrevious ? "<td \(cell)>\(e(row.previousGrade ?? "—"))</td>" : "") + "</tr>"
            }.joined(separator: "\n")
            let head = "<tr><th \(cell)>Judgement</th><th \(cell)>Grade</th>" + (showPrevious ? "<th \(cell)>Previously</th>" : "") + "</tr>"
            return "<table style=\"border-collapse: collapse;\">\n\(head)\n\(body)\n</table>"
        case .section(let title, let inner):
            return "<h2 style=\"font-size: 16px;\">\(e(title))</h2>\n" + inner.map(html).joined(separator: "\n")
        case .list(let items):
            return "<ul>\n" + items.map { "<li>\(e($0))</li>" }.joined(separator: "\n") + "\n</ul>"
        case .link(let url, let label):
            return "<p><a href=\"\(e(url))\">\(e(label))</a><br><span style=\"color: #666; font-size: 12px;\">\(e(url))</span></p>"
        case .footer(let facts):
            return "<p style=\"color: #666; font-size: 12px;\">" + facts.map { "\(e($0.label)): \(e($0.value))" }.joined(separator: "<br>\n") + "</p>"
        case .separator:
            return "<hr>"
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
