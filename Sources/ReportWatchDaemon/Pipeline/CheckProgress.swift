import ReportWatchCore
import Synchronization

/// When a check last made progress (a request finished, a document was read), for the
/// service's watchdog. A pass whose sources read many further documents (report PDFs through
/// pdftotext, meeting pages) can run far past any budget counted in requests per host, and is
/// healthy while this keeps moving. One per process: a reload keeps it.
public final class CheckProgress: Sendable {
    private let last = Mutex<ContinuousClock.Instant?>(nil)
    private let clock: any ServiceClock

    public init(clock: any ServiceClock = SystemClock()) {
        self.clock = clock
    }

    /// Records that a check has just moved forward.
    public func note() {
        let now = clock.instant
        last.withLock { $0 = now }
    }

    /// The last time ``note()`` was called, if ever.
    public var lastNoted: ContinuousClock.Instant? {
        last.withLock { $0 }
    }
}
