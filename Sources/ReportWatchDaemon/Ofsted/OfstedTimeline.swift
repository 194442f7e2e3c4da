import Foundation
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore

/// `reportwatch findings`: a provider's reports and grades as the store holds them, newest
/// first: what the page lists now, joined with what each report's PDF said when it was read.
public struct OfstedTimeline: Sendable, Encodable {
    public struct Entry: Sendable, Encodable {
        public var key: String
        public var type: String?
        public var published: String?
        public var link: String?
        /// False when the page no longer lists the report (its findings are still kept).
        public var listed: Bool
        /// `read`, `unreadable` (with `error`) or `not_read_yet`.
        public var status: String
        public var error: String?
        public var inspectionDates: String?
        public var overall: String?
        public var judgements: [String]
        public var whatNeedsToImprove: [String]
        public var keptCopy: String?
        /// Letters only: `monitoringVisit`, `focusedVisit`, `jtai` or `other`, the focus or theme,
        /// and the areas for priority action.
        public var letterType: LetterType?
        public var focus: String?
        public var areasForPriorityAction: [String]?

        enum CodingKeys: String, CodingKey {
            case key, type, published, link, listed, status, error, overall, judgements, focus
            case letterType = "letter_type"
            case areasForPriorityAction = "areas_for_priority_action"
            case inspectionDates = "inspection_dates"
            case whatNeedsToImprove = "what_needs_to_improve"
            case keptCopy = "kept_copy"
        }
    }

    public var source: String
    public var entries: [Entry]

    public init(source: String, items: [String: Item], documents: [String: StoredDocument]) {
        self.source = source
        var entries: [Entry] = []
        for key in Set(items.keys).union(documents.keys) {
            let item = items[key]
            let document = documents[key]
            let findings = document?.error == nil ? document?.findings : nil
            let published = item?.fields["published"] ?? document?.published.map(OfstedProviderPage.isoText)
            var entry = Entry(
                key: key, type: item?.fields["type"] ?? item?.title, published: published,
                link: item?.link ?? document?.url, listed: item != nil,
                status: document == nil ? "not_read_yet" : (findings == nil ? "unreadable" : "read"),
                error: document?.error, judgements: [], whatNeedsToImprove: findings?.whatNeedsToImprove ?? [],
                keptCopy: document?.path)
            if let findings, let letterType = findings.letterType {
                // A letter has no grades: none is shown, not even "none read".
                entry.inspectionDates = findings.inspectionDatesText
                entry.letterType = letterType
                entry.focus = findings.focus
                entry.areasForPriorityAction = findings.areasForPriorityAction
            } else if let findings {
                entry.inspectionDates = findings.inspectionDatesText
                entry.overall = findings.overall?.grade.rawValue
                entry.judgements = findings.allJudgements.map { "\($0.label): \($0.grade.rawValue)" }
                if findings.overall == nil {
                    entry.overall = OfstedReportInspector.overallText(findings)
                        .replacingOccurrences(of: "Overall effectiveness: ", with: "")
                }
            }
            entries.append(entry)
        }
        self.entries = entries.sorted { lhs, rhs in
            (lhs.published ?? "", lhs.key) > (rhs.published ?? "", rhs.key)
        }
    }

    /// Reads the store of a configuration: items and documents of one source.
    public static func load(stateDirectory: String, source: String) throws -> OfstedTimeline {
        let store = try Store(path: (stateDirectory as NSString).appendingPathComponent("reportwatch.sqlite"))
        return try store.read { transaction in
            OfstedTimeline(source: source, items: try transaction.currentItems(source), documents: try transaction.documents(source))
        }
    }

    public var text: String {
        guard !entries.isEmpty else { return "\(source): no reports stored yet (run reportwatch check first)" }
        var lines = ["\(source): \(entries.count) report(s), newest first"]
        for entry in entries {
            lines.append("")
            var heading = "\(entry.published ?? "(no date)")  \(entry.type ?? "Report")"
            if !entry.listed { heading += "  (no longer listed)" }
            lines.append(heading)
            if let dates = entry.inspectionDates { lines.append("  inspected: \(dates)") }
            switch entry.status {
            case "read" where entry.letterType != nil:
                lines.append("  letter (no grades): \(entry.letterType.map(OfstedReportInspector.letterTypeText) ?? "")")
                if let focus = entry.focus { lines.append("  \(entry.letterType == .jtai ? "theme" : "focus"): \(focus)") }
                let actions = entry.areasForPriorityAction ?? []
                lines.append(actions.isEmpty ? "  no areas for priority action" : "  areas for priority action (\(actions.count)):")
                actions.forEach { lines.append("    - \($0)") }
                if !entry.whatNeedsToImprove.isEmpty {
                    lines.append("  what needs to improve (\(entry.whatNeedsToImprove.count)):")
                    entry.whatNeedsToImprove.forEach { lines.append("    - \($0)") }
                }
            case "read":
                if let overall = entry.overall { lines.append("  overall effectiveness: \(overall)") }
                entry.judgements.forEach { lines.append("  \($0)") }
                if entry.judgements.isEmpty && entry.overall == nil { lines.append("  no graded judgements") }
            case "unreadable":
                lines.append("  could not be read: \(entry.error ?? "unknown error")")
            default:
                lines.append("  not read yet")
            }
            if let link = entry.link { lines.append("  \(link)") }
            if let copy = entry.keptCopy { lines.append("  kept copy: \(copy)") }
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
