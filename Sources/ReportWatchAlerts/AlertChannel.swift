import ReportWatchCore

/// Where alerts go. A channel confirms an alert by returning; only then is the alert marked
/// delivered to it. Throwing ``DeliveryError`` leaves it pending for a later attempt.
public protocol AlertChannel: Sendable {
    var id: String { get }
    /// Delivers one alert and returns what the receiver answered, for logs and `test-channel`.
    func deliver(_ alert: Alert) async throws(DeliveryError) -> String
}

/// A delivery that did not get confirmed.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The receiver asked for this pause before the next attempt (HTTP `Retry-After`).
    public var retryAfter: Duration?

    public init(_ message: String, retryAfter: Duration? = nil) {
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}
