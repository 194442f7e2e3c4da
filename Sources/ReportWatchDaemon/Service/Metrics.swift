import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchStore

/// Counters for the Prometheus text file (node_exporter's textfile collector). Counters live in
/// the process; the outbox gauges are read from the store when the file is written.
public actor Metrics {
    private struct SourceCounters {
        var baseline = 0
        var changed = 0
        var failed = 0
        var notModified = 0
        var unchanged = 0
        /// Alerts by event name.
        var alerts: [String: Int] = [:]
        var fetchSeconds = 0.0
        var fetches = 0
        var bytes = 0

        /// Checks by outcome, in the file's (alphabetical) order.
        var checks: [(outcome: String, count: Int)] {
            [("baseline", baseline), ("changed", changed), ("failed", failed), ("not_modified", notModified), ("unchanged", unchanged)]
        }
    }

    private var sources: [String: SourceCounters] = [:]

    public init() {}

    func record(source: String, outcome: CheckOutcome, alerts: [Alert], fetchDuration: Duration?, bytes: Int) {
        var counters = sources[source] ?? SourceCounters()
        switch outcome {
        case .baseline: counters.baseline += 1
        case .changed: counters.changed += 1
        case .failed: counters.failed += 1
        case .unchanged(let notModified):
            if notModified { counters.notModified += 1 } else { counters.unchanged += 1 }
        }
        for alert in alerts { counters.alerts[alert.event.rawValue, default: 0] += 1 }
        if let fetchDuration {
            counters.fetches += 1
            counters.fetchSeconds += fetchDuration.seconds
        }
        counters.bytes += bytes
        sources[source] = counters
    }

    /// The Prometheus text exposition of every counter and the outbox gauges: sources by id,
    /// channels in the outbox's order.
    func render(outbox: [OutboxSummary]) -> String {
        let sources = self.sources.sorted { $0.key < $1.key }.map { (label: "source=\"\(Self.escape($0.key))\"", counters: $0.value) }
        var out = ""
        func header(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }

        header("reportwatch_checks_total", "counter", "Checks of a source, by outcome.")
        for (label, counters) in sources {
            for (outcome, count) in counters.checks where count > 0 {
                out += "reportwatch_checks_total{\(label),outcome=\"\(outcome)\"} \(count)\n"
            }
        }
        header("reportwatch_check_failures_total", "counter", "Checks that failed.")
        for (label, counters) in sources {
            out += "reportwatch_check_failures_total{\(label)} \(counters.failed)\n"
        }
        header("reportwatch_alerts_total", "counter", "Alerts recorded, by event.")
        for (label, counters) in sources {
            for (event, count) in counters.alerts.sorted(by: { $0.key < $1.key }) {
                out += "reportwatch_alerts_total{\(label),event=\"\(event)\"} \(count)\n"
            }
        }
        header("reportwatch_fetch_duration_seconds", "summary", "Time spent fetching the source's main page.")
        for (label, counters) in sources {
            out += "reportwatch_fetch_duration_seconds_sum{\(label)} \(counters.fetchSeconds)\n"
            out += "reportwatch_fetch_duration_seconds_count{\(label)} \(counters.fetches)\n"
        }
        header("reportwatch_fetch_bytes_total", "counter", "Decoded bytes fetched for the source.")
        for (label, counters) in sources {
            out += "reportwatch_fetch_bytes_total{\(label)} \(counters.bytes)\n"
        }

        let channels = outbox.map { (label: "channel=\"\(Self.escape($0.channelID))\"", summary: $0) }
        header("reportwatch_outbox_pending", "gauge", "Alerts not yet delivered to the channel.")
        for (label, summary) in channels { out += "reportwatch_outbox_pending{\(label)} \(summary.pending + summary.retrying)\n" }
        header("reportwatch_delivery_retrying", "gauge", "Alerts whose delivery to the channel failed at least once and is pending.")
        for (label, summary) in channels { out += "reportwatch_delivery_retrying{\(label)} \(summary.retrying)\n" }
        header("reportwatch_delivery_dead_total", "counter", "Alerts given up on for the channel.")
        for (label, summary) in channels { out += "reportwatch_delivery_dead_total{\(label)} \(summary.dead)\n" }
        header("reportwatch_delivered_total", "counter", "Alerts delivered to the channel.")
        for (label, summary) in channels { out += "reportwatch_delivered_total{\(label)} \(summary.delivered)\n" }
        return out
    }

    /// Writes the file atomically (a reader never sees half of it) with the Atom feed's writer: a
    /// temporary name of its own each time, so `check` from cron and the service cannot write
    /// into each other's, never through a symlink, and 0644 whatever the umask, for
    /// node_exporter. Not fsynced: it is rewritten after every pass from the counters.
    func write(to path: String, store: Store) throws {
        let outbox = (try? store.read { try $0.outboxSummary() }) ?? []
        try AtomicFile.write(Array(render(outbox: outbox).utf8), to: path, mode: 0o644, durable: false)
    }

    /// A label value as the exposition format wants it.
    static func escape(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
