import Foundation
import Logging
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore

/// One check of one source: fetch, read, compare with the stored items, and commit the new
/// state together with the alerts it causes, in one transaction.
public struct SourceChecker: Sendable {
    let configuration: Configuration
    let store: Store
    let fetcher: PoliteFetcher
    let logger: Logger
    let metrics: Metrics
    let now: @Sendable () -> Date

    /// What a check did, for logs, `status` and tests.
    public struct Result: Sendable {
        public var sourceID: String
        public var outcome: CheckOutcome
        public var alerts: [Alert]
        public var nextCheckAt: Date?
    }

    /// Checks one source and records what it found. `states` is every source's stored state as
    /// a pass read it at its start, which saves a read per source; without it the state is read
    /// here.
    public func check(_ source: SourceConfiguration, states: [String: SourceState]? = nil) async throws -> Result {
        let previous = try states.map { $0[source.id] } ?? store.read { try $0.sourceState(source.id) }
        let baselineDone = previous?.baselineAt != nil
        let (fetched, stats) = await fetch(source, previous: baselineDone ? previous : nil, isBaseline: !baselineDone)
        try Task.checkCancellation()
        let result = try await commit(source, fetched, previous: previous)
        await metrics.record(source: source.id, outcome: result.outcome, alerts: result.alerts,
                             fetchDuration: stats.duration, bytes: stats.bytes)
        return result
    }

    struct FetchStats {
        var duration: Duration?
        var bytes = 0
    }

    enum Fetched: Sendable {
        case notModified
        /// `itemsRead`: the source's items as stored when the check read them, before parsing;
        /// ``CheckCommit/StoredItems`` says whether its commit may still diff with them.
        case read(SourceRead, etag: String?, lastModified: String?, itemsRead: [String: Item])
        case failed(SourceFailure, retryAfter: Duration?)
    }

    private func fetch(_ source: SourceConfiguration, previous: SourceState?, isBaseline: Bool) async -> (Fetched, FetchStats) {
        var stats = FetchStats()
        let fetched = await fetch(source, previous: previous, isBaseline: isBaseline, stats: &stats)
        return (fetched, stats)
    }

    private func fetch(_ source: SourceConfiguration, previous: SourceState?, isBaseline: Bool, stats: inout FetchStats) async -> Fetched {
        let response: HTTPResponse
        do {
            response = try await fetcher.fetch(
                source.url, politeness: source.politeness, etag: previous?.etag, lastModified: previous?.lastModified)
        } catch let error as FetchError {
            return .failed(SourceFailure(.fetch, "\(error.kind.rawValue): \(error.message)"), retryAfter: nil)
        } catch let error as RobotsDisallowed {
            return .failed(SourceFailure(.robots, error.reason), retryAfter: nil)
        } catch {
            return .failed(SourceFailure(.fetch, "\(error)"), retryAfter: nil)
        }
        stats.duration = response.duration
        stats.bytes = response.body.count
        if response.isNotModified {
            guard source.kind.checksParts, let previous else { return .notModified }
            // A composite source: the main page unchanged says nothing of its parts.
            return await readParts(source, previous: previous, isBaseline: isBaseline)
        }
        guard response.isSuccess else {
            let retryAfter = response.header("Retry-After").flatMap { RetryAfter.parse($0, now: now()) }
            return .failed(SourceFailure(.httpStatus, "HTTP \(response.status)"), retryAfter: retryAfter)
        }
        let page = Page(url: response.url, status: response.status, contentType: response.header("Content-Type"), body: response.body)
        guard !page.body.isEmpty else {
            return .failed(SourceFailure(.structure, "the server answered \(response.status) with an empty body"), retryAfter: nil)
        }
        // What the last good pass stored is read only now: a 304 or a failure never needs it.
        let stored: (items: [String: Item], documents: [String: StoredDocument])
        do {
            stored = try store.read { (try $0.currentItems(source.id), try $0.documents(source.id)) }
        } catch {
            return .failed(SourceFailure(.fetch, "cannot read the stored items: \(error)"), retryAfter: nil)
        }
        let context = makeContext(source, stored: stored, isBaseline: isBaseline)
        return .read(await source.read(page, context: context), etag: response.header("ETag"), lastModified: response.header("Last-Modified"),
                     itemsRead: stored.items)
    }

    private func makeContext(_ source: SourceConfiguration, stored: (items: [String: Item], documents: [String: StoredDocument]),
                             isBaseline: Bool) -> SourceContext {
        let store = self.store
        let sourceID = source.id
        var context = SourceContext(
            fetcher: fetcher, source: source, stateDirectory: configuration.stateDirectory, logger: logger,
            previousItems: stored.items, isBaseline: isBaseline, storedDocuments: stored.documents)
        context.keepDocument = { document in
            try store.write { try $0.save(document, for: sourceID) }
        }
        return context
    }

    /// A composite source whose main page answered 304: its parts, each read conditionally.
    /// Nothing new anywhere is a 304 of the whole, which takes the quiet path.
    private func readParts(_ source: SourceConfiguration, previous: SourceState, isBaseline: Bool) async -> Fetched {
        let stored: (items: [String: Item], documents: [String: StoredDocument])
        do {
            stored = try store.read { (try $0.currentItems(source.id), try $0.documents(source.id)) }
        } catch {
            return .failed(SourceFailure(.fetch, "cannot read the stored items: \(error)"), retryAfter: nil)
        }
        let read = await source.kind.readParts(context: makeContext(source, stored: stored, isBaseline: isBaseline))
        if case .items(let items, let documents) = read, documents.isEmpty, items.count == stored.items.count,
           items.allSatisfy({ stored.items[$0.key] == $0 }) {
            return .notModified
        }
        return .read(read, etag: previous.etag, lastModified: previous.lastModified, itemsRead: stored.items)
    }

    /// `previous` is the state the check started from, as stored; `nil` when it was not read.
    private func commit(_ source: SourceConfiguration, _ fetched: Fetched, previous: SourceState?) async throws -> Result {
        let date = now()
        let threshold = source.failuresBeforeAlert ?? configuration.failuresBeforeAlert
        if case .notModified = fetched, previous?.isSettled == true {
            // The usual check: a 304 from a settled source changes nothing but its times, which
            // the pass writes together at its end (``Runtime/checkAll(_:)``). Nothing waits for
            // that write: no alert, health change or item depends on it.
            let next = Self.nextCheck(source, after: date, failures: 0, threshold: threshold, retryAfter: nil)
            store.noteQuietCheck(source.id, at: date, next: next)
            let result = Result(sourceID: source.id, outcome: .unchanged(notModified: true), alerts: [], nextCheckAt: next)
            log(result, source)
            return result
        }
        let result = try await store.awaitWrite { transaction -> Result in
            if case .notModified = fetched {
                // The usual check: a 304 from a healthy source moves only its times.
                let next = Self.nextCheck(source, after: date, failures: 0, threshold: threshold, retryAfter: nil)
                if try transaction.recordQuietCheck(source.id, at: date, next: next) {
                    return Result(sourceID: source.id, outcome: .unchanged(notModified: true), alerts: [], nextCheckAt: next)
                }
            }
            let stored = try transaction.sourceState(source.id)
            var commit = CheckCommit(source, at: date, threshold: threshold, stored: stored, in: transaction)
            let outcome: CheckOutcome
            var retryAfter: Duration?
            switch fetched {
            case .notModified:
                commit.succeeded()
                outcome = .unchanged(notModified: true)
            case .failed(let failure, let wait):
                retryAfter = wait
                outcome = commit.failed(failure, retryAfter: wait)
            case .read(let read, let etag, let lastModified, let itemsRead):
                let storedItems = CheckCommit.StoredItems(readEarlier: itemsRead, passBeganWith: previous, storeHolds: stored)
                outcome = try commit.record(read, etag: etag, lastModified: lastModified, storedItems: storedItems)
            }
            commit.noteRobots(after: outcome)
            commit.schedule(retryAfter: retryAfter)
            try commit.save(channels: configuration.channels(for:))
            return Result(sourceID: source.id, outcome: outcome, alerts: commit.alerts, nextCheckAt: commit.state.nextCheckAt)
        }
        log(result, source)
        return result
    }

    private func log(_ result: Result, _ source: SourceConfiguration) {
        for alert in result.alerts {
            logger.notice("\(alert.title)", metadata: [
                "alert.id": "\(alert.id)", "alert.event": "\(alert.event.rawValue)", "source.id": "\(source.id)",
                "alert.url": "\(alert.url ?? "")",
            ])
        }
        switch result.outcome {
        case .failed(let failure):
            logger.warning("check failed", metadata: ["source.id": "\(source.id)", "error": "\(failure)"])
        case .baseline(let count):
            logger.info("baseline recorded", metadata: ["source.id": "\(source.id)", "items": "\(count)"])
        case .unchanged(let notModified):
            logger.debug("unchanged", metadata: ["source.id": "\(source.id)", "http.not_modified": "\(notModified)"])
        case .changed(let changes):
            logger.info("changed", metadata: ["source.id": "\(source.id)", "changes": "\(changes.count)"])
        }
    }

    /// The alert for an item change, or `nil` when the source's keywords do not select it.
    public static func genericAlert(for change: Change, source: SourceConfiguration, date: Date) -> Alert? {
        let item: Item
        var fields: [FieldChange]?
        let verb: String
        switch change {
        case .added(let added):
            item = added
            verb = "New on"
        case .removed(let removed):
            item = removed
            verb = "Removed from"
        case .changed(_, let new, let changed):
            item = new
            fields = changed
            verb = "Changed on"
        }
        if !source.keywords.isEmpty, change.event != .removed, !Keywords.matches(source.keywords, in: item) {
            return nil
        }
        let title = item.title ?? item.key
        var summary = "\(verb) \(source.name): \(title)"
        if let fields {
            summary += ". " + fields.map { "\($0.name): \($0.old ?? "(none)") → \($0.new ?? "(none)")" }.joined(separator: "; ")
        }
        return Alert(
            source: source.id, event: change.event, title: title, url: item.link ?? source.url, detectedAt: date,
            key: item.key, fields: fields, item: item.fields, summary: summary)
    }

    /// The interval, moved at random by the jitter; after the alert threshold, failures back off
    /// exponentially up to a day. A server's Retry-After is a floor.
    static func nextCheck(_ source: SourceConfiguration, after date: Date, failures: Int, threshold: Int, retryAfter: Duration?) -> Date {
        var seconds = source.interval.seconds
        if failures >= threshold {
            seconds = min(seconds * pow(2, Double(min(failures - threshold, 10))), max(seconds, 86_400))
        }
        seconds *= 1 + Double.random(in: -source.jitter...source.jitter)
        if let retryAfter { seconds = max(seconds, retryAfter.seconds) }
        return date.addingTimeInterval(seconds)
    }
}
