import Foundation
import ReportWatchCore

/// One alert put into words for people: a subject, and the same message as plain text and HTML.
/// Email, the Atom feed and the chat webhooks all read from here, so they say the same thing.
public struct AlertText: Sendable {
    /// One judgement as a message shows it.
    public struct JudgementRow: Sendable, Equatable {
        public var label: String
        public var grade: String
        /// The grade the previous report gave, when the alert knows it.
        public var previousGrade: String?
        public var isOverall: Bool
        public var isSubJudgement: Bool
    }

    public let alert: Alert
    public let context: DeliveryContext

    public init(_ alert: Alert, context: DeliveryContext) {
        self.alert = alert
        self.context = context
    }

    public var sourceName: String { TextEscaping.oneLine(context.sourceName(alert.source)) }
    public var title: String { TextEscaping.oneLine(alert.title) }
    public var link: String? { TextEscaping.safeLink(alert.url) }

    // MARK: Subject

    /// What happened and where, on one line: "Ofsted: new children's services inspection report
    /// for Harrow — Inadequate", "Harrow Cabinet: new — Children's services improvement plan".
    public var subject: String {
        var subject = baseSubject
        if context.isTest { subject = "[TEST] " + subject }
        return TextEscaping.truncate(TextEscaping.oneLine(subject), to: 200)
    }

    private var baseSubject: String {
        if alert.findings != nil, title.hasPrefix("Ofsted: ") || (alert.findings?.letterType != nil && title.hasPrefix("Ofsted ")) {
            // The Ofsted source already words its titles as a subject.
            return title
        }
        if let findings = alert.findings, alert.event == .added || alert.event == .changed {
            let place = findings.localAuthority.map(TextEscaping.oneLine).flatMap { $0.isEmpty ? nil : $0 } ?? sourceName
            let type = TextEscaping.oneLine(alert.item?["type"] ?? alert.title)
            let lowered = Self.lowercasingFirstWord(type)
            let noun = lowered.lowercased().contains("report") || lowered.lowercased().contains("letter") ? "" : " report"
            var subject = "Ofsted: \(alert.event == .added ? "new" : "updated") \(lowered)\(noun) for \(place)"
            if let overall = findings.overall {
                subject += " — \(overall.grade.rawValue)"
            } else if let worst = findings.allJudgements.min(by: { $0.grade.score < $1.grade.score }) {
                subject += " — lowest judgement \(worst.grade.rawValue)"
            }
            return subject
        }
        switch alert.event {
        case .added: return "\(sourceName): new — \(title)"
        case .changed:
            let names = (alert.fields ?? []).map { TextEscaping.oneLine($0.name) }
            return "\(sourceName): changed — \(title)" + (names.isEmpty ? "" : " (\(names.joined(separator: ", ")))")
        case .removed: return "\(sourceName): removed — \(title)"
        case .sourceFailing: return "reportwatch: \(sourceName) is failing — \(title)"
        case .sourceRecovered: return "reportwatch: \(sourceName) has recovered — \(title)"
        case .structureChanged: return "reportwatch: \(sourceName) page structure changed — \(title)"
        case .deliveryFailed: return "reportwatch: an alert could not be delivered — \(title)"
        }
    }

    /// "Children's services inspection" → "children's services inspection"; "SEND inspection" stays.
    static func lowercasingFirstWord(_ text: String) -> String {
        guard let first = text.split(separator: " ", maxSplits: 1).first, first.count > 1,
              first.dropFirst().allSatisfy({ !$0.isUppercase })
        else { return text }
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    // MARK: Parts

    /// The alert's own account, when it says more than the title.
    public var summary: String? {
        guard let summary = alert.summary.map(TextEscaping.multiline), !summary.isEmpty,
              summary != title else { return nil }
        return summary
    }

    /// The report's findings as every message shows them, when the alert carries findings.
    public var findingsView: FindingsView? {
        guard let findings = alert.findings else { return nil }
        let place = [findings.localAuthority, alert.item?["provider"]].compactMap { $0.map(TextEscaping.oneLine) }
            .first { !$0.isEmpty } ?? sourceName
        let published = alert.item?["published"].flatMap(Self.isoDay)
        return FindingsView(
            findings: findings, comparisons: alert.comparisons ?? comparisonsFromFields(findings), place: place,
            reportType: alert.item?["type"] ?? "Report", published: published, link: alert.url)
    }

    /// A `changed` alert's previous grades come from its fields ("Overall effectiveness": old → new).
    private func comparisonsFromFields(_ findings: ReportFindings) -> [JudgementComparison] {
        let previous = Dictionary(
            (alert.fields ?? []).compactMap { change in change.old.flatMap(Grade.init(text:)).map { (change.name.lowercased(), $0) } },
            uniquingKeysWith: { first, _ in first })
        return findings.compared(with: nil, previousPublished: nil).map { row in
            var row = row
            row.previousGrade = previous[row.label.lowercased()] ?? (row.isOverall ? previous["overall"] : nil)
            return row
        }
    }

    /// "2025-03-04" → that day at 00:00 UTC.
    static func isoDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return CalendarDay.date(year: parts[0], month: parts[1], day: parts[2])
    }

    /// Overall effectiveness first, then every judgement and sub-judgement in document order.
    public var judgements: [JudgementRow] {
        (findingsView?.rows ?? []).map {
            JudgementRow(label: $0.label, grade: $0.grade.rawValue, previousGrade: $0.previousGrade?.rawValue,
                         isOverall: $0.isOverall, isSubJudgement: $0.isSubJudgement)
        }
    }

    public var improvements: [String] {
        (alert.findings?.whatNeedsToImprove ?? []).map(TextEscaping.oneLine).filter { !$0.isEmpty }
    }

    public var conclusions: [String] {
        (alert.findings?.mainConclusions ?? []).map(TextEscaping.oneLine).filter { !$0.isEmpty }
    }

    /// "field: old → new", for `changed` alerts.
    public var changes: [String] {
        (alert.fields ?? []).map {
            "\(TextEscaping.oneLine($0.name)): \(TextEscaping.oneLine($0.old ?? "(none)")) → \(TextEscaping.oneLine($0.new ?? "(none)"))"
        }
    }

    public var detectedText: String {
        Self.dateText(alert.detectedAt, in: context.timeZone)
    }

    static func dateText(_ date: Date, in timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = timeZone
        formatter.dateFormat = "d MMMM yyyy, HH:mm zzz"
        return formatter.string(from: date)
    }

    // MARK: The message

    /// The whole message as blocks, for ``MessageRenderer``.
    public var blocks: [MessageBlock] {
        var blocks: [MessageBlock] = []
        if context.isTest {
            blocks.append(.banner("This is a test message from reportwatch test-channel. No action is needed."))
        }
        blocks.append(.heading(subject))
        let view = findingsView
        if let view {
            // The findings say it all, in their own order; the alert's one-paragraph summary
            // would repeat them.
            blocks.append(contentsOf: view.blocks)
            // A letter's alert text alone says which points are new since the provider's
            // previous letter and which remain.
            if alert.findings?.letterType != nil, let summary, summary.contains("the previous letter") {
                blocks.append(.section("Beside the previous letter", [.paragraph(summary)]))
            }
        } else if let summary {
            blocks.append(.paragraph(summary))
        }
        if !changes.isEmpty { blocks.append(.section("What changed", [.list(changes)])) }
        if let link, view?.link == nil { blocks.append(.link(link, "Open the report or page")) }
        blocks.append(.footer([
            ("Source", "\(sourceName) (\(TextEscaping.oneLine(alert.source)))"),
            ("Event", alert.event.rawValue),
            ("Detected", detectedText),
            ("Alert id", TextEscaping.oneLine(alert.id)),
        ]))
        return blocks
    }

    public var plainText: String { MessageRenderer.plain(blocks) }
    public var html: String { MessageRenderer.html(blocks, title: subject) }
}
