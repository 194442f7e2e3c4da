import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

// No real RSS or Atom feed was saved (see ../shared/fixtures/README.md). These tests build Atom
// feeds in the shape of GOV.UK's organisation feeds, whose entry ids change when an entry is
// updated, and a small RSS 2.0 channel.

private struct Entry {
    var slug: String
    var title: String
    var updated: String
    /// GOV.UK-style: the id carries the update time, so it changes on every update.
    var id: String { "tag:www.gov.uk,2005:/government/publications/\(slug)/\(updated)" }
}

private func atom(_ entries: [Entry]) -> String {
    let body = entries.map { entry in
        """
          <entry>
            <id>\(entry.id)</id>
            <updated>\(entry.updated)</updated>
            <link rel="alternate" type="text/html" href="/government/publications/\(entry.slug)"/>
            <title>\(entry.title)</title>
            <summary type="html">&lt;p&gt;\(entry.title)&lt;/p&gt;</summary>
          </entry>
        """
    }.joined(separator: "\n")
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>Department for Education - Activity on GOV.UK</title>
          <updated>\(entries.map(\.updated).max() ?? "2026-01-01T00:00:00Z")</updated>
        \(body)
        </feed>
        """
}

private let feedPath = "/government/organisations/department-for-education.atom"

private func serve(_ entries: [Entry], on server: TestHTTPServer) {
    server.set(feedPath, response: .ok(atom(entries), contentType: "application/atom+xml; charset=utf-8"))
}

private func feedSource(keywords: [String]? = nil, extra: String = "") -> String {
    var yaml = """
          - id: dfe-feed
            name: DfE on GOV.UK
            kind: feed
            url: {{base}}\(feedPath)
        """
    if let keywords { yaml += "\n    keywords: [\(keywords.joined(separator: ", "))]" }
    return yaml + extra
}

private let camden = Entry(slug: "improvement-notice-issued-to-camden", title: "Improvement notice issued to Camden: October 2026",
                           updated: "2026-10-02T09:00:00Z")
private let leeds = Entry(slug: "improvement-notice-issued-to-leeds", title: "Improvement notice issued to Leeds: September 2026",
                          updated: "2026-09-15T08:30:00Z")
private let harrow = Entry(slug: "improvement-notice-issued-to-harrow", title: "Improvement notice issued to Harrow: November 2026",
                           updated: "2026-11-20T09:30:00Z")
private let croydon = Entry(slug: "improvement-notice-issued-to-croydon", title: "Improvement notice issued to Croydon: November 2026",
                            updated: "2026-11-19T11:00:00Z")

@Suite("RSS and Atom feed sources")
struct FeedKindTests {
    @Test func aNewEntryMentioningTheCouncilAlertsAndOthersDoNot() async throws {
        let harness = try Harness(sources: feedSource(keywords: ["Harrow"]))
        serve([camden, leeds], on: harness.server)
        await harness.check()
        serve([harrow, croydon, camden, leeds], on: harness.server)
        await harness.check()
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.event == .added)
        #expect(alert.title == "Improvement notice issued to Harrow: November 2026")
        #expect(alert.key == "\(harness.server.baseURL)/government/publications/improvement-notice-issued-to-harrow")
        #expect(alert.url == alert.key)
        #expect(alert.summary == "New on DfE on GOV.UK: Improvement notice issued to Harrow: November 2026 (2026-11-20T09:30:00Z).")
    }

    @Test func entriesWhoseIdChangesButLinkStaysAreNotNew() async throws {
        let harness = try Harness(sources: feedSource())
        serve([harrow, camden], on: harness.server)
        await harness.check()
        // The same entries with new ids: GOV.UK re-mints them (here by a different id scheme).
        let body = atom([harrow, camden]).replacingOccurrences(of: "tag:www.gov.uk,2005:", with: "https://www.gov.uk/id/")
        harness.server.set(feedPath, response: .ok(body, contentType: "application/atom+xml"))
        let results = await harness.check()
        guard case .unchanged(notModified: false) = harness.result("dfe-feed", results)?.outcome else {
            Issue.record("expected unchanged, got \(String(describing: harness.result("dfe-feed", results)?.outcome))")
            return
        }
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test func anUpdatedEntryIsOneChangedAlertNotANewOne() async throws {
        let harness = try Harness(sources: feedSource())
        serve([harrow, camden], on: harness.server)
        await harness.check()
        var lifted = harrow
        lifted.updated = "2027-03-04T10:00:00Z"  // and so a new id
        serve([lifted, camden], on: harness.server)
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.changed])
        #expect(alerts.first?.fields == [FieldChange(name: "updated", old: "2026-11-20T09:30:00Z", new: "2027-03-04T10:00:00Z")])
    }

    @Test func reorderedEntriesChangeNothing() async throws {
        let harness = try Harness(sources: feedSource())
        serve([harrow, croydon, camden], on: harness.server)
        await harness.check()
        serve([camden, harrow, croydon], on: harness.server)
        await harness.check()
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test func entriesLeavingTheFeedDoNotAlertAndAreNotNewWhenTheyReturn() async throws {
        let harness = try Harness(sources: feedSource())
        serve([croydon, camden, leeds], on: harness.server)
        await harness.check()
        // Harrow arrives and Leeds, the oldest, drops off the end.
        serve([harrow, croydon, camden], on: harness.server)
        await harness.check()
        // The feed is served long again: Leeds is not new.
        serve([harrow, croydon, camden, leeds], on: harness.server)
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.added])
        #expect(alerts.first?.title == harrow.title)
    }

    @Test func anRSSFeedIsReadToo() async throws {
        let harness = try Harness(sources: """
              - id: cabinet
                kind: feed
                url: {{base}}/mgRss.aspx?CID=249
            """)
        func rss(_ items: [(guid: String, mid: Int, title: String, date: String)]) -> String {
            let body = items.map {
                "<item><title>\($0.title)</title><link>/ieListDocuments.aspx?CId=249&amp;MId=\($0.mid)</link>"
                    + "<guid isPermaLink=\"false\">\($0.guid)</guid><pubDate>\($0.date)</pubDate>"
                    + "<description>&lt;p&gt;\($0.title)&lt;/p&gt;</description></item>"
            }.joined()
            return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Cabinet</title>\(body)</channel></rss>"
        }
        let november = (guid: "a1", mid: 7000, title: "Cabinet - 12 November 2026", date: "Tue, 3 Nov 2026 09:00:00 GMT")
        harness.server.set("/mgRss.aspx", response: .ok(rss([november]), contentType: "application/rss+xml"))
        await harness.check()
        let december = (guid: "b7", mid: 7001, title: "Cabinet - 10 December 2026", date: "Thu, 26 Nov 2026 17:05:00 GMT")
        var renamed = november
        renamed.guid = "a2"
        harness.server.set("/mgRss.aspx", response: .ok(rss([december, renamed]), contentType: "application/rss+xml"))
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.added])
        #expect(alerts.first?.url == "\(harness.server.baseURL)/ieListDocuments.aspx?CId=249&MId=7001")
    }

    static let faults: [(name: String, response: TestHTTPResponse)] = [
        ("an HTML error page", .ok("<!DOCTYPE html><html><body><h1>We're sorry</h1><p>Something went wrong<br></p></body></html>")),
        ("well-formed XHTML", .ok("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>Maintenance</p></body></html>")),
        ("a truncated feed", .ok(String(atom([harrow, camden]).prefix(400)), contentType: "application/atom+xml")),
        ("an empty feed", .ok(atom([]), contentType: "application/atom+xml")),
    ]

    @Test(arguments: 0..<faults.count)
    func aFeedFaultIsAHealthEventNotRemovals(_ index: Int) async throws {
        let fault = Self.faults[index]
        let harness = try Harness(sources: feedSource(extra: "\n    failures_before_alert: 1"))
        serve([harrow, camden], on: harness.server)
        await harness.check()
        harness.server.set(feedPath, response: fault.response)
        await harness.check()
        await harness.check()
        #expect(try harness.items("dfe-feed").count == 2, "\(fault.name) touched the stored items")
        serve([harrow, camden], on: harness.server)
        await harness.check()
        let events = try harness.deliveredAlerts().map(\.event)
        #expect(events == [.structureChanged, .sourceRecovered], "\(fault.name): \(events)")
    }
}
