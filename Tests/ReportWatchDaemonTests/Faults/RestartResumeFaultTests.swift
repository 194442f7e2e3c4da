import Foundation
import Glibc
import Testing
import ReportWatchCore
import ReportWatchTestSupport

/// A pass killed part-way through a source's report PDFs (the watchdog, a restart, an OOM kill)
/// resumes where it stopped: each report read is kept as soon as it is read, so the next pass
/// fetches and reads only the rest.
@Suite("Fault: a pass killed while reading reports resumes", .serialized)
struct RestartResumeFaultTests {
    @Test func reportsReadBeforeAKillAreNotFetchedAgain() throws {
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        try serveManyReports(server, count: 8, delay: .milliseconds(400))
        let world = try FaultWorld(sources: manyReportsSource.replacingOccurrences(of: "{{base}}", with: server.baseURL))
        let paths = (0..<8).map { "/v1/file/\(60_000_001 + $0)" }
        func fetched() -> [Int] { paths.map { server.requests(forPath: $0).count } }

        let first = try world.startCheck()
        let deadline = ContinuousClock.now + .seconds(60)
        // Killed once four reports were answered and read (the fifth is on its way).
        while fetched().filter({ $0 > 0 }).count < 5, ContinuousClock.now < deadline, first.isRunning {
            usleep(20_000)
        }
        let killed = first.kill()
        #expect(killed.signal == SIGKILL, "the first pass ended before it was killed: \(killed)")
        let beforeRestart = fetched()

        let second = try world.check()
        #expect(second.status == 0, "\(second.stderr)")
        let after = fetched()
        let readTwice = zip(paths, after).filter { $0.1 > 1 }.map(\.0)
        let documents = try world.store().read { try $0.documents("ofsted-harrow") }
        #expect(documents.count == 8)
        #expect(documents.values.allSatisfy { $0.error == nil && $0.findings != nil }, "\(documents.values.compactMap(\.error))")
        // At most the report in flight at the kill is fetched again.
        #expect(readTwice.count <= 1, "fetched again after the restart: \(readTwice); counts before \(beforeRestart), after \(after)")
        faultReport("a pass killed while reading reports", "reports fetched before the kill \(beforeRestart.filter { $0 > 0 }.count) of 8; "
            + "fetched again after the restart \(readTwice.count); all 8 read: \(documents.count == 8)")
    }
}
