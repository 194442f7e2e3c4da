import Foundation
import Logging
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

/// A state directory, a config written from YAML, and the same `Runtime` the command uses,
/// against a real HTTP server on 127.0.0.1.
final class Harness: @unchecked Sendable {
    let server: TestHTTPServer
    let directory: URL
    let configFile: String
    let logs = LogCapture()
    private(set) var runtime: Runtime

    /// `sourcesYAML` is the `sources:` list, with `{{base}}` standing for the server's URL.
    /// Politeness is off (loopback) unless the YAML sets it. Time is the real clock's unless
    /// the test brings its own.
    init(sources sourcesYAML: String, channels channelsYAML: String? = nil, extra: String = "",
         politeness: String = "{min_gap: 0s, max_per_host: 4}", http: String = "{connect_timeout: 2s, timeout: 2s}",
         clock: any ServiceClock = SystemClock()) throws {
        server = try TestHTTPServer()
        server.start()
        directory = try Fixtures.temporaryDirectory()
        let channels = channelsYAML ?? """
              - id: log
                kind: jsonl
                path: \(directory.path)/alerts.jsonl
            """
        let yaml = """
            state_directory: \(directory.path)/state
            contact: tests@example.org
            politeness: \(politeness)
            http: \(http)
            \(extra)
            sources:
            \(sourcesYAML.replacingOccurrences(of: "{{base}}", with: server.baseURL))
            channels:
            \(channels)
            """
        configFile = directory.appendingPathComponent("reportwatch.yaml").path
        try yaml.write(toFile: configFile, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(file: configFile)
        runtime = try Runtime(configuration: configuration, logger: logs.logger, clock: clock)
    }

    deinit {
        runtime.shutdown()
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    var configuration: Configuration { runtime.configuration }
    var jsonlPath: String { directory.appendingPathComponent("alerts.jsonl").path }

    /// One `check`: a pass over every source, then delivery of every pending alert.
    @discardableResult
    func check() async -> [SourceChecker.Result] {
        await runtime.checkOnce().results
    }

    func result(_ source: String, _ results: [SourceChecker.Result]) -> SourceChecker.Result? {
        results.first { $0.sourceID == source }
    }

    /// The alerts delivered to the jsonl file so far, in order.
    func deliveredAlerts() throws -> [Alert] {
        guard let data = FileManager.default.contents(atPath: jsonlPath) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try Alert.jsonDecoder().decode(Alert.self, from: Data($0.utf8))
        }
    }

    /// The raw JSON objects of the jsonl file.
    func deliveredObjects() throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: jsonlPath) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }

    func state(_ source: String) throws -> SourceState? {
        try runtime.store.read { try $0.sourceState(source) }
    }

    func items(_ source: String) throws -> [String: Item] {
        try runtime.store.read { try $0.currentItems(source) }
    }
}

/// Captures log events in memory, as swift-log's own tests do.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var logger: Logger {
        Logger(label: "test") { [self] label in
            ServiceLogHandler(label: label, level: .debug, format: .text, journal: false) { line in
                self.append(line)
            }
        }
    }

    private func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}
