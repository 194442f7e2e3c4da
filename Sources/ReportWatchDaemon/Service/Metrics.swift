import Foundation
import ReportWatchCore
import ReportWatchStore

/// Counters for the Prometheus text file (node_exporter's textfile collector). Counters live in
/// the process; the outbox gauges are read from the store when the file is written.
public actor Metrics {
    private struct SourceCounters {
        /// Checks by outcome, in the order of `outcomes` (alphabetical, as the file lists them).
        var checks = [Int](repeating: 0, count: 5)
        var failures = 0
        var alerts: [String: Int] = [:]
        var fetchSeconds = 0.0
        var fetches = 0
        var bytes = 0

        mutating func add(outcome: CheckOutcome, alerts: [Alert], fetchDuration: Duration?, bytes: Int) {
            switch outcome {
            case .baseline: checks[0] += 1
            case .changed: checks[1] += 1
            case .failed: checks[2] += 1; failures += 1
            case .unchanged(let notModified): checks[notModified ? 3 : 4] += 1
            }
            for alert in alerts { self.alerts[alert.event.rawValue, default: 0] += 1 }
            if let fetchDuration {
                fetches += 1
                fetchSeconds += fetchDuration.seconds
            }
            self.bytes += bytes
        }
    }

    private static let outcomes = ["baseline", "changed", "failed", "not_modified", "unchanged"]

    private var sources: [String: SourceCounters] = [:]
    /// Source ids in the file's order, with their label text; rebuilt by the first render after
    /// a source is new.
    private var order: [(id: String, label: String)] = []
    private var orderIsStale = false

    public init() {}

    func record(source: String, outcome: CheckOutcome, alerts: [Alert], fetchDuration: Duration?, bytes: Int) {
        if sources[source] == nil { orderIsStale = true }
        sources[source, default: SourceCounters()].add(outcome: outcome, alerts: alerts, fetchDuration: fetchDuration, bytes: bytes)
    }

    /// The Prometheus text exposition of every counter and the outbox gauges.
    ///
    /// Written straight into one string: the service renders a thousand sources' counters every
    /// few seconds while it is busy, and building lines and tuples first cost more than the checks.
    func render(outbox: [OutboxSummary]) -> String {
        if orderIsStale {
            order = sources.keys.sorted().map { ($0, "source=\"\(Self.escape($0))\"") }
            orderIsStale = false
        }
        var out = ""
        out.reserveCapacity(256 + order.count * 560 + outbox.count * 400)
        func header(_ name: String, _ type: String, _ help: String) {
            out += "# HELP "; out += name; out += " "; out += help; out += "\n"
            out += "# TYPE "; out += name; out += " "; out += type; out += "\n"
        }
        func sample(_ name: String, _ label: String, _ value: String, extra: String = "") {
            out += name; out += "{"; out += label; out += extra; out += "} "; out += value; out += "\n"
        }
        header("reportwatch_checks_total", "counter", "Checks of a source, by outcome.")
        for (id, label) in order {
            guard let counters = sources[id] else { continue }
            for (index, count) in counters.checks.enumerated() where count > 0 {
                out += "reportwatch_checks_total{"; out += label; out += ",outcome=\""; out += Self.outcomes[index]
                out += "\"} "; out += String(count); out += "\n"
            }
        }
        header("reportwatch_check_failures_total", "counter", "Checks that failed.")
        for (id, label) in order {
            sample("reportwatch_check_failures_total", label, String(sources[id]?.failures ?? 0))
        }
        header("reportwatch_alerts_total", "counter", "Alerts recorded, by event.")
        for (id, label) in order {
            guard let alerts = sources[id]?.alerts, !alerts.isEmpty else { continue }
            for (event, count) in alerts.sorted(by: { $0.key < $1.key }) {
                sample("reportwatch_alerts_total", label, String(count), extra: ",event=\"\(event)\"")
            }
        }
        header("reportwatch_fetch_duration_seconds", "summary", "Time spent fetching the source's main page.")
        for (id, label) in order {
            guard let counters = sources[id] else { continue }
            sample("reportwatch_fetch_duration_seconds_sum", label, "\(counters.fetchSeconds)")
            sample("reportwatch_fetch_duration_seconds_count", label, String(counters.fetches))
        }
        header("reportwatch_fetch_bytes_total", "counter", "Decoded bytes fetched for the source.")
        for (id, label) in order {
            sample("reportwatch_fetch_bytes_total", label, String(sources[id]?.bytes ?? 0))
        }
        let channels = outbox.map { (summary: $0, label: "channel=\"\(Self.escape($0.channelID))\"") }
        header("reportwatch_outbox_pending", "gauge", "Alerts not yet delivered to the channel.")
        for (summary, label) in channels { sample("reportwatch_outbox_pending", label, String(summary.pending + summary.retrying)) }
        header("reportwatch_delivery_retrying", "gauge", "Alerts whose delivery to the channel failed at least once and is pending.")
        for (summary, label) in channels { sample("reportwatch_delivery_retrying", label, String(summary.retrying)) }
        header("reportwatch_delivery_dead_total", "counter", "Alerts given up on for the channel.")
        for (summary, label) in channels { sample("reportwatch_delivery_dead_total", label, String(summary.dead)) }
        header("reportwatch_delivered_total", "counter", "Alerts delivered to the channel.")
        for (summary, label) in channels { sample("reportwatch_delivered_total", label, String(summary.delivered)) }
        return out
    }

    /// Writes the file atomically: a reader never sees half of it.
    func write(to path: String, store: Store) throws {
        let outbox = (try? store.read { try $0.outboxSummary() }) ?? []
        let text = render(outbox: outbox)
        let temporary = path + ".tmp"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, path) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// A label value as the exposition format wants it. Source ids never need escaping (they
    /// are letters, digits, '.', '_' and '-'), so the common case returns the value itself.
    static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
            case "\"": escaped.append(contentsOf: "\\\"".unicodeScalars)
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
