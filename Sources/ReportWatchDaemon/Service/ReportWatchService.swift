import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The long-running service: the scheduler, SIGHUP reloads and systemd notifications, in one
/// `ServiceGroup` that shuts down gracefully on SIGTERM or SIGINT.
public enum ReportWatchService {
    public static func run(configuration: Configuration, logger: Logger,
                           notifier: SystemdNotifier = SystemdNotifier()) async throws {
        let runtime = try Runtime(configuration: configuration, logger: logger)
        defer { runtime.shutdown() }
        let scheduler = SchedulerService(runtime: runtime, onPass: { runtime in
            // The summary reads every source's state: only when systemd is listening.
            if notifier.isEnabled { notifier.status(StatusLine.summary(runtime)) }
        })
        let reloader = ReloadService(scheduler: scheduler, file: configuration.file, logger: logger, notifier: notifier)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: scheduler), .init(service: reloader)]
        if notifier.isEnabled, let interval = WatchdogService.interval(environment: ProcessInfo.processInfo.environment) {
            services.append(.init(service: WatchdogService(scheduler: scheduler, notifier: notifier, interval: interval)))
        }
        let group = ServiceGroup(configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        notifier.ready(status: StatusLine.summary(runtime))
        logger.notice("reportwatch started", metadata: [
            "config.file": "\(configuration.file)", "sources": "\(configuration.sources.count)",
            "channels": "\(configuration.channels.count)", "state.directory": "\(configuration.stateDirectory)",
        ])
        try await group.run()
        notifier.stopping()
        logger.notice("reportwatch stopped")
    }
}

/// Re-reads the config on SIGHUP. A valid one replaces the running one without losing state; an
/// invalid one is logged with its file, line and key, and the old one stays.
struct ReloadService: Service {
    let scheduler: SchedulerService
    let file: String
    let logger: Logger
    let notifier: SystemdNotifier

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                await reload()
            }
        }
    }

    /// One reload, as SIGHUP asks for it.
    func reload() async {
        notifier.reloading()
        do {
            let configuration = try Configuration.load(file: file)
            try await scheduler.reload(configuration)
        } catch let error as ConfigErrors {
            for problem in error.errors {
                logger.error("config not reloaded: \(problem.description)", metadata: [
                    "config.file": "\(problem.file)", "config.line": "\(problem.line ?? 0)", "config.key": "\(problem.key ?? "")",
                ])
            }
        } catch {
            logger.error("config not reloaded: \(error)", metadata: ["config.file": "\(file)"])
        }
        notifier.ready(status: StatusLine.summary(await scheduler.currentRuntime))
    }
}

/// The one-line summary for `STATUS=`: "14 sources, 1 failing, 2 alerts pending, next check 09:40".
enum StatusLine {
    static func summary(_ runtime: Runtime) -> String {
        let configuration = runtime.configuration
        let ids = Set(configuration.sources.map(\.id))
        let states = ((try? runtime.store.read { try $0.allSourceStates() }) ?? []).filter { ids.contains($0.sourceID) }
        let failing = states.filter { $0.health != .ok || $0.consecutiveFailures > 0 }.count
        let pending = ((try? runtime.store.read { try $0.outboxSummary() }) ?? []).reduce(0) { $0 + $1.pending + $1.retrying }
        var text = "\(configuration.sources.count) sources, \(failing) failing, \(pending) alerts pending"
        if let next = states.compactMap(\.nextCheckAt).min() {
            let formatter = DateFormatter()
            formatter.dateFormat = "HH:mm"
            formatter.timeZone = TimeZone(identifier: configuration.timezone) ?? .current
            text += ", next check \(formatter.string(from: next))"
        }
        return text
    }
}
