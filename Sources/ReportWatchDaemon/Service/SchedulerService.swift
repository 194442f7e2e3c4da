import Foundation
import Logging
import ReportWatchCore
import ServiceLifecycle

/// The `run` loop: checks each source when it falls due, delivers what is due, and sleeps
/// until the next thing to do. Time comes from the injected clock, so tests need not wait.
public actor SchedulerService<C: Clock>: Service where C.Duration == Duration {
    private var runtime: Runtime
    private let clock: C
    private let now: @Sendable () -> Date
    private var sleeper: Task<Void, Never>?
    /// Called after every pass, for sd_notify STATUS and the watchdog.
    private let onPass: @Sendable (Runtime) async -> Void

    public init(runtime: Runtime, clock: C, now: @escaping @Sendable () -> Date = Date.init,
                onPass: @escaping @Sendable (Runtime) async -> Void = { _ in }) {
        self.runtime = runtime
        self.clock = clock
        self.now = now
        self.onPass = onPass
    }

    public var currentRuntime: Runtime { runtime }

    /// Applies a new configuration without losing state: new sources are checked when due,
    /// removed ones are no longer checked.
    public func reload(_ configuration: Configuration) throws {
        runtime = try Runtime(reloading: configuration, from: runtime, now: now)
        runtime.logger.notice("configuration reloaded", metadata: ["sources": "\(configuration.sources.count)"])
        interrupt()
    }

    public func run() async throws {
        // Shutdown cancels in-flight checks: what a check committed is whole, and what it had
        // not committed is fetched again next time.
        await cancelWhenGracefulShutdown {
            await self.loop()
        }
    }

    /// Ends the current sleep early (reload, shutdown).
    private func interrupt() {
        sleeper?.cancel()
    }

    private func loop() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let runtime = self.runtime
            let due = dueSources(runtime)
            if !due.isEmpty {
                _ = await runtime.checkAll(due)
            }
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            await runtime.deliverer.deliver()
            await onPass(runtime)
            let duration = timeUntilNextWork(runtime)
            let sleeper = Task { [clock] in _ = try? await clock.sleep(for: duration) }
            self.sleeper = sleeper
            await withTaskCancellationHandler {
                await sleeper.value
            } onCancel: {
                sleeper.cancel()
            }
            self.sleeper = nil
        }
    }

    /// Sources whose next check is due. A source never checked is due at once; one whose
    /// stored next check is missing is spread over its interval.
    private func dueSources(_ runtime: Runtime) -> [SourceConfiguration] {
        let date = now()
        let states = (try? runtime.store.read { try $0.allSourceStates() }) ?? []
        let byID = Dictionary(states.map { ($0.sourceID, $0) }, uniquingKeysWith: { first, _ in first })
        return runtime.configuration.sources.filter { source in
            guard let state = byID[source.id], state.lastCheckAt != nil else { return true }
            guard let next = state.nextCheckAt else { return true }
            return next <= date
        }
    }

    private func timeUntilNextWork(_ runtime: Runtime) -> Duration {
        let date = now()
        let states = (try? runtime.store.read { try $0.allSourceStates() }) ?? []
        let ids = Set(runtime.configuration.sources.map(\.id))
        var next = states.filter { ids.contains($0.sourceID) }.compactMap(\.nextCheckAt).min() ?? date.addingTimeInterval(60)
        if let delivery = runtime.deliverer.nextDue() { next = min(next, delivery) }
        let seconds = min(max(next.timeIntervalSince(date), 0.05), 300)
        return .milliseconds(Int64(seconds * 1000))
    }
}
