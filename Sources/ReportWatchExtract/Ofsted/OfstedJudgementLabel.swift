import Foundation
import ReportWatchCore

/// A judgement that an Ofsted framework defines, recognised from the text of a table row.
///
/// Labels are printed from this catalogue, not from the extracted text: pdftotext can cut a label
/// at a line wrap, interleave two rows' lines, or run a sentence into a row, and a label in an
/// alert must be the framework's whole label whatever the layout did to it.
struct JudgementLabel: Equatable {
    /// The framework's whole label, as its tables print it.
    let label: String
    /// 2 for a sub-judgement of the single inspection framework ("2.1 Adoption performance").
    let depth: Int
    let isOverall: Bool
    /// Only the single inspection framework (2013–18) uses this label.
    let isSIF: Bool
    /// Only ILACS 2018–22 combines children in care and care leavers in one judgement.
    let isCombinedCareJudgement: Bool

    static let overall = JudgementLabel(label: "Overall effectiveness", depth: 1, isOverall: true, isSIF: false,
                                        isCombinedCareJudgement: false)
    static let leaders = ilacs("The impact of leaders on social work practice with children and families")
    static let helpAndProtection = ilacs("The experiences and progress of children who need help and protection")
    static let childrenInCareAndCareLeavers = JudgementLabel(
        label: "The experiences and progress of children in care and care leavers", depth: 1, isOverall: false,
        isSIF: false, isCombinedCareJudgement: true)
    static let childrenInCare = ilacs("The experiences and progress of children in care")
    static let careLeavers = ilacs("The experiences and progress of care leavers")
    static let sifHelpAndProtection = sif("Children who need help and protection")
    static let sifLookedAfter = sif("Children looked after and achieving permanence")
    static let sifAdoption = sif("Adoption performance", depth: 2)
    static let sifCareLeavers = sif("Experiences and progress of care leavers", depth: 2)
    static let sifLeadership = sif("Leadership, management and governance")
    static let sifSafeguardingBoard = sif("The effectiveness of the Local Safeguarding Children Board")

    private static func ilacs(_ label: String) -> JudgementLabel {
        JudgementLabel(label: label, depth: 1, isOverall: false, isSIF: false, isCombinedCareJudgement: false)
    }

    private static func sif(_ label: String, depth: Int = 1) -> JudgementLabel {
        JudgementLabel(label: label, depth: depth, isOverall: false, isSIF: true, isCombinedCareJudgement: false)
    }

    /// Recognises a row's label text (its lines joined, numbering and footnote markers still on).
    /// nil for anything that is not one whole judgement label: a cut label ("… who need help and"),
    /// two labels run together, or a sentence.
    static func recognise(_ text: String) -> JudgementLabel? {
        let words = normalisedWords(text)
        guard !words.isEmpty else { return nil }
        let t = words.joined(separator: " ")
        // A label is short; a longer text holding a label's words is prose.
        func within(_ label: JudgementLabel, extraWords: Int = 1) -> Bool {
            words.count <= label.label.split(separator: " ").count + extraWords
        }

        if t == "overall effectiveness" { return .overall }
        if t.hasPrefix("the experiences and progress of ") || t.hasPrefix("experiences and progress of ") {
            let rest = t.hasPrefix("the ") ? String(t.dropFirst("the experiences and progress of ".count))
                : String(t.dropFirst("experiences and progress of ".count))
            let isSIFSub = !t.hasPrefix("the ")
            switch rest {
            case "children who need help and protection", "children in need of help and protection":
                return .helpAndProtection
            case "children in care and care leavers":
                return .childrenInCareAndCareLeavers
            case "children in care", "children looked after":
                return .childrenInCare
            // "children care leavers" is how many 2025–26 tables print the care leavers row.
            case "care leavers", "children care leavers":
                return isSIFSub ? .sifCareLeavers : .careLeavers
            default:
                return nil
            }
        }
        if t == "the impact of leaders on social work practice with children and families" { return .leaders }
        if t == "children who need help and protection" { return .sifHelpAndProtection }
        if t == "children looked after and achieving permanence" { return .sifLookedAfter }
        if t == "adoption performance" { return .sifAdoption }
        if t == "leadership, management and governance" || t == "leadership management and governance" {
            return .sifLeadership
        }
        if t.hasPrefix("the effectiveness of the local safeguarding children board"),
           within(.sifSafeguardingBoard) { return .sifSafeguardingBoard }
        return nil
    }

    /// Whether a table line's text begins a new row (a label's first words, or SIF numbering).
    static func startsRow(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let first = trimmed.first, first.isASCIIDigitCharacter, trimmed.contains(where: \.isLetter),
           trimmed.prefix(5).contains(".") || trimmed.prefix(5).contains(" ") {
            let digits = trimmed.prefix { $0.isASCIIDigitCharacter || $0 == "." }
            if !digits.isEmpty, digits.count <= 4, trimmed.dropFirst(digits.count).first == " " { return true }
        }
        let t = normalisedWords(trimmed).joined(separator: " ")
        return ["the impact of leaders", "the experiences and progress", "experiences and progress of",
                "overall effectiveness", "children who need help", "children looked after", "adoption performance",
                "leadership, management", "leadership management", "the effectiveness of the local safeguarding"]
            .contains { t.hasPrefix($0) }
    }

    /// Lower case, numbering ("1.", "2.1") and footnote markers gone, quotes plain, one space.
    static func normalisedWords(_ text: String) -> [String] {
        var t = stripFootnoteMarkers(text).lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
        if let numbering = t.prefixMatch(of: /\s*\d{1,2}(?:\.\d{1,2})*\.?\s+/) {
            t = String(t[numbering.range.upperBound...])
        }
        var words = t.split(whereSeparator: \.isWhitespace).map(String.init)
        // A trailing footnote digit on its own ("leavers 1") or a stray colon.
        while let last = words.last, last.allSatisfy({ $0.isASCIIDigitCharacter || ":*".contains($0) }) {
            words.removeLast()
        }
        if var last = words.popLast() {
            while let c = last.last, ":.*".contains(c) { last.removeLast() }
            if !last.isEmpty { words.append(last) }
        }
        return words
    }
}
