import Foundation

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
