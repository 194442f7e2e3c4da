import Foundation
import Synchronization
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

/// A council news page: items in `li.report`, with a cookie banner and a timestamp outside them.
func newsPage(_ reports: [(href: String, title: String, date: String)], banner: String = "We use cookies.",
              generated: String = "2026-11-27T09:00:00Z") -> String {
    let items = reports.map { report in
        "<li class=\"report\"><a href=\"\(report.href)\">\(report.title)</a> <time datetime=\"\(report.date)\">\(report.date)</time></li>"
    }.joined(separator: "\n")
    return """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>News</title></head><body>
        <div class="cookie-banner">\(banner)</div>
        <ul class="reports">\(items)</ul>
        <footer>Page generated \(generated) token=\(UUID().uuidString)</footer>
        </body></html>
        """
}

let newsSource = """
      - id: news
        kind: html
        url: {{base}}/news
        items: "//li[@class='report']"
        fields: {key: "a/@href", title: "a", link: "a/@href", date: "time/@datetime"}
    """

let twoReports = [("/r/1", "Cabinet report on children's services", "2026-11-01"), ("/r/2", "Scrutiny minutes", "2026-11-02")]

@Suite("From a watched page to a stored, delivered alert")
struct PipelineTests {
    @Test func firstPassRecordsABaselineAndAlertsNothing() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        let results = await harness.check()
        guard case .baseline(let count) = harness.result("news", results)?.outcome else {
            Issue.record("expected a baseline, got \(String(describing: harness.result("news", results)?.outcome))")
            return
        }
        #expect(count == 2)
        #expect(try harness.deliveredAlerts().isEmpty)
        #expect(try harness.items("news").keys.sorted() == ["/r/1", "/r/2"])
    }

    @Test func aNewItemGivesExactlyOneAddedAlert() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", body: newsPage([("/r/3", "Ofsted monitoring visit letter", "2026-11-20")] + twoReports))
        await harness.check()
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.event == .added)
        #expect(alert.source == "news")
        #expect(alert.title == "Ofsted monitoring visit letter")
        #expect(alert.url == "\(harness.server.baseURL)/r/3")
        #expect(alert.key == "/r/3")

        let object = try #require(try harness.deliveredObjects().first)
        for key in ["id", "source", "event", "title", "url", "detected_at"] {
            #expect(object[key] != nil, "the jsonl object lacks \(key)")
        }
        let detectedAt = try #require(object["detected_at"] as? String)
        #expect(RFC3339.date(from: detectedAt) != nil)
        #expect(harness.logs.all.contains { $0.contains("notice: Ofsted monitoring visit letter") && $0.contains("alert.id=\(alert.id)") })
    }

    @Test func aChangedFieldGivesOneChangedAlertWithOldAndNewValues() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", body: newsPage([("/r/1", "Cabinet report on children's services", "2026-11-05"), twoReports[1]]))
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.event == .changed)
        #expect(alert.fields == [FieldChange(name: "date", old: "2026-11-01", new: "2026-11-05")])
        let object = try #require(try harness.deliveredObjects().first)
        let fields = try #require(object["fields"] as? [[String: Any]])
        #expect(fields.first?["old"] as? String == "2026-11-01")
        #expect(fields.first?["new"] as? String == "2026-11-05")
    }

    @Test func reorderingBannersAndTimestampsChangeNothing() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", body: newsPage(twoReports.reversed(), banner: "We use cookies and analytics. Accept?",
                                                   generated: "2026-11-27T10:15:00Z"))
        let results = await harness.check()
        guard case .unchanged(notModified: false) = harness.result("news", results)?.outcome else {
            Issue.record("expected unchanged, got \(String(describing: harness.result("news", results)?.outcome))")
            return
        }
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test func aRemovedItemGivesOneRemovedAlert() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        harness.server.set("/news", body: newsPage([twoReports[0]]))
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.removed])
        #expect(alerts.first?.key == "/r/2")
    }

    @Test func notModifiedLeavesEverythingUnchanged() async throws {
        let harness = try Harness(sources: newsSource)
        let body = newsPage(twoReports)
        harness.server.route("/news") { request in
            TestHTTPServer.conditional(request, etag: "\"v1\"", lastModified: "Wed, 25 Nov 2026 10:00:00 GMT", body: body)
        }
        await harness.check()
        let before = try harness.state("news")
        #expect(before?.etag == "\"v1\"")
        let results = await harness.check()
        guard case .unchanged(notModified: true) = harness.result("news", results)?.outcome else {
            Issue.record("expected a 304, got \(String(describing: harness.result("news", results)?.outcome))")
            return
        }
        let second = try #require(harness.server.requests(forPath: "/news").last)
        #expect(second.header("If-None-Match") == "\"v1\"")
        #expect(second.header("If-Modified-Since") == "Wed, 25 Nov 2026 10:00:00 GMT")
        #expect(try harness.items("news").count == 2)
        #expect(try harness.deliveredAlerts().isEmpty)
        // The 304 is recorded by the time the pass returns (its times are written together
        // with the pass's other quiet checks), and only its times moved.
        var after = try #require(try harness.state("news"))
        let checkedAt = try #require(after.lastCheckAt)
        #expect(checkedAt > (before?.lastCheckAt ?? .distantFuture))
        #expect(after.lastSuccessAt == checkedAt)
        #expect(after.nextCheckAt.map { $0 > checkedAt } == true)
        after.lastCheckAt = before?.lastCheckAt
        after.lastSuccessAt = before?.lastSuccessAt
        after.nextCheckAt = before?.nextCheckAt
        #expect(after == before)
    }

    @Test func userAgentNamesTheToolAndTheContact() async throws {
        let harness = try Harness(sources: newsSource)
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()
        let request = try #require(harness.server.requests(forPath: "/news").first)
        #expect(request.header("User-Agent") == "reportwatch/\(ReportWatchVersion.current) (+tests@example.org)")
        #expect(request.header("Accept-Encoding")?.contains("gzip") == true)
    }

    /// A check reads the stored items before its kind reads the page, and commits later. When
    /// another process checks the source in between (here: it finds a meeting gone), the stored
    /// state has moved, so the commit diffs with the items as they are now, not as they were read.
    @Test func itemsWrittenByAnotherProcessDuringACheckAreTheOnesItDiffsWith() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["Ofsted"]))
        let site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()
        let meeting = try #require(try harness.items("kingston")["meeting:10220"])

        // The first meeting page this pass reads is served after the other process's commit.
        let store = harness.runtime.store
        let wrote = Mutex(false)
        let page = site.pages["10221"] ?? ""
        harness.server.route(Kingston.meetingPath("10221")) { _ in
            wrote.withLock { wrote in
                guard !wrote else { return }
                wrote = (try? store.write { transaction in
                    let stored = try transaction.currentItems("kingston")
                    guard var state = try transaction.sourceState("kingston") else { return false }
                    state.lastCheckAt = Date()
                    try transaction.recordItems("kingston", seen: [], changes: [.removed(meeting)], alertIDs: [:], at: Date(),
                                                previous: stored)
                    try transaction.save(state)
                    return true
                }) ?? false
            }
            return .ok(page)
        }
        #expect(try harness.items("kingston")["meeting:10220"] != nil)
        let results = await harness.check()
        #expect(wrote.withLock { $0 })

        // The page still lists the meeting: against the items as they are now, it is back.
        guard case .changed(let changes) = harness.result("kingston", results)?.outcome else {
            Issue.record("expected a change, got \(String(describing: harness.result("kingston", results)?.outcome))")
            return
        }
        #expect(changes.map(\.key) == ["meeting:10220"])
        #expect(changes.first?.event == .added)
        #expect(try harness.items("kingston")["meeting:10220"] == meeting)
    }
}
