import Foundation

/// Header values for mail (RFC 5322, RFC 2047): libcurl sends the message as given, so
/// encoding non-ASCII text and folding long lines is ours to do.
public enum RFC2047 {
    /// The longest encoded-word RFC 2047 allows.
    static let maxWordLength = 75
    /// "=?UTF-8?B?" + "?=" around the Base64.
    static let wordOverhead = 12

    /// An unstructured header value (Subject): one line of text, folded, and made of RFC 2047
    /// encoded-words when it is not plain printable ASCII. Line breaks in the input cannot survive.
    public static func unstructured(_ text: String, headerName: String) -> String {
        let line = TextEscaping.oneLine(text)
        if isPlainASCII(line) { return fold(line, headerName: headerName) }
        return encodedWords(line).joined(separator: "\r\n ")
    }

    /// A display name for an address header: as it is when it is a plain atom sequence, quoted
    /// when it has specials, encoded-words when it has non-ASCII.
    public static func phrase(_ text: String) -> String {
        let line = TextEscaping.oneLine(text)
        guard isPlainASCII(line) else { return encodedWords(line).joined(separator: " ") }
        let specials = CharacterSet(charactersIn: "()<>[]:;@\\,.\"")
        if line.unicodeScalars.contains(where: { specials.contains($0) }) {
            return "\"" + line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return line
    }

    /// Printable ASCII with nothing that a reader could take for an encoded-word.
    static func isPlainASCII(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F } && !text.contains("=?")
    }

    /// Base64 encoded-words of at most 75 characters each, split between characters (never inside
    /// a UTF-8 sequence, and between grapheme clusters where they fit).
    static func encodedWords(_ text: String) -> [String] {
        let maxBytes = (maxWordLength - wordOverhead) / 4 * 3
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk.removeAll()
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count > maxBytes {
                // A cluster too long for one word (long emoji sequences): split between scalars.
                for scalar in character.unicodeScalars {
                    let scalarBytes = Array(String(scalar).utf8)
                    if chunk.count + scalarBytes.count > maxBytes { flush() }
                    chunk.append(contentsOf: scalarBytes)
                }
                continue
            }
            if chunk.count + bytes.count > maxBytes { flush() }
            chunk.append(contentsOf: bytes)
        }
        flush()
        return words.isEmpty ? ["=?UTF-8?B??="] : words
    }

    /// Folds plain text at spaces so lines stay within 78 characters where the words allow.
    static func fold(_ text: String, headerName: String) -> String {
        var lines: [String] = []
        var current = ""
        var limit = 78 - headerName.count - 2
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= limit {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
                limit = 77
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }
}
