import Foundation
import Logging
import ReportWatchCore
import ReportWatchStore
import ServiceLifecycle

/// The `run` loop: checks each source when it falls due, delivers what is due, and sleeps
/// until the next thing to do. What is due, the sleeps and the watchdog's budgets all go by the
/// runtime's clock.
public actor SchedulerService: Service {
    private var runtime: Runtime
    /// The runtime's clock, which a reload keeps.
    nonisolated let clock: any ServiceClock
    private var sleeper: Task<Void, Never>?
    private var spreadDone = false
    /// When each source is next due, kept in memory so that a wake costs nothing per source:
    /// loaded from the store at start and after a reload, then updated from each check's
    /// result. `nil`: due now (never checked).
    private var schedule: [String: Date?]?
    /// Sources due within this much of a wake are checked in that wake: with jittered intervals
    /// a thousand sources would otherwise wake the loop a thousand times a round.
    static var lookahead: TimeInterval { 1 }
    private var lastMetrics: ContinuousClock.Instant?
    /// The metrics file is rewritten after a pass, but not more often than this: rendering a
    /// thousand sources' counters takes milliseconds, and scrapers read it every 15 s or more.
    static var metricsInterval: Duration { .seconds(2) }
    /// Until when the loop counts as making progress, for the watchdog: while it sleeps, until
    /// shortly after it should wake; while it checks, until a check should long have ended.
    private var aliveUntil: ContinuousClock.Instant
    /// Called after every pass, for sd_notify STATUS.
    private let onPass: @Sendable (Runtime) async -> Void
    /// The least time a pass, or a stretch of a pass without progress, counts as alive.
    private let minimumBudget: Duration

    public init(runtime: Runtime, minimumBudget: Duration = .seconds(120),
                onPass: @escaping @Sendable (Runtime) async -> Void = { _ in }) {
        self.runtime = runtime
        clock = runtime.clock
        aliveUntil = runtime.clock.instant + .seconds(120)
        self.minimumBudget = minimumBudget
        self.onPass = onPass
    }

    public var currentRuntime: Runtime { runtime }

    /// Whether the loop is making progress (the watchdog pings only then): within the pass's
    /// budget, or within a request's time of the last progress a check reported (a request
    /// finished, a document read), so a long pass that keeps moving is never killed.
    public var isMakingProgress: Bool {
        let now = clock.instant
        if now <= aliveUntil { return true }
        guard let last = runtime.progress.lastNoted else { return false }
        let configuration = runtime.configuration
        // One request (with its gap) and pdftotext on what it fetched may follow a progress note.
        let grace = max(configuration.http.timeout + configuration.politeness.minGap + .seconds(60), minimumBudget)
        return now <= last + grace
    }

    /// Applies a new configuration without losing state: new sources are checked when due,
    /// removed ones are no longer checked.
    public func reload(_ configuration: Configuration) throws {
        runtime = try Runtime(reloading: configuration, from: runtime)
        schedule = nil
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
            var results: [SourceChecker.Result] = []
            if !due.isEmpty {
                markBusy(runtime, checking: due)
                results = await runtime.checkAll(due)
                record(results, of: due, runtime)
            }
            guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
            markBusy(runtime, checking: [])
            let passEnd = Date()
            await runtime.deliverer.deliver()
            runtime.refreshSites(after: results, passEnd: passEnd)
            if lastMetrics.map({ clock.instant - $0 >= Self.metricsInterval }) ?? true {
                await runtime.writeMetrics()
                lastMetrics = clock.instant
            }
            await onPass(runtime)
            let duration = timeUntilNextWork(runtime)
            aliveUntil = clock.instant + duration + .seconds(60)
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
    private func markBusy(_ runtime: Runtime, checking due: [SourceConfiguration]) {
        let configuration = runtime.configuration
        var perHost: [String: Int] = [:]
        for source in due { perHost[runtime.host(of: source), default: 0] += 1 }
        let longestQueue = perHost.values.max() ?? 1
        let budget = (configuration.http.timeout + configuration.politeness.minGap) * (longestQueue + 2)
        aliveUntil = clock.instant + max(budget, minimumBudget)
    }

    /// After a restart, checks that fell due while the service was down are spread over each
    /// source's interval rather than all made at once. Sources never checked go first.
    private func spreadOverdueChecks(_ runtime: Runtime) {
        let date = clock.now
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

    /// Sources whose next check is due (or within ``lookahead`` of it). A source never checked
    /// is due at once.
    private func dueSources(_ runtime: Runtime) -> [SourceConfiguration] {
        let schedule = currentSchedule(runtime)
        let horizon = clock.now.addingTimeInterval(Self.lookahead)
        // By index, so that only the sources due are copied: `filter` copies every source it
        // looks at, a thousand on each wake.
        let sources = runtime.configuration.sources
        var due: [SourceConfiguration] = []
        for index in sources.indices {
            if let next = schedule[sources[index].id] ?? nil, next > horizon { continue }
            due.append(sources[index])
        }
        return due
    }

    private func currentSchedule(_ runtime: Runtime) -> [String: Date?] {
        if let schedule { return schedule }
        let states = (try? runtime.store.read { try $0.allSourceStates() }) ?? []
        let byID = Dictionary(states.map { ($0.sourceID, $0) }, uniquingKeysWith: { first, _ in first })
        var loaded: [String: Date?] = [:]
        for source in runtime.configuration.sources {
            let state = byID[source.id]
            loaded[source.id] = state?.lastCheckAt == nil ? nil : state?.nextCheckAt
        }
        schedule = loaded
        return loaded
    }

    /// What the checks stored as each source's next check. A check that could not be recorded
    /// has none: it is tried again in a minute (or its interval, if shorter) rather than at once.
    private func record(_ results: [SourceChecker.Result], of due: [SourceConfiguration], _ runtime: Runtime) {
        var schedule = currentSchedule(runtime)
        let byID = Dictionary(results.map { ($0.sourceID, $0) }, uniquingKeysWith: { first, _ in first })
        for source in due {
            if let next = byID[source.id]?.nextCheckAt {
                schedule[source.id] = next
            } else {
                schedule[source.id] = clock.now.addingTimeInterval(min(source.interval.seconds, 60))
            }
        }
        self.schedule = schedule
    }

    private func timeUntilNextWork(_ runtime: Runtime) -> Duration {
        let date = clock.now
        var next = currentSchedule(runtime).values.map { $0 ?? date }.min() ?? date.addingTimeInterval(60)
        if let delivery = runtime.deliverer.nextDue() { next = min(next, delivery) }
        let seconds = min(max(next.timeIntervalSince(date), 0.05), 300)
        return .milliseconds(Int64(seconds * 1000))
    }
}
