import Foundation
import Logging
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchStore

/// Drains the outbox: each channel on its own, oldest alert first. An alert is marked
/// delivered to a channel only after the channel confirmed it; a failure schedules a retry
/// with exponential backoff and jitter (or the receiver's Retry-After), and an alert older than
/// `max_age` is dead-lettered with one `delivery_failed` alert to the other channels.
public struct Deliverer: Sendable {
    let configuration: Configuration
    let store: Store
    let channels: [any AlertChannel]
    let logger: Logger
    let now: @Sendable () -> Date

    public struct Report: Sendable {
        public var delivered = 0
        public var failed = 0
        public var dead = 0
    }

    /// Tries what is due on every channel. With `force`, tries every pending alert once,
    /// whatever its backoff (for one-shot runs).
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
        try? store.read { transaction in
            try channels.compactMap { try transaction.nextDeliveryDue(channel: $0.id) }.min()
        }
    }

    private func deliver(to channel: any AlertChannel, force: Bool) async -> Report {
        var report = Report()
        var tried = Set<String>()
        // A channel that fails this many times in a row in one round is left for the next round.
        var consecutiveFailures = 0
        while !Task.isCancelled, consecutiveFailures < 3 {
            let batch: [PendingDelivery]
            do {
                batch = try store.read { try $0.pendingDeliveries(channel: channel.id, dueBy: force ? nil : now(), limit: 50) }
                    .filter { !tried.contains($0.alert.id) }
            } catch {
                logger.error("cannot read the outbox", metadata: ["channel.id": "\(channel.id)", "error": "\(error)"])
                return report
            }
            if batch.isEmpty { break }
            for pending in batch {
                guard !Task.isCancelled else { break }
                tried.insert(pending.alert.id)
                let outcome = await attempt(pending, on: channel)
                switch outcome {
                case .delivered: report.delivered += 1; consecutiveFailures = 0
                case .failed: report.failed += 1; consecutiveFailures += 1
                case .dead: report.dead += 1
                }
                if consecutiveFailures >= 3 { break }
            }
        }
        return report
    }

    enum Attempt { case delivered, failed, dead }

    private func attempt(_ pending: PendingDelivery, on channel: any AlertChannel) async -> Attempt {
        let alert = pending.alert
        let metadata: Logger.Metadata = ["alert.id": "\(alert.id)", "channel.id": "\(channel.id)", "source.id": "\(alert.source)"]
        let date = now()
        if date.timeIntervalSince(alert.detectedAt) > configuration.delivery.maxAge.seconds {
            return giveUp(pending, on: channel, reason: pending.lastError ?? "not delivered within max_age", metadata: metadata)
        }
        do {
            let answer = try await channel.deliver(alert)
            try store.write { try $0.markDelivered(alertID: alert.id, channel: channel.id, at: now()) }
            logger.info("alert delivered", metadata: metadata.merging(["channel.answer": "\(answer)"]) { $1 })
            return .delivered
        } catch let error as DeliveryError {
            let next = date.addingTimeInterval(backoff(attempts: pending.attempts, retryAfter: error.retryAfter))
            try? store.write {
                try $0.markFailed(alertID: alert.id, channel: channel.id, error: error.message, nextAttemptAt: next)
            }
            logger.warning("delivery failed", metadata: metadata.merging([
                "error": "\(error.message)", "delivery.attempts": "\(pending.attempts + 1)",
                "delivery.next_attempt": "\(RFC3339.string(from: next))",
            ]) { $1 })
            return .failed
        } catch {
            logger.error("cannot record the delivery", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failed
        }
    }

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
                let others = configuration.channels(for: notice).filter { $0 != channel.id }
                try transaction.enqueue(notice, for: others)
            }
        } catch {
            logger.error("cannot dead-letter the alert", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return .failed
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
