import Foundation

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
