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

    /// Overall effectiveness first, then every judgement and sub-judgement in document order.
    public var judgements: [JudgementRow] {
        guard let findings = alert.findings else { return [] }
        let previous = Dictionary(
            (alert.fields ?? []).compactMap { change in change.old.map { (change.name.lowercased(), $0) } },
            uniquingKeysWith: { first, _ in first })
        var rows: [JudgementRow] = []
        if let overall = findings.overall {
            rows.append(JudgementRow(
                label: TextEscaping.oneLine(overall.label), grade: overall.grade.rawValue,
                previousGrade: (previous[overall.label.lowercased()] ?? previous["overall"]).map(TextEscaping.oneLine),
                isOverall: true, isSubJudgement: false))
        }
        func add(_ judgement: Judgement, sub: Bool) {
            rows.append(JudgementRow(
                label: TextEscaping.oneLine(judgement.label), grade: judgement.grade.rawValue,
                previousGrade: previous[judgement.label.lowercased()].map(TextEscaping.oneLine),
                isOverall: false, isSubJudgement: sub))
            for part in judgement.subJudgements { add(part, sub: true) }
        }
        for judgement in findings.judgements { add(judgement, sub: false) }
        return rows
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
        if let summary { blocks.append(.paragraph(summary)) }
        if let findings = alert.findings {
            var facts: [(label: String, value: String)] = []
            if let dates = findings.inspectionDatesText.map(TextEscaping.oneLine), !dates.isEmpty {
                facts.append((findings.letterType == nil ? "Inspection dates" : "Visit dates", dates))
            }
            if let focus = findings.focus.map(TextEscaping.oneLine), !focus.isEmpty {
                facts.append((findings.letterType == .jtai ? "Theme" : "Focus", focus))
            }
            if !facts.isEmpty { blocks.append(.facts(facts)) }
            if !judgements.isEmpty { blocks.append(.judgements(judgements)) }
            let priorityActions = findings.areasForPriorityAction.map(TextEscaping.oneLine).filter { !$0.isEmpty }
            if !priorityActions.isEmpty { blocks.append(.section("Areas for priority action", [.list(priorityActions)])) }
            // A letter's summary is its headline findings, listed below as sentences.
            if findings.letterType == nil, let reportSummary = findings.summary.map(TextEscaping.multiline), !reportSummary.isEmpty {
                blocks.append(.section("Summary from the report", [.paragraph(reportSummary)]))
            }
            if !conclusions.isEmpty {
                blocks.append(.section(findings.letterType == nil ? "Main conclusions" : "Headline findings", [.list(conclusions)]))
            }
            if !improvements.isEmpty { blocks.append(.section("What needs to improve", [.list(improvements)])) }
            let warnings = findings.warnings.map(TextEscaping.oneLine).filter { !$0.isEmpty }
            if !warnings.isEmpty { blocks.append(.section("Could not be read from the report", [.list(warnings)])) }
        }
        if !changes.isEmpty { blocks.append(.section("What changed", [.list(changes)])) }
        if let link { blocks.append(.link(link, "Open the report or page")) }
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
