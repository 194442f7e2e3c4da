import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

/// A `delivery_failed` notice tells the other channels that an alert was given up on. When those
/// channels are down too, their copies of the notice are given up on as well, but a notice about
/// a failed delivery is never itself the subject of another: the outbox stays bounded.
@Suite("Dead-letter notices never multiply")
struct DeadLetterTests {
    @Test func threeChannelsDownGiveOneNoticePerChannelAndNoMore() async throws {
        let receiver = WebhookReceiver(then: .status(500))
        let hooks = ["hook-a", "hook-b", "hook-c"].map { id in
            hookChannel.replacingOccurrences(of: "id: hook", with: "id: \(id)")
        }.joined(separator: "\n")
        let world = try DeliveryWorld(channels: hooks + "\n" + logChannel,
                                      extra: "delivery: {max_age: 1s, initial_backoff: 1s, max_backoff: 2s}", receiver: receiver)
        world.server.set("/news", body: newsPage(twoReports))
        await world.pass()
        world.server.set("/news", body: newsPage(reports(1) + twoReports))
        await world.pass()
        let alert = try #require(try world.jsonl("log.jsonl").first)

        var outboxSizes: [Int] = []
        for _ in 0..<8 {
            world.clock.advance(10)
            await world.runtime.deliverer.deliver()
            let summary = try world.runtime.store.read { try $0.outboxSummary() }
            outboxSizes.append(summary.reduce(0) { $0 + $1.pending + $1.retrying + $1.dead + $1.delivered })
        }
        let notices = try world.jsonl("log.jsonl").filter { $0.event == .deliveryFailed }
        // One per channel that gave the alert up, each about the alert itself.
        #expect(notices.count == 3, "\(notices.count) notices; outbox sizes by pass \(outboxSizes)")
        #expect(notices.allSatisfy { $0.key == alert.id }, "\(notices.map(\.title))")
        #expect(Set(outboxSizes.suffix(4)).count == 1, "the outbox kept growing: \(outboxSizes)")
        for hook in ["hook-a", "hook-b", "hook-c"] {
            #expect(try world.state(alert.id, hook) == "dead")
        }
    }
}
