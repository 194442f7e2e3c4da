import Foundation

// MARK: - Grade

/// An Ofsted grade for one judgement.
///
/// The raw values are the wording of the current frameworks. The 2013–18 single inspection
/// framework's "Requires improvement" (and the verb form "require improvement") maps to
/// `.requiresImprovement`.
public enum Grade: String, Sendable, Codable, Hashable, CaseIterable {
    case outstanding = "Outstanding"
    case good = "Good"
    case requiresImprovement = "Requires improvement to be good"
    case inadequate = "Inadequate"

    /// Reads a grade from text as it appears in a report: tolerant of letter case, line wrapping
    /// (any run of whitespace counts as one space), surrounding punctuation and a trailing
    /// footnote digit. The whole text must be the grade: "good" parses, "good practice" does not.
    public init?(text: String) {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.letters.contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if CharacterSet.whitespacesAndNewlines.contains(scalar)
                || CharacterSet.punctuationCharacters.contains(scalar)
                || CharacterSet.decimalDigits.contains(scalar)
                || CharacterSet.symbols.contains(scalar)
            {
                if !current.isEmpty { words.append(current); current = "" }
            } else {
                return nil
            }
        }
        if !current.isEmpty { words.append(current) }
        switch words.joined(separator: " ") {
        case "outstanding": self = .outstanding
        case "good": self = .good
        case "requires improvement to be good", "require improvement to be good",
             "requires improvement", "require improvement":
            self = .requiresImprovement
        case "inadequate": self = .inadequate
        default: return nil
        }
    }

    /// 4 = Outstanding … 1 = Inadequate; higher is better.
    public var score: Int {
        switch self {
        case .outstanding: return 4
        case .good: return 3
        case .requiresImprovement: return 2
        case .inadequate: return 1
        }
    }
}

// MARK: - Framework

/// The inspection framework a report was written under, as far as the report shows it.
public enum InspectionFramework: String, Sendable, Codable, Hashable, CaseIterable {
    /// Single inspection framework (2013–2018): overall grade in a sentence, numbered judgements.
    case sif2013
    /// ILACS 2018–2022: three judgements ("children in care and care leavers" combined) + overall.
    case ilacs2018
    /// ILACS from January 2023: four judgements (care leavers separate) + overall effectiveness.
    case ilacs2023
    /// ILACS from April 2026: four judgements and no overall effectiveness judgement.
    case ilacs2026
    /// Monitoring visits, focused visits, JTAI letters: no grades, findings are sentences.
    case ungraded
    /// Inspections before November 2013 (safeguarding and looked after children services), graded
    /// on a scale with "Adequate": their grades are not read.
    case legacy2009
    case unknown
}

// MARK: - Judgement

public struct Judgement: Sendable, Codable, Equatable, Hashable {
    /// The full judgement label, re-joined from wrapped lines, whitespace normalised, without any
    /// numbering ("The experiences and progress of care leavers", "Adoption performance").
    public var label: String
    public var grade: Grade
    /// SIF reports grade parts of a judgement ("2.1 Adoption performance").
    public var subJudgements: [Judgement]

    public init(label: String, grade: Grade, subJudgements: [Judgement] = []) {
        self.label = label
        self.grade = grade
        self.subJudgements = subJudgements
    }
}

// MARK: - Findings

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

// MARK: - Calendar days

/// Calendar-day arithmetic independent of time zones and locales: a day is stored as the `Date`
/// at 00:00 UTC of that day.
public enum CalendarDay {
    public static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    /// 1-based month number for an English month name or its usual abbreviation.
    public static func month(named name: String) -> Int? {
        let lower = name.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        guard lower.count >= 3 else { return nil }
        for (offset, full) in monthNames.enumerated() {
            let fullLower = full.lowercased()
            if lower == fullLower { return offset + 1 }
            if lower.count <= 4, fullLower.hasPrefix(lower) { return offset + 1 }  // "Sept", "Jan"
        }
        return nil
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    /// The day at 00:00 UTC, or nil when it is not a real calendar day (or outside 1900–2999).
    public static func date(year: Int, month: Int, day: Int) -> Date? {
        guard (1900...2999).contains(year), (1...12).contains(month),
              day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        // Days from 1970-01-01 (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: Double(days) * 86_400)
    }

    /// (year, month, day) of the UTC calendar day containing `date`.
    public static func components(of date: Date) -> (year: Int, month: Int, day: Int)? {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e13 else { return nil }
        let days = Int((seconds / 86_400).rounded(.down))
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func monthName(_ month: Int) -> String {
        guard (1...12).contains(month) else { return "?" }
        return monthNames[month - 1]
    }

    /// "4 March 2025"
    public static func longText(_ date: Date) -> String {
        guard let c = components(of: date) else { return "" }
        return "\(c.day) \(monthName(c.month)) \(c.year)"
    }

    /// "March 2020"
    public static func monthYearText(_ date: Date) -> String {
        guard let c = components(of: date) else { return "" }
        return "\(monthName(c.month)) \(c.year)"
    }

    /// "20–24 January 2025", "27 April – 1 May 2026", "30 December 2024 – 3 January 2025",
    /// "5 March 2024" (one day).
    public static func rangeText(start: Date, end: Date) -> String {
        guard let s = components(of: start), let e = components(of: end) else { return "" }
        if s == e { return longText(start) }
        if s.year == e.year && s.month == e.month {
            return "\(s.day)–\(e.day) \(monthName(e.month)) \(e.year)"
        }
        if s.year == e.year {
            return "\(s.day) \(monthName(s.month)) – \(e.day) \(monthName(e.month)) \(e.year)"
        }
        return "\(longText(start)) – \(longText(end))"
    }
}

// MARK: - Comparison with the previous report

/// What a judgement is about, so that judgements can be matched across frameworks whose labels
/// differ ("children in care and care leavers" in 2018–22, separate judgements since 2023,
/// "children looked after and achieving permanence" under the SIF).
public enum JudgementTopic: String, Sendable, Codable, Hashable, CaseIterable {
    case overall
    case leadership
    case helpAndProtection
    case childrenInCare
    case careLeavers
    case adoption
    case safeguardingBoard

    public static func topics(ofLabel label: String) -> Set<JudgementTopic> {
        let l = label.lowercased()
            .replacingOccurrences(of: "\u{2019}", with: "'")
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        var topics: Set<JudgementTopic> = []
        if l.contains("overall effectiveness") || l.hasPrefix("overall") { topics.insert(.overall) }
        if l.contains("impact of leaders") || l.contains("leadership") || l.contains("leaders and managers") {
            topics.insert(.leadership)
        }
        if l.contains("help and protection") || l.contains("need of help") { topics.insert(.helpAndProtection) }
        if l.contains("children in care") || l.contains("looked after") || l.contains("looked-after") {
            topics.insert(.childrenInCare)
        }
        if l.contains("care leavers") || l.contains("leaving care") { topics.insert(.careLeavers) }
        if l.contains("adoption") { topics.insert(.adoption) }
        if l.contains("safeguarding children board") || l.contains("lscb") { topics.insert(.safeguardingBoard) }
        return topics
    }
}

public struct JudgementComparison: Sendable, Codable, Equatable, Hashable {
    public var label: String
    public var grade: Grade
    /// The grade the previous report gave the matching judgement; nil when it had none.
    public var previousGrade: Grade?
    /// The previous report's publication date (else its last inspection day); nil when there is
    /// no previous grade.
    public var previousReportDate: Date?
    public var isOverall: Bool
    public var isSubJudgement: Bool

    public init(label: String, grade: Grade, previousGrade: Grade?, previousReportDate: Date?,
                isOverall: Bool = false, isSubJudgement: Bool = false) {
        self.label = label
        self.grade = grade
        self.previousGrade = previousGrade
        self.previousReportDate = previousReportDate
        self.isOverall = isOverall
        self.isSubJudgement = isSubJudgement
    }

    public var changed: Bool { previousGrade != nil && previousGrade != grade }
    public var improved: Bool { previousGrade.map { grade.score > $0.score } ?? false }
    public var declined: Bool { previousGrade.map { grade.score < $0.score } ?? false }
}

extension ReportFindings {
    /// Pairs each of this report's grades with the previous report's grade for the same matter.
    /// Overall first (when present), then judgements and sub-judgements in document order.
    public func compared(with previous: ReportFindings?, previousPublished: Date?) -> [JudgementComparison] {
        let previousDate = previous.flatMap { previousPublished ?? $0.inspectionEnd ?? $0.inspectionStart }
        var result: [JudgementComparison] = []
        if let overall {
            let previousGrade = previous?.overall?.grade
            result.append(JudgementComparison(
                label: overall.label, grade: overall.grade, previousGrade: previousGrade,
                previousReportDate: previousGrade == nil ? nil : previousDate, isOverall: true))
        }
        let candidates = previous?.allJudgements ?? []
        func add(_ judgement: Judgement, isSub: Bool) {
            let previousGrade = Self.matchingGrade(for: judgement.label, in: candidates)
            result.append(JudgementComparison(
                label: judgement.label, grade: judgement.grade, previousGrade: previousGrade,
                previousReportDate: previousGrade == nil ? nil : previousDate, isSubJudgement: isSub))
            for sub in judgement.subJudgements { add(sub, isSub: true) }
        }
        for judgement in judgements { add(judgement, isSub: false) }
        return result
    }

    static func matchingGrade(for label: String, in candidates: [Judgement]) -> Grade? {
        let topics = JudgementTopic.topics(ofLabel: label).subtracting([.overall])
        guard !topics.isEmpty else {
            let key = label.lowercased()
            return candidates.first { $0.label.lowercased() == key }?.grade
        }
        let tagged = candidates.map { (JudgementTopic.topics(ofLabel: $0.label).subtracting([.overall]), $0) }
        // 1. A previous judgement about the same matters, or one covering them (the 2018–22
        //    "children in care and care leavers" covers 2023's "children in care"): the most
        //    specific such judgement.
        let covering = tagged.filter { topics.isSubset(of: $0.0) }
        if let best = covering.min(by: { $0.0.count < $1.0.count }) { return best.1.grade }
        // 2. This judgement combines matters the previous report graded separately: only when
        //    every part is covered and all parts had the same grade.
        guard topics.count > 1 else { return nil }
        var grades: Set<Grade> = []
        for topic in topics {
            let parts = tagged.filter { $0.0.contains(topic) }
            guard let part = parts.min(by: { $0.0.count < $1.0.count }) else { return nil }
            grades.insert(part.1.grade)
        }
        return grades.count == 1 ? grades.first : nil
    }
}

// MARK: - Headline

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
