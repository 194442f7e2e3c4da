import Foundation
import ReportWatchCore
import Synchronization

/// A clock that moves only when a test moves it. Sleepers wait until ``advance(by:)`` carries the
/// clock past their deadline, so a test of a one-hour interval or a two-second gap takes
/// milliseconds, and can see exactly when each sleeper asked to wake.
public final class ManualClock: ServiceClock {
    private struct Sleeper {
        var id: Int
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var offset: Duration = .zero
        var sleepers: [Sleeper] = []
        var nextID = 0
    }

    private let state = Mutex(State())
    private let startDate: Date
    private let startInstant = ContinuousClock.now

    /// A clock whose wall time starts at `date`.
    public init(_ date: Date = Date(timeIntervalSince1970: 1_795_683_600)) {
        startDate = date
    }

    public var now: Date {
        startDate.addingTimeInterval(state.withLock { $0.offset }.seconds)
    }

    public var instant: ContinuousClock.Instant {
        startInstant + state.withLock { $0.offset }
    }

    /// How far the clock has been moved since it was made.
    public var elapsed: Duration { state.withLock { $0.offset } }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let early: Result<Void, any Error>? = state.withLock { state in
                    // The cancellation flag is set before the handler below runs, so a sleeper
                    // registered after that handler is caught here.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= startInstant + state.offset { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let early { continuation.resume(with: early) }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock on and wakes every sleeper whose deadline it reached.
    public func advance(by duration: Duration) {
        let woken = state.withLock { state -> [Sleeper] in
            state.offset += duration
            let now = startInstant + state.offset
            let due = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    public func advance(_ seconds: TimeInterval) {
        advance(by: .milliseconds(Int64((seconds * 1000).rounded())))
    }

    /// How long from now each sleeper waits, soonest first.
    public var sleepers: [Duration] {
        state.withLock { state in
            state.sleepers.map { $0.deadline - (startInstant + state.offset) }.sorted()
        }
    }

    /// Waits (in real time, polling) until at least `count` tasks sleep on this clock, and tells
    /// whether they did within `timeout`.
    @discardableResult
    public func waitForSleepers(_ count: Int = 1, timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if sleepers.count >= count { return true }
            try? await Task.sleep(for: .milliseconds(1))
        }
        return false
    }

    /// Runs `operation`, moving the clock to the soonest sleeper's deadline whenever one waits,
    /// until the operation ends: what would wait for gaps and holds runs at once, in order.
    public func advancing<T: Sendable>(_ operation: @escaping @Sendable () async -> T) async -> T {
        let work = Task { await operation() }
        let driver = Task {
            while !Task.isCancelled {
                if let soonest = sleepers.first { advance(by: max(soonest, .zero)) }
                try? await Task.sleep(for: .milliseconds(1))
            }
        }
        let value = await work.value
        driver.cancel()
        return value
    }
}
