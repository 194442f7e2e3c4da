import Foundation

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
