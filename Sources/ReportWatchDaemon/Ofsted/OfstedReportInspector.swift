import Foundation
import ReportWatchCore
import ReportWatchExtract

/// `reportwatch inspect-report`: the findings of one report PDF, read exactly as the
/// `ofsted-provider` kind reads them (the same pdftotext child and parser), for checking a
/// report by hand or a parser change against real reports.
public enum OfstedReportInspector {
    /// Runs pdftotext (with its timeout and memory limit) and the parser on a PDF file.
    public static func findings(ofPDFAt path: String) async throws -> ReportFindings {
        try await OfstedReportParser.findings(ofPDFAt: path, extractor: PDFTextExtractor())
    }

    /// What a person reads: dates, each judgement and grade, the overall judgement or an
    /// explicit statement that there is none, what needs to improve, the summary, warnings.
    public static func text(_ findings: ReportFindings, file: String? = nil) -> String {
        var lines: [String] = []
        if let file { lines.append("File: \(file)") }
        lines.append("Title: \(findings.title ?? "(not found)")")
        lines.append("Local authority: \(findings.localAuthority ?? "(not found)")")
        lines.append("Framework: \(frameworkText(findings.framework))")
        if let type = findings.letterType {
            lines.append("Letter: \(letterTypeText(type))")
            if let partnership = findings.partnership { lines.append("Partnership: \(partnership)") }
            lines.append("\(type == .jtai ? "Theme" : "Focus"): \(findings.focus ?? "(not found)")")
        }
        if let start = findings.inspectionStart, let end = findings.inspectionEnd {
            lines.append("Inspection dates: \(findings.inspectionDatesText ?? CalendarDay.rangeText(start: start, end: end))"
                + " (\(OfstedProviderPage.isoText(start)) to \(OfstedProviderPage.isoText(end)))")
        } else if let dates = findings.inspectionDatesText {
            lines.append("Inspection dates: \(dates)")
        } else {
            lines.append("Inspection dates: (not found)")
        }
        if findings.letterType != nil, !findings.isGraded {
            lines.append("Grades: none (a letter is not graded)")
        } else {
            lines.append(overallText(findings))
            if findings.judgements.isEmpty {
                lines.append("Judgements: none read")
            } else {
                lines.append("Judgements:")
                func add(_ judgement: Judgement, depth: Int) {
                    lines.append(String(repeating: "  ", count: depth) + "- \(judgement.label): \(judgement.grade.rawValue)")
                    judgement.subJudgements.forEach { add($0, depth: depth + 1) }
                }
                findings.judgements.forEach { add($0, depth: 1) }
            }
        }
        if findings.letterType != nil {
            if findings.areasForPriorityAction.isEmpty {
                lines.append("Areas for priority action: none")
            } else {
                lines.append("Areas for priority action (\(findings.areasForPriorityAction.count)):")
                findings.areasForPriorityAction.forEach { lines.append("  - \($0)") }
            }
        }
        if !findings.mainConclusions.isEmpty {
            lines.append(findings.letterType != nil ? "Headline findings:" : "Main conclusions:")
            findings.mainConclusions.forEach { lines.append("  - \($0)") }
        }
        if findings.whatNeedsToImprove.isEmpty {
            lines.append("What needs to improve: (none found)")
        } else {
            lines.append("What needs to improve:")
            findings.whatNeedsToImprove.forEach { lines.append("  - \($0)") }
        }
        if findings.letterType != nil {
            // A letter's summary is its headline findings, printed above.
        } else if let summary = findings.summary {
            lines.append("Summary:")
            for paragraph in summary.components(separatedBy: "\n\n") {
                lines.append("  " + paragraph.replacingOccurrences(of: "\n", with: " "))
            }
        } else {
            lines.append("Summary: (not found)")
        }
        if findings.warnings.isEmpty {
            lines.append("Warnings: none")
        } else {
            lines.append("Warnings:")
            findings.warnings.forEach { lines.append("  - \($0)") }
        }
        return lines.joined(separator: "\n")
    }

    /// The overall line, never silent: a report without the row says so and why.
    public static func overallText(_ findings: ReportFindings) -> String {
        if let overall = findings.overall {
            return "Overall effectiveness: \(overall.grade.rawValue)"
        }
        switch findings.framework {
        case .ilacs2026:
            return "Overall effectiveness: no overall effectiveness judgement (framework from April 2026)"
        case .ungraded:
            return "Overall effectiveness: no overall effectiveness judgement (an ungraded letter)"
        default:
            return "Overall effectiveness: no overall effectiveness judgement could be read from the report"
        }
    }

    public static func letterTypeText(_ type: LetterType) -> String {
        switch type {
        case .monitoringVisit: "monitoring visit"
        case .focusedVisit: "focused visit"
        case .jtai: "joint targeted area inspection (JTAI)"
        case .other: "other letter"
        }
    }

    public static func frameworkText(_ framework: InspectionFramework) -> String {
        switch framework {
        case .sif2013: "single inspection framework (2013–18)"
        case .ilacs2018: "ILACS 2018–22 (three judgements and overall effectiveness)"
        case .ilacs2023: "ILACS from January 2023 (four judgements and overall effectiveness)"
        case .ilacs2026: "ILACS from April 2026 (four judgements, no overall effectiveness)"
        case .ungraded: "ungraded letter (monitoring or focused visit, joint inspection)"
        case .legacy2009: "inspection before the single inspection framework (2009–13, grades not read)"
        case .unknown: "unknown"
        }
    }

    /// The JSON form: the findings with dates as `yyyy-mm-dd`.
    public static func json(_ findings: ReportFindings, file: String? = nil) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(OfstedProviderPage.isoText(date))
        }
        struct Output: Encodable {
            var file: String?
            var findings: ReportFindings
            var hasOverallJudgement: Bool
        }
        let output = Output(file: file, findings: findings, hasOverallJudgement: findings.hasOverallJudgement)
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
