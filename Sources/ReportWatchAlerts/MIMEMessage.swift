import Foundation

/// A `multipart/alternative` mail message (plain text and HTML), as bytes ready for SMTP.
///
/// Header values given here are already encoded (``RFC2047``); the bodies are quoted-printable,
/// whose output never contains "=_", so the "=_" boundary can never occur inside a part.
public struct MIMEMessage: Sendable {
    public var headers: [(name: String, value: String)]
    public var text: String
    public var html: String
    public var boundary: String

    public init(headers: [(name: String, value: String)], text: String, html: String, boundaryToken: String) {
        self.headers = headers
        self.text = text
        self.html = html
        let token = boundaryToken.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }
        boundary = "=_reportwatch_" + String(String.UnicodeScalarView(token.prefix(40)))
    }

    /// The message with CRLF line ends.
    public var bytes: [UInt8] {
        var out = ""
        for header in headers {
            out += "\(header.name): \(header.value)\r\n"
        }
        out += "MIME-Version: 1.0\r\n"
        out += "Content-Type: multipart/alternative; boundary=\"\(boundary)\"\r\n"
        out += "\r\n"
        out += "This is a multipart message in MIME format.\r\n"
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            out += "\r\n--\(boundary)\r\n"
            out += "Content-Type: \(type); charset=utf-8\r\n"
            out += "Content-Transfer-Encoding: quoted-printable\r\n"
            out += "\r\n"
            out += Self.quotedPrintable(body)
        }
        out += "\r\n--\(boundary)--\r\n"
        return Array(out.utf8)
    }

    /// Quoted-printable (RFC 2045 §6.7): lines of at most 76 characters, soft breaks, and every
    /// byte that is not printable ASCII encoded. A leading "." is encoded too, so no relay can
    /// take a line for the end of the message.
    public static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let hex = Array("0123456789ABCDEF".utf8)
        var lines: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var encoded: [[UInt8]] = []
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 32 || byte == 9) && !isLast)
                if literal {
                    encoded.append([byte])
                } else {
                    encoded.append([UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            var output: [UInt8] = []
            var width = 0
            for token in encoded {
                // 75 leaves room for the "=" of a soft break.
                if width + token.count > 75 {
                    output += Array("=\r\n".utf8)
                    width = 0
                }
                if width == 0 && token == [UInt8(ascii: ".")] {
                    output += Array("=2E".utf8)
                    width = 3
                    continue
                }
                output += token
                width += token.count
            }
            lines.append(String(decoding: output, as: UTF8.self))
        }
        return lines.joined(separator: "\r\n")
    }
}
