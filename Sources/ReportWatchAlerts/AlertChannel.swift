import Foundation
import ReportWatchCore

/// Where alerts go. A channel confirms an alert by returning; only then is the alert marked
/// delivered to it. Throwing ``DeliveryError`` leaves it pending for a later attempt.
public protocol AlertChannel: Sendable {
    var id: String { get }
    /// Delivers one alert and returns what the receiver answered, for logs and `test-channel`.
    func deliver(_ alert: Alert) async throws(DeliveryError) -> String
    /// Like ``deliver(_:)``, with what the config knows that the alert does not (source names,
    /// the time zone for dates). The deliverer calls this one.
    func deliver(_ alert: Alert, context: DeliveryContext) async throws(DeliveryError) -> String
    /// Delivers several alerts gathered for a digest. A channel that sends messages to people
    /// sends one message; the default delivers the alerts one by one, which suits channels whose
    /// records are alerts (a log, a feed) and where a repeat is harmless.
    func deliver(digest: AlertDigest, context: DeliveryContext) async throws(DeliveryError) -> String
    /// Whether ``deliver(batch:context:)`` costs little more than delivering one alert (one
    /// append and one fsync for a file). The deliverer then hands the channel every alert due
    /// at once, and records them delivered together.
    var deliversInBatches: Bool { get }
    /// Delivers the alerts, in order, as one operation: when it throws, none counts as
    /// delivered and all are tried again (a repeat is harmless where this is used: records
    /// carry the alert's id).
    func deliver(batch alerts: [Alert], context: DeliveryContext) async throws(DeliveryError) -> String
}

extension AlertChannel {
    public func deliver(_ alert: Alert, context: DeliveryContext) async throws(DeliveryError) -> String {
        try await deliver(alert)
    }

    public var deliversInBatches: Bool { false }

    public func deliver(batch alerts: [Alert], context: DeliveryContext) async throws(DeliveryError) -> String {
        var last = ""
        for alert in alerts {
            last = try await deliver(alert, context: context)
        }
        return last
    }

    public func deliver(digest: AlertDigest, context: DeliveryContext) async throws(DeliveryError) -> String {
        var last = ""
        for alert in digest.alerts {
            last = try await deliver(alert, context: context)
        }
        return "\(digest.alerts.count) alerts delivered one by one; last answer: \(last)"
    }
}

/// A delivery that did not get confirmed.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The receiver asked for this pause before the next attempt (HTTP `Retry-After`).
    public var retryAfter: Duration?
    /// The failure is the receiver's, not this alert's (unreachable, timed out, asked us to slow
    /// down): every other alert would fail the same way, so the whole channel waits.
    public var pausesChannel: Bool

    public init(_ message: String, retryAfter: Duration? = nil, pausesChannel: Bool = false) {
        self.message = message
        self.retryAfter = retryAfter
        self.pausesChannel = pausesChannel
    }

    /// A failed system call: what was being done, then the C library's text for `errno`.
    /// The one place a file channel's errno becomes an error.
    public static func system(_ doing: String, errno code: Int32 = errno) -> DeliveryError {
        DeliveryError("\(doing): \(String(cString: strerror(code)))")
    }

    public var description: String { message }
}
