/// Durations as the config writes them: `90s`, `30m`, `1h`, `1h30m`, `500ms`, `2d`.
enum DurationParser {
    /// The longest duration any key takes (a century: a ModernGov window may look years back).
    /// It keeps every sum and product made from a duration (backoff, deadlines, nanoseconds)
    /// inside its type.
    static let longest: Duration = .seconds(36_500 * 86_400)

    /// `nil` when the text is not a duration or is longer than ``longest``.
    static func parse(_ text: String) -> Duration? {
        var total = 0.0
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard !number.isEmpty, let value = Double(number) else { return false }
            let seconds: Double
            switch unit {
            case "ms": seconds = value / 1000
            case "s", "sec": seconds = value
            case "m", "min": seconds = value * 60
            case "h": seconds = value * 3600
            case "d": seconds = value * 86400
            default: return false
            }
            total += seconds
            guard total.isFinite, total <= longest.seconds else { return false }
            number = ""
            unit = ""
            sawAny = true
            return true
        }
        for character in text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed() {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        guard flush(), sawAny else { return nil }
        return .milliseconds(Int64((total * 1000).rounded()))
    }
}
