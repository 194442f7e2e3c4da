import Foundation
import ReportWatchCore

/// Making page text safe for each place it goes. Everything an alert carries came from a page
/// someone else controls, so none of it is trusted: not in a header, not in HTML, not in XML.
public enum TextEscaping {
    /// One line: every line break (CR, LF, NEL, LS, PS), tab and other control character becomes a
    /// space, runs of spaces become one, bidi controls go, and the ends are trimmed. Nothing in the
    /// result can end a header line.
    public static func oneLine(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var lastWasSpace = true
        for scalar in text.unicodeScalars where !ControlCharacters.isBidiControl(scalar) {
            let isSpace = scalar.properties.isWhitespace || isControl(scalar)
            if isSpace {
                if !lastWasSpace { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        while result.last == " " { result.removeLast() }
        return result
    }

    /// Paragraph text: line ends become "\n", other control characters and bidi controls are dropped.
    public static func multiline(_ text: String) -> String {
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var result = ""
        result.reserveCapacity(unified.utf8.count)
        for scalar in unified.unicodeScalars where !ControlCharacters.isBidiControl(scalar) {
            switch scalar {
            case "\n", "\t": result.unicodeScalars.append(scalar)
            case "\u{2028}", "\u{2029}", "\u{85}": result.unicodeScalars.append("\n")
            default: if !isControl(scalar) { result.unicodeScalars.append(scalar) }
            }
        }
        return result.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Cuts to at most `limit` characters, ending with "…" when it cut.
    public static func truncate(_ text: String, to limit: Int) -> String {
        guard text.count > limit, limit > 1 else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// Text for HTML element content and quoted attribute values. Escaped per scalar: "<" with a
    /// combining mark after it is one `Character` ("≮") to Swift but still a "<" to a parser.
    public static func html(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result.append(contentsOf: "&amp;".unicodeScalars)
            case "<": result.append(contentsOf: "&lt;".unicodeScalars)
            case ">": result.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": result.append(contentsOf: "&quot;".unicodeScalars)
            case "'": result.append(contentsOf: "&#39;".unicodeScalars)
            default: result.append(scalar)
            }
        }
        return String(result)
    }

    /// Text for XML 1.0 content and attributes: escaped, and without the characters XML 1.0
    /// forbids (most C0 controls, U+FFFE, U+FFFF), which would make the whole document unreadable.
    public static func xml(_ text: String) -> String {
        var cleaned = ""
        cleaned.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let allowed = value == 0x9 || value == 0xA || value == 0xD
                || (0x20...0xD7FF).contains(value) || (0xE000...0xFFFD).contains(value) || value >= 0x10000
            if allowed { cleaned.unicodeScalars.append(scalar) }
        }
        return html(cleaned)
    }

    /// The link when it is an absolute http or https URL without spaces or control characters;
    /// nil otherwise, so a `javascript:` or `data:` link from a page never becomes clickable.
    public static func safeLink(_ url: String?) -> String? {
        guard let url, !url.isEmpty,
              !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || isControl($0) }),
              let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        return url
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        ControlCharacters.isControl(scalar) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
