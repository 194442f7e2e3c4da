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
        /// `storedItems`: the source's current items as stored when the check read them.
        case read(SourceRead, etag: String?, lastModified: String?, storedItems: [String: Item])
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
                     storedItems: stored.items)
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
        return .read(read, etag: previous.etag, lastModified: previous.lastModified, storedItems: stored.items)
    }

    /// `previous` is the state the check started from, as stored; `nil` when it was not read.
    private func commit(_ source: SourceConfiguration, _ fetched: Fetched, previous: SourceState?) async throws -> Result {
        let date = now()
        let threshold = source.failuresBeforeAlert ?? configuration.failuresBeforeAlert
        if case .notModified = fetched, previous?.isSettled == true {
            // The usual check: a 304 from a settled source changes nothing but its times, which
            // the pass writes together at its end (``Runtime/checkAll(_:)``). Nothing waits for
            // that write: no alert, health change or item depends on it.
            let next = nextCheck(source, after: date, failures: 0, threshold: threshold, retryAfter: nil)
            store.noteQuietCheck(source.id, at: date, next: next)
            let result = Result(sourceID: source.id, outcome: .unchanged(notModified: true), alerts: [], nextCheckAt: next)
            log(result, source)
            return result
        }
        let result = try await store.writeGrouped { transaction -> Result in
            if case .notModified = fetched {
                // The usual check: a 304 from a healthy source moves only its times.
                let next = nextCheck(source, after: date, failures: 0, threshold: threshold, retryAfter: nil)
                if try transaction.recordQuietCheck(source.id, at: date, next: next) {
                    return Result(sourceID: source.id, outcome: .unchanged(notModified: true), alerts: [], nextCheckAt: next)
                }
            }
            let stateAtStart = try transaction.sourceState(source.id)
            var state = stateAtStart ?? SourceState(sourceID: source.id)
            state.lastCheckAt = date
            var alerts: [Alert] = []
            var outcome: CheckOutcome
            var retryAfter: Duration?
            var held: Int?

            func succeeded() {
                if state.health != .ok {
                    alerts.append(healthAlert(.sourceRecovered, source, date, "\(source.name) is working again"))
                }
                state.health = .ok
                state.consecutiveFailures = 0
                state.lastError = nil
                state.lastSuccessAt = date
            }

            func failed(_ failure: SourceFailure, retryAfter: Duration? = nil) {
                state.consecutiveFailures += 1
                state.lastError = failure.description
                outcome = .failed(failure)
                // A server that holds the source longer than its threshold's worth of intervals
                // keeps it from failing often enough to alert: that wait is the alert.
                let heldPastThreshold = retryAfter.map { $0.seconds > Double(threshold) * source.interval.seconds } ?? false
                guard state.health == .ok, state.consecutiveFailures >= threshold || heldPastThreshold else { return }
                if heldPastThreshold, let retryAfter {
                    state.health = .failing
                    alerts.append(healthAlert(.sourceFailing, source, date,
                        "\(source.name) asked for no checks for \(Self.hours(retryAfter)) (Retry-After, \(failure.message))"))
                } else if failure.kind == .structure {
                    state.health = .structureChanged
                    alerts.append(healthAlert(.structureChanged, source, date,
                        "\(source.name): the page no longer looks as expected (\(failure.message))"))
                } else {
                    state.health = .failing
                    alerts.append(healthAlert(.sourceFailing, source, date,
                        "\(source.name) has failed \(state.consecutiveFailures) checks in a row (\(failure.message))"))
                }
            }

            readOutcome: switch fetched {
            case .notModified:
                outcome = .unchanged(notModified: true)
                succeeded()
            case .failed(let failure, let wait):
                outcome = .failed(failure)
                retryAfter = wait
                failed(failure, retryAfter: wait)
            case .read(let read, let etag, let lastModified, let storedItems):
                var items: [Item] = []
                var documents: [StoredDocument] = []
                var partFailure: SourceFailure?
                switch read {
                case .items(let all, let stored):
                    items = all
                    documents = stored
                case .partial(let all, let stored, let failure):
                    items = all
                    documents = stored
                    partFailure = failure
                case .failure(let failure):
                    outcome = .failed(failure)
                    failed(failure)
                    break readOutcome
                }
                if items.isEmpty {
                    let failure = SourceFailure(.structure, state.baselineAt == nil
                        ? "the page has no items: the items expression matches nothing"
                        : "the page has no items where the last good check had \(state.itemCount)")
                    outcome = .failed(failure)
                    failed(failure)
                    break
                }
                for document in documents {
                    try transaction.save(document, for: source.id)
                }
                // The items the check read before it parsed are still the stored ones when the
                // source's state is still the one the pass began from: every write of items
                // writes the state too. Otherwise (another process checked the source
                // meanwhile) they are read again.
                let previousItems = stateAtStart != nil && stateAtStart == previous ? storedItems : try transaction.currentItems(source.id)
                if state.baselineAt == nil {
                    outcome = .baseline(itemCount: items.count)
                    try transaction.recordItems(source.id, seen: items, changes: [], alertIDs: [:], at: date, previous: previousItems)
                    state.baselineAt = date
                } else {
                    var changes = ItemDiff.changes(from: previousItems, to: items, ignoring: source.ignoreFields)
                    var changeAlerts: [String: Alert] = [:]
                    for change in changes {
                        if let alert = try source.kind.alert(for: change, source: source, date: date, transaction: transaction) {
                            changeAlerts[change.key] = alert
                        }
                    }
                    var seen = items
                    // Only removals that would alert count: a ModernGov meeting's agenda items
                    // leave with it, silently.
                    let missing = changes.filter { $0.event == .removed }
                    let alertingMissing = missing.filter { changeAlerts[$0.key] != nil }.count
                    if Self.looksCutShort(removed: alertingMissing, of: previousItems.count), !source.mayShrink, state.heldRemovals == nil {
                        // Held: the missing items stay current, and the next check decides.
                        changes.removeAll { $0.event == .removed }
                        for case .removed(let item) in missing {
                            seen.append(item)
                            changeAlerts[item.key] = nil
                        }
                        held = missing.count
                        alerts.append(healthAlert(.structureChanged, source, date,
                            "\(source.name): \(alertingMissing) of \(previousItems.count) items are missing; "
                            + "their removal waits for the next check to agree"))
                    }
                    var alertIDs: [String: String] = [:]
                    for change in changes {
                        guard let alert = changeAlerts[change.key] else { continue }
                        alertIDs[change.key] = alert.id
                        alerts.append(alert)
                    }
                    try transaction.recordItems(source.id, seen: seen, changes: changes, alertIDs: alertIDs, at: date,
                                                previous: previousItems, lastSeen: state.lastSuccessAt)
                    if !changes.isEmpty { state.lastChangeAt = date }
                    outcome = changes.isEmpty ? .unchanged(notModified: false) : .changed(changes)
                }
                // Validators only from a response whose extraction succeeded and was taken whole:
                // a 304 must never vouch for a broken or a held page.
                state.etag = held == nil ? etag : nil
                state.lastModified = held == nil ? lastModified : nil
                state.itemCount = held == nil ? items.count : previousItems.count
                state.heldRemovals = held
                if let partFailure {
                    // What was read is recorded; the part that failed is the check's failure.
                    failed(partFailure)
                } else {
                    succeeded()
                }
            }
            if case .failed(let failure) = outcome, failure.kind == .robots {
                state.robots = "disallowed: \(failure.message)"
            } else if case .failed(let failure) = outcome, failure.kind == .fetch {
                // Robots was not the reason; the verdict stays what it was.
            } else {
                state.robots = "allowed"
            }
            state.nextCheckAt = nextCheck(source, after: date, failures: state.consecutiveFailures, threshold: threshold, retryAfter: retryAfter)
            for alert in alerts {
                try transaction.enqueue(alert, for: configuration.channels(for: alert))
            }
            try transaction.save(state)
            return Result(sourceID: source.id, outcome: outcome, alerts: alerts, nextCheckAt: state.nextCheckAt)
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

    static func hours(_ duration: Duration) -> String {
        let hours = duration.seconds / 3600
        return hours >= 1 ? String(format: "%.1f h", hours) : "\(Int(duration.seconds / 60)) min"
    }

    func healthAlert(_ event: AlertEvent, _ source: SourceConfiguration, _ date: Date, _ title: String) -> Alert {
        Alert(source: source.id, event: event, title: title, url: source.url, detectedAt: date, summary: title)
    }

    /// Whether `removed` of `count` stored items vanishing at once reads as a list the server
    /// cut short (a CMS serving the first few while it rebuilds) rather than real removals:
    /// more than half of them, and at least three.
    static func looksCutShort(removed: Int, of count: Int) -> Bool {
        removed >= 3 && removed * 2 > count
    }

    /// The interval, moved at random by the jitter; after the alert threshold, failures back off
    /// exponentially up to a day. A server's Retry-After is a floor.
    func nextCheck(_ source: SourceConfiguration, after date: Date, failures: Int, threshold: Int, retryAfter: Duration?) -> Date {
        var seconds = source.interval.seconds
        if failures >= threshold {
            seconds = min(seconds * pow(2, Double(min(failures - threshold, 10))), max(seconds, 86_400))
        }
        seconds *= 1 + Double.random(in: -source.jitter...source.jitter)
        if let retryAfter { seconds = max(seconds, retryAfter.seconds) }
        return date.addingTimeInterval(seconds)
    }
}
