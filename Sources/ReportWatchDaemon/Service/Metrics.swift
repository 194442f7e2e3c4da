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

    private static let outcomes = ["baseline", "changed", "failed", "not_modified", "unchanged"].map { Array($0.utf8) }

    /// Counters by source, in the order sources were first seen; `index` finds a source's.
    private var counters: [SourceCounters] = []
    private var index: [String: Int] = [:]
    /// Positions in `counters` in the file's order (by source id), with each source's label
    /// bytes; rebuilt by the first render after a source is new.
    private var order: [(position: Int, label: [UInt8])] = []
    private var orderIsStale = false

    public init() {}

    func record(source: String, outcome: CheckOutcome, alerts: [Alert], fetchDuration: Duration?, bytes: Int) {
        let position: Int
        if let known = index[source] {
            position = known
        } else {
            position = counters.count
            counters.append(SourceCounters())
            index[source] = position
            orderIsStale = true
        }
        counters[position].add(outcome: outcome, alerts: alerts, fetchDuration: fetchDuration, bytes: bytes)
    }

    /// The Prometheus text exposition of every counter and the outbox gauges.
    ///
    /// Written as bytes into one buffer, with no lookups by name: the service renders a
    /// thousand sources' counters every few seconds while it is busy, and building lines,
    /// tuples and strings first cost more than the checks did.
    func render(outbox: [OutboxSummary]) -> String {
        String(decoding: renderBytes(outbox: outbox), as: UTF8.self)
    }

    private func renderBytes(outbox: [OutboxSummary]) -> [UInt8] {
        if orderIsStale {
            order = index.sorted { $0.key < $1.key }.map { ($0.value, Array("source=\"\(Self.escape($0.key))\"".utf8)) }
            orderIsStale = false
        }
        var out: [UInt8] = []
        out.reserveCapacity(1024 + order.count * 600 + outbox.count * 400)
        func put(_ text: StaticString) {
            out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }
        func put(_ bytes: [UInt8]) { out.append(contentsOf: bytes) }
        func put(_ text: String) { out.append(contentsOf: text.utf8) }
        func put(_ value: Int) {
            guard value != 0 else { out.append(UInt8(ascii: "0")); return }
            if value < 0 { out.append(UInt8(ascii: "-")) }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            var rest = value.magnitude
            withUnsafeMutableBytes(of: &digits) { buffer in
                while rest > 0 {
                    buffer[19 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                    count += 1
                }
                out.append(contentsOf: buffer[(20 - count)...])
            }
        }
        func header(_ name: StaticString, _ type: StaticString, _ help: StaticString) {
            put("# HELP "); put(name); put(" "); put(help); put("\n")
            put("# TYPE "); put(name); put(" "); put(type); put("\n")
        }
        func sample(_ name: StaticString, _ label: [UInt8], _ value: Int) {
            put(name); put("{"); put(label); put("} "); put(value); put("\n")
        }
        header("reportwatch_checks_total", "counter", "Checks of a source, by outcome.")
        for (position, label) in order {
            for (outcome, count) in counters[position].checks.enumerated() where count > 0 {
                put("reportwatch_checks_total{"); put(label); put(",outcome=\""); put(Self.outcomes[outcome])
                put("\"} "); put(count); put("\n")
            }
        }
        header("reportwatch_check_failures_total", "counter", "Checks that failed.")
        for (position, label) in order {
            sample("reportwatch_check_failures_total", label, counters[position].failures)
        }
        header("reportwatch_alerts_total", "counter", "Alerts recorded, by event.")
        for (position, label) in order where !counters[position].alerts.isEmpty {
            for (event, count) in counters[position].alerts.sorted(by: { $0.key < $1.key }) {
                put("reportwatch_alerts_total{"); put(label); put(",event=\""); put(event); put("\"} "); put(count); put("\n")
            }
        }
        header("reportwatch_fetch_duration_seconds", "summary", "Time spent fetching the source's main page.")
        for (position, label) in order {
            put("reportwatch_fetch_duration_seconds_sum{"); put(label); put("} "); put("\(counters[position].fetchSeconds)"); put("\n")
            sample("reportwatch_fetch_duration_seconds_count", label, counters[position].fetches)
        }
        header("reportwatch_fetch_bytes_total", "counter", "Decoded bytes fetched for the source.")
        for (position, label) in order {
            sample("reportwatch_fetch_bytes_total", label, counters[position].bytes)
        }
        let channels = outbox.map { (summary: $0, label: Array("channel=\"\(Self.escape($0.channelID))\"".utf8)) }
        header("reportwatch_outbox_pending", "gauge", "Alerts not yet delivered to the channel.")
        for (summary, label) in channels { sample("reportwatch_outbox_pending", label, summary.pending + summary.retrying) }
        header("reportwatch_delivery_retrying", "gauge", "Alerts whose delivery to the channel failed at least once and is pending.")
        for (summary, label) in channels { sample("reportwatch_delivery_retrying", label, summary.retrying) }
        header("reportwatch_delivery_dead_total", "counter", "Alerts given up on for the channel.")
        for (summary, label) in channels { sample("reportwatch_delivery_dead_total", label, summary.dead) }
        header("reportwatch_delivered_total", "counter", "Alerts delivered to the channel.")
        for (summary, label) in channels { sample("reportwatch_delivered_total", label, summary.delivered) }
        return out
    }

    /// Writes the file atomically: a reader never sees half of it.
    func write(to path: String, store: Store) throws {
        let outbox = (try? store.read { try $0.outboxSummary() }) ?? []
        let temporary = path + ".tmp"
        try Data(renderBytes(outbox: outbox)).write(to: URL(fileURLWithPath: temporary))
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
