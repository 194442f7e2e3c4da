import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

// Kingston's real meeting pages (see ModernGovKindTests.swift), with Kent County Council's real
// Cabinet papers of 30 January 2025 (../shared/fixtures/moderngov/papers) attached to the meeting
// of 15 Jan 2026 as ModernGov attaches papers: a new agenda row whose title links the report, or
// a new entry in an agenda row's list of additional documents. The papers are served unedited.
// A paper that says only the verb "send" is a real Ofsted letter of the kind councils append to
// their papers (Bracknell Forest's joint targeted area inspection, March 2019).

/// A Kent paper as the test site serves it.
private struct Paper {
    let id: String
    let title: String
    let fixture: String

    var path: String { "/documents/s\(id)/\(id).pdf" }

    static let frontSheet = Paper(id: "900001", title: "Agenda frontsheet", fixture: "moderngov/papers/kent_cabinet_2025-01-30_agenda-frontsheet.pdf")
    static let budget = Paper(id: "900108", title: "24/00108 - Revenue and Capital Budget Monitoring Report - November 2024-25",
                              fixture: "moderngov/papers/kent_cabinet_2025-01-30_24-00108_budget-monitoring_report.pdf")
    static let strengthening = Paper(
        id: "900109", title: "24/00109 - Transfer the 18-25 section of the Strengthening Independence Service",
        fixture: "moderngov/papers/kent_cabinet_2025-01-30_24-00109_strengthening-independence-18-25_report.pdf")
    static let commissioning = Paper(id: "900096", title: "24/00096 - Commissioning Plan for Education Provision in Kent 2025-29",
                                     fixture: "moderngov/papers/kent_cabinet_2025-01-30_24-00096_education-commissioning-plan_report.pdf")
    static let letter = Paper(id: "900200", title: "Appendix - Ofsted letter",
                              fixture: "ofsted/letters/bracknell-forest_jtai_2019-03-08_urn80436.pdf")

    static let all = [frontSheet, budget, strengthening, commissioning, letter]

    func serve(on server: TestHTTPServer) throws {
        server.set(path, response: .ok(bytes: Array(try Fixtures.data(fixture)), contentType: "application/pdf"))
    }

    /// An agenda row of its own whose title links the paper, as ModernGov writes one.
    func agendaRow(number: Int) -> String {
        """
        <tr>
        <td  class="mgItemNumberCell" ><p  class="mgAiTitleTxt" ><a name="AI\(id)" aria-disabled="true"></a>\(number).</p></td>
        <td ><p  class="mgAiTitleTxt" ><a  class="mgAiTitleLnk"   href="documents/s\(id)/\(id).pdf" title="Link&#32;to&#32;document">\(title) <span  class="mgFileSize" >PDF 300 KB</span> </a></p></td>
        </tr>
        """
    }

    /// An entry in an agenda row's list of additional documents.
    var listEntry: String {
        "<li><a  href=\"documents/s\(id)/\(id).pdf\"   title=\"Link to document\">\(title) <span  class=\"mgFileSize\" >PDF 300 KB</span> </a>  </li>\n"
    }
}

private extension Kingston {
    /// The meeting of 15 Jan 2026 with these papers as rows of their own, before item 60.
    mutating func addRows(_ papers: [Paper]) throws {
        let page = pages["10221", default: ""]
        let row = try page.element("tr", containing: "name=\"AI51903\"")
        let rows = papers.enumerated().map { $0.element.agendaRow(number: 70 + $0.offset) }.joined(separator: "\n")
        pages["10221"] = try page.replacingOnce(row, with: rows + "\n" + row)
    }

    /// The meeting of 15 Jan 2026 with these papers added to item 60's additional documents.
    mutating func addToItem60(_ papers: [Paper]) throws {
        let anchor = "<a  href=\"documents/s112216/"
        let page = pages["10221", default: ""]
        let entry = try page.element("li", containing: anchor)
        pages["10221"] = try page.replacingOnce(entry, with: entry + "\n" + papers.map(\.listEntry).joined())
    }
}

@Suite("ModernGov committee: every meeting page checked, every new paper read")
struct ModernGovPapersTests {
    static let meeting = "Kingston committee, 15 January 2026"

    private func harness(keywords: [String], extra: String = "") throws -> Harness {
        let harness = try Harness(sources: Kingston.source(keywords: keywords) + extra)
        for paper in Paper.all { try paper.serve(on: harness.server) }
        return harness
    }

    // MARK: Every part, every check

    @Test func aReportAddedToAMeetingPageAlertsOnThatVeryCheckWhileTheListAnswers304() async throws {
        let harness = try harness(keywords: ["Ofsted"])
        var site = try Kingston()
        site.serve(on: harness.server, conditional: true)
        await harness.check()

        // The report appears on the meeting's own page; the list does not change.
        let report = Paper(id: "900300", title: "Ofsted inspection of children's services: improvement plan",
                           fixture: Paper.strengthening.fixture)
        try report.serve(on: harness.server)
        try site.addRows([report])
        site.serve(on: harness.server, conditional: true)
        harness.server.resetRequests()
        let results = await harness.check()

        let list = harness.server.requests(forPath: Kingston.listPath)
        #expect(list.count == 1)
        #expect(list.first?.header("If-None-Match") != nil, "the list is asked for conditionally, and answers 304")
        guard case .changed(let changes) = harness.result("kingston", results)?.outcome else {
            Issue.record("expected changes, got \(String(describing: harness.result("kingston", results)?.outcome))")
            return
        }
        #expect(Set(changes.map(\.key)) == ["agenda:10221:AI900300", "document:900300", "meeting:10221"])
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        let alert = try #require(alerts.first)
        #expect(alert.event == .added)
        #expect(alert.key == "agenda:10221:AI900300")
        #expect(alert.title == "\(Self.meeting): \"Ofsted inspection of children's services: improvement plan\" mentions \"Ofsted\"")
        #expect(alert.url == harness.server.url(report.path))

        // Nothing changed since: every page answers 304, and nothing more is said.
        let after = await harness.check()
        guard case .unchanged(notModified: true) = harness.result("kingston", after)?.outcome else {
            Issue.record("expected a 304 throughout, got \(String(describing: harness.result("kingston", after)?.outcome))")
            return
        }
        #expect(try harness.deliveredAlerts().count == 1)
    }

    @Test func anUnchangedMeetingPageAnsweredWith304GivesNothing() async throws {
        let harness = try harness(keywords: ["Zebra Crossing", "Manorgate"])
        let site = try Kingston()
        site.serve(on: harness.server, conditional: true)
        await harness.check()
        let before = try harness.items("kingston")

        harness.server.resetRequests()
        for _ in 0..<2 {
            let results = await harness.check()
            guard case .unchanged(notModified: true) = harness.result("kingston", results)?.outcome else {
                Issue.record("expected unchanged, got \(String(describing: harness.result("kingston", results)?.outcome))")
                return
            }
        }
        // Every meeting page within the window was asked for on each check, conditionally.
        let pages = harness.server.requests(forPath: "/ieListDocuments.aspx")
        #expect(pages.count == 2 * 15)
        #expect(pages.allSatisfy { $0.header("If-None-Match") != nil })
        #expect(try harness.items("kingston") == before)
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    /// robots.txt is asked about each meeting page, as about the list: a disallowed page is
    /// never fetched, and the check is a robots failure for the source's health.
    @Test func robotsTxtGovernsEveryMeetingPage() async throws {
        let harness = try harness(keywords: ["Zebra Crossing"], extra: "\n    failures_before_alert: 1")
        harness.server.set("/robots.txt", body: "User-agent: *\nDisallow: /ieListDocuments.aspx\n", headers: ["Content-Type": "text/plain"])
        try Kingston().serve(on: harness.server, conditional: true)
        let results = await harness.check()
        guard case .failed(let failure) = harness.result("kingston", results)?.outcome else {
            Issue.record("expected a failure, got \(String(describing: harness.result("kingston", results)?.outcome))")
            return
        }
        #expect(failure.kind == .robots)
        #expect(harness.server.requests(forPath: "/ieListDocuments.aspx").isEmpty)
        #expect(try harness.items("kingston").keys.filter { $0.hasPrefix("meeting:") }.count == 15)
        #expect(try harness.state("kingston")?.robots?.hasPrefix("disallowed") == true)
        #expect(try harness.deliveredAlerts().map(\.event) == [.sourceFailing])
    }

    // MARK: Papers read for the keywords

    @Test func careLeaversAlertsOnReport24_00109OnlyQuotingItsBodyWithThePage() async throws {
        let harness = try harness(keywords: ["care leavers"])
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        try site.addRows([.frontSheet, .budget, .strengthening, .commissioning])
        site.serve(on: harness.server)
        await harness.check()
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        let alert = try #require(alerts.first)
        #expect(alert.key == "agenda:10221:AI900109")
        #expect(alert.title == "\(Self.meeting): \"\(Paper.strengthening.title)\" mentions \"care leavers\"")
        // "care leavers" is nowhere in the title: the sentences come from the report's body.
        let summary = try #require(alert.summary)
        #expect(summary.contains("page 3: \"The Care Leavers Service will continue to support young adults, who are also known to the 18-25 SIS, up to age 25, particularly those aged 18 – 21, to transition from being previously looked after to independence.\""), "\(summary)")
        #expect(summary.contains("page 4: \"There are currently 2000+ care leavers in Kent.\""), "\(summary)")
        #expect(summary.hasSuffix(harness.server.url(Paper.strengthening.path)))
        let paper = try #require(try harness.items("kingston")["document:900109"])
        #expect(paper.fields["matched"] == "care leavers")
        #expect(try harness.items("kingston")["document:900108"]?.fields["matched"] == nil, "the budget report never matches")
    }

    @Test func theBudgetReportNeverAlerts() async throws {
        let harness = try harness(keywords: ["care leavers", "SEND", "safeguarding", "children in care"])
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        try site.addRows([.budget])
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.deliveredAlerts().isEmpty)
        // It was read, and nothing in it matched.
        #expect(harness.server.requests(forPath: Paper.budget.path).count == 1)
        let paper = try #require(try harness.items("kingston")["document:900108"])
        #expect(paper.fields["matched"] == nil && paper.fields["read"] == nil, "\(paper.fields)")
    }

    @Test func sendInCapitalsMatches24_00096And24_00109ButNotAPaperThatOnlySaysSend() async throws {
        let harness = try harness(keywords: ["SEND"])
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        try site.addToItem60([.commissioning, .strengthening, .letter, .budget])
        site.serve(on: harness.server)
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(Set(alerts.map(\.key)) == ["document:900096", "document:900109"], "\(alerts.map(\.title))")
        let commissioning = try #require(alerts.first { $0.key == "document:900096" })
        #expect(commissioning.title == "\(Self.meeting): \"\(Paper.commissioning.title)\" mentions \"SEND\"")
        #expect(commissioning.summary?.contains("page 3: \"") == true, "\(commissioning.summary ?? "")")
        let strengthening = try #require(alerts.first { $0.key == "document:900109" })
        #expect(strengthening.summary?.contains("(Special Educational Needs (SEND)") == true || strengthening.summary?.contains("SEND") == true)
        // The letter says "send" (lower case) and was read: it is not a match.
        #expect(harness.server.requests(forPath: Paper.letter.path).count == 1)
        #expect(try harness.items("kingston")["document:900200"]?.fields["matched"] == nil)
    }

    @Test func eachPaperIsFetchedOnceAcrossPasses() async throws {
        let harness = try harness(keywords: ["SEND", "care leavers"])
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()
        try site.addRows([.frontSheet, .budget, .strengthening])
        try site.addToItem60([.commissioning, .letter])
        site.serve(on: harness.server)
        for _ in 0..<4 { await harness.check() }
        for paper in Paper.all {
            #expect(harness.server.requests(forPath: paper.path).count == 1, "\(paper.path)")
        }
        // Kept under the state directory with their text, as report PDFs are.
        let papers = harness.directory.appendingPathComponent("state/papers").path
        let kept = try FileManager.default.contentsOfDirectory(atPath: papers)
        #expect(kept.filter { $0.hasSuffix(".pdf") }.count == Paper.all.count)
        #expect(kept.filter { $0.hasSuffix(".text.json") }.count == Paper.all.count)
    }

    @Test func papersBeyondTheChecksBudgetWaitForTheNextCheckAndAreStillReadOnce() async throws {
        let harness = try harness(keywords: ["SEND"], extra: "\n    papers: {per_pass: 1}")
        var site = try Kingston()
        site.serve(on: harness.server, conditional: true)
        await harness.check()
        try site.addToItem60([.commissioning, .strengthening, .letter])
        site.serve(on: harness.server, conditional: true)

        // One paper a check, in page order; the meeting page is read in full again until all are in.
        var alertsAfter: [[String]] = []
        for _ in 0..<4 {
            await harness.check()
            alertsAfter.append(try harness.deliveredAlerts().compactMap(\.key))
        }
        #expect(alertsAfter == [["document:900096"], ["document:900096", "document:900109"],
                                ["document:900096", "document:900109"], ["document:900096", "document:900109"]])
        for paper in [Paper.commissioning, .strengthening, .letter] {
            #expect(harness.server.requests(forPath: paper.path).count == 1, "\(paper.path)")
        }
        #expect(try harness.items("kingston")["document:900200"] != nil)
    }

    /// A paper whose fetch fails for a passing reason stays out of the items and is tried again
    /// at the next check; one that is not there (404) is recorded at once, matched by its title.
    @Test func aPaperThatFailsForAPassingReasonIsTriedAgainAndAlertsWhenRead() async throws {
        let harness = try harness(keywords: ["care leavers"])
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()
        try site.addToItem60([.strengthening])
        site.serve(on: harness.server)
        harness.server.sequence(Paper.strengthening.path, [
            .status(503), .ok(bytes: Array(try Fixtures.data(Paper.strengthening.fixture)), contentType: "application/pdf"),
        ])

        let first = await harness.check()
        if case .failed(let failure) = harness.result("kingston", first)?.outcome {
            Issue.record("a paper's fetch is not the source's failure: \(failure)")
        }
        #expect(try harness.items("kingston")["document:900109"] == nil)
        #expect(try harness.deliveredAlerts().isEmpty)

        await harness.check()
        await harness.check()
        #expect(harness.server.requests(forPath: Paper.strengthening.path).count == 2)
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        #expect(alerts.first?.summary?.contains("page 3: \"The Care Leavers Service will continue") == true)
    }

    /// A check stopped (a restart) after it kept a paper but before it recorded the items: the
    /// next check finds the paper new on the page and already read, and does not fetch it again.
    @Test func aPaperKeptByACheckThatDidNotFinishIsNotFetchedAgain() async throws {
        let harness = try harness(keywords: ["care leavers"])
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()

        // What the stopped check left: the kept copy, its text and the stored document.
        let url = harness.server.url(Paper.strengthening.path)
        let reader = ModernGovPaperReader(maxPages: 60, maxBytes: 20_000_000)
        let paper = await reader.read(bytes: Array(try Fixtures.data(Paper.strengthening.fixture)), contentType: "application/pdf",
                                      into: StoredDocument(key: "document:900109", url: url, fetchedAt: Date()),
                                      stateDirectory: harness.configuration.stateDirectory)
        try harness.runtime.store.write { try $0.save(paper.document, for: "kingston") }

        try site.addRows([.strengthening])
        site.serve(on: harness.server)
        await harness.check()
        #expect(harness.server.requests(forPath: Paper.strengthening.path).isEmpty)
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        #expect(alerts.first?.summary?.contains("page 3: \"The Care Leavers Service will continue") == true, "\(alerts.first?.summary ?? "")")
    }

    @Test func aPaperBeyondThePageLimitSaysItWasCutShort() async throws {
        let harness = try harness(keywords: ["care leavers"], extra: "\n    papers: {max_pages: 3}")
        var site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()
        try site.addToItem60([.strengthening])
        site.serve(on: harness.server)
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1, "\(alerts.map(\.title))")
        let summary = try #require(alerts.first?.summary)
        // Page 3 was read, page 4 was not.
        #expect(summary.contains("page 3: \"The Care Leavers Service"), "\(summary)")
        #expect(!summary.contains("page 4:"), "\(summary)")
        #expect(summary.contains("The paper was cut short by a limit: only its first 3 pages were read."), "\(summary)")
    }

    /// The printed minutes of 15 Jan 2026 appear on the meeting's page (the real page; before,
    /// they were not published). This site has no copy of them, so only their title can match.
    @Test(arguments: [(["Zebra"], 0), (["printed minutes"], 1)])
    func minutesAreReadAndAlertOnlyWhenTheyMatch(_ keywords: [String], _ expected: Int) async throws {
        let minutes = "href=\"documents/g10230/Printed minutes"
        let harness = try harness(keywords: keywords)
        var site = try Kingston()
        let real = site
        site.pages["10221"] = try site.pages["10221", default: ""].removingElement("li", containing: minutes)
        site.serve(on: harness.server)
        await harness.check()
        #expect(try harness.items("kingston")["document:g10230T1"] == nil)

        real.serve(on: harness.server)
        await harness.check()
        await harness.check()
        let path = "/documents/g10230/Printed%20minutes%20Thursday%2015-Jan-2026%2019.30%20Kingston%20and%20North%20Kingston%20Neighbourhood%20Committee.pdf"
        #expect(harness.server.requests(forPath: path).count == 1)
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == expected, "\(alerts.map(\.title))")
        if expected == 1 {
            #expect(alerts.first?.key == "document:g10230T1")
            #expect(alerts.first?.title == "\(Self.meeting): \"Printed minutes\" mentions \"printed minutes\"")
        }
    }

    /// A meeting stored by a version that did not read papers (no `papers` field): the agenda
    /// front sheet, minutes and decisions that now show as items are not news, and not fetched.
    @Test func papersFirstListedUnderAMeetingStoredBeforePapersWereReadAreNotNews() async throws {
        let harness = try harness(keywords: ["printed minutes", "Agenda frontsheet"])
        let site = try Kingston()
        site.serve(on: harness.server)
        await harness.check()
        // The state such a version left: the meeting without the field, without those papers.
        let stored = try harness.items("kingston")
        let old = stored.values.filter { !$0.key.hasPrefix("document:g") }.map { item -> Item in
            var item = item
            item.fields["papers"] = nil
            return item
        }
        try harness.runtime.store.write { transaction in
            let gone = stored.values.filter { $0.key.hasPrefix("document:g") }.map(Change.removed)
            try transaction.recordItems("kingston", seen: old, changes: gone, alertIDs: [:], at: Date(), previous: stored)
        }
        #expect(try harness.items("kingston")["document:g10230T1"] == nil)

        await harness.check()
        await harness.check()
        #expect(try harness.items("kingston")["document:g10230T1"] != nil)
        #expect(try harness.items("kingston")["meeting:10221"]?.fields["papers"] == "read")
        #expect(try harness.deliveredAlerts().isEmpty)
        #expect(harness.server.requests(forPath: "/documents/g10230/Printed%20minutes%20Thursday%2015-Jan-2026%2019.30%20Kingston%20and%20North%20Kingston%20Neighbourhood%20Committee.pdf").isEmpty)
    }

    // MARK: test-source

    @Test func testSourcePrintsThePapersAndTheirMatches() async throws {
        let harness = try harness(keywords: ["care leavers", "SEND"])
        var site = try Kingston()
        try site.addRows([.budget, .strengthening])
        try site.addToItem60([.commissioning, .letter])
        site.serve(on: harness.server)

        let run = try ReportWatchBinary.run(["test-source", "--config", harness.configFile, "kingston"])
        #expect(run.status == 0, "\(run.stderr)")
        let out = run.stdout
        #expect(out.contains("\(Self.meeting) (Agenda, decisions and minutes): 24 papers, 2 would match"), "\(out)")
        #expect(out.contains("  - \"\(Paper.strengthening.title)\" (item: \(Paper.strengthening.title)): would match \"care leavers\" and \"SEND\""), "\(out)")
        #expect(out.contains("      page 3: \"The Care Leavers Service will continue"), "\(out)")
        #expect(out.contains("  - \"\(Paper.commissioning.title)\" (item: Coombe Lane West Zebra Crossing - Local Consultation Results): would match \"SEND\""), "\(out)")
        #expect(out.contains("  - \"\(Paper.budget.title)\" (item: \(Paper.budget.title)): no match"), "\(out)")
        #expect(out.contains("  - \"\(Paper.letter.title)\" (item: Coombe Lane West Zebra Crossing - Local Consultation Results): no match"), "\(out)")
        // test-source changes nothing: no state, no kept copies.
        #expect(!FileManager.default.fileExists(atPath: harness.directory.appendingPathComponent("state/papers").path))
    }
}
