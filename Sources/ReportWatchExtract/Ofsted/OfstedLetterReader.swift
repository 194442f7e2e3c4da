import Foundation
import ReportWatchCore

/// Reads Ofsted's ungraded letters (monitoring visits, focused visits, joint targeted area
/// inspections) by their parts. A letter never has a grade.
public enum OfstedLetterReader {
    /// The findings of a letter, or nil when the text is not a letter (a graded report).
    public static func read(text: String) -> ReportFindings? {
        nil
    }
}
