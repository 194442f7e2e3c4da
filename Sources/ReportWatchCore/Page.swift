/// A fetched document as the extractors see it: bytes, where they came from and what they claim
/// to be. Extractors never do I/O of their own for the main page.
public struct Page: Sendable {
    /// The URL after redirects, against which relative links resolve.
    public var url: String
    public var status: Int
    /// The `Content-Type` header, if any, with its parameters (`text/html; charset=...`).
    public var contentType: String?
    public var body: [UInt8]

    public init(url: String, status: Int = 200, contentType: String? = nil, body: [UInt8]) {
        self.url = url
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// The `charset` parameter of the Content-Type header, if declared.
    ///
    /// Read on the header's bytes: every page checked asks, and Foundation's trimming with a
    /// fresh `CharacterSet` cost some 30 µs a page.
    public var declaredCharset: String? {
        guard let contentType else { return nil }
        let utf8 = Array(contentType.utf8)
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func isQuoteOrSpace(_ byte: UInt8) -> Bool { isSpace(byte) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") }
        let charset = Array("charset".utf8)
        var parameters = utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).dropFirst()[...]
        while let parameter = parameters.popFirst() {
            guard let equals = parameter.firstIndex(of: UInt8(ascii: "=")) else { continue }
            var name = parameter[..<equals]
            while let first = name.first, isSpace(first) { name = name.dropFirst() }
            while let last = name.last, isSpace(last) { name = name.dropLast() }
            guard name.count == charset.count, zip(name, charset).allSatisfy({ $0 | 0x20 == $1 }) else { continue }
            var value = parameter[(equals + 1)...]
            while let first = value.first, isSpace(first) { value = value.dropFirst() }
            while let last = value.last, isSpace(last) { value = value.dropLast() }
            while let first = value.first, isQuoteOrSpace(first) { value = value.dropFirst() }
            while let last = value.last, isQuoteOrSpace(last) { value = value.dropLast() }
            return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
        }
        return nil
    }
}

import Foundation
