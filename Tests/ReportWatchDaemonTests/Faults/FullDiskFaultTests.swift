import Foundation
import Testing
import ReportWatchCore
import ReportWatchTestSupport

/// A full disk while the jsonl channel appends: the write stops part-way through a line. The
/// channel takes the partial write back, so when space returns the retried alerts start on a
/// line of their own and every line of the file is one whole JSON object.
///
/// The disk fills by `RLIMIT_FSIZE` (`ulimit -f` in /bin/sh, counted in 512-byte blocks) with
/// SIGXFSZ ignored, so `write` stops at the limit and then fails with EFBIG, as it would with
/// ENOSPC; no root or tmpfs is needed. The limit applies to every file the command writes, so
/// the jsonl file is made larger than the database will grow first.
@Suite("Fault: a full disk under the jsonl channel", .serialized)
struct FullDiskFaultTests {
    @Test func aTornAppendIsTakenBackAndTheRetryStartsOnAWholeLine() throws {
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        let world = try FaultWorld(sources: newsSource.replacingOccurrences(of: "{{base}}", with: server.baseURL))
        server.set("/news", body: newsPage(twoReports))
        let baseline = try world.check()
        try #require(baseline.status == 0, "\(baseline.stderr)")

        // 8 MiB of earlier lines: 8,192 of exactly 1,024 bytes.
        let line = "{\"filler\":\"" + String(repeating: "x", count: 1024 - 14) + "\"}\n"
        try String(repeating: line, count: 8192).write(toFile: world.alertsPath, atomically: false, encoding: .utf8)
        let prefill = 8192 * 1024

        // Forty new reports; room for about three of their lines.
        let forty = (100..<140).map { ("/r/\($0)", "Report number \($0) on children's services", "2026-11-20") }
        server.set("/news", body: newsPage(forty + twoReports))
        let blocks = prefill / 512 + 4
        let full = try ChildProcess(
            ["-c", "ulimit -f \(blocks) && trap '' XFSZ && exec \"$0\" \"$@\"", ReportWatchBinary.url.path,
             "check", "--config", world.configPath],
            executable: "/bin/sh")
        let outcome = try #require(full.waitUntilExit(timeout: .seconds(60)), "the check did not end")
        let size = (try FileManager.default.attributesOfItem(atPath: world.alertsPath)[.size] as? Int) ?? 0
        #expect(size < prefill + 40 * 400, "the limit did not stop the append (\(size) bytes): \(outcome)\n\(outcome.stderr)")
        let afterFull = try Data(contentsOf: URL(fileURLWithPath: world.alertsPath))
        #expect(afterFull.last == UInt8(ascii: "\n"), "a torn line was left at the end (\(afterFull.count - prefill) bytes past the earlier lines)")

        // Space is back: the pending alerts go out.
        let freed = try world.check()
        #expect(freed.status == 0, "\(freed.stderr)")
        let lines = world.alertLines()
        var alertIDs: [String] = []
        var unparseable = 0
        for text in lines.dropFirst(8192) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let id = object["id"] as? String else {
                unparseable += 1
                continue
            }
            alertIDs.append(id)
        }
        #expect(unparseable == 0, "\(unparseable) unparseable lines among \(lines.count - 8192) new ones")
        #expect(alertIDs.count == 40 && Set(alertIDs).count == 40, "\(alertIDs.count) alert lines, \(Set(alertIDs).count) distinct")
        #expect(lines.prefix(8192).allSatisfy { $0.count == 1023 }, "the earlier lines were changed")
        faultReport("a full disk under the jsonl channel", "bytes written past the limit \(afterFull.count - prefill); "
            + "after space returned \(lines.count - 8192) new lines, \(unparseable) unparseable, \(Set(alertIDs).count) distinct alerts of 40")
    }
}
