import Foundation
import ReportWatchCore
import ReportWatchStore

/// One check's commit inside its transaction, as steps: health (failures counted, the one alert
/// when a source goes bad or recovers, removals held when a list looks cut short), the diff of
/// what was read with what was stored, the kind's alert for each change, and the schedule. Each
/// step moves the source's state and adds its alerts in the order they are enqueued.
struct CheckCommit {
    let source: SourceConfiguration
    let date: Date
    /// Consecutive failures before a source alerts that it is failing.
    let threshold: Int
    private let transaction: StoreTransaction
    private(set) var state: SourceState
    private(set) var alerts: [Alert] = []

    /// `stored`: the source's state as the transaction reads it, `nil` before its first check.
    init(_ source: SourceConfiguration, at date: Date, threshold: Int, stored: SourceState?, in transaction: StoreTransaction) {
        self.source = source
        self.date = date
        self.threshold = threshold
        self.transaction = transaction
        state = stored ?? SourceState(sourceID: source.id)
        state.lastCheckAt = date
    }

    /// The stored items a check diffs what it read with. It reads them before parsing (a kind
    /// carries parts over from them) and commits later: they are still the stored ones while the
    /// stored state is the one its pass began from, since every write of items writes the state
    /// too (``StoreTransaction/recordItems(_:seen:changes:alertIDs:at:previous:lastSeen:)``).
    enum StoredItems {
        /// The state has not moved: the items read with the check are what the store holds.
        case current([String: Item])
        /// The state moved (another process checked the source meanwhile), or there was none to
        /// vouch for the items: the commit reads them again.
        case readAgain

        init(readEarlier items: [String: Item], passBeganWith previous: SourceState?, storeHolds stored: SourceState?) {
            self = stored != nil && stored == previous ? .current(items) : .readAgain
        }

        func items(of sourceID: String, in transaction: StoreTransaction) throws -> [String: Item] {
            switch self {
            case .current(let items): items
            case .readAgain: try transaction.currentItems(sourceID)
            }
        }
    }

    // MARK: Health

    /// A check that read the source: the failure count starts again, and a source that was not
    /// ok says it recovered.
    mutating func succeeded() {
        if state.health != .ok {
            alerts.append(healthAlert(.sourceRecovered, "\(source.name) is working again"))
        }
        state.health = .ok
        state.consecutiveFailures = 0
        state.lastError = nil
        state.lastSuccessAt = date
    }

    /// A failed check is counted; a healthy source goes bad, with one alert, once its failures
    /// reach the threshold or a server's `Retry-After` holds it past that many intervals.
    mutating func failed(_ failure: SourceFailure, retryAfter: Duration? = nil) -> CheckOutcome {
        state.consecutiveFailures += 1
        state.lastError = failure.description
        // A server that holds the source longer than its threshold's worth of intervals keeps it
        // from failing often enough to alert: that wait is the alert.
        let heldPastThreshold = retryAfter.map { $0.seconds > Double(threshold) * source.interval.seconds } ?? false
        guard state.health == .ok, state.consecutiveFailures >= threshold || heldPastThreshold else { return .failed(failure) }
        if heldPastThreshold, let retryAfter {
            state.health = .failing
            alerts.append(healthAlert(.sourceFailing,
                "\(source.name) asked for no checks for \(Self.hours(retryAfter)) (Retry-After, \(failure.message))"))
        } else if failure.kind == .structure {
            state.health = .structureChanged
            alerts.append(healthAlert(.structureChanged, "\(source.name): the page no longer looks as expected (\(failure.message))"))
        } else {
            state.health = .failing
            alerts.append(healthAlert(.sourceFailing,
                "\(source.name) has failed \(state.consecutiveFailures) checks in a row (\(failure.message))"))
        }
        return .failed(failure)
    }

    /// The robots.txt verdict a check leaves: a fetch that failed for another reason says
    /// nothing about it.
    mutating func noteRobots(after outcome: CheckOutcome) {
        guard case .failed(let failure) = outcome else {
            state.robots = "allowed"
            return
        }
        switch failure.kind {
        case .robots: state.robots = "disallowed: \(failure.message)"
        case .fetch: break
        default: state.robots = "allowed"
        }
    }

    /// Removals wait for the next check to agree when the list looks cut short (unless the
    /// source may shrink, or already waits): the missing items stay current, and the hold is a
    /// structure alert. Only removals that would alert count: a ModernGov meeting's agenda items
    /// leave with it, silently.
    private mutating func holdingRemovals(_ changes: [Change], alerting: [String: Alert], read items: [Item],
                                          stored: [String: Item]) -> (changes: [Change], seen: [Item], held: Int?) {
        let missing = changes.filter { $0.event == .removed }
        let alertingMissing = missing.filter { alerting[$0.key] != nil }.count
        guard Self.looksCutShort(removed: alertingMissing, of: stored.count), !source.mayShrink, state.heldRemovals == nil else {
            return (changes, items, nil)
        }
        var seen = items
        for case .removed(let item) in missing { seen.append(item) }
        alerts.append(healthAlert(.structureChanged,
            "\(source.name): \(alertingMissing) of \(stored.count) items are missing; their removal waits for the next check to agree"))
        return (changes.filter { $0.event != .removed }, seen, missing.count)
    }

    /// Whether `removed` of `count` stored items vanishing at once reads as a list the server
    /// cut short (a CMS serving the first few while it rebuilds) rather than real removals:
    /// more than half of them, and at least three.
    static func looksCutShort(removed: Int, of count: Int) -> Bool {
        removed >= 3 && removed * 2 > count
    }

    private func healthAlert(_ event: AlertEvent, _ title: String) -> Alert {
        Alert(source: source.id, event: event, title: title, url: source.url, detectedAt: date, summary: title)
    }

    static func hours(_ duration: Duration) -> String {
        let hours = duration.seconds / 3600
        return hours >= 1 ? String(format: "%.1f h", hours) : "\(Int(duration.seconds / 60)) min"
    }

    // MARK: Items and their diff

    /// Records what a read gave: its documents, then its items (the first time a baseline, then
    /// the changes since the stored items), and the response's validators only for a page taken
    /// whole. A read without items is a structure failure, never "all items removed".
    mutating func record(_ read: SourceRead, etag: String?, lastModified: String?, storedItems: StoredItems) throws -> CheckOutcome {
        let items: [Item]
        let documents: [StoredDocument]
        let partFailure: SourceFailure?
        switch read {
        case .items(let all, let stored):
            (items, documents, partFailure) = (all, stored, nil)
        case .partial(let all, let stored, let failure):
            (items, documents, partFailure) = (all, stored, failure)
        case .failure(let failure):
            return failed(failure)
        }
        if items.isEmpty {
            return failed(SourceFailure(.structure, state.baselineAt == nil
                ? "the page has no items: the items expression matches nothing"
                : "the page has no items where the last good check had \(state.itemCount)"))
        }
        for document in documents {
            try transaction.save(document, for: source.id)
        }
        let previous = try storedItems.items(of: source.id, in: transaction)
        let outcome: CheckOutcome
        let held: Int?
        if state.baselineAt == nil {
            try transaction.recordItems(source.id, seen: items, changes: [], alertIDs: [:], at: date, previous: previous)
            state.baselineAt = date
            (outcome, held) = (.baseline(itemCount: items.count), nil)
        } else {
            (outcome, held) = try recordChanges(items, stored: previous)
        }
        // Validators only from a response whose extraction succeeded and was taken whole:
        // a 304 must never vouch for a broken or a held page.
        state.etag = held == nil ? etag : nil
        state.lastModified = held == nil ? lastModified : nil
        state.itemCount = held == nil ? items.count : previous.count
        state.heldRemovals = held
        if let partFailure {
            // What was read is recorded; the part that failed is the check's failure.
            return failed(partFailure)
        }
        succeeded()
        return outcome
    }

    /// The diff with the stored items, the kind's alert for each change, removals held when the
    /// list looks cut short, and the items seen recorded with the changes taken and their alerts.
    private mutating func recordChanges(_ items: [Item], stored: [String: Item]) throws -> (CheckOutcome, held: Int?) {
        let found = ItemDiff.changes(from: stored, to: items, ignoring: source.ignoreFields)
        let changeAlerts = try kindAlerts(for: found, stored: stored)
        let (changes, seen, held) = holdingRemovals(found, alerting: changeAlerts, read: items, stored: stored)
        var alertIDs: [String: String] = [:]
        for change in changes {
            guard let alert = changeAlerts[change.key] else { continue }
            alertIDs[change.key] = alert.id
            alerts.append(alert)
        }
        try transaction.recordItems(source.id, seen: seen, changes: changes, alertIDs: alertIDs, at: date,
                                    previous: stored, lastSeen: state.lastSuccessAt)
        if !changes.isEmpty { state.lastChangeAt = date }
        return (changes.isEmpty ? .unchanged(notModified: false) : .changed(changes), held)
    }

    // MARK: Alerts

    /// The kind's alert for each change its rules select, by item key.
    private func kindAlerts(for changes: [Change], stored items: [String: Item]) throws -> [String: Alert] {
        let stored = StoredSource(items: items, sourceID: source.id, transaction: transaction)
        var alerts: [String: Alert] = [:]
        for change in changes {
            if let alert = try source.kind.alert(for: change, source: source, date: date, stored: stored) {
                alerts[change.key] = alert
            }
        }
        return alerts
    }

    // MARK: Schedule

    /// The next check: backed off after repeated failures, never before a server's
    /// `Retry-After`.
    mutating func schedule(retryAfter: Duration?) {
        state.nextCheckAt = SourceChecker.nextCheck(source, after: date, failures: state.consecutiveFailures,
                                                    threshold: threshold, retryAfter: retryAfter)
    }

    /// Enqueues the alerts for their channels and saves the state, in the check's transaction.
    func save(channels: (Alert) -> [String]) throws {
        for alert in alerts {
            try transaction.enqueue(alert, for: channels(alert))
        }
        try transaction.save(state)
    }
}
