import Foundation

// MARK: - Letter type

/// The kind of an ungraded Ofsted letter. A letter never has a grade.
public enum LetterType: String, Sendable, Codable, Hashable, CaseIterable {
    /// "Monitoring visit to X children's services": a council judged inadequate.
    case monitoringVisit
    /// "Focused visit to X children's services".
    case focusedVisit
    /// "Joint targeted area inspection of …", addressed to a safeguarding partnership.
    case jtai
    /// Any other letter (assurance visits, joint area child protection inspections, …).
    case other

    /// A value written by a newer version that this one does not know reads as `.other`.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = LetterType(rawValue: raw) ?? .other
    }

    /// "focused visit", "monitoring visit", "joint targeted area inspection", "letter".
    public var name: String {
        switch self {
        case .monitoringVisit: "monitoring visit"
        case .focusedVisit: "focused visit"
        case .jtai: "joint targeted area inspection"
        case .other: "letter"
        }
    }
}

// MARK: - Points set beside the previous letter's

/// One point of a letter (to improve, or an area for priority action), and whether the
/// previous letter of the same provider already made it.
public struct LetterPoint: Sendable, Codable, Equatable, Hashable {
    public var text: String
    /// nil when there is no previous letter to compare with.
    public var remains: Bool?

    public init(text: String, remains: Bool?) {
        self.text = text
        self.remains = remains
    }
}

public enum LetterPoints {
    /// Each point of `points`, marked as remaining when one of `previous` says the same thing
    /// (after normalising case, punctuation, whitespace and the framework cross-references such
    /// as "(enabler 2, national framework)"), else as new. Unmarked without a previous letter.
    public static func compare(_ points: [String], with previous: [String]?) -> [LetterPoint] {
        guard let previous else { return points.map { LetterPoint(text: $0, remains: nil) } }
        let earlier = previous.map(normalised).filter { !$0.isEmpty }
        return points.map { point in
            let key = normalised(point)
            let remains = !key.isEmpty && earlier.contains { same(key, $0) }
            return LetterPoint(text: point, remains: remains)
        }
    }

    /// Lower case, letters and digits only, single spaces; parenthesised cross-references to the
    /// national framework dropped.
    public static func normalised(_ text: String) -> String {
        var cleaned = text.lowercased()
        while let open = cleaned.range(of: "("),
              let close = cleaned.range(of: ")", range: open.upperBound..<cleaned.endIndex),
              cleaned[open.upperBound..<close.lowerBound].contains("framework")
        {
            cleaned.removeSubrange(open.lowerBound..<close.upperBound)
        }
        var words: [String] = []
        var current = ""
        for character in cleaned {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.joined(separator: " ")
    }

    /// The same point: equal, one containing the other, or nearly the same words (a point
    /// reworded by a word or two between visits).
    static func same(_ a: String, _ b: String) -> Bool {
        if a == b || a.contains(b) || b.contains(a) { return true }
        let wordsA = Set(a.split(separator: " ")), wordsB = Set(b.split(separator: " "))
        guard wordsA.count >= 3, wordsB.count >= 3 else { return false }
        let shared = Double(wordsA.intersection(wordsB).count)
        return shared / Double(wordsA.union(wordsB).count) >= 0.8
    }
}

// MARK: - Alert text of a letter

public enum OfstedLetterHeadline {
    /// "Ofsted focused visit to Wakefield: 3 areas for priority action". Never a grade.
    public static func title(type: LetterType, itemType: String, council: String, findings: ReportFindings) -> String {
        var title: String
        switch type {
        case .monitoringVisit, .focusedVisit: title = "Ofsted \(type.name) to \(council)"
        case .jtai: title = "Ofsted joint targeted area inspection of \(council)"
        case .other: title = "Ofsted: new \(lowercasedFirstWord(itemType)) letter for \(council)"
        }
        let actions = findings.areasForPriorityAction.count
        let points = findings.whatNeedsToImprove.count
        if actions > 0 {
            title += ": \(actions) \(actions == 1 ? "area" : "areas") for priority action"
        } else if points > 0 {
            title += ": \(points) \(points == 1 ? "point" : "points") to improve"
        }
        return title
    }

    /// One alert text for a new letter, every fact taken from the letter:
    ///
    /// "New Ofsted letter for Wakefield: Focused visit, published 22 March 2018 (visit of 27–28
    /// February 2018). Inspectors looked at … Areas for priority action (3): …; …. Headline
    /// findings: … What needs to improve: …; …. Report: …"
    ///
    /// With a previous letter of the same provider, each list says which of its points are new
    /// and which remain from that letter.
    public static func text(
        council: String,
        reportType: String,
        published: Date?,
        findings: ReportFindings,
        previous: ReportFindings?,
        previousPublished: Date?,
        link: String
    ) -> String {
        var sentences: [String] = []
        var opening = "New Ofsted letter for \(council): \(reportType)"
        if let published { opening += ", published \(CalendarDay.longText(published))" }
        if let dates = findings.inspectionDatesText, !dates.isEmpty {
            opening += findings.letterType == .jtai ? " (inspected \(dates))" : " (visit of \(dates))"
        }
        sentences.append(opening + ".")
        if let focus = findings.focus, !focus.isEmpty {
            sentences.append(findings.letterType == .jtai ? "Theme: \(ending(focus))" : ending(focus))
        }
        let earlier = previous.map { $0.areasForPriorityAction + $0.whatNeedsToImprove }
        let since = previous.map { letter -> String in
            let date = previousPublished ?? letter.inspectionEnd ?? letter.inspectionStart
            return date.map { " (\(CalendarDay.monthYearText($0)))" } ?? ""
        } ?? ""
        if !findings.areasForPriorityAction.isEmpty {
            let count = findings.areasForPriorityAction.count
            sentences.append(list("\(count == 1 ? "Area" : "Areas") for priority action (\(count))",
                                  LetterPoints.compare(findings.areasForPriorityAction, with: earlier), since: since))
        }
        if findings.mainConclusions.isEmpty {
            sentences.append("No headline findings could be read from the letter; see the link.")
        } else {
            sentences.append("Headline findings: " + findings.mainConclusions.joined(separator: " "))
        }
        if !findings.whatNeedsToImprove.isEmpty {
            sentences.append(list("What needs to improve", LetterPoints.compare(findings.whatNeedsToImprove, with: earlier),
                                  since: since))
        }
        sentences.append("Report: \(link)")
        return sentences.joined(separator: " ")
    }

    /// "What needs to improve: A; B." or, beside a previous letter, "What needs to improve, new:
    /// A. Still to improve from the previous letter (June 2023): B."
    static func list(_ heading: String, _ points: [LetterPoint], since: String) -> String {
        func join(_ items: [LetterPoint]) -> String {
            items.map { trimmedEnd($0.text) }.joined(separator: "; ") + "."
        }
        guard points.contains(where: { $0.remains != nil }) else { return "\(heading): " + join(points) }
        let new = points.filter { $0.remains == false }
        let remaining = points.filter { $0.remains == true }
        var parts: [String] = []
        if !new.isEmpty { parts.append("\(heading), new since the previous letter\(since): " + join(new)) }
        if !remaining.isEmpty {
            parts.append((new.isEmpty ? "\(heading), all" : "Still") + " from the previous letter\(since): " + join(remaining))
        }
        return parts.joined(separator: " ")
    }

    public static func trimmedEnd(_ text: String) -> String {
        var trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        while let last = trimmed.last, last == "." || last == ";" { trimmed.removeLast() }
        return trimmed
    }

    static func ending(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last, !".!?".contains(last) else { return trimmed }
        return trimmed + "."
    }

    static func lowercasedFirstWord(_ text: String) -> String {
        guard let first = text.split(separator: " ", maxSplits: 1).first, first.count > 1,
              first.dropFirst().allSatisfy({ !$0.isUppercase })
        else { return text }
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
