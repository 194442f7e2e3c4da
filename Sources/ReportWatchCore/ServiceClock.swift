import Foundation

/// The service's time, injected so that tests move it by hand instead of waiting: the wall-clock
/// date that schedules, the store and alerts use, and a monotonic instant for gaps, budgets and
/// sleeps, which a change of the wall clock must not stretch or cut.
public protocol ServiceClock: Sendable {
    /// The wall-clock date now.
    var now: Date { get }
    /// The monotonic instant now.
    var instant: ContinuousClock.Instant { get }
    /// Returns at `deadline` (at once when it has passed); throws `CancellationError` when the
    /// task is cancelled first.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

extension ServiceClock {
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: instant + duration)
    }
}

/// The real clock: `Date()` and `ContinuousClock`.
public struct SystemClock: ServiceClock {
    public init() {}

    public var now: Date { Date() }
    public var instant: ContinuousClock.Instant { .now }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await ContinuousClock().sleep(until: deadline)
    }
}
