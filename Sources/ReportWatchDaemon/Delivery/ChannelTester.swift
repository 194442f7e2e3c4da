import Foundation
import Logging
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchFetch
import ReportWatchStore

/// `test-channel`: sends one clearly marked test alert to one channel, outside the outbox, and
/// returns what the receiver answered.
public enum ChannelTester {
    public struct UnknownChannel: Error, CustomStringConvertible {
        public let id: String
        public let known: [String]
        public var description: String {
            "no channel has the id '\(id)' (channels: \(known.joined(separator: ", ")))"
        }
    }

    public static let sourceID = "reportwatch-test"

    public static func testAlert(channelID: String, date: Date = Date()) -> Alert {
        Alert(
            source: sourceID, event: .added,
            title: "Test alert from reportwatch for channel \(channelID)",
            detectedAt: date,
            summary: "This is a test alert sent by `reportwatch test-channel` to check that the channel \(channelID) works. It is not about any watched page, and no action is needed.")
    }

    /// Sends the test alert; throws ``DeliveryError`` when the channel did not confirm it.
    public static func send(channelID: String, configuration: Configuration, logger: Logger) async throws -> (alert: Alert, answer: String) {
        guard let settings = configuration.channel(channelID) else {
            throw UnknownChannel(id: channelID, known: configuration.channels.map(\.id))
        }
        let store = try Store.open(stateDirectory: configuration.stateDirectory)
        let client = HTTPClient(userAgent: HTTPClient.userAgent(contact: configuration.contact))
        defer { client.shutdown() }
        let context = ChannelContext(
            client: client, store: store, stateDirectory: configuration.stateDirectory,
            credentialsDirectory: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"], logger: logger,
            configuration: configuration)
        let channel = try settings.settings.makeChannel(id: settings.id, context: context)
        let alert = testAlert(channelID: channelID)
        let delivery = DeliveryContext(
            sourceNames: [sourceID: "reportwatch test"],
            timeZone: TimeZone(identifier: configuration.timezone) ?? TimeZone(secondsFromGMT: 0) ?? .current,
            isTest: true)
        let answer = try await channel.deliver(alert, context: delivery)
        return (alert, answer)
    }
}
