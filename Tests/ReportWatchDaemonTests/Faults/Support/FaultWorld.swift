import Foundation
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

/// A state directory and a config file for the real `reportwatch` command: the fault suite runs
/// the command as a child process, as systemd would, so a SIGKILL, a memory peak or a hang is
/// the command's own.
final class FaultWorld: @unchecked Sendable {
    let directory: URL
    let configPath: String
    let alertsPath: String
    var databasePath: String { directory.appendingPathComponent("state/reportwatch.sqlite").path }

    /// `sources` is the YAML list under `sources:`; the one channel is a jsonl file.
    init(sources: String, http: String = "{connect_timeout: 2s, timeout: 2s}", failuresBeforeAlert: Int = 2) throws {
        directory = try Fixtures.temporaryDirectory()
        configPath = directory.appendingPathComponent("reportwatch.yaml").path
        alertsPath = directory.appendingPathComponent("alerts.jsonl").path
        try """
            state_directory: \(directory.path)/state
            contact: tests@example.org
            failures_before_alert: \(failuresBeforeAlert)
            politeness: {min_gap: 0s, max_per_host: 4}
            http: \(http)
            sources:
            \(sources)
            channels:
              - id: log
                kind: jsonl
                path: \(alertsPath)
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `reportwatch check` to its end (killed after `timeout`).
    func check(timeout: Duration = .seconds(120), logFormat: String = "text") throws -> ChildProcess.Outcome {
        try ChildProcess.run(["check", "--config", configPath, "--log-format", logFormat], timeout: timeout)
    }

    /// `reportwatch check`, started and left running.
    func startCheck() throws -> ChildProcess {
        try ChildProcess(["check", "--config", configPath])
    }

    /// The jsonl file's lines, as written.
    func alertLines() -> [Substring] {
        guard let data = FileManager.default.contents(atPath: alertsPath) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map { $0 }
    }

    func alerts() throws -> [Alert] {
        try alertLines().map { try Alert.jsonDecoder().decode(Alert.self, from: Data($0.utf8)) }
    }

    /// Opens the store for a look; the caller drops it before the next run.
    func store() throws -> Store {
        try Store(path: databasePath)
    }
}

/// How many passes a fault test makes: the short form by default (what CI's `swift test` runs),
/// more with `REPORTWATCH_FAULT_ITERATIONS` (`make faults` sets it).
enum FaultIterations {
    static func count(short: Int) -> Int {
        guard let text = ProcessInfo.processInfo.environment["REPORTWATCH_FAULT_ITERATIONS"], let value = Int(text), value > 0 else {
            return short
        }
        // Bounded whatever the variable says.
        return min(value, 1000)
    }
}

/// One line a fault test prints with its figures; `make faults` collects them into a table.
func faultReport(_ name: String, _ figures: String) {
    print("FAULT RESULT | \(name) | \(figures)")
}
