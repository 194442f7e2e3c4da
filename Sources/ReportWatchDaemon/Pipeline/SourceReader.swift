import Foundation
import Logging
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore

/// What reading a source yielded.
public enum SourceRead: Sendable {
    case items([Item], documents: [StoredDocument] = [])
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
    /// is ``SourceChecker/genericAlert(for:source:date:)``; `transaction` sees this pass's
    /// state, for comparisons with what was stored before.
    func alert(for change: Change, source: SourceConfiguration, date: Date, transaction: StoreTransaction) throws -> Alert?
}

extension SourceKind {
    public func alert(for change: Change, source: SourceConfiguration, date: Date, transaction: StoreTransaction) throws -> Alert? {
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

    /// Writes a document to the store as soon as it is read; `nil` where nothing is stored
    /// (`test-source`).
    var keepDocument: (@Sendable (StoredDocument) throws -> Void)? = nil

    /// Fetches another document within the source's politeness. Each finished request counts as
    /// progress for the watchdog.
    public func fetch(_ url: String, maxBodyBytes: Int? = nil) async throws -> HTTPResponse {
        // The source's own host decides which addresses its links may lead to.
        try await fetcher.fetch(url, politeness: source.politeness, maxBodyBytes: maxBodyBytes, sourceURL: source.url)
    }

    /// Tells the service's watchdog that this check is moving forward. Call it after each piece
    /// of work that is not a request (a document read, a page parsed): requests report
    /// themselves. A check that reads many documents is then never taken for a stuck one.
    public func reportProgress() {
        fetcher.progress?.note()
    }

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
