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
    /// Source names and the time zone for messages, built once for all the alerts delivered, and
    /// only when one is: loading a time zone maps ICU's data (3 MB of RSS), which a pass that
    /// delivers nothing never needs.
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

        mutating func add(_ other: Report) {
            delivered += other.delivered
            failed += other.failed
            dead += other.dead
        }

        mutating func add(_ outcome: Outcome, alerts: Int) {
            switch outcome {
            case .delivered: delivered += alerts
            case .failed: failed += alerts
            case .dead: dead += alerts
            }
        }
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
            for await report in group { total.add(report) }
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
        report.add(await deliverDigests(to: channel, schedule: schedule, urgent: settings.urgentEvents, force: force))
        return report
    }

    // MARK: Alerts as they fall due

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
            // A channel that takes alerts together gets the whole batch as one message.
            let groups = channel.deliversInBatches ? [batch] : batch.map { [$0] }
            for group in groups {
                guard !Task.isCancelled else { break round }
                var live: [PendingDelivery] = []
                for pending in group {
                    tried.insert(pending.alert.id)
                    if let expired = deadLetterIfTooOld(pending, agedFrom: pending.alert.detectedAt, on: channel) {
                        report.add(expired, alerts: 1)
                    } else {
                        live.append(pending)
                    }
                }
                guard let first = live.first else { continue }
                let outcome = await send(channel.deliversInBatches ? .batch(live) : .alert(first), to: channel)
                report.add(outcome, alerts: live.count)
                switch outcome {
                case .delivered:
                    consecutiveFailures = 0
                    if live.contains(where: { $0.attempts > 0 }) { recovered = true }
                case .failed(let pausesChannel):
                    consecutiveFailures += 1
                    if pausesChannel { break round }
                case .dead:
                    break
                }
                if consecutiveFailures >= 3 { break round }
            }
        }
        return report
    }

    // MARK: One delivery path

    /// What one call to a channel carries. Whatever it is, its alerts are marked delivered
    /// together once the channel confirmed it, or all carry the failure and one backoff.
    enum Message {
        case alert(PendingDelivery)
        /// Several alerts to a channel that takes them together (``AlertChannel/deliversInBatches``).
        case batch([PendingDelivery])
        case digest(AlertDigest, [PendingDelivery])

        var deliveries: [PendingDelivery] {
            switch self {
            case .alert(let pending): [pending]
            case .batch(let batch): batch
            case .digest(_, let held): held
            }
        }

        func send(to channel: any AlertChannel, context: DeliveryContext) async throws(DeliveryError) -> String {
            switch self {
            case .alert(let pending): try await channel.deliver(pending.alert, context: context)
            case .batch(let batch): try await channel.deliver(batch: batch.map(\.alert), context: context)
            case .digest(let digest, _): try await channel.deliver(digest: digest, context: context)
            }
        }

        func metadata(channel: String) -> Logger.Metadata {
            switch self {
            case .alert(let pending): Self.metadata(of: pending, channel: channel)
            case .batch(let batch): ["channel.id": "\(channel)", "delivery.alerts": "\(batch.count)"]
            case .digest(let digest, let held): ["digest.id": "\(digest.id)", "channel.id": "\(channel)", "digest.alerts": "\(held.count)"]
            }
        }

        /// The lines logged once the channel confirmed the message: one per alert, or one for a digest.
        func deliveredLines(channel: String, answer: String) -> [(Logger.Message, Logger.Metadata)] {
            let answered: Logger.Metadata = ["channel.answer": "\(answer)"]
            return switch self {
            case .alert(let pending):
                [("alert delivered", Self.metadata(of: pending, channel: channel).merging(answered) { $1 })]
            case .batch(let batch):
                batch.map { ("alert delivered", Self.metadata(of: $0, channel: channel).merging(answered) { $1 }
                    .merging(["delivery.alerts": "\(batch.count)"]) { $1 }) }
            case .digest:
                [("digest delivered", metadata(channel: channel).merging(answered) { $1 })]
            }
        }

        static func metadata(of pending: PendingDelivery, channel: String) -> Logger.Metadata {
            ["alert.id": "\(pending.alert.id)", "channel.id": "\(channel)", "source.id": "\(pending.alert.source)"]
        }
    }

    enum Outcome {
        case delivered
        /// Not delivered, or delivered but not recorded (the next round sends it again with the
        /// same ids); `pausesChannel` when the receiver is down and the channel now waits.
        case failed(pausesChannel: Bool)
        case dead
    }

    /// Sends one message and records what became of it: delivered, its alerts are marked so in
    /// one transaction and the channel's pause ends; failed, each alert carries the error and
    /// the next attempt's time (backed off from the most attempts among them), and a receiver
    /// that is down pauses the channel until then.
    private func send(_ message: Message, to channel: any AlertChannel) async -> Outcome {
        let date = now()
        let deliveries = message.deliveries
        let metadata = message.metadata(channel: channel.id)
        let answer: String
        do {
            answer = try await message.send(to: channel, context: context)
        } catch {
            let attempts = deliveries.map(\.attempts).max() ?? 0
            let next = date.addingTimeInterval(backoff(attempts: attempts, retryAfter: error.retryAfter))
            do {
                try store.write { transaction in
                    for pending in deliveries {
                        try transaction.markFailed(alertID: pending.alert.id, channel: channel.id, error: error.message, nextAttemptAt: next)
                    }
                }
            } catch let storeError {
                logger.error("cannot record the failed delivery", metadata: metadata.merging(["error": "\(storeError)"]) { $1 })
            }
            logger.warning("delivery failed", metadata: metadata.merging([
                "error": "\(error.message)", "delivery.attempts": "\(attempts + 1)",
                "delivery.next_attempt": "\(RFC3339.string(from: next))",
            ]) { $1 })
            if error.pausesChannel { pauses.pause(channel.id, until: next) }
            return .failed(pausesChannel: error.pausesChannel)
        }
        do {
            let delivered = now()
            try store.write { transaction in
                for pending in deliveries {
                    try transaction.markDelivered(alertID: pending.alert.id, channel: channel.id, at: delivered)
                }
            }
        } catch {
            // The receiver has them; the next round sends them again with the same ids.
            logger.error("cannot record the delivery", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failed(pausesChannel: false)
        }
        pauses.clear(channel.id)
        for (line, metadata) in message.deliveredLines(channel: channel.id, answer: answer) {
            logger.info(line, metadata: metadata)
        }
        return .delivered
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
                if let expired = deadLetterIfTooOld(item, agedFrom: slot, on: channel) {
                    report.add(expired, alerts: 1)
                } else {
                    ready.append((item, slot))
                }
            }
            guard !ready.isEmpty else { break }
            // The alerts of a failed digest carry its backoff; newer ones wait for it with them.
            if !force, ready.contains(where: { $0.pending.attempts > 0 && $0.pending.nextAttemptAt > date }) { break }
            let chunk = Array(ready.prefix(Self.digestLimit))
            let digest = AlertDigest(
                channelID: channel.id, period: schedule.digestPeriod,
                scheduledAt: chunk.map(\.slot).max() ?? date, alerts: chunk.map(\.pending.alert))
            let outcome = await send(.digest(digest, chunk.map(\.pending)), to: channel)
            report.add(outcome, alerts: chunk.count)
            guard case .delivered = outcome, chunk.count == Self.digestLimit else { break }
        }
        return report
    }

    // MARK: Giving up

    /// Dead-letters the alert when more than `max_age` has passed since `start` (when it was
    /// detected, or the digest time that held it), telling the other channels; nil when it may
    /// still go. A `delivery_failed` notice is dead-lettered without telling anyone.
    private func deadLetterIfTooOld(_ pending: PendingDelivery, agedFrom start: Date, on channel: any AlertChannel) -> Outcome? {
        let date = now()
        guard date.timeIntervalSince(start) > configuration.delivery.maxAge.seconds else { return nil }
        let alert = pending.alert
        let reason = pending.lastError ?? "not delivered within max_age"
        let metadata = Message.metadata(of: pending, channel: channel.id)
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
            return .failed(pausesChannel: false)
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
