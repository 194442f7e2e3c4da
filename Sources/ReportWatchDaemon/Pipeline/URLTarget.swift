import Foundation

/// What the host gate and the robots cache need from a URL: its scheme, host, port, and the
/// path and query that robots.txt judges.
///
/// `URLComponents` runs an IDNA pass over every host, and a `check` process parsed each source's
/// URL with it three times (the pass's host queues, the gate, robots): about 3% of a pass over
/// a thousand pages. The plain URLs that sources almost always have (`http` or `https`, a
/// lower-case ASCII host, digits for a port, path and query in RFC 3986's characters) are split
/// here by hand, to the same parts; anything else goes to `URLComponents` as before.
struct URLTarget: Equatable, Sendable {
    var scheme: String
    var host: String
    var port: Int?
    /// The percent-encoded path (`/` when empty), then `?` and the query when there is one.
    var pathAndQuery: String

    /// The origin whose robots.txt applies.
    var origin: String { "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") }

    /// The parts of the URL, or `nil` when `URLComponents` cannot read it or it has no scheme
    /// or host.
    static func parse(_ url: String) -> URLTarget? {
        if let target = parsePlain(url) { return target }
        return parseWithComponents(url)
    }

    static func parseWithComponents(_ url: String) -> URLTarget? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return nil
        }
        let path = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
        return URLTarget(scheme: scheme, host: host, port: components.port, pathAndQuery: path)
    }

    /// The fast path: `nil` for anything it does not vouch for, which then goes to
    /// `URLComponents`.
    static func parsePlain(_ url: String) -> URLTarget? {
        var url = url
        return url.withUTF8 { bytes -> URLTarget? in
            let scheme: String
            var index: Int
            if bytes.starts(with: "https://".utf8) {
                scheme = "https"
                index = 8
            } else if bytes.starts(with: "http://".utf8) {
                scheme = "http"
                index = 7
            } else {
                return nil
            }
            // The host: lower-case letters, digits, dots and hyphens; no IDNA (xn--) labels,
            // which URLComponents would decode.
            let hostStart = index
            var labelStart = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: ":") { break }
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                    break
                case UInt8(ascii: "."):
                    guard index > labelStart else { return nil }
                    labelStart = index + 1
                default:
                    return nil
                }
                if index == labelStart + 3, bytes[labelStart] == UInt8(ascii: "x"), bytes[labelStart + 1] == UInt8(ascii: "n"),
                   bytes[labelStart + 2] == UInt8(ascii: "-"), bytes[labelStart + 3] == UInt8(ascii: "-") {
                    return nil
                }
                index += 1
            }
            guard index > hostStart, index > labelStart, bytes[hostStart] != UInt8(ascii: "-") else { return nil }
            let host = String(decoding: UnsafeBufferPointer(rebasing: bytes[hostStart..<index]), as: UTF8.self)
            var port: Int?
            if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                index += 1
                let digitsStart = index
                var value = 0
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                }
                // One to five digits, no leading zero, within range; an empty port is left to
                // URLComponents.
                let count = index - digitsStart
                guard count >= 1, count <= 5, bytes[digitsStart] != UInt8(ascii: "0"), value <= 65_535 else { return nil }
                port = value
            }
            guard index == bytes.count || bytes[index] == UInt8(ascii: "/") || bytes[index] == UInt8(ascii: "?") else { return nil }
            // Path and query: RFC 3986's unreserved and sub-delimiter characters, ":", "@",
            // "/", "?", and well-formed percent escapes. No fragment.
            let restStart = index
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                     UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                     UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"),
                     UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
                     UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "/"), UInt8(ascii: "?"):
                    break
                case UInt8(ascii: "%"):
                    guard index + 2 < bytes.count, bytes[index + 1].isHexDigit, bytes[index + 2].isHexDigit else { return nil }
                    index += 2
                default:
                    return nil
                }
                index += 1
            }
            var rest = String(decoding: UnsafeBufferPointer(rebasing: bytes[restStart...]), as: UTF8.self)
            if rest.isEmpty || rest.utf8.first == UInt8(ascii: "?") {
                rest = "/" + rest
            }
            return URLTarget(scheme: scheme, host: host, port: port, pathAndQuery: rest)
        }
    }
}

private extension UInt8 {
    var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
