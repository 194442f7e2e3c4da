import Foundation

/// What is learned from one Ofsted report document.
public struct ReportFindings: Sendable, Codable, Equatable, Hashable {
    public var framework: InspectionFramework
    /// As the report names it, e.g. "Harrow".
    public var localAuthority: String?
    /// The report's first heading, e.g. "Inspection of Harrow local authority children's services".
    public var title: String?
    /// First and last day of the inspection: calendar days, stored at 00:00 UTC.
    public var inspectionStart: Date?
    public var inspectionEnd: Date?
    /// e.g. "20–24 January 2025", "27 April – 1 May 2026".
    public var inspectionDatesText: String?
    /// "Overall effectiveness". nil when the report has none (frameworks from April 2026, ungraded
    /// letters) or when it could not be read (then `warnings` says so).
    public var overall: Judgement?
    /// The other judgements, in document order (sub-judgements nested).
    public var judgements: [Judgement]
    /// "What needs to improve" bullets (SIF: the numbered recommendations), one line each.
    public var whatNeedsToImprove: [String]
    /// The opening summary paragraph(s), paragraphs separated by a blank line.
    public var summary: String?
    /// Ungraded letters only: the sentences stating the inspectors' main conclusions.
    public var mainConclusions: [String]
    /// Everything the parser could not read. Never silently replaced by a guess.
    public var warnings: [String]
    /// Letters only (nil for a graded report): monitoring visit, focused visit, JTAI or other.
    public var letterType: LetterType?
    /// Letters only: what the visit looked at ("Inspectors looked at …"), or a JTAI's theme.
    public var focus: String?
    /// Letters only: each "area for priority action", whole, in the letter's order.
    public var areasForPriorityAction: [String]
    /// JTAI letters: the safeguarding partnership the letter is addressed to, when it is named.
    public var partnership: String?

    public init(
        framework: InspectionFramework = .unknown,
        localAuthority: String? = nil,
        title: String? = nil,
        inspectionStart: Date? = nil,
        inspectionEnd: Date? = nil,
        inspectionDatesText: String? = nil,
        overall: Judgement? = nil,
        judgements: [Judgement] = [],
        whatNeedsToImprove: [String] = [],
        summary: String? = nil,
        mainConclusions: [String] = [],
        warnings: [String] = [],
        letterType: LetterType? = nil,
        focus: String? = nil,
        areasForPriorityAction: [String] = [],
        partnership: String? = nil
    ) {
        self.framework = framework
        self.localAuthority = localAuthority
        self.title = title
        self.inspectionStart = inspectionStart
        self.inspectionEnd = inspectionEnd
        self.inspectionDatesText = inspectionDatesText
        self.overall = overall
        self.judgements = judgements
        self.whatNeedsToImprove = whatNeedsToImprove
        self.summary = summary
        self.mainConclusions = mainConclusions
        self.warnings = warnings
        self.letterType = letterType
        self.focus = focus
        self.areasForPriorityAction = areasForPriorityAction
        self.partnership = partnership
    }

    private enum CodingKeys: String, CodingKey {
        case framework, localAuthority, title, inspectionStart, inspectionEnd, inspectionDatesText
        case overall, judgements, whatNeedsToImprove, summary, mainConclusions, warnings
        case letterType, focus, areasForPriorityAction, partnership
    }

    /// Findings stored by earlier versions lack the newer keys: each has its default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        framework = try c.decodeIfPresent(InspectionFramework.self, forKey: .framework) ?? .unknown
        localAuthority = try c.decodeIfPresent(String.self, forKey: .localAuthority)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        inspectionStart = try c.decodeIfPresent(Date.self, forKey: .inspectionStart)
        inspectionEnd = try c.decodeIfPresent(Date.self, forKey: .inspectionEnd)
        inspectionDatesText = try c.decodeIfPresent(String.self, forKey: .inspectionDatesText)
        overall = try c.decodeIfPresent(Judgement.self, forKey: .overall)
        judgements = try c.decodeIfPresent([Judgement].self, forKey: .judgements) ?? []
        whatNeedsToImprove = try c.decodeIfPresent([String].self, forKey: .whatNeedsToImprove) ?? []
        summary = try c.decodeIfPresent(String.self, forKey: .summary)
        mainConclusions = try c.decodeIfPresent([String].self, forKey: .mainConclusions) ?? []
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
        letterType = try c.decodeIfPresent(LetterType.self, forKey: .letterType)
        focus = try c.decodeIfPresent(String.self, forKey: .focus)
        areasForPriorityAction = try c.decodeIfPresent([String].self, forKey: .areasForPriorityAction) ?? []
        partnership = try c.decodeIfPresent(String.self, forKey: .partnership)
    }

    /// True only when the report itself states an overall effectiveness grade. False for reports
    /// under the April 2026 framework (which has none), for ungraded letters, and when the row
    /// could not be read. Never inferred from the other judgements.
    public var hasOverallJudgement: Bool { overall != nil }

    /// True when at least one grade was read.
    public var isGraded: Bool { overall != nil || !judgements.isEmpty }

    /// Judgements and their sub-judgements, depth first, in document order (overall excluded).
    public var allJudgements: [Judgement] {
        var result: [Judgement] = []
        func walk(_ list: [Judgement]) {
            for judgement in list {
                result.append(judgement)
                walk(judgement.subJudgements)
            }
        }
        walk(judgements)
        return result
    }
}
