import Foundation
import ReportWatchAlerts
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
    /// Each source's lines, by family, as last rendered; `stale` once its counters have moved.
    /// The service rewrites the file every few seconds while it checks, and between two writes
    /// only the sources checked meanwhile (a fifth of them, with a thousand sources checked
    /// every ten seconds) need their lines rendered again.
    /// `families` arrays per source, family by family: source `p`'s lines of family `f` are at
    /// `p * families + f`.
    private var lines: [[UInt8]] = []
    private var stale: [Bool] = []
    private static let families = 5
    /// The last file's bytes: its buffer is reused, so a write does not map and fault in a
    /// fresh half-megabyte every few seconds.
    private var buffer: [UInt8] = []

    public init() {}

    func record(source: String, outcome: CheckOutcome, alerts: [Alert], fetchDuration: Duration?, bytes: Int) {
        let position: Int
        if let known = index[source] {
            position = known
        } else {
            position = counters.count
            counters.append(SourceCounters())
            lines.append(contentsOf: repeatElement([], count: Self.families))
            stale.append(true)
            index[source] = position
            orderIsStale = true
        }
        counters[position].add(outcome: outcome, alerts: alerts, fetchDuration: fetchDuration, bytes: bytes)
        stale[position] = true
    }

    /// The Prometheus text exposition of every counter and the outbox gauges.
    ///
    /// Written as bytes, with no lookups by name, and only the lines of sources whose counters
    /// moved are rendered again: rendering every source's lines every few seconds takes a fifth
    /// of the service's CPU at 10,000 quiet sources.
    func render(outbox: [OutboxSummary]) -> String {
        String(decoding: renderBytes(outbox: outbox), as: UTF8.self)
    }

    private func renderBytes(outbox: [OutboxSummary]) -> [UInt8] {
        if orderIsStale {
            order = index.sorted { $0.key < $1.key }.map { ($0.value, Array("source=\"\(Self.escape($0.key))\"".utf8)) }
            orderIsStale = false
        }
        for (position, label) in order where stale[position] {
            let fresh = Self.render(counters[position], label: label)
            for family in 0..<Self.families { lines[position * Self.families + family] = fresh[family] }
            stale[position] = false
        }
        var out = ExpositionWriter(reusing: &buffer)
        let headers: [(StaticString, StaticString, StaticString)] = [
            ("reportwatch_checks_total", "counter", "Checks of a source, by outcome."),
            ("reportwatch_check_failures_total", "counter", "Checks that failed."),
            ("reportwatch_alerts_total", "counter", "Alerts recorded, by event."),
            ("reportwatch_fetch_duration_seconds", "summary", "Time spent fetching the source's main page."),
            ("reportwatch_fetch_bytes_total", "counter", "Decoded bytes fetched for the source."),
        ]
        for (family, (name, type, help)) in headers.enumerated() {
            out.header(name, type, help)
            for (position, _) in order { out.put(lines[position * Self.families + family]) }
        }
        let channels = outbox.map { (summary: $0, label: Array("channel=\"\(Self.escape($0.channelID))\"".utf8)) }
        out.header("reportwatch_outbox_pending", "gauge", "Alerts not yet delivered to the channel.")
        for (summary, label) in channels { out.sample("reportwatch_outbox_pending", label, summary.pending + summary.retrying) }
        out.header("reportwatch_delivery_retrying", "gauge", "Alerts whose delivery to the channel failed at least once and is pending.")
        for (summary, label) in channels { out.sample("reportwatch_delivery_retrying", label, summary.retrying) }
        out.header("reportwatch_delivery_dead_total", "counter", "Alerts given up on for the channel.")
        for (summary, label) in channels { out.sample("reportwatch_delivery_dead_total", label, summary.dead) }
        out.header("reportwatch_delivered_total", "counter", "Alerts delivered to the channel.")
        for (summary, label) in channels { out.sample("reportwatch_delivered_total", label, summary.delivered) }
        return out.bytes
    }

    /// Renders into the reused buffer and hands it to `body`.
    private func withRendered<T>(outbox: [OutboxSummary], _ body: ([UInt8]) throws -> T) rethrows -> T {
        let bytes = renderBytes(outbox: outbox)
        defer { buffer = bytes }
        return try body(bytes)
    }

    /// One source's lines in each family, in the file's order of families.
    private static func render(_ counters: SourceCounters, label: [UInt8]) -> [[UInt8]] {
        var checks = ExpositionWriter(capacity: 256)
        for (outcome, count) in counters.checks.enumerated() where count > 0 {
            checks.put("reportwatch_checks_total{"); checks.put(label); checks.put(",outcome=\""); checks.put(outcomes[outcome])
            checks.put("\"} "); checks.put(count); checks.put("\n")
        }
        var failures = ExpositionWriter(capacity: 64)
        failures.sample("reportwatch_check_failures_total", label, counters.failures)
        var alerts = ExpositionWriter(capacity: counters.alerts.isEmpty ? 0 : 128)
        for (event, count) in counters.alerts.sorted(by: { $0.key < $1.key }) {
            alerts.put("reportwatch_alerts_total{"); alerts.put(label); alerts.put(",event=\""); alerts.put(event); alerts.put("\"} ")
            alerts.put(count); alerts.put("\n")
        }
        var duration = ExpositionWriter(capacity: 160)
        duration.put("reportwatch_fetch_duration_seconds_sum{"); duration.put(label); duration.put("} ")
        duration.put("\(counters.fetchSeconds)"); duration.put("\n")
        duration.sample("reportwatch_fetch_duration_seconds_count", label, counters.fetches)
        var bytes = ExpositionWriter(capacity: 64)
        bytes.sample("reportwatch_fetch_bytes_total", label, counters.bytes)
        return [checks.bytes, failures.bytes, alerts.bytes, duration.bytes, bytes.bytes]
    }

    /// Writes the file atomically (a reader never sees half of it) with the Atom feed's writer: a
    /// temporary name of its own each time, so `check` from cron and the service cannot write
    /// into each other's, never through a symlink, and 0644 whatever the umask, for
    /// node_exporter. Not fsynced: it is rewritten after every pass from the counters.
    func write(to path: String, store: Store) throws {
        let outbox = (try? store.read { try $0.outboxSummary() }) ?? []
        try withRendered(outbox: outbox) { bytes in
            try AtomicFile.write(bytes, to: path, mode: 0o644, durable: false)
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

/// Appends the exposition format's pieces to a byte buffer.
private struct ExpositionWriter {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Takes `storage`'s memory (leaving it empty) and writes into it from its start.
    init(reusing storage: inout [UInt8]) {
        swap(&bytes, &storage)
        bytes.removeAll(keepingCapacity: true)
    }

    mutating func put(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func put(_ other: [UInt8]) { bytes.append(contentsOf: other) }

    mutating func put(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func put(_ value: Int) {
        guard value != 0 else { bytes.append(UInt8(ascii: "0")); return }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
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
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    mutating func header(_ name: StaticString, _ type: StaticString, _ help: StaticString) {
        put("# HELP "); put(name); put(" "); put(help); put("\n")
        put("# TYPE "); put(name); put(" "); put(type); put("\n")
    }

    mutating func sample(_ name: StaticString, _ label: [UInt8], _ value: Int) {
        put(name); put("{"); put(label); put("} "); put(value); put("\n")
    }
}
