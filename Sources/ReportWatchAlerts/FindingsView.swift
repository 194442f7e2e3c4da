import Foundation
import ReportWatchCore

/// One report's findings as people read them, put together once for every place that shows
/// them (an email's HTML and plain-text parts, the site's provider page), in one order: a short
/// headline sentence; the judgements with this report's grade beside the previous one, a change
/// said in words; the lists of points; the summary; the link.
///
/// Text is taken from the report as it is (not escaped): each renderer escapes for its format.
public struct FindingsView: Sendable {
    public struct Row: Sendable, Equatable {
        public var label: String
        public var grade: Grade
        /// The previous report's grade for the same matter, when it had one.
        public var previousGrade: Grade?
        public var isOverall: Bool
        public var isSubJudgement: Bool

        /// "was Good"; nil without a previous grade.
        public var previousText: String? { previousGrade.map { "was \($0.rawValue)" } }

        /// "improved", "declined" or "no change"; nil without a previous grade.
        public var change: String? {
            guard let previousGrade else { return nil }
            if grade.score > previousGrade.score { return "improved" }
            if grade.score < previousGrade.score { return "declined" }
            return "no change"
        }
    }

    /// A titled list of points from the report.
    public struct PointList: Sendable, Equatable {
        public var title: String
        public var items: [String]
    }

    public var headline: String
    public var rows: [Row]
    /// "March 2020": when the report the previous grades come from was published.
    public var previousReport: String?
    /// A letter's focus (or a JTAI's theme), labelled.
    public var facts: [(label: String, value: String)] = []
    public var lists: [PointList]
    public var summary: String?
    public var warnings: [String]
    /// Checked by ``TextEscaping/safeLink(_:)``.
    public var link: String?

    /// `findings` nil means the report could not be read. `comparisons`, when known, pair each
    /// grade with the previous report's (``ReportFindings/compared(with:previousPublished:)``).
    public init(findings: ReportFindings?, comparisons: [JudgementComparison]?, place: String, reportType: String,
                published: Date?, link: String?) {
        self.link = TextEscaping.safeLink(link)
        let place = TextEscaping.oneLine(place)
        let type = TextEscaping.oneLine(reportType)
        var opening = "\(type) for \(place)"
        if let published { opening += ", published \(CalendarDay.longText(published))" }
        if let dates = findings?.inspectionDatesText.map(TextEscaping.oneLine), !dates.isEmpty {
            let isVisit = findings?.letterType != nil && findings?.letterType != .jtai
            opening += isVisit ? " (visit of \(dates))" : " (inspected \(dates))"
        }
        guard let findings else {
            headline = opening + ": the report could not be read; see the link."
            rows = []
            lists = []
            summary = nil
            warnings = []
            return
        }
        let comparisons = comparisons.flatMap { $0.isEmpty ? nil : $0 } ?? findings.compared(with: nil, previousPublished: nil)
        rows = comparisons.map {
            Row(label: TextEscaping.oneLine($0.label), grade: $0.grade, previousGrade: $0.previousGrade,
                isOverall: $0.isOverall, isSubJudgement: $0.isSubJudgement)
        }
        previousReport = comparisons.lazy.compactMap(\.previousReportDate).first.map(CalendarDay.monthYearText)
        lists = Self.pointLists(of: findings)
        if let focus = findings.focus.map(TextEscaping.oneLine), !focus.isEmpty {
            facts = [(findings.letterType == .jtai ? "Theme" : "Focus", focus)]
        }
        // A letter's summary is its headline findings, which are listed.
        summary = findings.letterType != nil ? nil
            : findings.summary.map(TextEscaping.multiline).flatMap { $0.isEmpty ? nil : $0 }
        warnings = findings.warnings.map(TextEscaping.oneLine).filter { !$0.isEmpty }
        headline = opening + ": " + Self.verdict(findings: findings, rows: rows, previousReport: previousReport)
    }

    /// The lists of points a report states, in the order they are shown: a letter's areas for
    /// priority action first, as the most serious finding it can carry.
    static func pointLists(of findings: ReportFindings) -> [PointList] {
        var lists: [PointList] = []
        let actions = findings.areasForPriorityAction.map(TextEscaping.oneLine).filter { !$0.isEmpty }
        if !actions.isEmpty { lists.append(PointList(title: "Areas for priority action", items: actions)) }
        let conclusions = findings.mainConclusions.map(TextEscaping.oneLine).filter { !$0.isEmpty }
        if !conclusions.isEmpty {
            lists.append(PointList(title: findings.letterType == nil ? "Main conclusions" : "Headline findings", items: conclusions))
        }
        let improve = findings.whatNeedsToImprove.map(TextEscaping.oneLine).filter { !$0.isEmpty }
        if !improve.isEmpty { lists.append(PointList(title: "What needs to improve", items: improve)) }
        return lists
    }

    /// The second half of the headline: the overall grade against the last one and how many
    /// judgements moved, never the list itself.
    static func verdict(findings: ReportFindings, rows: [Row], previousReport: String?) -> String {
        if rows.isEmpty {
            if findings.letterType != nil {
                let actions = findings.areasForPriorityAction.count
                let points = findings.whatNeedsToImprove.count
                var parts = ["a letter, with no grades"]
                if actions > 0 { parts.append("\(actions) \(actions == 1 ? "area" : "areas") for priority action") }
                if points > 0 { parts.append("\(points) \(points == 1 ? "point" : "points") to improve") }
                return parts.joined(separator: "; ") + "."
            }
            if findings.framework == .ungraded || !findings.mainConclusions.isEmpty {
                return findings.mainConclusions.isEmpty
                    ? "no graded judgements; see the link for its findings."
                    : "no graded judgements; its main conclusions are below."
            }
            return "the grades could not be read from the report; see the link."
        }
        var parts: [String] = []
        if let overall = rows.first(where: \.isOverall) {
            var text = "overall effectiveness \(overall.grade.rawValue)"
            if let previous = overall.previousGrade {
                text += overall.grade == previous ? ", as" : ", was \(previous.rawValue)"
                if let previousReport { text += " in \(previousReport)" }
            }
            parts.append(text)
        } else if findings.framework == .ilacs2026 {
            parts.append("no overall effectiveness judgement (framework from April 2026)")
        } else {
            parts.append("no overall effectiveness judgement could be read")
        }
        let others = rows.filter { !$0.isOverall }
        let declined = others.filter { $0.change == "declined" }.count
        let improved = others.filter { $0.change == "improved" }.count
        if others.contains(where: { $0.previousGrade != nil }) {
            func count(_ n: Int) -> String { n == 0 ? "none" : "\(n) of \(others.count)" }
            parts.append("judgements declined: \(count(declined)), improved: \(count(improved))")
        } else if let worst = others.min(by: { $0.grade.score < $1.grade.score }) {
            parts.append("lowest judgement \(worst.grade.rawValue)")
        }
        return parts.joined(separator: "; ") + "."
    }

    /// The view as message blocks: the same for email and the site.
    public var blocks: [MessageBlock] {
        var blocks: [MessageBlock] = [.paragraph(headline)]
        if !facts.isEmpty { blocks.append(.facts(facts)) }
        if !rows.isEmpty { blocks.append(.judgements(rows, previousReport: previousReport)) }
        for list in lists { blocks.append(.section(list.title, [.list(list.items)])) }
        if let summary { blocks.append(.section("Summary from the report", [.paragraph(summary)])) }
        if !warnings.isEmpty { blocks.append(.section("Could not be read from the report", [.list(warnings)])) }
        if let link { blocks.append(.link(link, "Open the report")) }
        return blocks
    }
}
