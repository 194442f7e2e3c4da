import Foundation
import Logging
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

/// Page text with control characters in it: a title that would end a journald record at its NUL
/// and start a forged `<0>` (emergency) one, terminal escapes, C1's 8-bit CSI, bidi overrides.
let hostileTitle = "Cabinet\u{0}<0>reportwatch: disk on fire\u{1B}[2J\u{1B}]0;owned\u{7}\u{9B}31m \u{202E}fdp.exe"

func hasTerminalControls(_ text: String) -> Bool {
    text.unicodeScalars.contains { scalar in
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}

@Suite("Page text cannot forge log lines or drive a terminal", .serialized)
struct HostileTextTests {
    @Test func controlCharactersFromAPageNeverReachTheStoreOrTheLog() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", body: newsPage(twoReports + [("/r/3", hostileTitle, "2026-11-03")]))
        await harness.check()
        let stored = try #require(try harness.items("news")["/r/3"]?.fields["title"])
        #expect(!hasTerminalControls(stored), "stored title: \(stored.debugDescription)")
        #expect(stored.contains("reportwatch: disk on fire"))
        let logged = harness.logs.all.joined()
        #expect(logged.contains("disk on fire"), "the new item's alert is logged")
        #expect(!hasTerminalControls(logged), "log: \(logged.debugDescription)")
        #expect(!logged.contains("\u{0}"))
    }

    /// Error messages and metadata are not all page text read through `Text`: the log handler
    /// itself never writes a control character, so one record stays one journald record.
    @Test(arguments: [ServiceLogHandler.Format.text, .json])
    func aLogRecordCannotForgeAnother(_ format: ServiceLogHandler.Format) {
        let lines = LockedLines()
        var logger = Logger(label: "t") { label in
            ServiceLogHandler(label: label, level: .info, format: format, journal: true) { lines.append($0) }
        }
        logger[metadataKey: "error"] = "HTTP 500\u{0}<0>forged\u{1B}[31m"
        logger.warning("check failed \u{0}<0>forged\u{1B}[2J\u{9B}\u{202E}")
        let output = lines.all.joined()
        #expect(output.hasPrefix("<4>"))
        #expect(output.filter { $0 == "\n" }.count == 1 && output.hasSuffix("\n"))
        #expect(!hasTerminalControls(String(output.dropLast())), "\(output.debugDescription)")
    }

    /// `test-source`, `history` and `status` print what pages said and why checks failed.
    @Test func theCommandsEscapeTextForATerminal() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", body: newsPage(twoReports + [("/r/3", hostileTitle, "2026-11-03")]))
        await harness.check()
        for command in [["test-source", "news"], ["history", "--source", "news"], ["status"]] {
            let result = try ReportWatchBinary.run(command + ["--config", harness.configFile])
            #expect(result.status == 0, "\(command): \(result.stderr)")
            #expect(!hasTerminalControls(result.stdout), "\(command): \(result.stdout.debugDescription)")
            #expect(!hasTerminalControls(result.stderr), "\(command): \(result.stderr.debugDescription)")
            if command[0] != "status" { #expect(result.stdout.contains("disk on fire"), "\(command): \(result.stdout)") }
        }
        // A source that fails: its error is printed as the status table's last error.
        harness.server.set("/news", response: .status(500))
        await harness.check()
        let status = try ReportWatchBinary.run(["status", "--config", harness.configFile])
        #expect(!hasTerminalControls(status.stdout))
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
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
