import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore

/// An `ofsted-provider` source's page: the inspection history as a chart (one row per
/// judgement, one column per report, each cell its grade in words on the grade's colour), a
/// table of every report, and the latest report's findings as ``FindingsView`` shows them.
struct SiteProviderPage {
    struct Report {
        var key: String
        var type: String
        /// A calendar day at 00:00 UTC.
        var published: Date?
        var link: String?
        var document: StoredDocument?
        var findings: ReportFindings? { document?.error == nil ? document?.findings : nil }
        /// When it is placed on the timeline: publication, else the inspection's last day.
        var date: Date? { published ?? findings?.inspectionEnd ?? findings?.inspectionStart }
    }

    let source: SourceConfiguration
    /// Oldest first.
    let reports: [Report]

    init(source: SourceConfiguration, items: [String: Item], documents: [String: StoredDocument]) {
        self.source = source
        var reports: [Report] = []
        for key in Set(items.keys).union(documents.keys) {
            let item = items[key]
            let document = documents[key]
            reports.append(Report(
                key: key, type: TextEscaping.oneLine(item?.fields["type"] ?? item?.title ?? "Report"),
                published: item?.fields["published"].flatMap(OfstedProviderPage.isoDay) ?? document?.published,
                link: TextEscaping.safeLink(item?.link ?? document?.url), document: document))
        }
        self.reports = reports.sorted { ($0.date ?? .distantPast, $0.key) < ($1.date ?? .distantPast, $1.key) }
    }

    private func e(_ text: String) -> String { TextEscaping.html(text) }

    var html: String {
        guard !reports.isEmpty else {
            return "<p>No reports stored yet: they appear after the first successful check.</p>\n"
        }
        var out = "<section aria-labelledby=\"history\">\n<h2 id=\"history\">Inspection history</h2>\n"
        out += chart
        out += "</section>\n"
        out += reportTable
        out += latest
        return out
    }

    // MARK: Chart

    /// A chart row: a judgement topic, or a label no topic covers.
    struct ChartRow: Hashable {
        var topic: JudgementTopic?
        var label: String
    }

    static let topicOrder: [(JudgementTopic, String)] = [
        (.overall, "Overall effectiveness"),
        (.helpAndProtection, "Help and protection"),
        (.childrenInCare, "Children in care"),
        (.careLeavers, "Care leavers"),
        (.leadership, "Impact of leaders"),
        (.adoption, "Adoption"),
        (.safeguardingBoard, "Safeguarding children board"),
    ]

    /// Each graded judgement of a report under the rows it speaks to; a judgement about two
    /// matters (2018–22's "children in care and care leavers") fills both rows.
    static func cells(_ findings: ReportFindings) -> [ChartRow: Grade] {
        var cells: [ChartRow: (Grade, Int)] = [:]
        var judgements = findings.allJudgements
        if let overall = findings.overall { judgements.insert(overall, at: 0) }
        for (index, judgement) in judgements.enumerated() {
            var topics = JudgementTopic.topics(ofLabel: judgement.label)
            if index == 0, findings.overall != nil { topics = [.overall] } else { topics.remove(.overall) }
            if topics.isEmpty {
                let row = ChartRow(topic: nil, label: TextEscaping.oneLine(judgement.label))
                if cells[row] == nil { cells[row] = (judgement.grade, Int.max) }
                continue
            }
            for topic in topics {
                let name = topicOrder.first { $0.0 == topic }?.1 ?? topic.rawValue
                let row = ChartRow(topic: topic, label: name)
                // The most specific judgement wins the cell.
                if let current = cells[row], current.1 <= topics.count { continue }
                cells[row] = (judgement.grade, topics.count)
            }
        }
        return cells.mapValues(\.0)
    }

    static func colour(_ grade: Grade) -> String {
        // White text on each is at least 4.5:1 (WCAG AA).
        switch grade {
        case .outstanding: "#1d70b8"
        case .good: "#00703c"
        case .requiresImprovement: "#8f4700"
        case .inadequate: "#b3261e"
        }
    }

    /// Grade words on one or two lines of a cell.
    static func gradeLines(_ grade: Grade) -> [String] {
        grade == .requiresImprovement ? ["Requires improvement", "to be good"] : [grade.rawValue]
    }

    var chart: String {
        // Newest first: on a phone the chart scrolls sideways, and the latest report is what
        // shows without scrolling.
        let columns = Array(reports.reversed())
        let cellsByReport = columns.map { $0.findings.map(Self.cells) ?? [:] }
        var rows: [ChartRow] = []
        for (topic, label) in Self.topicOrder where cellsByReport.contains(where: { $0.keys.contains(ChartRow(topic: topic, label: label)) }) {
            rows.append(ChartRow(topic: topic, label: label))
        }
        for cells in cellsByReport {
            for row in cells.keys.filter({ $0.topic == nil }).sorted(by: { $0.label < $1.label }) where !rows.contains(row) {
                rows.append(row)
            }
        }
        let labelWidth = 180, columnWidth = 176, rowHeight = 44, headerHeight = 56
        let width = labelWidth + columnWidth * columns.count
        let height = headerHeight + rowHeight * max(rows.count, 1) + 4
        var svg = """
            <figure class="chart">
            <div class="scroll">
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="chart-title chart-desc">
            <title id="chart-title">\(e(source.name)): grades of each inspection</title>
            <desc id="chart-desc">One row per judgement and one column per report, newest on the left; each cell names the grade. The table below gives the same grades.</desc>

            """
        for (index, report) in columns.enumerated() {
            let x = labelWidth + index * columnWidth + columnWidth / 2
            let date = report.date.map(CalendarDay.monthYearText) ?? "Undated"
            svg += "<text x=\"\(x)\" y=\"22\" text-anchor=\"middle\" class=\"col\">\(e(date))</text>\n"
            svg += "<text x=\"\(x)\" y=\"42\" text-anchor=\"middle\" class=\"col-type\">\(e(Self.shortType(report)))</text>\n"
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = headerHeight + rowIndex * rowHeight
            svg += "<text x=\"0\" y=\"\(y + rowHeight / 2 + 5)\" class=\"row\">\(e(TextEscaping.truncate(row.label, to: 26)))</text>\n"
            for (index, report) in columns.enumerated() {
                let x = labelWidth + index * columnWidth
                let centre = x + columnWidth / 2
                if let grade = cellsByReport[index][row] {
                    svg += "<rect x=\"\(x + 2)\" y=\"\(y + 2)\" width=\"\(columnWidth - 4)\" height=\"\(rowHeight - 4)\" rx=\"3\" fill=\"\(Self.colour(grade))\"/>\n"
                    let lines = Self.gradeLines(grade)
                    let first = lines.count == 1 ? y + rowHeight / 2 + 5 : y + rowHeight / 2 - 2
                    for (lineIndex, line) in lines.enumerated() {
                        svg += "<text x=\"\(centre)\" y=\"\(first + lineIndex * 14)\" text-anchor=\"middle\" class=\"grade\">\(e(line))</text>\n"
                    }
                } else if rowIndex == 0 {
                    // A report without grades says why once, in its first row.
                    let why = report.document == nil ? "Not read yet"
                        : report.findings == nil ? "Could not be read"
                        : (report.findings?.isGraded ?? false) ? "Not graded" : "Letter: no grades"
                    svg += "<rect x=\"\(x + 2)\" y=\"\(y + 2)\" width=\"\(columnWidth - 4)\" height=\"\(rowHeight - 4)\" rx=\"3\" class=\"none\"/>\n"
                    svg += "<text x=\"\(centre)\" y=\"\(y + rowHeight / 2 + 5)\" text-anchor=\"middle\" class=\"nograde\">\(e(why))</text>\n"
                }
            }
        }
        if rows.isEmpty {
            svg += "<text x=\"0\" y=\"\(headerHeight + 26)\" class=\"row\">No graded judgements stored yet</text>\n"
        }
        svg += "</svg>\n</div>\n<figcaption>Grades of each report, newest first. Letters from monitoring and focused visits carry no grades.</figcaption>\n</figure>\n"
        return svg
    }

    static func shortType(_ report: Report) -> String {
        let lower = report.type.lowercased()
        if lower.contains("monitoring") { return "Monitoring visit" }
        if lower.contains("focused") { return "Focused visit" }
        if lower.contains("joint") || lower.contains("jtai") { return "Joint inspection" }
        if lower.contains("inspection") { return "Inspection" }
        return TextEscaping.truncate(report.type, to: 22)
    }

    // MARK: Table

    var reportTable: String {
        var out = """
            <section aria-labelledby="reports">
            <h2 id="reports">Reports</h2>
            <table class="reports">
            <thead><tr><th scope="col">Report</th><th scope="col">Inspected</th><th scope="col">Published</th><th scope="col">Grades or conclusions</th></tr></thead>
            <tbody>

            """
        for report in reports.reversed() {
            let name = report.link.map { "<a href=\"\(e($0))\">\(e(report.type))</a>" } ?? e(report.type)
            let inspected = report.findings?.inspectionDatesText.map(TextEscaping.oneLine)
                ?? report.findings.flatMap { f in f.inspectionStart.flatMap { s in f.inspectionEnd.map { CalendarDay.rangeText(start: s, end: $0) } } }
                ?? "—"
            let published = report.published.map(CalendarDay.longText) ?? "—"
            var grades: String
            if let findings = report.findings {
                var lines: [String] = []
                if let overall = findings.overall { lines.append("\(TextEscaping.oneLine(overall.label)): \(overall.grade.rawValue)") }
                lines += findings.allJudgements.map { "\(TextEscaping.oneLine($0.label)): \($0.grade.rawValue)" }
                if lines.isEmpty {
                    let conclusions = findings.mainConclusions.map(TextEscaping.oneLine).filter { !$0.isEmpty }
                    grades = conclusions.isEmpty ? "No grades" : "No grades. Main conclusions:<ul>" + conclusions.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
                } else {
                    grades = "<ul>" + lines.map { "<li>\(e($0))</li>" }.joined() + "</ul>"
                }
            } else if let error = report.document?.error {
                grades = "Could not be read: \(e(TextEscaping.truncate(TextEscaping.oneLine(error), to: 200)))"
            } else {
                grades = "Not read yet"
            }
            out += "<tr><th scope=\"row\">\(name)</th><td>\(e(inspected))</td><td>\(e(published))</td><td>\(grades)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: The latest report

    /// The latest graded report in full, and a letter published after it, newest first.
    var latest: String {
        let graded = reports.last { $0.findings?.isGraded ?? false }
        let letter = reports.last { $0.findings.map { !$0.isGraded } ?? false }
        var shown: [Report] = []
        if let letter, (letter.date ?? .distantPast) > (graded?.date ?? .distantPast) { shown.append(letter) }
        if let graded { shown.append(graded) }
        guard !shown.isEmpty else { return "" }
        var documents: [String: StoredDocument] = [:]
        for other in reports { if let document = other.document { documents[other.key] = document } }
        var out = ""
        for (index, report) in shown.enumerated() {
            guard let findings = report.findings else { continue }
            let previous = findings.isGraded
                ? OfstedProviderKind.previousGradedReport(before: report.key, published: report.published, findings: findings, in: documents)
                : nil
            let comparisons = findings.isGraded ? findings.compared(with: previous?.findings, previousPublished: previous?.published) : nil
            let place = (source.kind as? OfstedProviderKind)?.council ?? findings.localAuthority ?? source.name
            let view = FindingsView(findings: findings, comparisons: comparisons, place: place, reportType: report.type,
                                    published: report.published, link: report.link)
            let id = index == 0 ? "latest" : "latest-inspection"
            let heading = findings.isGraded ? (index == 0 ? "Latest report" : "Latest graded report") : "Latest letter"
            out += "<section aria-labelledby=\"\(id)\">\n<h2 id=\"\(id)\">\(heading)</h2>\n"
                + MessageRenderer.fragment(view.blocks, style: .classes) + "\n</section>\n"
        }
        return out
    }
}
