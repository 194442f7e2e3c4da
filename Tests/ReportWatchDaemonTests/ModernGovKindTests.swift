import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

// The Royal Borough of Kingston's real ModernGov pages (../shared/fixtures/moderngov), served from
// the test server at the paths their own links name (`ieListDocuments.aspx?CId=711&MId=10221&Ver=4`).
// Where a test needs the page as it was before a change, it removes or rewrites one element of the
// real page (a row, a list entry, a status word); the later state is always the real page.

/// The committee's pages as the test site serves them.
struct Kingston {
    static let listPath = "/ieListMeetings.aspx"
    static let title = "Kingston and North Kingston Neighbourhood Committee"
    /// The meetings of the list whose pages were saved.
    static let savedPages = ["10221", "10161", "10220"]

    static func meetingPath(_ id: String) -> String {
        "/ieListDocuments.aspx?CId=711&MId=\(id)&Ver=4"
    }

    var list: String
    /// Meeting id → page. The twelve meetings without a saved page get the cancelled meeting's
    /// real page with its cancellation taken out: a meeting page with nothing published, as
    /// ModernGov shows one (a meeting page that fails is a failure of the check).
    var pages: [String: String]

    init() throws {
        list = try Fixtures.string("moderngov/kingston_BrowseMeetings.html")
        let cancelled = try Fixtures.string("moderngov/kingston_Agenda_412.html")
        let empty = try cancelled.replacingOnce("7:30 pm, CANCELLED</a></h2>", with: "7:30 pm</a></h2>")
        pages = [
            "10221": try Fixtures.string("moderngov/kingston_Agenda_151.html"),
            "10161": cancelled,
            "10220": try Fixtures.string("moderngov/kingston_Agenda_Irrelevant.html"),
        ]
        for id in ["10337", "10163", "10162", "10160", "10159", "10219", "10158", "9957", "9956", "9955", "9954", "9983"] {
            pages[id] = empty
        }
    }

    /// Every page always answered 200 with its body, without validators (as many ModernGov
    /// sites answer); with `conditional`, each page carries an ETag (its body's hash) and
    /// answers a conditional GET of an unchanged page with 304.
    func serve(on server: TestHTTPServer, conditional: Bool = false) {
        serve(Self.listPath, list, on: server, conditional: conditional)
        for (id, body) in pages {
            serve(Self.meetingPath(id), body, on: server, conditional: conditional)
        }
    }

    func serve(_ path: String, _ body: String, on server: TestHTTPServer, conditional: Bool) {
        guard conditional else {
            server.set(path, body: body)
            return
        }
        let tag = String(body.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }, radix: 16)
        server.route(path) { request in TestHTTPServer.conditional(request, etag: tag, lastModified: nil, body: body) }
    }

    static func source(keywords: [String], window: String? = "{past: 1000d, future: 1000d}") -> String {
        // The fixtures date from 2024 to 2026; a wide window covers them all.
        var yaml = """
              - id: kingston
                name: Kingston committee
                kind: moderngov-committee
                url: {{base}}/ieListMeetings.aspx?CommitteeId=711
                keywords: [\(keywords.joined(separator: ", "))]
            """
        if let window { yaml += "\n    window: \(window)" }
        return yaml
    }
}

extension String {
    /// This text without the `<tag>` element that contains `marker` (nested elements of the same
    /// tag, such as the vote tables inside an agenda row, are counted).
    func removingElement(_ tag: String, containing marker: String) throws -> String {
        let range = try elementRange(tag, containing: marker)
        var copy = self
        copy.removeSubrange(range)
        return copy
    }

    func element(_ tag: String, containing marker: String) throws -> String {
        String(self[try elementRange(tag, containing: marker)])
    }

    /// Replaces the one occurrence of `old`; a test whose marker is missing or repeated fails.
    func replacingOnce(_ old: String, with new: String) throws -> String {
        let ranges = self.ranges(of: old)
        try #require(ranges.count == 1, "'\(old)' occurs \(ranges.count) times")
        return replacingCharacters(in: ranges[0], with: new)
    }

    private func elementRange(_ tag: String, containing marker: String) throws -> Range<String.Index> {
        let markerRange = try #require(range(of: marker), "no '\(marker)'")
        let opens = openingTags(tag)
        let start = try #require(opens.last { $0 < markerRange.lowerBound }, "no <\(tag)> before '\(marker)'")
        var depth = 0
        var index = start
        while index < endIndex {
            if opens.contains(index) {
                depth += 1
                index = self.index(after: index)
            } else if self[index...].hasPrefix("</\(tag)>") {
                depth -= 1
                let end = self.index(index, offsetBy: tag.count + 3)
                if depth == 0 { return start..<end }
                index = end
            } else {
                index = self.index(after: index)
            }
        }
        throw KingstonFixtureError.unbalanced(tag)
    }

    /// Where `<tag>` or `<tag ...>` opens (not `<link>` for `li`).
    private func openingTags(_ tag: String) -> [String.Index] {
        ranges(of: "<\(tag)").compactMap { range in
            guard range.upperBound < endIndex, [">", " ", "\t", "\n", "\r"].contains(self[range.upperBound]) else { return nil }
            return range.lowerBound
        }
    }
}

enum KingstonFixtureError: Error {
    case unbalanced(String)
}

@Suite("ModernGov committee: meetings, agenda items and documents")
struct ModernGovKindTests {
    private static let meeting10221 = "15&#32;Jan&#32;2026\">15 Jan 2026&nbsp;7&#58;30 pm</a> - Agenda, Decisions, Minutes</li>"

    @Test func baselineReadsMeetingsAgendaItemsAndDocumentsAndAlertsNothing() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["children"]))
        try Kingston().serve(on: harness.server)
        let results = await harness.check()
        guard case .baseline(let count) = harness.result("kingston", results)?.outcome else {
            Issue.record("expected a baseline, got \(String(describing: harness.result("kingston", results)?.outcome))")
            return
        }
        // 15 meetings; 12 items and 20 papers (17 reports, front sheet, decisions, minutes) of 15 Jan 2026; 10 and 7 of 18 Nov 2025.
        #expect(count == 15 + 12 + 20 + 10 + 7)
        let items = try harness.items("kingston")
        let meeting = try #require(items["meeting:10221"])
        #expect(meeting.title == "\(Kingston.title) - 15 Jan 2026 7:30 pm")
        #expect(meeting.fields["status"] == "Agenda, Decisions, Minutes")
        #expect(meeting.fields["published"] == "Agenda, decisions and minutes")
        #expect(meeting.fields["modified"] == "2026-02-05")
        #expect(meeting.link == harness.server.url(Kingston.meetingPath("10221")))
        #expect(items["meeting:10161"]?.fields["cancelled"] == "yes")
        #expect(items["meeting:10161"]?.fields["published"] == "Meeting")
        let agendaItem = try #require(items["agenda:10221:AI51890"])
        #expect(agendaItem.title == "Public Question Time")
        #expect(agendaItem.fields["number"] == "54")
        #expect(agendaItem.link == nil, "an item without a report has no link of its own")
        let document = try #require(items["document:112380"])
        #expect(document.title == "Annex 4 - Survey summary")
        #expect(document.fields["meeting"] == meeting.title)
        #expect(document.fields["item"] == "Petition Regarding the Introduction of Traffic Management Measures On Manorgate Road")
        #expect(document.link == harness.server.url("/documents/s112380/Annex%204%20-%20Survey%20summary.pdf"))

        let second = await harness.check()
        guard case .unchanged = harness.result("kingston", second)?.outcome else {
            Issue.record("expected unchanged, got \(String(describing: harness.result("kingston", second)?.outcome))")
            return
        }
        #expect(try harness.deliveredAlerts().isEmpty)
        // Every meeting inside the window had its page asked for, once a pass.
        #expect(harness.server.requests(forPath: "/ieListDocuments.aspx").count == 2 * 15)
    }

    /// Midday UTC on a day of 2026 (`month`, `day`).
    static func noon(_ month: Int, _ day: Int) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: String(format: "2026-%02d-%02dT12:00:00Z", month, day)))
    }

    func meetingsAskedFor(_ server: TestHTTPServer) -> Set<String> {
        Set(server.requests(forPath: "/ieListDocuments.aspx").compactMap { request in
            request.query?.split(separator: "&").first { $0.hasPrefix("MId=") }.map { String($0.dropFirst(4)) }
        })
    }

    @Test func meetingPagesOutsideTheWindowAreNeverFetched() async throws {
        // The default window (60 days back, 90 ahead of 27 Nov 2026) holds none of them.
        let clock = ManualClock(try Self.noon(11, 27))
        let harness = try Harness(sources: Kingston.source(keywords: ["children"], window: nil), clock: clock)
        try Kingston().serve(on: harness.server)
        await harness.check()
        await harness.check()
        #expect(harness.server.requests(forPath: "/ieListDocuments.aspx").isEmpty)
        #expect(try harness.items("kingston").count == 15)
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    /// The window is judged on the service's clock: as it moves, meetings come into the window
    /// and leave it.
    @Test func theWindowMovesWithTheClock() async throws {
        let clock = ManualClock(try Self.noon(1, 1))
        let harness = try Harness(sources: Kingston.source(keywords: ["children"], window: nil), clock: clock)
        try Kingston().serve(on: harness.server)
        await harness.check()
        // 2 Nov 2025 to 1 Apr 2026: 18 Nov and 4 Dec 2025, 15 and 29 Jan and 3 Mar 2026.
        #expect(meetingsAskedFor(harness.server) == ["10220", "10161", "10221", "10162", "10163"])
        harness.server.resetRequests()
        clock.advance(by: .seconds(120 * 86_400))
        await harness.check()
        // 2 Mar to 30 Jul 2026: 3 Mar and 15 Jun 2026.
        #expect(meetingsAskedFor(harness.server) == ["10163", "10337"])
        #expect(try harness.items("kingston")["meeting:10220"] != nil, "a meeting that left the window stays listed")
    }

    @Test func aNewMeetingGivesOneAddedAlertNamingItsMatchingItems() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["Zebra Crossing"]))
        var site = try Kingston()
        let full = site.list
        site.list = try full.removingElement("li", containing: "MId=10221&amp;")
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.items("kingston")["meeting:10221"] == nil)

        site.list = full
        site.serve(on: harness.server)
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        let alert = try #require(alerts.first)
        #expect(alert.event == .added)
        #expect(alert.key == "meeting:10221")
        #expect(alert.title == "New meeting: \(Kingston.title) - 15 Jan 2026 7:30 pm")
        #expect(alert.url == harness.server.url(Kingston.meetingPath("10221")))
        #expect(alert.summary?.contains("Coombe Lane West Zebra Crossing - Local Consultation Results") == true)
        // Its agenda items and documents arrived with it, silently.
        #expect(try harness.items("kingston")["agenda:10221:AI51903"] != nil)
    }

    @Test func aCancellationGivesOneChangedAlert() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["children"]))
        var site = try Kingston()
        let real = site
        site.list = try site.list.replacingOnce("7&#58;30 pm</a> - CANCELLED</li>", with: "7&#58;30 pm</a> - Agenda</li>")
        site.pages["10161"] = try site.pages["10161", default: ""].replacingOnce("7:30 pm, CANCELLED</a></h2>", with: "7:30 pm</a></h2>")
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.items("kingston")["meeting:10161"]?.fields["cancelled"] == nil)

        real.serve(on: harness.server)
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        let alert = try #require(alerts.first)
        #expect(alert.event == .changed)
        #expect(alert.key == "meeting:10161")
        #expect(alert.title == "\(Kingston.title) meeting of 4 Dec 2025 cancelled")
        #expect(alert.fields?.contains(FieldChange(name: "cancelled", old: nil, new: "yes")) == true)
        #expect(alert.fields?.contains(FieldChange(name: "status", old: "Agenda", new: "CANCELLED")) == true)
    }

    @Test func minutesBeingPublishedGiveOneChangedAlert() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["children"]))
        var site = try Kingston()
        let real = site
        site.list = try site.list.replacingOnce(Self.meeting10221, with: Self.meeting10221.replacingOccurrences(of: ", Minutes", with: ""))
        site.pages["10221"] = try site.pages["10221", default: ""]
            .replacingOnce("class=\"mgMainTitleTxt\" >Agenda, decisions and minutes</h1>", with: "class=\"mgMainTitleTxt\" >Agenda and decisions</h1>")
        site.serve(on: harness.server)
        await harness.check()

        real.serve(on: harness.server)
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        let alert = try #require(alerts.first)
        #expect(alert.event == .changed)
        #expect(alert.key == "meeting:10221")
        #expect(alert.title == "\(Kingston.title) meeting of 15 Jan 2026: Agenda, decisions and minutes published")
        #expect(alert.fields == [
            FieldChange(name: "published", old: "Agenda and decisions", new: "Agenda, decisions and minutes"),
            FieldChange(name: "status", old: "Agenda, Decisions", new: "Agenda, Decisions, Minutes"),
        ])
    }

    @Test(arguments: [(["Zebra Crossing"], 1), (["zebra crossing", "Ofsted"], 1), (["Ofsted", "safeguarding"], 0)])
    func aNewAgendaItemAlertsOnlyWhenItMatchesAKeyword(_ keywords: [String], _ expected: Int) async throws {
        let harness = try Harness(sources: Kingston.source(keywords: keywords))
        var site = try Kingston()
        let real = site
        site.pages["10221"] = try site.pages["10221", default: ""].removingElement("tr", containing: "name=\"AI51903\"")
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.items("kingston")["agenda:10221:AI51903"] == nil)
        #expect(try harness.items("kingston")["document:112215"] == nil)

        real.serve(on: harness.server)
        let results = await harness.check()
        await harness.check()
        guard case .changed(let changes) = harness.result("kingston", results)?.outcome else {
            Issue.record("expected changes, got \(String(describing: harness.result("kingston", results)?.outcome))")
            return
        }
        #expect(Set(changes.filter { $0.event == .added }.map(\.key)) == ["agenda:10221:AI51903", "document:112215", "document:112216"])
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == expected, "\(alerts.map(\.title))")
        if expected == 1 {
            let alert = try #require(alerts.first)
            #expect(alert.event == .added)
            #expect(alert.key == "agenda:10221:AI51903")
            let word = keywords[0]
            #expect(alert.title == "Kingston committee, 15 January 2026: \"Coombe Lane West Zebra Crossing - Local Consultation Results\" mentions \"\(word)\"")
            #expect(alert.url == harness.server.url("/documents/s112215/Coombe%20Lane%20West%20Zebra%20Crossing%20consultation%20results.pdf"))
        }
    }

    @Test(arguments: [(["Survey summary"], 1), (["Manorgate"], 1), (["Ofsted"], 0)])
    func aNewDocumentAlertsOnlyWhenItOrItsItemMatchesAKeyword(_ keywords: [String], _ expected: Int) async throws {
        let harness = try Harness(sources: Kingston.source(keywords: keywords))
        var site = try Kingston()
        let real = site
        site.pages["10221"] = try site.pages["10221", default: ""].removingElement("li", containing: "documents/s112380/")
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.items("kingston")["document:112380"] == nil)

        real.serve(on: harness.server)
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == expected, "\(alerts.map(\.title))")
        if expected == 1 {
            let alert = try #require(alerts.first)
            #expect(alert.event == .added)
            #expect(alert.key == "document:112380")
            #expect(alert.title == "Kingston committee, 15 January 2026: \"Annex 4 - Survey summary\" mentions \"\(keywords[0])\"")
            // The paper was asked for once (this site has no copy of it), and the alert says so.
            #expect(harness.server.requests(forPath: "/documents/s112380/Annex%204%20-%20Survey%20summary.pdf").count == 1)
            #expect(alert.summary?.contains("The paper could not be read (not fetched: HTTP 404): matched by its title only.") == true)
        }
        #expect(try harness.items("kingston")["document:112380"] != nil)
    }

    /// The saver of this page edited its committee link; the meeting is still the list's 18 Nov 2025.
    @Test func thePartlyEditedPageDoesNotConfuseTheAlerts() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["Community Grants"]))
        var site = try Kingston()
        let real = site
        site.pages["10220"] = try site.pages["10220", default: ""].removingElement("tr", containing: "name=\"AI51593\"")
        site.serve(on: harness.server)
        await harness.check()

        real.serve(on: harness.server)
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        let alert = try #require(alerts.first)
        #expect(alert.key == "agenda:10220:AI51593")
        #expect(alert.title == "Kingston committee, 18 November 2025: \"Community Grants Programme\" mentions \"Community Grants\"")
        #expect(alert.item?["meeting_id"] == "10220")
    }

    @Test func reorderingChangesNothing() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["Zebra Crossing", "Community Grants"]))
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        // The meetings listed the other way round, and two annexes of item 59 swapped.
        let open = "<ul  class=\"mgNonBulletTableList\"  >"
        let listStart = try #require(site.list.range(of: open))
        let listEnd = try #require(site.list.range(of: "</ul>", range: listStart.upperBound..<site.list.endIndex))
        let entries = site.list[listStart.upperBound..<listEnd.lowerBound].components(separatedBy: "</li>").filter { !$0.isEmpty }
        #expect(entries.count == 15)
        site.list.replaceSubrange(listStart.upperBound..<listEnd.lowerBound, with: entries.reversed().map { $0 + "</li>" }.joined())
        var page = site.pages["10221", default: ""]
        let annex = try page.element("li", containing: "documents/s112380/")
        page = try page.removingElement("li", containing: "documents/s112380/")
        let firstAnnex = try #require(page.range(of: try page.element("li", containing: "documents/s112218/")))
        page.insert(contentsOf: annex, at: firstAnnex.lowerBound)
        site.pages["10221"] = page
        site.serve(on: harness.server)

        let results = await harness.check()
        guard case .unchanged(notModified: false) = harness.result("kingston", results)?.outcome else {
            Issue.record("expected unchanged, got \(String(describing: harness.result("kingston", results)?.outcome))")
            return
        }
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    /// A meeting page that fails is a failure of the source's check (its health, with the
    /// usual threshold), whatever the list answered, and removes nothing of the meeting.
    @Test(arguments: [
        (TestHTTPResponse.status(500), false), (.status(500), true),
        (.ok("<html><body><h1>Site maintenance</h1><p>Back soon.</p></body></html>"), true), (.emptyReply, true),
    ])
    func aMeetingPageThatFailsIsAHealthFailureAndRemovesNothing(_ failure: TestHTTPResponse, _ conditional: Bool) async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["Zebra Crossing", "Manorgate"]) + "\n    failures_before_alert: 2")
        let site = try Kingston()
        site.serve(on: harness.server, conditional: conditional)
        await harness.check()
        let before = try harness.items("kingston")

        harness.server.set(Kingston.meetingPath("10221"), response: failure)
        for _ in 0..<2 {
            let results = await harness.check()
            guard case .failed(let reason) = harness.result("kingston", results)?.outcome else {
                Issue.record("expected a failure, got \(String(describing: harness.result("kingston", results)?.outcome))")
                return
            }
            #expect(reason.message.contains("meeting page of 15 Jan 2026 7:30 pm"), "\(reason)")
            #expect(try harness.items("kingston") == before)
        }
        let failing = try harness.deliveredAlerts()
        #expect(failing.map(\.event) == [failure.status == 200 && !failure.body.isEmpty ? .structureChanged : .sourceFailing],
                "\(failing.map(\.title))")
        #expect(try harness.state("kingston")?.consecutiveFailures == 2)

        site.serve(on: harness.server, conditional: conditional)
        await harness.check()
        #expect(try harness.items("kingston") == before)
        #expect(try harness.deliveredAlerts().map(\.event) == failing.map(\.event) + [.sourceRecovered])
    }

    @Test func theModificationDateAloneAlertsNothing() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["children"]))
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()
        site.pages["10221"] = try site.pages["10221", default: ""]
            .replacingOnce("name=\"DC.date.modified\" scheme=\"W3CDTF\"  content=\"2026-02-05\"",
                           with: "name=\"DC.date.modified\" scheme=\"W3CDTF\"  content=\"2026-11-27\"")
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.items("kingston")["meeting:10221"]?.fields["modified"] == "2026-11-27")
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test func anotherSpellingOfTheMeetingIDOrANewVersionChangesNoKey() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["children"]))
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        site.list = try site.list.replacingOnce("CId=711&amp;MId=10221&amp;Ver=4", with: "CId=711&amp;MID=10221&amp;Ver=5")
        site.list = try site.list.replacingOnce("CId=711&amp;MId=10220&amp;Ver=4", with: "MeetingId=10220&amp;CId=711")
        site.serve(on: harness.server)
        harness.server.set("/ieListDocuments.aspx?CId=711&MID=10221&Ver=5", body: site.pages["10221", default: ""])
        harness.server.set("/ieListDocuments.aspx?MeetingId=10220&CId=711", body: site.pages["10220", default: ""])
        let results = await harness.check()
        guard case .changed(let changes) = harness.result("kingston", results)?.outcome else {
            Issue.record("expected the links to change, got \(String(describing: harness.result("kingston", results)?.outcome))")
            return
        }
        #expect(changes.allSatisfy { $0.event == .changed }, "\(changes.map(\.key))")
        #expect(Set(changes.map(\.key)) == ["meeting:10221", "meeting:10220"])
        #expect(try harness.items("kingston")["meeting:10221"]?.link == harness.server.url("/ieListDocuments.aspx?CId=711&MID=10221&Ver=5"))
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test func aRecentMeetingRemovedFromTheListGivesOneRemovedAlert() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["Zebra Crossing"]))
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        site.list = try site.list.removingElement("li", containing: "MId=10221&amp;")
        site.serve(on: harness.server)
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        // One alert for the meeting; its items and documents leave with it, silently.
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        let alert = try #require(alerts.first)
        #expect(alert.event == .removed)
        #expect(alert.key == "meeting:10221")
        #expect(alert.title == "\(Kingston.title) meeting of 15 Jan 2026 removed from the meeting list")
        #expect(try harness.items("kingston")["agenda:10221:AI51903"] == nil)
    }

    @Test func aMeetingMovedToAnotherDayGivesOneAlertAndARewrittenTimeNone() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["children"]))
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        site.list = try site.list.replacingOnce(">3 Mar 2026&nbsp;7&#58;30 pm</a>", with: ">3 Mar 2026&nbsp;7.30pm</a>")
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.deliveredAlerts().isEmpty)

        site.list = try site.list.replacingOnce(">3 Mar 2026&nbsp;7.30pm</a>", with: ">10 Mar 2026&nbsp;7.30pm</a>")
        site.serve(on: harness.server)
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        #expect(alerts.first?.event == .changed)
        #expect(alerts.first?.title == "\(Kingston.title) meeting of 3 Mar 2026 moved to 10 Mar 2026 7.30pm")
    }

    @Test func aMeetingThatScrollsOffTheListIsKeptAndAlertsNothing() async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["children"]))
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        // The list now starts a meeting later (as ModernGov pages it): 5 Sep 2024 is off its span.
        site.list = try site.list.removingElement("li", containing: "MId=9983&amp;")
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.items("kingston")["meeting:9983"] != nil)
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test(arguments: [
        "<html><body><h1>Site maintenance</h1><p>Back soon.</p></body></html>",
        "<html><body><ul><li><a class='mgMeetingTableLnk' href='ieListDocuments.aspx?CId=711'>15 Jan 2026</a></li></ul></body></html>",
    ])
    func aBrokenMeetingListIsAStructureFailureNotRemovals(_ body: String) async throws {
        let harness = try Harness(sources: Kingston.source(keywords: ["children"]) + "\n    failures_before_alert: 1")
        try Kingston().serve(on: harness.server)
        await harness.check()
        let before = try harness.items("kingston")

        harness.server.set(Kingston.listPath, body: body)
        let results = await harness.check()
        guard case .failed(let failure) = harness.result("kingston", results)?.outcome else {
            Issue.record("expected a failure, got \(String(describing: harness.result("kingston", results)?.outcome))")
            return
        }
        #expect(failure.kind == .structure)
        #expect(try harness.items("kingston") == before)
        #expect(try harness.deliveredAlerts().map(\.event) == [.structureChanged])
    }

    @Test func windowIsReadFromTheConfig() throws {
        let yaml = """
            contact: tests@example.org
            sources:
              - id: harrow-cabinet
                kind: moderngov-committee
                url: https://moderngov.harrow.gov.uk/ieListMeetings.aspx?CommitteeId=249
                keywords: [children, Ofsted, care leavers, SEND, safeguarding, improvement notice]
                window: {past: 30d, future: 120d}
                papers: {max_pages: 20, max_bytes: 5000000, per_pass: 5}
              - id: harrow-scrutiny
                kind: moderngov-committee
                url: https://moderngov.harrow.gov.uk/ieListMeetings.aspx?CommitteeId=276
            """
        let configuration = try Configuration.parse(yaml: yaml, file: "test.yaml")
        let cabinet = try #require(configuration.sources.first?.kind as? ModernGovCommitteeKind)
        #expect(cabinet.window == ModernGovCommitteeKind.Window(past: .seconds(30 * 86_400), future: .seconds(120 * 86_400)))
        #expect(configuration.sources.first?.keywords.count == 6)
        let scrutiny = try #require(configuration.sources.last?.kind as? ModernGovCommitteeKind)
        #expect(scrutiny.window == ModernGovCommitteeKind.Window())
        #expect(scrutiny.window.past == .seconds(60 * 86_400))
        #expect(scrutiny.window.future == .seconds(90 * 86_400))
        #expect(cabinet.papers == ModernGovCommitteeKind.Papers(maxPages: 20, maxBytes: 5_000_000, perPass: 5))
        #expect(scrutiny.papers == ModernGovCommitteeKind.Papers(maxPages: 60, maxBytes: 20_000_000, perPass: 30))
    }

    @Test(arguments: [
        ("window: {past: soon}", "sources[0].window.past"),
        ("window: {paste: 10d}", "sources[0].window.paste"),
        ("window: 10d", "sources[0].window"),
        ("papers: {max_pages: 0}", "sources[0].papers.max_pages"),
        ("papers: {max_page: 10}", "sources[0].papers.max_page"),
        ("papers: 60", "sources[0].papers"),
        ("items: \"//li\"", "sources[0].items"),
    ])
    func windowErrorsNameTheKey(_ line: String, _ key: String) throws {
        let yaml = """
            contact: tests@example.org
            sources:
              - id: harrow-cabinet
                kind: moderngov-committee
                url: https://moderngov.harrow.gov.uk/ieListMeetings.aspx?CommitteeId=249
                \(line)
            """
        do {
            _ = try Configuration.parse(yaml: yaml, file: "test.yaml")
            Issue.record("expected an error for \(line)")
        } catch {
            #expect(error.errors.contains { $0.key == key }, "\(error.errors)")
        }
    }
}
