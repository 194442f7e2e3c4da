import Foundation
import ReportWatchCore
import ServiceLifecycle

/// Sends `WATCHDOG=1` at half the interval systemd asked for (`WATCHDOG_USEC`), but only while
/// the scheduler is making progress: a stuck loop stops the pings and systemd restarts us.
struct WatchdogService: Service {
    let scheduler: SchedulerService
    let notifier: SystemdNotifier
    let interval: Duration

    /// The watchdog interval from the environment, if systemd set one for this process.
    static func interval(environment: [String: String]) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], let value = Int32(pid), value != getpid() { return nil }
        return .microseconds(microseconds)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if await scheduler.isMakingProgress {
                    notifier.watchdog()
                }
                do {
                    try await scheduler.clock.sleep(for: interval / 2)
                } catch {
                    return
                }
            }
        }
    }
}
