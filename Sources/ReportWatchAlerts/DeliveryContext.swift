import Foundation
import ReportWatchCore

/// What the config knows about an alert that the alert itself does not carry.
public struct DeliveryContext: Sendable {
    /// Source ids to the names people know them by.
    public var sourceNames: [String: String]
    /// The config's `timezone`, for dates in messages.
    public var timeZone: TimeZone
    /// A `test-channel` message: marked as a test wherever a person will see it.
    public var isTest: Bool

    public init(sourceNames: [String: String] = [:], timeZone: TimeZone = TimeZone(identifier: "Europe/London") ?? .gmt,
                isTest: Bool = false) {
        self.sourceNames = sourceNames
        self.timeZone = timeZone
        self.isTest = isTest
    }

    /// The context when the caller knows nothing more than the alert.
    public static let standard = DeliveryContext()

    public func sourceName(_ sourceID: String) -> String {
        sourceNames[sourceID] ?? sourceID
    }
}
