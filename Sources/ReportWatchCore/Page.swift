import Foundation

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
    public var declaredCharset: String? { Self.charset(ofContentType: contentType) }

    /// The `charset` parameter of a Content-Type header, if it names one.
    public static func charset(ofContentType contentType: String?) -> String? {
        guard let contentType else { return nil }
        for parameter in contentType.split(separator: ";", omittingEmptySubsequences: false).dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].trimmingCharacters(in: Self.spaces).lowercased() == "charset" else { continue }
            let value = parts[1].trimmingCharacters(in: Self.quotesAndSpaces)
            return value.isEmpty ? nil : value
        }
        return nil
    }

    private static let spaces = CharacterSet(charactersIn: " \t")
    private static let quotesAndSpaces = CharacterSet(charactersIn: " \t\"'")
}
