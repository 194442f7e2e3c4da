import Synchronization

/// When, on the test's clock, each request to a path arrived.
public final class ClockStamps: Sendable {
    public init() {}

    private let stamps = Mutex<[(path: String, at: Duration)]>([])

    /// Serves `response` at `path`, noting the clock's time of each request.
    public func serve(_ server: TestHTTPServer, _ path: String, clock: ManualClock, _ response: TestHTTPResponse = .status(200)) {
        server.route(path) { [self] request in
            stamps.withLock { $0.append((request.pathWithoutQuery, clock.elapsed)) }
            return response
        }
    }

    public func times(_ path: String) -> [Duration] {
        stamps.withLock { $0.filter { $0.path == path }.map(\.at) }
    }

    public var all: [Duration] { stamps.withLock { $0.map(\.at) } }
}
