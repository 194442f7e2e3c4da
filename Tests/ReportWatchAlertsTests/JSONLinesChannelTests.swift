import Foundation
import Testing
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchTestSupport

@Suite("The jsonl channel appends whole lines")
struct JSONLinesChannelTests {
    /// A process that died mid-write left half a line: the next append cuts it off and starts
    /// on a line of its own (the alert in that half line was never marked delivered, so it is
    /// among the ones appended).
    @Test func aTornLastLineIsCutBeforeTheNextAppend() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.jsonl").path
        try "{\"id\":\"whole\"}\n{\"id\":\"torn\",\"tit".write(toFile: path, atomically: false, encoding: .utf8)
        let channel = JSONLinesChannel(id: "log", path: path)
        let alert = Alert(source: "news", event: .added, title: "Report", url: nil, detectedAt: Date(timeIntervalSince1970: 1_795_683_600))
        _ = try await channel.deliver(alert)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines.last == "", "\(lines)")
        #expect(lines.first == "{\"id\":\"whole\"}")
        let object = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any]
        #expect(object?["id"] as? String == alert.id)
    }

    /// A process killed after appending a batch and before the store marked it delivered sends
    /// the batch again: the file still holds each alert once, and the new ones after them.
    @Test func aBatchSentAgainAfterAKillIsNotWrittenTwice() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("alerts.jsonl").path
        let channel = JSONLinesChannel(id: "log", path: path)
        let alerts = (0..<50).map { index in
            Alert(source: "news", event: .added, title: "Report \(index)", url: nil, detectedAt: Date(timeIntervalSince1970: 1_795_683_600 + Double(index)))
        }
        _ = try await channel.deliver(batch: Array(alerts[0..<40]), context: DeliveryContext())
        let answer = try await channel.deliver(batch: alerts, context: DeliveryContext())
        #expect(answer.hasSuffix("(40 already there)"), "\(answer)")
        let ids = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["id"] as? String
        }
        #expect(ids == alerts.map { Optional($0.id) })
    }
}
