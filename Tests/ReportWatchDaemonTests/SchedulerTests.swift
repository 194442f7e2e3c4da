import Foundation
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

/// The service's loop, reload and watchdog in this process, on a manual clock and a test
/// trigger for graceful shutdown: an interval of minutes or a watchdog's budget runs in
/// milliseconds, without signals. ServiceTests runs the real command under real signals.
@Suite("The scheduler, reload and watchdog on the service's clock")
struct SchedulerTests {
    /// Waits (in real time) until `condition` holds, at most `timeout`.
    func eventually(_ timeout: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return false
    }

    /// Moves the clock to each of the loop's wakes until `condition` holds or `limit` has passed.
    func advanceUntil(_ clock: ManualClock, limit: Duration, _ condition: () -> Bool) async {
        while !condition(), clock.elapsed < limit {
            guard await clock.waitForSleepers(1), let next = clock.sleepers.first else { return }
            clock.advance(by: next)
            _ = await eventually(.milliseconds(200)) { condition() || !clock.sleepers.isEmpty }
        }
    }

    @Test func aSourceIsCheckedAgainWhenItsIntervalHasPassed() async throws {
        let clock = ManualClock()
        let harness = try Harness(sources: newsSource + "\n    interval: 10m", clock: clock)
        let stamps = ClockStamps()
        stamps.serve(harness.server, "/news", clock: clock, .ok(newsPage(twoReports)))
        let scheduler = SchedulerService(runtime: harness.runtime)
        try await testGracefulShutdown { trigger in
            let loop = Task { try await scheduler.run() }
            #expect(await eventually { stamps.times("/news").count == 1 })
            await advanceUntil(clock, limit: .seconds(3600)) { stamps.times("/news").count >= 2 }
            let times = stamps.times("/news")
            #expect(times.count == 2)
            // Ten minutes, moved by the source's jitter (10%) at most.
            #expect(times.count == 2 && times[1] >= .seconds(540) && times[1] <= .seconds(660), "\(times)")
            trigger.triggerGracefulShutdown()
            try await loop.value
        }
    }

    /// A reload with a duration too large to represent is refused with its file, line and key;
    /// the running config stays, and with it the old interval.
    @Test func aReloadWithAHugeIntervalKeepsTheServiceAndItsConfig() async throws {
        let clock = ManualClock()
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        let stamps = ClockStamps()
        stamps.serve(server, "/news", clock: clock, .ok(newsPage(twoReports)))
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = try ServiceTests().writeConfig(directory, server: server)
        let logs = LogCapture()
        let runtime = try Runtime(configuration: Configuration.load(file: config), logger: logs.logger, clock: clock)
        defer { runtime.shutdown() }
        let scheduler = SchedulerService(runtime: runtime)
        let reloader = ReloadService(scheduler: scheduler, file: config, logger: logs.logger, notifier: SystemdNotifier(environment: [:]))
        try await testGracefulShutdown { trigger in
            let loop = Task { try await scheduler.run() }
            #expect(await eventually { stamps.times("/news").count == 1 })
            let good = try String(contentsOfFile: config, encoding: .utf8)
            try good.replacingOccurrences(of: "interval: 10s", with: "interval: \(ConfigLimitTests.huge)")
                .write(toFile: config, atomically: true, encoding: .utf8)
            await reloader.reload()
            #expect(logs.all.contains { $0.contains("config not reloaded: \(config):9:15: sources[0].interval: invalid duration '\(ConfigLimitTests.huge)'") },
                    "\(logs.all.suffix(3))")
            // Still checking on the old 10 s interval.
            await advanceUntil(clock, limit: .seconds(60)) { stamps.times("/news").count >= 2 }
            let times = stamps.times("/news")
            #expect(times.count == 2 && times[1] <= .seconds(12), "\(times)")
            trigger.triggerGracefulShutdown()
            try await loop.value
        }
    }

    /// The watchdog pings every half interval while the loop makes progress, stops while a
    /// check is stuck past its budget and the grace after its last progress, and starts again
    /// once the loop moves.
    @Test func theWatchdogPingsOnlyWhileTheLoopMakesProgress() async throws {
        let clock = ManualClock()
        // The request's timeout is real time (libcurl's): long enough that the check stays stuck
        // however slowly a loaded machine runs the test.
        let harness = try Harness(sources: newsSource, http: "{connect_timeout: 2s, timeout: 60s}", clock: clock)
        let release = DispatchSemaphore(value: 0)
        harness.server.route("/news") { _ in
            release.wait()
            return .ok(newsPage(twoReports))
        }
        let notify = try NotifySocket(directory: harness.directory)
        let scheduler = SchedulerService(runtime: harness.runtime, minimumBudget: .seconds(1))
        let watchdog = WatchdogService(scheduler: scheduler, notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": notify.path]),
                                       interval: .seconds(10))
        func pings() -> Int { notify.messages.filter { $0 == "WATCHDOG=1" }.count }
        try await testGracefulShutdown { trigger in
            let services = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await scheduler.run() }
                    group.addTask { try await watchdog.run() }
                    try await group.waitForAll()
                }
            }
            // The check hangs on /news; the watchdog pinged once and sleeps its 5 s.
            #expect(await eventually { !harness.server.requests(forPath: "/news").isEmpty && clock.sleepers.count == 1 && pings() == 1 })
            // Within the pass's budget ((60 s timeout + 0 s gap) × 3 = 180 s): a ping.
            clock.advance(by: .seconds(5))
            #expect(await eventually { pings() == 2 && clock.sleepers.count == 1 })
            // 205 s in: past the budget, and past the grace (60 s + 60 s) after the last request
            // ended (robots.txt, at 0 s): no ping.
            clock.advance(by: .seconds(200))
            #expect(await eventually { clock.sleepers.count == 1 && clock.sleepers.first == .seconds(5) })
            try await Task.sleep(for: .milliseconds(100))
            #expect(pings() == 2, "the watchdog pinged for a stuck loop")
            // The check ends and the loop sleeps until its next work: pings again.
            release.signal()
            #expect(await eventually { clock.sleepers.count == 2 })
            clock.advance(by: .seconds(5))
            #expect(await eventually { pings() == 3 })
            trigger.triggerGracefulShutdown()
            try await services.value
        }
    }
}
