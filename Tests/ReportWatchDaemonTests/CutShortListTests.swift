import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

/// A page complete at the HTTP level whose list the server cut short (a CMS serving the first
/// few items while it rebuilds) is not a run of removals: when more than half of a source's
/// items, and at least three, vanish in one check, one health event says so and the removals
/// wait for the next check to agree. A source that really shrinks says `may_shrink: true`.
@Suite("A list cut short is held, not removed")
struct CutShortListTests {
    static let ten = reports(10)

    @Test func aListCutShortOnceGivesOneHealthEventAndNoRemovals() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(Self.ten))
        await harness.check()
        harness.server.set("/news", body: newsPage(Array(Self.ten.prefix(3))))
        await harness.check()
        var alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.structureChanged], "\(alerts.map(\.event))")
        #expect(alerts.first?.title.contains("7 of 10 items are missing") == true, "\(alerts.first?.title ?? "")")
        #expect(try harness.items("news").count == 10)

        // The list comes back: nothing is added, nothing was removed.
        harness.server.set("/news", body: newsPage(Self.ten))
        await harness.check()
        alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.structureChanged], "\(alerts.map(\.event))")
        #expect(try harness.items("news").count == 10)
        #expect(try harness.state("news")?.health == .ok)
    }

    @Test func theNextCheckAgreeingRecordsTheRemovals() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(Self.ten))
        await harness.check()
        harness.server.set("/news", body: newsPage(Array(Self.ten.prefix(3))))
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.structureChanged] + Array(repeating: .removed, count: 7), "\(alerts.map(\.event))")
        #expect(try harness.items("news").count == 3)
        // Held no longer: a further check is quiet.
        await harness.check()
        #expect(try harness.deliveredAlerts().count == 8)
    }

    @Test func aSourceThatMayShrinkRecordsRemovalsAtOnce() async throws {
        let harness = try Harness(sources: newsSource + "\n    may_shrink: true")
        harness.server.set("/news", body: newsPage(Self.ten))
        await harness.check()
        harness.server.set("/news", body: newsPage(Array(Self.ten.prefix(3))))
        await harness.check()
        #expect(try harness.deliveredAlerts().map(\.event) == Array(repeating: .removed, count: 7))
    }

    @Test func halfOrFewerGoingIsAnOrdinaryChange() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(Self.ten))
        await harness.check()
        harness.server.set("/news", body: newsPage(Array(Self.ten.prefix(5))))
        await harness.check()
        #expect(try harness.deliveredAlerts().map(\.event) == Array(repeating: .removed, count: 5))

        // Two of three going is fewer than three items: ordinary too.
        let small = try Harness(sources: newsSource)
        small.server.set("/news", body: newsPage(Array(Self.ten.prefix(3))))
        await small.check()
        small.server.set("/news", body: newsPage(Array(Self.ten.prefix(1))))
        await small.check()
        #expect(try small.deliveredAlerts().map(\.event) == [.removed, .removed])
    }
}
