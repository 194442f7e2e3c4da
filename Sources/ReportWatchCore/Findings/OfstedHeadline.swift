import Foundation

public enum OfstedHeadline {
    /// One alert text for a new report, every fact taken from the arguments:
    ///
    /// "New Ofsted report for Harrow: Children's services inspection, published 4 March 2025
    /// (inspected 20–24 January 2025). Overall effectiveness: Inadequate (was Good in March 2020).
    /// The experiences and progress of care leavers: Inadequate (was Good). … What needs to
    /// improve: …; … Report: https://files.ofsted.gov.uk/v1/file/50270419"
    ///
    /// Overall effectiveness comes first; the other judgements follow worst grade first (ties in
    /// document order). The month of the previous report is named once, on the first comparison
    /// that has one.
    public static func text(
        council: String,
        reportType: String,
        published: Date?,
        findings: ReportFindings?,
        comparisons: [JudgementComparison],
        link: String
    ) -> String {
        var sentences: [String] = []
        var opening = "New Ofsted report for \(council): \(reportType)"
        if let published { opening += ", published \(CalendarDay.longText(published))" }
        if let dates = findings?.inspectionDatesText, !dates.isEmpty {
            opening += " (inspected \(dates))"
        }
        sentences.append(opening + ".")

        guard let findings else {
            sentences.append("The report could not be read; see the link.")
            sentences.append("Report: \(link)")
            return sentences.joined(separator: " ")
        }

        let rows = comparisons.isEmpty
            ? findings.compared(with: nil, previousPublished: nil)
            : comparisons
        let overallRows = rows.filter(\.isOverall)
        let otherRows = rows.enumerated()
            .filter { !$0.element.isOverall }
            .sorted { lhs, rhs in
                lhs.element.grade.score != rhs.element.grade.score
                    ? lhs.element.grade.score < rhs.element.grade.score
                    : lhs.offset < rhs.offset
            }
            .map(\.element)

        if findings.framework == .ungraded || (rows.isEmpty && !findings.mainConclusions.isEmpty) {
            if findings.mainConclusions.isEmpty {
                sentences.append("This report has no graded judgements; see the link for its findings.")
            } else {
                sentences.append("Main conclusions: " + findings.mainConclusions.joined(separator: " "))
            }
        } else if rows.isEmpty {
            sentences.append("The grades could not be read from the report; see the link.")
        } else {
            var dateNamed = false
            func sentence(_ row: JudgementComparison) -> String {
                var s = "\(row.label): \(row.grade.rawValue)"
                if let previous = row.previousGrade {
                    if !dateNamed, let date = row.previousReportDate {
                        s += " (was \(previous.rawValue) in \(CalendarDay.monthYearText(date)))"
                        dateNamed = true
                    } else {
                        s += " (was \(previous.rawValue))"
                    }
                }
                return s + "."
            }
            if overallRows.isEmpty {
                if findings.framework == .ilacs2026 {
                    sentences.append("No overall effectiveness judgement (framework from April 2026).")
                } else {
                    sentences.append("No overall effectiveness judgement could be read from the report.")
                }
            }
            for row in overallRows + otherRows { sentences.append(sentence(row)) }
            if !findings.mainConclusions.isEmpty {
                sentences.append("Main conclusions: " + findings.mainConclusions.joined(separator: " "))
            }
        }

        if !findings.whatNeedsToImprove.isEmpty {
            let items = findings.whatNeedsToImprove.map { item -> String in
                var trimmed = item.trimmingCharacters(in: .whitespacesAndNewlines)
                while let last = trimmed.last, last == "." || last == ";" { trimmed.removeLast() }
                return trimmed
            }
            sentences.append("What needs to improve: " + items.joined(separator: "; ") + ".")
        }
        sentences.append("Report: \(link)")
        return sentences.joined(separator: " ")
    }
}
