import Foundation
import ReportWatchCore

/// A document an item links to that reportwatch fetched and read once: a report PDF, with the
/// kept copy and what it found (or why it could not be read).
public struct StoredDocument: Sendable, Hashable {
    /// The item's key.
    public var key: String
    public var url: String
    /// The SHA-256 of the document's bytes, hex; the kept copy is named by it.
    public var sha256: String?
    /// Where the kept copy is, under the state directory.
    public var path: String?
    /// When the source says the document was published.
    public var published: Date?
    public var findings: ReportFindings?
    /// Why the document could not be fetched or read, when it could not.
    public var error: String?
    public var fetchedAt: Date

    public init(key: String, url: String, sha256: String? = nil, path: String? = nil, published: Date? = nil,
                findings: ReportFindings? = nil, error: String? = nil, fetchedAt: Date) {
        self.key = key
        self.url = url
        self.sha256 = sha256
        self.path = path
        self.published = published
        self.findings = findings
        self.error = error
        self.fetchedAt = fetchedAt
    }
}
