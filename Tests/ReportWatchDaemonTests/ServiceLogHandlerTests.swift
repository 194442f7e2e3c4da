import Foundation
import Logging
import Synchronization
import Testing
@testable import ReportWatchDaemon
#if canImport(Glibc)
import Glibc
#endif

/// What a log line looks like where it goes: journald reads the `<N>` prefix into PRIORITY=, so
/// the text there carries no level word; a terminal or a file gets the time and the level word.
@Suite struct ServiceLogHandlerTests {
    private func lines(journal: Bool, format: ServiceLogHandler.Format = .text,
                       _ body: (Logger) -> Void) -> [String] {
        let captured = Mutex<[String]>([])
        let logger = Logger(label: "reportwatch") { label in
            ServiceLogHandler(label: label, level: .info, format: format, journal: journal) { line in
                captured.withLock { $0.append(line) }
            }
        }
        body(logger)
        return captured.withLock { $0 }
    }

    @Test func underJournaldTheLinePrefixSaysThePriorityAndTheTextHasNoLevelWord() {
        let written = lines(journal: true) { logger in
            logger.notice("reportwatch started", metadata: ["sources": "2", "config.file": "/etc/reportwatch/reportwatch.yaml"])
            logger.error("config not reloaded: reportwatch.yaml:11:5: sources[0].itmes: unknown key")
            logger.warning("check failed", metadata: ["source.id": "news"])
            logger.debug("not written: below the level")
        }
        #expect(written == [
            "<5>reportwatch started config.file=/etc/reportwatch/reportwatch.yaml sources=2\n",
            "<3>config not reloaded: reportwatch.yaml:11:5: sources[0].itmes: unknown key\n",
            "<4>check failed source.id=news\n",
        ])
    }

    @Test func onATerminalEachLineHasTheTimeAndTheLevelWord() throws {
        let written = lines(journal: false) { logger in
            logger.notice("reportwatch started", metadata: ["sources": "2"])
            logger.error("config not reloaded")
        }
        #expect(written.count == 2)
        let time = #/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z /#
        #expect(try time.prefixMatch(in: written[0]) != nil, "\(written[0])")
        #expect(written[0].hasSuffix(" notice: reportwatch started sources=2\n"))
        #expect(written[1].hasSuffix(" error: config not reloaded\n"))
        #expect(!written.joined().contains("<"))
    }

    @Test func jsonLinesKeepTheirLevelFieldAndTakeThePrefixUnderJournald() throws {
        let written = lines(journal: true, format: .json) { logger in
            logger.error("delivery failed", metadata: ["channel.id": "log"])
        }
        let line = try #require(written.first)
        #expect(line.hasPrefix("<3>{"))
        let object = try JSONSerialization.jsonObject(with: Data(line.dropFirst(3).utf8)) as? [String: String]
        #expect(object?["level"] == "error")
        #expect(object?["message"] == "delivery failed")
        #expect(object?["channel.id"] == "log")
    }

    @Test func journalStreamCountsOnlyWhileTheDescriptorIsThatStream() throws {
        // A real pipe stands in for the stream systemd connects to journald.
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        var status = stat()
        #expect(fstat(ends[1], &status) == 0)
        let stream = "\(status.st_dev):\(status.st_ino)"

        #expect(ServiceLogHandler.writesToJournal(fd: ends[1], environment: ["JOURNAL_STREAM": stream]))
        // The variable is inherited by anything the unit runs; stderr sent elsewhere is not journald.
        var other: [Int32] = [0, 0]
        #expect(pipe(&other) == 0)
        defer { close(other[0]); close(other[1]) }
        #expect(!ServiceLogHandler.writesToJournal(fd: other[1], environment: ["JOURNAL_STREAM": stream]))
        #expect(!ServiceLogHandler.writesToJournal(fd: ends[1], environment: [:]))
        #expect(!ServiceLogHandler.writesToJournal(fd: ends[1], environment: ["JOURNAL_STREAM": "8:1234"]))
        #expect(!ServiceLogHandler.writesToJournal(fd: ends[1], environment: ["JOURNAL_STREAM": "garbage"]))
        #expect(!ServiceLogHandler.writesToJournal(fd: -1, environment: ["JOURNAL_STREAM": stream]))
    }
}
