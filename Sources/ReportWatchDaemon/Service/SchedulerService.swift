import Foundation
import Logging
import ReportWatchCore
import ReportWatchStore
import ServiceLifecycle

/// The `run` loop: checks each source when it falls due, delivers what is due, and sleeps
/// until the next thing to do. Sleeping uses the injected clock.
public actor SchedulerService<C: Clock>: Service where C.Duration == Duration {
    private var runtime: Runtime
    private let clock: C
    private let now: @Sendable () -> Date
    private var sleeper: Task<Void, Never>?
    private var spreadDone = false
    /// Until when the loop counts as making progress, for the watchdog: while it sleeps, until
    /// shortly after it should wake; while it checks, until a check should long have ended.
    private var aliveUntil: ContinuousClock.Instant = .now + .seconds(120)
    /// Called after every pass, for sd_notify STATUS.
    private let onPass: @Sendable (Runtime) async -> Void

    public init(runtime: Runtime, clock: C, now: @escaping @Sendable () -> Date = Date.init,
                onPass: @escaping @Sendable (Runtime) async -> Void = { _ in }) {
        self.runtime = runtime
        self.clock = clock
        self.now = now
        self.onPass = onPass
    }

    public var currentRuntime: Runtime { runtime }

    /// Whether the loop is making progress (the watchdog pings only then).
    public var isMakingProgress: Bool { ContinuousClock.now <= aliveUntil }

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
            if !spreadDone {
                spreadOverdueChecks(runtime)
                spreadDone = true
            }
            let due = dueSources(runtime)
            if !due.isEmpty {
                markBusy(runtime)
                _ = await runtime.checkAll(due)
            }
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            markBusy(runtime)
            await runtime.deliverer.deliver()
            await runtime.writeMetrics()
            await onPass(runtime)
            MemoryTuning.trim()
            let duration = timeUntilNextWork(runtime)
            aliveUntil = .now + duration + .seconds(60)
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

    /// A pass may wait on per-host gaps and timeouts; it counts as stuck only well past them.
    private func markBusy(_ runtime: Runtime) {
        let configuration = runtime.configuration
        let perHost = Dictionary(grouping: configuration.sources) { URLComponents(string: $0.url)?.host ?? $0.url }
        let longestQueue = perHost.values.map(\.count).max() ?? 1
        let budget = (configuration.http.timeout + configuration.politeness.minGap) * (longestQueue + 2)
        aliveUntil = .now + max(budget, .seconds(120))
    }

    /// After a restart, checks that fell due while the service was down are spread over each
    /// source's interval rather than all made at once. Sources never checked go first.
    private func spreadOverdueChecks(_ runtime: Runtime) {
        let date = now()
        do {
            try runtime.store.write { transaction in
                for source in runtime.configuration.sources {
                    guard var state = try transaction.sourceState(source.id), state.lastCheckAt != nil else { continue }
                    guard let next = state.nextCheckAt, next <= date else { continue }
                    state.nextCheckAt = date.addingTimeInterval(Double.random(in: 0..<max(source.interval.seconds, 1)))
                    try transaction.save(state)
                }
            }
        } catch {
            runtime.logger.error("cannot spread the first checks", metadata: ["error": "\(error)"])
        }
    }

    /// Sources whose next check is due. A source never checked is due at once.
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
