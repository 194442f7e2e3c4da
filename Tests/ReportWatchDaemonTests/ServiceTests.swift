import Foundation
import Testing
import ReportWatchCore
import ReportWatchTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private let lock = NSLock()
    private var received: [String] = []
    private var reader: Thread?
    private var closed = false

    init(directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                lock.lock()
                let stop = closed
                lock.unlock()
                if stop { return }
                let count = recv(fd, &buffer, buffer.count, 0)
                if count > 0 {
                    lock.lock()
                    received.append(String(decoding: buffer[0..<count], as: UTF8.self))
                    lock.unlock()
                }
            }
        }
        reader = thread
        thread.start()
    }

    deinit {
        lock.lock()
        closed = true
        lock.unlock()
        usleep(200_000)
        close(fd)
        unlink(path)
    }

    var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Waits until a message containing `text` arrives.
    func wait(for text: String, timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if messages.contains(where: { $0.contains(text) }) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

@Suite("The service under systemd: notify, watchdog, reload, stop", .serialized)
struct ServiceTests {
    func writeConfig(_ directory: URL, server: TestHTTPServer, sourcePath: String = "/news", extra: String = "") throws -> String {
        let file = directory.appendingPathComponent("reportwatch.yaml").path
        try """
            state_directory: \(directory.path)/state
            contact: tests@example.org
            politeness: {min_gap: 0s, max_per_host: 2}
            http: {connect_timeout: 2s, timeout: 30s}
            sources:
              - id: news
                kind: html
                url: \(server.baseURL)\(sourcePath)
                interval: 10s
                items: "//li[@class='report']"
                fields: {key: "a/@href", title: "a"}
            \(extra)
            channels:
              - id: log
                kind: jsonl
                path: \(directory.path)/alerts.jsonl
            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func notifiesReadyStatusWatchdogReloadingAndStopping() async throws {
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        server.set("/news", body: newsPage(twoReports))
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let notify = try NotifySocket(directory: directory)
        let config = try writeConfig(directory, server: server)

        let running = try ReportWatchBinary.start(["run", "--config", config], environment: [
            // JOURNAL_STREAM names another file than this stderr pipe: plain lines, not journald's.
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000", "JOURNAL_STREAM": "8:1234",
        ])
        #expect(await notify.wait(for: "READY=1"))
        #expect(await notify.wait(for: "STATUS=1 sources, 0 failing, 0 alerts pending"))
        #expect(await notify.wait(for: "WATCHDOG=1"))
        let pings = notify.messages.filter { $0 == "WATCHDOG=1" }.count
        try await Task.sleep(for: .seconds(1))
        #expect(notify.messages.filter { $0 == "WATCHDOG=1" }.count > pings, "the watchdog keeps pinging while the loop runs")

        // A broken config is logged with file, line and key; the old one stays.
        let good = try String(contentsOfFile: config, encoding: .utf8)
        try good.replacingOccurrences(of: "    items:", with: "    itmes:").write(toFile: config, atomically: true, encoding: .utf8)
        kill(running.process.processIdentifier, SIGHUP)
        #expect(await notify.wait(for: "RELOADING=1"))
        try await Task.sleep(for: .milliseconds(500))

        // A good config with a new source is picked up.
        server.set("/more", body: newsPage([("/m/1", "More", "2026-11-27")]))
        try good.replacingOccurrences(of: "channels:", with: """
              - id: more
                kind: html
                url: \(server.baseURL)/more
                items: "//li[@class='report']"
                fields: {key: "a/@href", title: "a"}
            channels:
            """).write(toFile: config, atomically: true, encoding: .utf8)
        kill(running.process.processIdentifier, SIGHUP)
        let deadline = ContinuousClock.now + .seconds(20)
        while server.requests(forPath: "/more").isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(!server.requests(forPath: "/more").isEmpty, "the new source was checked after SIGHUP")
        #expect(await notify.wait(for: "STATUS=2 sources"))

        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        #expect(running.process.terminationStatus == 0)
        #expect(await notify.wait(for: "STOPPING=1", timeout: .seconds(2)))
        let stderr = String(decoding: running.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains(" error: config not reloaded: \(config):10:5: sources[0].itmes: unknown key (did you mean 'items'?)"), "\(stderr)")
        #expect(stderr.contains(" notice: configuration reloaded"))
        #expect(!stderr.contains("<3>") && !stderr.contains("<5>"))
    }

    @Test func sigtermDuringASlowFetchExitsZeroPromptly() async throws {
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        server.set("/news", response: TestHTTPResponse.ok(newsPage(twoReports)).delayed(by: .seconds(25)))
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try writeConfig(directory, server: server)
        let running = try ReportWatchBinary.start(["run", "--config", config])
        let deadline = ContinuousClock.now + .seconds(20)
        while server.requests(forPath: "/news").isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!server.requests(forPath: "/news").isEmpty)
        let sent = ContinuousClock.now
        kill(running.process.processIdentifier, SIGTERM)
        running.process.waitUntilExit()
        #expect(running.process.terminationStatus == 0)
        // The unit's TimeoutStopSec is 30 s; the fetch would have taken 25 s more.
        #expect(ContinuousClock.now - sent < .seconds(15))
    }
}
