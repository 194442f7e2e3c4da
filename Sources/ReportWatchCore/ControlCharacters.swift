/// Characters that page text must never carry to a person or a log: C0 and C1 controls (NUL ends
/// a journald record, so a following `<0>` reads as a new emergency one; ESC and U+009B start
/// terminal escapes) and the bidi overrides and isolates, which reorder what a reader sees.
/// Bidi marks (U+200E, U+200F, U+061C) are kept: they only nudge neutral characters.
public enum ControlCharacters {
    /// C0 (tab and line ends included: callers that keep them test for them first), DEL and C1.
    @inlinable
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// U+202A–U+202E (embeddings, overrides, pop) and U+2066–U+2069 (isolates).
    @inlinable
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Text for a terminal or a log line: every control (but tab, and line feed when
    /// `keepingLineFeeds`) and bidi control spelled out as `\u{1B}`, so it is seen, not obeyed.
    public static func escapedForTerminal(_ text: String, keepingLineFeeds: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLineFeeds) }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if needsEscape(scalar, keepingLineFeeds) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// JSON text (already encoded) for a terminal: a JSON encoder escapes C0 itself but writes
    /// DEL, C1 and bidi controls as they are; here they become `\u00XX` escapes, which only
    /// occur inside strings, so the document means the same.
    public static func escapedJSONForTerminal(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: { isControl($0) && $0.value >= 0x7F || isBidiControl($0) }) else { return json }
        var result = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if (isControl(scalar) && scalar.value >= 0x7F) || isBidiControl(scalar) {
                let hex = String(scalar.value, radix: 16)
                result.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar, _ keepingLineFeeds: Bool) -> Bool {
        if scalar == "\t" || (keepingLineFeeds && scalar == "\n") { return false }
        return isControl(scalar) || isBidiControl(scalar)
    }
}
