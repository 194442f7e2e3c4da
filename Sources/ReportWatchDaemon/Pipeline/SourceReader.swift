import Foundation
import Logging
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore

/// What reading a source yielded.
public enum SourceRead: Sendable {
    case items([Item], documents: [StoredDocument] = [])
    /// Items read while a part of the source failed (a composite source's meeting page): the
    /// items are recorded (the failed part's as the last good pass stored them, so nothing is
    /// removed), and the check counts as failed for the source's health.
    case partial([Item], documents: [StoredDocument] = [], failure: SourceFailure)
    case failure(SourceFailure)
}

/// A way of reading one kind of source (`html`, `ofsted-provider`, `moderngov-committee`, ...).
///
/// Each kind lives in its own file under `Sources/ReportWatchDaemon/Kinds/` and registers its
/// config keys in ``SourceKindRegistry``. A kind reads the fetched main page into items, may fetch
/// further documents politely through the context, and may shape the alert for a change.
public protocol SourceKind: Sendable {
    /// Reads the items from the source's main page (a 2xx answer with a body).
    func read(_ page: Page, context: SourceContext) async -> SourceRead

    /// The alert for a change, or `nil` when the source's rules do not select it. The default
    /// is ``SourceChecker/genericAlert(for:source:date:)``; `stored` is what the store held
    /// before this check, for comparisons.
    func alert(for change: Change, source: SourceConfiguration, date: Date, stored: StoredSource) throws -> Alert?

    /// True for a composite source, whose items come from more than one page (a meeting list
    /// and its meetings' pages): its parts are checked on every check, whatever the main page
    /// answered, so a 304 on the main page is not the end of the check.
    var checksParts: Bool { get }

    /// A composite source's check when its main page answered 304: each part read again (each
    /// with its own validators), the main page's part taken from `context.previousItems`.
    func readParts(context: SourceContext) async -> SourceRead
}

extension SourceKind {
    public var checksParts: Bool { false }

    public func readParts(context: SourceContext) async -> SourceRead {
        .items(context.previousItems.values.sorted { $0.key < $1.key })
    }

    public func alert(for change: Change, source: SourceConfiguration, date: Date, stored: StoredSource) throws -> Alert? {
        SourceChecker.genericAlert(for: change, source: source, date: date)
    }
}

/// What a kind may use while reading: polite fetches of further documents, the state
/// directory, and what the last good pass stored.
public struct SourceContext: Sendable {
    let fetcher: PoliteFetcher
    public let source: SourceConfiguration
    public let stateDirectory: String
    public let logger: Logger
    /// The items the last good pass stored, by key (empty on the first pass).
    public let previousItems: [String: Item]
    /// True on the first successful pass, which records a baseline and alerts nothing.
    public let isBaseline: Bool
    /// Documents already stored for this source, by item key, so each is fetched only once.
    public let storedDocuments: [String: StoredDocument]
    /// Stores a document as soon as it is read, so a check cut short (a restart) does not
    /// fetch it again; `nil` where nothing is stored (`test-source`).
    var keepDocument: (@Sendable (StoredDocument) throws -> Void)? = nil
    /// `test-source`: read every document, not only those new since the last pass.
    public var readsAllDocuments = false

    /// Fetches another document within the source's politeness (robots.txt and the host gate
    /// included), conditionally when validators are given. Each finished request counts as
    /// progress for the watchdog.
    public func fetch(_ url: String, etag: String? = nil, lastModified: String? = nil, maxBodyBytes: Int? = nil) async throws -> HTTPResponse {
        // The source's own host decides which addresses its links may lead to.
        try await fetcher.fetch(url, politeness: source.politeness, etag: etag, lastModified: lastModified,
                                maxBodyBytes: maxBodyBytes, sourceURL: source.url)
    }

    /// Tells the service's watchdog that this check is moving forward. Call it after each piece
    /// of work that is not a request (a document read, a page parsed): requests report
    /// themselves. A check that reads many documents is then never taken for a stuck one.
    public func reportProgress() {
        fetcher.noteProgress()
    }

    /// The wall-clock date now, on the service's clock: what is "recent" or "upcoming" is
    /// judged by it.
    public var now: Date { fetcher.clock.now }

    /// Stores a document this check has read now, rather than with the check's items at its
    /// end, so a check cut short (a restart, the watchdog) finds it in ``storedDocuments`` next
    /// time instead of fetching and reading it again. Also reports progress. A failure to store
    /// it is logged: the check's own commit stores it again.
    public func keep(_ document: StoredDocument) {
        reportProgress()
        guard let keepDocument else { return }
        do {
            try keepDocument(document)
        } catch {
            logger.warning("cannot keep the document yet", metadata: [
                "source.id": "\(source.id)", "url": "\(document.url)", "error": "\(error)",
            ])
        }
    }
}

extension SourceConfiguration {
    func read(_ page: Page, context: SourceContext) async -> SourceRead {
        await kind.read(page, context: context)
    }
}
