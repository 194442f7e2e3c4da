import Foundation
import ReportWatchCore
import ReportWatchStore

/// Counters for the Prometheus text file (node_exporter's textfile collector). Counters live in
/// the process; the outbox gauges are read from the store when the file is written.
public actor Metrics {
    private struct SourceCounters {
        var checks: [String: Int] = [:]
        var failures = 0
        var alerts: [String: Int] = [:]
        var fetchSeconds = 0.0
        var fetches = 0
        var bytes = 0
    }

    private var sources: [String: SourceCounters] = [:]

    public init() {}

    func record(source: String, outcome: CheckOutcome, alerts: [Alert], fetchDuration: Duration?, bytes: Int) {
        var counters = sources[source, default: SourceCounters()]
        let label: String
        switch outcome {
        case .baseline: label = "baseline"
        case .unchanged(let notModified): label = notModified ? "not_modified" : "unchanged"
        case .changed: label = "changed"
        case .failed: label = "failed"; counters.failures += 1
        }
        counters.checks[label, default: 0] += 1
        for alert in alerts { counters.alerts[alert.event.rawValue, default: 0] += 1 }
        if let fetchDuration {
            counters.fetches += 1
            counters.fetchSeconds += fetchDuration.seconds
        }
        counters.bytes += bytes
        sources[source] = counters
    }

    /// The Prometheus text exposition of every counter and the outbox gauges.
    func render(outbox: [OutboxSummary]) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            for sample in samples { lines.append("\(name){\(sample.labels)} \(sample.value)") }
        }
        let entries = sources.sorted { $0.key < $1.key }.map { (label: "source=\"\(Self.escape($0.key))\"", counters: $0.value) }
        family("reportwatch_checks_total", "counter", "Checks of a source, by outcome.", entries.flatMap { entry in
            entry.counters.checks.sorted { $0.key < $1.key }.map { ("\(entry.label),outcome=\"\($0.key)\"", "\($0.value)") }
        })
        family("reportwatch_check_failures_total", "counter", "Checks that failed.", entries.map {
            ($0.label, "\($0.counters.failures)")
        })
        family("reportwatch_alerts_total", "counter", "Alerts recorded, by event.", entries.flatMap { entry in
            entry.counters.alerts.sorted { $0.key < $1.key }.map { ("\(entry.label),event=\"\($0.key)\"", "\($0.value)") }
        })
        lines.append("# HELP reportwatch_fetch_duration_seconds Time spent fetching the source's main page.")
        lines.append("# TYPE reportwatch_fetch_duration_seconds summary")
        for entry in entries {
            lines.append("reportwatch_fetch_duration_seconds_sum{\(entry.label)} \(entry.counters.fetchSeconds)")
            lines.append("reportwatch_fetch_duration_seconds_count{\(entry.label)} \(entry.counters.fetches)")
        }
        family("reportwatch_fetch_bytes_total", "counter", "Decoded bytes fetched for the source.", entries.map {
            ($0.label, "\($0.counters.bytes)")
        })
        family("reportwatch_outbox_pending", "gauge", "Alerts not yet delivered to the channel.", outbox.map {
            ("channel=\"\(Self.escape($0.channelID))\"", "\($0.pending + $0.retrying)")
        })
        family("reportwatch_delivery_retrying", "gauge", "Alerts whose delivery to the channel failed at least once and is pending.", outbox.map {
            ("channel=\"\(Self.escape($0.channelID))\"", "\($0.retrying)")
        })
        family("reportwatch_delivery_dead_total", "counter", "Alerts given up on for the channel.", outbox.map {
            ("channel=\"\(Self.escape($0.channelID))\"", "\($0.dead)")
        })
        family("reportwatch_delivered_total", "counter", "Alerts delivered to the channel.", outbox.map {
            ("channel=\"\(Self.escape($0.channelID))\"", "\($0.delivered)")
        })
        return lines.joined(separator: "\n") + "\n"
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
