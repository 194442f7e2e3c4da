/// Why a check of a source did not produce a usable list of items.
public struct SourceFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The transfer failed: DNS, connection, TLS, timeout, size limit, redirect policy.
        case fetch
        /// The server answered, but not with 2xx or 304.
        case httpStatus = "http_status"
        /// The page answered, but its structure no longer matches (no items where there were
        /// items, an error or login page, a JavaScript shell).
        case structure
        /// robots.txt forbids the URL.
        case robots
        /// The document could not be read (a corrupt PDF, invalid JSON).
        case unreadable
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// How one check of one source ended.
public enum CheckOutcome: Sendable {
    /// The first successful pass of a new source: items were stored, nothing alerted.
    case baseline(itemCount: Int)
    /// The server answered 304, or the items are the same as before.
    case unchanged(notModified: Bool)
    /// Items were added, removed or changed; each change has its alert.
    case changed([Change])
    /// Nothing was learned; stored items are untouched.
    case failed(SourceFailure)
}
