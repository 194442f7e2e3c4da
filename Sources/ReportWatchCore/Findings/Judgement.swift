import Foundation

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
