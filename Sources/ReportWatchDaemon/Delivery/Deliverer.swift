import Foundation
import Logging
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchStore
import Synchronization

/// Drains the outbox: each channel on its own, oldest alert first. An alert is marked
/// delivered to a channel only after the channel confirmed it; a failure schedules a retry
/// with exponential backoff and jitter (or the receiver's Retry-After), and an alert older than
/// `max_age` is dead-lettered with one `delivery_failed` alert to the other channels (a
/// `delivery_failed` alert itself is dead-lettered without one).
///
/// A channel with a `digest` holds its alerts (except `urgent_events`) until the digest time and
/// sends them as one message. A channel whose receiver is down pauses as a whole, so its alerts
/// wait together and the other channels, which run concurrently, are not held up by it.
public struct Deliverer: Sendable {
    let configuration: Configuration
    let store: Store
    let channels: [any AlertChannel]
    let logger: Logger
    let now: @Sendable () -> Date
    /// Channels whose receiver is down, until when. In memory: after a restart every channel
    /// gets one fresh try, which is what an operator who restarted it expects.
    let pauses = ChannelPauses()
    /// Source names and the time zone for messages, built on first use and then kept: every
    /// alert delivered used to rebuild a dictionary of every source's name and look the time
    /// zone up again. Not built before: loading a time zone maps ICU's data (3 MB of RSS), which
    /// a pass that delivers nothing never needs.
    private let contextCache = ContextCache()

    var context: DeliveryContext {
        contextCache.get {
            DeliveryContext(
                sourceNames: Dictionary(configuration.sources.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }),
                timeZone: TimeZone(identifier: configuration.timezone) ?? TimeZone(secondsFromGMT: 0) ?? .current)
        }
    }

    var timeZone: TimeZone { context.timeZone }

    public struct Report: Sendable {
        public var delivered = 0
        public var failed = 0
        public var dead = 0
    }

    /// The most alerts one digest message carries; more go in the next one.
    static let digestLimit = 200
    /// How far into the outbox one look goes.
    static let window = 1000

    /// Tries what is due on every channel. With `force`, tries every pending alert once,
    /// whatever its backoff (for one-shot runs); a digest still waits for its time.
    @discardableResult
    public func deliver(force: Bool = false) async -> Report {
        await withTaskGroup(of: Report.self) { group in
            for channel in channels {
                group.addTask { await deliver(to: channel, force: force) }
            }
            var total = Report()
            for await report in group {
                total.delivered += report.delivered
                total.failed += report.failed
                total.dead += report.dead
            }
            return total
        }
    }

    /// The earliest time a pending delivery falls due, on any channel.
    public func nextDue() -> Date? {
        channels.compactMap { nextDue(for: $0) }.min()
    }

    /// When the channel next has something to send: a digest's time for the alerts it holds,
    /// never before a pause ends.
    public func nextDue(for channel: any AlertChannel) -> Date? {
        let settings = configuration.channel(channel.id)
        var due: Date?
        if let schedule = settings?.digest {
            let urgent = settings?.urgentEvents ?? []
            let pending = (try? store.read { try $0.pendingDeliveries(channel: channel.id, dueBy: nil, limit: Self.window) }) ?? []
            due = pending.map { item in
                urgent.contains(item.alert.event)
                    ? item.nextAttemptAt
                    : max(item.nextAttemptAt, schedule.next(after: item.alert.detectedAt, in: timeZone))
            }.min()
        } else {
            due = try? store.read { try $0.nextDeliveryDue(channel: channel.id) }
        }
        if let due, let paused = pauses.until(channel.id) { return max(due, paused) }
        return due
    }

    private func deliver(to channel: any AlertChannel, force: Bool) async -> Report {
        if !force, let paused = pauses.until(channel.id), paused > now() { return Report() }
        guard let settings = configuration.channel(channel.id), let schedule = settings.digest else {
            return await deliverEach(to: channel, force: force, selectsAll: true) { _ in true }
        }
        var report = await deliverEach(to: channel, force: force) { settings.urgentEvents.contains($0.alert.event) }
        if !force, let paused = pauses.until(channel.id), paused > now() { return report }
        let digests = await deliverDigests(to: channel, schedule: schedule, urgent: settings.urgentEvents, force: force)
        report.delivered += digests.delivered
        report.failed += digests.failed
        report.dead += digests.dead
        return report
    }

    // MARK: One alert at a time

    /// `selectsAll` says `selected` takes every alert, so a read of the outbox can stop at the
    /// batch it needs instead of looking through the whole window.
    private func deliverEach(to channel: any AlertChannel, force: Bool, selectsAll: Bool = false,
                             where selected: (PendingDelivery) -> Bool) async -> Report {
        var report = Report()
        var tried = Set<String>()
        // A channel that fails this many times in a row in one round is left for the next round.
        var consecutiveFailures = 0
        // Once an alert that had failed gets through, the receiver is back: everything waiting
        // goes now, oldest first, rather than each alert at the end of its own backoff.
        var recovered = false
        round: while !Task.isCancelled, consecutiveFailures < 3 {
            let batch: [PendingDelivery]
            do {
                let dueBy = force || recovered ? nil : now()
                // Alerts tried this round and still pending come back in the read; the batch
                // is the first 50 others.
                let limit = selectsAll ? min(Self.window, tried.count + 50) : Self.window
                batch = try store.read { try $0.pendingDeliveries(channel: channel.id, dueBy: dueBy, limit: limit) }
                    .filter { !tried.contains($0.alert.id) && selected($0) }
                    .prefix(50).map { $0 }
            } catch {
                logger.error("cannot read the outbox", metadata: ["channel.id": "\(channel.id)", "error": "\(error)"])
                return report
            }
            if batch.isEmpty { break }
            if channel.deliversInBatches {
                var live: [PendingDelivery] = []
                for pending in batch {
                    tried.insert(pending.alert.id)
                    switch expireIfTooOld(pending, on: channel) {
                    case nil: live.append(pending)
                    case .dead: report.dead += 1
                    case .failed, .delivered: report.failed += 1  // could not even be dead-lettered
                    }
                }
                guard !live.isEmpty else { continue round }
                switch await attempt(batch: live, on: channel) {
                case .delivered:
                    report.delivered += live.count
                    consecutiveFailures = 0
                    if live.contains(where: { $0.attempts > 0 }) { recovered = true }
                    pauses.clear(channel.id)
                case .failed(let pausesChannel, let next):
                    report.failed += live.count
                    consecutiveFailures += 1
                    if pausesChannel {
                        pauses.pause(channel.id, until: next)
                        break round
                    }
                case .dead:
                    break
                }
                continue round
            }
            for pending in batch {
                guard !Task.isCancelled else { break round }
                tried.insert(pending.alert.id)
                switch await attempt(pending, on: channel) {
                case .delivered:
                    report.delivered += 1
                    consecutiveFailures = 0
                    if pending.attempts > 0 { recovered = true }
                    pauses.clear(channel.id)
                case .failed(let pausesChannel, let next):
                    report.failed += 1
                    consecutiveFailures += 1
                    if pausesChannel {
                        pauses.pause(channel.id, until: next)
                        break round
                    }
                case .dead:
                    report.dead += 1
                }
                if consecutiveFailures >= 3 { break round }
            }
        }
        return report
    }

    enum Attempt {
        case delivered
        case failed(pausesChannel: Bool, next: Date)
        case dead
    }

    /// Dead-letters the alert when it is older than `max_age`; `nil` when it may still go.
    private func expireIfTooOld(_ pending: PendingDelivery, on channel: any AlertChannel) -> Attempt? {
        guard now().timeIntervalSince(pending.alert.detectedAt) > configuration.delivery.maxAge.seconds else { return nil }
        let metadata: Logger.Metadata = ["alert.id": "\(pending.alert.id)", "channel.id": "\(channel.id)", "source.id": "\(pending.alert.source)"]
        return giveUp(pending, on: channel, reason: pending.lastError ?? "not delivered within max_age", metadata: metadata)
    }

    /// One delivery of several alerts to a channel that takes them together
    /// (``AlertChannel/deliversInBatches``); they are marked delivered in one transaction, and
    /// each still gets its own log line.
    private func attempt(batch: [PendingDelivery], on channel: any AlertChannel) async -> Attempt {
        let date = now()
        let metadata: Logger.Metadata = ["channel.id": "\(channel.id)", "delivery.alerts": "\(batch.count)"]
        let answer: String
        do {
            answer = try await channel.deliver(batch: batch.map(\.alert), context: context)
        } catch {
            let attempts = batch.map(\.attempts).max() ?? 0
            let next = date.addingTimeInterval(backoff(attempts: attempts, retryAfter: error.retryAfter))
            record(failure: error, of: batch, on: channel, next: next, metadata: metadata)
            return .failed(pausesChannel: error.pausesChannel, next: next)
        }
        do {
            let delivered = now()
            try store.write { transaction in
                for pending in batch {
                    try transaction.markDelivered(alertID: pending.alert.id, channel: channel.id, at: delivered)
                }
            }
        } catch {
            // The receiver has them; the next round sends them again with the same ids.
            logger.error("cannot record the delivery", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failed(pausesChannel: false, next: date)
        }
        for pending in batch {
            logger.info("alert delivered", metadata: [
                "alert.id": "\(pending.alert.id)", "channel.id": "\(channel.id)", "source.id": "\(pending.alert.source)",
                "channel.answer": "\(answer)", "delivery.alerts": "\(batch.count)",
            ])
        }
        return .delivered
    }

    private func attempt(_ pending: PendingDelivery, on channel: any AlertChannel) async -> Attempt {
        let alert = pending.alert
        let metadata: Logger.Metadata = ["alert.id": "\(alert.id)", "channel.id": "\(channel.id)", "source.id": "\(alert.source)"]
        let date = now()
        if date.timeIntervalSince(alert.detectedAt) > configuration.delivery.maxAge.seconds {
            return giveUp(pending, on: channel, reason: pending.lastError ?? "not delivered within max_age", metadata: metadata)
        }
        let answer: String
        do {
            answer = try await channel.deliver(alert, context: context)
        } catch {
            let next = date.addingTimeInterval(backoff(attempts: pending.attempts, retryAfter: error.retryAfter))
            record(failure: error, of: [pending], on: channel, next: next, metadata: metadata)
            return .failed(pausesChannel: error.pausesChannel, next: next)
        }
        do {
            try store.write { try $0.markDelivered(alertID: alert.id, channel: channel.id, at: now()) }
        } catch {
            // The receiver has it; the next round sends it again with the same id.
            logger.error("cannot record the delivery", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failed(pausesChannel: false, next: date)
        }
        logger.info("alert delivered", metadata: metadata.merging(["channel.answer": "\(answer)"]) { $1 })
        return .delivered
    }

    private func record(failure error: DeliveryError, of deliveries: [PendingDelivery], on channel: any AlertChannel,
                        next: Date, metadata: Logger.Metadata) {
        do {
            try store.write { transaction in
                for pending in deliveries {
                    try transaction.markFailed(alertID: pending.alert.id, channel: channel.id, error: error.message, nextAttemptAt: next)
                }
            }
        } catch {
            logger.error("cannot record the failed delivery", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
        logger.warning("delivery failed", metadata: metadata.merging([
            "error": "\(error.message)", "delivery.attempts": "\((deliveries.map(\.attempts).max() ?? 0) + 1)",
            "delivery.next_attempt": "\(RFC3339.string(from: next))",
        ]) { $1 })
    }

    // MARK: Digests

    private func deliverDigests(to channel: any AlertChannel, schedule: DigestSchedule, urgent: Set<AlertEvent>,
                                force: Bool) async -> Report {
        var report = Report()
        while !Task.isCancelled {
            let date = now()
            let pending: [PendingDelivery]
            do {
                pending = try store.read { try $0.pendingDeliveries(channel: channel.id, dueBy: nil, limit: Self.window) }
                    .filter { !urgent.contains($0.alert.event) }
            } catch {
                logger.error("cannot read the outbox", metadata: ["channel.id": "\(channel.id)", "error": "\(error)"])
                return report
            }
            var ready: [(pending: PendingDelivery, slot: Date)] = []
            for item in pending {
                let slot = schedule.next(after: item.alert.detectedAt, in: timeZone)
                guard slot <= date else { continue }
                // A held alert's age counts from its digest time: a weekly digest is not late.
                if date.timeIntervalSince(slot) > configuration.delivery.maxAge.seconds {
                    let metadata: Logger.Metadata = ["alert.id": "\(item.alert.id)", "channel.id": "\(channel.id)"]
                    if case .dead = giveUp(item, on: channel, reason: item.lastError ?? "not delivered within max_age", metadata: metadata) {
                        report.dead += 1
                    }
                    continue
                }
                ready.append((item, slot))
            }
            guard !ready.isEmpty else { break }
            // The alerts of a failed digest carry its backoff; newer ones wait for it with them.
            if !force, ready.contains(where: { $0.pending.attempts > 0 && $0.pending.nextAttemptAt > date }) { break }
            let chunk = Array(ready.prefix(Self.digestLimit))
            let digest = AlertDigest(
                channelID: channel.id, period: schedule.digestPeriod,
                scheduledAt: chunk.map(\.slot).max() ?? date, alerts: chunk.map(\.pending.alert))
            let metadata: Logger.Metadata = ["digest.id": "\(digest.id)", "channel.id": "\(channel.id)", "digest.alerts": "\(chunk.count)"]
            let answer: String
            do {
                answer = try await channel.deliver(digest: digest, context: context)
            } catch {
                let attempts = chunk.map(\.pending.attempts).max() ?? 0
                let next = date.addingTimeInterval(backoff(attempts: attempts, retryAfter: error.retryAfter))
                record(failure: error, of: chunk.map(\.pending), on: channel, next: next, metadata: metadata)
                report.failed += chunk.count
                if error.pausesChannel { pauses.pause(channel.id, until: next) }
                break
            }
            do {
                try store.write { transaction in
                    for item in chunk {
                        try transaction.markDelivered(alertID: item.pending.alert.id, channel: channel.id, at: now())
                    }
                }
            } catch {
                logger.error("cannot record the delivery", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                break
            }
            pauses.clear(channel.id)
            report.delivered += chunk.count
            logger.info("digest delivered", metadata: metadata.merging(["channel.answer": "\(answer)"]) { $1 })
            if chunk.count < Self.digestLimit { break }
        }
        return report
    }

    // MARK: Giving up

    private func giveUp(_ pending: PendingDelivery, on channel: any AlertChannel, reason: String, metadata: Logger.Metadata) -> Attempt {
        let alert = pending.alert
        let date = now()
        let notice = Alert(
            source: alert.source, event: .deliveryFailed,
            title: "Alert could not be delivered to \(channel.id) after \(pending.attempts) attempts: \(alert.title)",
            url: alert.url, detectedAt: date, key: alert.id,
            summary: "reportwatch gave up delivering alert \(alert.id) (\(alert.event.rawValue): \(alert.title)) to channel \(channel.id): \(reason)")
        do {
            try store.write { transaction in
                try transaction.markDead(alertID: alert.id, channel: channel.id, error: reason)
                // A notice about a failed delivery is never the subject of another: with three
                // channels down, each would otherwise tell the others, and theirs the others.
                guard alert.event != .deliveryFailed else { return }
                let others = configuration.channels(for: notice).filter { $0 != channel.id }
                try transaction.enqueue(notice, for: others)
            }
        } catch {
            logger.error("cannot dead-letter the alert", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failed(pausesChannel: false, next: date)
        }
        logger.error("alert dead-lettered", metadata: metadata.merging(["error": "\(reason)"]) { $1 })
        return .dead
    }

    /// About `initial_backoff × 2^attempts`, capped, with full jitter on the upper half so
    /// channels that failed together do not retry together; never sooner than Retry-After.
    func backoff(attempts: Int, retryAfter: Duration?) -> TimeInterval {
        let settings = configuration.delivery
        let base = min(settings.initialBackoff.seconds * pow(2, Double(min(attempts, 20))), settings.maxBackoff.seconds)
        let jittered = base / 2 + Double.random(in: 0...(base / 2))
        return max(jittered, retryAfter?.seconds ?? 0)
    }
}

/// The delivery context, made once by whoever first needs it.
final class ContextCache: Sendable {
    private let context = Mutex<DeliveryContext?>(nil)

    func get(_ make: () -> DeliveryContext) -> DeliveryContext {
        context.withLock { context in
            if let context { return context }
            let made = make()
            context = made
            return made
        }
    }
}

/// Which channels are paused because their receiver is down, and until when.
final class ChannelPauses: Sendable {
    private let pauses = Mutex<[String: Date]>([:])

    func until(_ channel: String) -> Date? {
        pauses.withLock { $0[channel] }
    }

    func pause(_ channel: String, until date: Date) {
        pauses.withLock { $0[channel] = date }
    }

    func clear(_ channel: String) {
        pauses.withLock { $0[channel] = nil }
    }
}
