import ReportWatchCore

/// Per-host politeness: at most `maxPerHost` requests in flight to a host, and at least
/// `minGap` between the starts of two requests to it. One per process: a reload keeps it.
public actor HostGate {
    private struct HostState {
        var inFlight = 0
        var nextStart: ContinuousClock.Instant?
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private var hosts: [String: HostState] = [:]
    /// The gaps and Retry-After holds are kept on this clock.
    public nonisolated let clock: any ServiceClock

    public init(clock: any ServiceClock = SystemClock()) {
        self.clock = clock
    }

    /// Waits for a slot and for the host's gap, then returns; call ``release(_:)`` after.
    func acquire(_ host: String, politeness: HostPoliteness) async throws {
        var state = hosts[host, default: HostState()]
        if state.inFlight >= politeness.maxPerHost {
            hosts[host] = state
            await withCheckedContinuation { continuation in
                hosts[host, default: HostState()].waiters.append(continuation)
            }
            // The releasing request handed its slot over.
            state = hosts[host, default: HostState()]
        } else {
            state.inFlight += 1
        }
        let now = clock.instant
        let start = max(now, state.nextStart ?? now)
        state.nextStart = start + politeness.minGap
        hosts[host] = state
        if start > now {
            do {
                try await clock.sleep(until: start)
            } catch {
                release(host)
                throw error
            }
        }
    }

    /// A server asked us to wait (Retry-After): no request to the host starts before then.
    func hold(_ host: String, for duration: Duration) {
        var state = hosts[host, default: HostState()]
        let until = clock.instant + duration
        state.nextStart = max(state.nextStart ?? until, until)
        hosts[host] = state
    }

    func release(_ host: String) {
        guard var state = hosts[host] else { return }
        if state.waiters.isEmpty {
            state.inFlight = max(0, state.inFlight - 1)
            hosts[host] = state
        } else {
            let next = state.waiters.removeFirst()
            hosts[host] = state
            next.resume()
        }
    }
}

/// How gently to treat a host: the least time between the starts of two requests to it, and
/// the most requests in flight to it at once.
public struct HostPoliteness: Sendable, Hashable {
    public var minGap: Duration
    public var maxPerHost: Int

    public init(minGap: Duration, maxPerHost: Int) {
        self.minGap = minGap
        self.maxPerHost = maxPerHost
    }
}
