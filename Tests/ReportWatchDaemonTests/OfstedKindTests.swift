import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

// No real saved copy of a reports.ofsted.gov.uk provider page or search results page exists
// (see ../shared/fixtures/README.md). These tests build them in the markup DESIGN.md records
// from independent scrapers of the site, with publication links that point at the test server,
// which serves the REAL report PDFs from ../shared/fixtures/ofsted/ (Harrow 2020 and 2025,
// Brent 2026, Birmingham 2016) under their Ofsted file ids. Birmingham's file id is not known:
// it is served under a made-up one.

private enum RealPDF: String {
    case harrow2020 = "harrow_ilacs_2020-03-16_file50149055.pdf"
    case harrow2025 = "harrow_ilacs_2025-03-04_file50270419.pdf"
    case brent2026 = "brent_ilacs_2026-06-17_file50304386_post_reform.pdf"
    case birmingham2016 = "birmingham_sif_2016-11-25.pdf"

    var fileID: String {
        switch self {
        case .harrow2020: "50149055"
        case .harrow2025: "50270419"
        case .brent2026: "50304386"
        case .birmingham2016: "90000001"
        }
    }

    var path: String { "/v1/file/\(fileID)" }

    func bytes() throws -> [UInt8] { Array(try Fixtures.data("ofsted/\(rawValue)")) }
}

/// One timeline day: a report (`fileID` and its label) or an event without one.
private struct Day {
    var datetime: String
    var text: String
    var title: String
    var fileID: String?
    var label: String?

    static func report(_ pdf: RealPDF, type: String = "Children's services inspection", published: String,
                       event: (String, String)) -> Day {
        Day(datetime: event.0, text: event.1, title: type, fileID: pdf.fileID, label: "\(type), PDF - \(published)")
    }

    static func report(id: String, type: String, published: String, event: (String, String)) -> Day {
        Day(datetime: event.0, text: event.1, title: type, fileID: id, label: "\(type), PDF - \(published)")
    }

    static func event(_ title: String, _ datetime: String, _ text: String) -> Day {
        Day(datetime: datetime, text: text, title: title)
    }
}

private func providerPage(_ name: String, base: String, _ days: [Day]) -> String {
    let items = days.map { day -> String in
        var event = "<span class=\"event__title heading--sub\">\(day.title)</span>"
        if let id = day.fileID, let label = day.label {
            event += """
                <a class="publication-link" href="\(base)/v1/file/\(id)" target="_blank">\(day.title)
                <span class="nonvisual">\(label)</span></a>
                """
        }
        return """
            <li class="timeline__day"><p class="timeline__date"><time datetime="\(day.datetime)">\(day.text)</time></p>
            <ul class="timeline__events"><li class="timeline__event">\(event)</li></ul></li>
            """
    }.joined(separator: "\n")
    return """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
        <title>\(name) - Open - Find an inspection report - Ofsted</title></head><body>
        <div class="cookie-banner">We use cookies. token=\(UUID().uuidString)</div>
        <main><h1 class="heading--title">\(name)</h1>
        <div class="timeline"><ul class="timeline__list">\(items)</ul></div></main></body></html>
        """
}

private let javascriptShell = """
    <!DOCTYPE html><html><head><title>Find an inspection report</title><script src="/static/app.js"></script></head>
    <body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript></body></html>
    """

private let harrow2020Day = Day.report(.harrow2020, published: "16 March 2020", event: ("2020-02-14", "14 February 2020"))
private let harrow2025Day = Day.report(.harrow2025, published: "04 March 2025", event: ("2025-01-24", "24 January 2025"))
private let registration = Day.event("Registration", "2007-04-01", "1 April 2007")

private func providerSource(_ extra: String = "council: Harrow") -> String {
    """
      - id: ofsted-harrow
        name: Ofsted reports for Harrow children's services
        kind: ofsted-provider
        url: {{base}}/provider/44/80499
        \(extra)
    """
}

private func serve(_ harness: Harness, _ pdfs: [RealPDF]) throws {
    for pdf in pdfs {
        harness.server.set(pdf.path, response: .ok(bytes: try pdf.bytes(), contentType: "application/pdf"))
    }
}

private func setPage(_ harness: Harness, _ days: [Day], name: String = "Harrow") {
    harness.server.set("/provider/44/80499", body: providerPage(name, base: harness.server.baseURL, days))
}

private func reportAlerts(_ harness: Harness) throws -> [Alert] {
    try harness.deliveredAlerts().filter { !$0.event.isHealth }
}

@Suite(.serialized) struct OfstedKindTests {
    @Test func baselineReadsThePDFThenANewReportAlertsOnceWithItsFindingsAgainstTheLast() async throws {
        let harness = try Harness(sources: providerSource())
        try serve(harness, [.harrow2020, .harrow2025])
        setPage(harness, [registration, harrow2020Day])

        // Baseline: the 2020 report is listed; its PDF is read, nothing is alerted.
        let first = await harness.check()
        guard case .baseline(let count) = harness.result("ofsted-harrow", first)?.outcome else {
            Issue.record("expected a baseline, got \(String(describing: harness.result("ofsted-harrow", first)?.outcome))")
            return
        }
        #expect(count == 1)  // the Registration event is not a report
        #expect(try harness.deliveredAlerts().isEmpty)
        #expect(harness.server.requests(forPath: RealPDF.harrow2020.path).count == 1)
        let stored = try harness.runtime.store.read { try $0.documents("ofsted-harrow") }
        let baselineDocument = try #require(stored[RealPDF.harrow2020.fileID])
        #expect(baselineDocument.error == nil)
        #expect(baselineDocument.findings?.overall?.grade == .good)
        #expect(baselineDocument.published == CalendarDay.date(year: 2020, month: 3, day: 16))
        // The kept copy is the PDF's bytes, named by their SHA-256.
        let keptPath = try #require(baselineDocument.path)
        #expect(keptPath.hasSuffix("/reports/\(try #require(baselineDocument.sha256)).pdf"))
        #expect(FileManager.default.contents(atPath: keptPath).map(Array.init) == (try RealPDF.harrow2020.bytes()))

        // The 2025 report appears: exactly one alert, every fact read from the reports.
        setPage(harness, [harrow2025Day, registration, harrow2020Day])
        await harness.check()
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        let link = "\(harness.server.baseURL)/v1/file/50270419"
        #expect(alert.event == .added)
        #expect(alert.key == "50270419")
        #expect(alert.title == "Ofsted: new children's services inspection report for Harrow — Inadequate")
        #expect(alert.url == link)
        let summary = try #require(alert.summary)
        #expect(summary.hasPrefix("New Ofsted report for Harrow: Children's services inspection, published 4 March 2025 (inspected 20–24 January 2025)."))
        #expect(summary.contains("Overall effectiveness: Inadequate (was Good in March 2020)"))
        #expect(summary.contains("The experiences and progress of care leavers: Inadequate (was Good)"))
        #expect(summary.contains("What needs to improve: Leadership stability and capacity"))
        #expect(summary.hasSuffix("Report: \(link)"))
        #expect(alert.findings?.overall?.grade == .inadequate)
        #expect(alert.findings?.judgements.count == 4)
        #expect(alert.item?["published"] == "2025-03-04")
        #expect(alert.item?["event_date"] == "2025-01-24")

        // Reordering, a new Registration event, a 500, a JavaScript shell and the page coming
        // back: no report alert, and no PDF fetched again.
        setPage(harness, [harrow2020Day, Day.event("Registration", "2025-06-01", "1 June 2025"), harrow2025Day, registration])
        await harness.check()
        harness.server.set("/provider/44/80499", response: .status(500))
        let failed = await harness.check()
        guard case .failed(let failure) = harness.result("ofsted-harrow", failed)?.outcome else {
            Issue.record("a 500 must fail the check")
            return
        }
        #expect(failure.kind == .httpStatus)
        harness.server.set("/provider/44/80499", body: javascriptShell)
        let shell = await harness.check()
        guard case .failed(let structure) = harness.result("ofsted-harrow", shell)?.outcome else {
            Issue.record("a JavaScript shell must fail the check, not read as no reports")
            return
        }
        #expect(structure.kind == .structure)
        #expect(structure.message.contains("publication-link"))
        setPage(harness, [harrow2025Day, harrow2020Day])
        await harness.check()

        #expect(try reportAlerts(harness).count == 1)
        #expect(try harness.items("ofsted-harrow").keys.sorted() == ["50149055", "50270419"])
        #expect(harness.server.requests(forPath: RealPDF.harrow2020.path).count == 1)
        #expect(harness.server.requests(forPath: RealPDF.harrow2025.path).count == 1)
    }

    @Test func aCorruptPDFGivesAnAlertThatSaysSoWithoutGrades() async throws {
        let harness = try Harness(sources: providerSource())
        try serve(harness, [.harrow2020])
        var corrupt = Array("%PDF-1.7\n".utf8)
        var state: UInt64 = 42
        for _ in 0..<4096 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            corrupt.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        harness.server.set(RealPDF.harrow2025.path, response: .ok(bytes: corrupt, contentType: "application/pdf"))
        setPage(harness, [harrow2020Day])
        await harness.check()
        setPage(harness, [harrow2025Day, harrow2020Day])
        await harness.check()
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.title == "Ofsted: new children's services inspection report for Harrow — could not be read")
        #expect(alert.findings == nil)
        let summary = try #require(alert.summary)
        #expect(summary.contains("The report could not be read"))
        #expect(summary.hasSuffix("Report: \(harness.server.baseURL)/v1/file/50270419"))
        #expect(Grade.allCases.allSatisfy { !summary.contains($0.rawValue) && !alert.title.contains($0.rawValue) })
        // Read once, kept, and the reason stored.
        #expect(harness.server.requests(forPath: RealPDF.harrow2025.path).count == 1)
        let document = try #require(try harness.runtime.store.read { try $0.documents("ofsted-harrow") }["50270419"])
        #expect(document.error?.contains("could not be read") == true)
        #expect(document.findings == nil)
        #expect(document.path.map { FileManager.default.fileExists(atPath: $0) } == true)
    }

    @Test func brentsReportSaysThereIsNoOverallJudgement() async throws {
        let harness = try Harness(sources: providerSource("council: Brent"))
        try serve(harness, [.brent2026])
        // No real copy of Brent's earlier reports exists: the earlier one is listed but its PDF
        // answers 404, so it is stored as unreadable and never used for a comparison.
        let earlier = Day.report(id: "50100000", type: "Children's services focused visit", published: "20 May 2023",
                                 event: ("2023-04-14", "14 April 2023"))
        let brent = Day.report(.brent2026, published: "17 June 2026", event: ("2026-05-01", "1 May 2026"))
        setPage(harness, [earlier], name: "Brent")
        await harness.check()
        let unreadable = try #require(try harness.runtime.store.read { try $0.documents("ofsted-harrow") }["50100000"])
        #expect(unreadable.error == "fetch failed: HTTP 404")

        setPage(harness, [brent, earlier], name: "Brent")
        await harness.check()
        let alerts = try reportAlerts(harness)
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.title == "Ofsted: new children's services inspection report for Brent — no overall effectiveness judgement")
        let summary = try #require(alert.summary)
        #expect(summary.contains("(inspected 27 April – 1 May 2026). No overall effectiveness judgement (framework from April 2026)."))
        #expect(summary.contains("The impact of leaders on social work practice with children and families: Good."))
        #expect(!summary.contains("Overall effectiveness:"))
        #expect(!summary.contains("(was "))
        #expect(alert.findings?.hasOverallJudgement == false)
        // The unreadable earlier report is not fetched again within six hours.
        #expect(harness.server.requests(forPath: "/v1/file/50100000").count == 1)
    }

    @Test func theCouncilNameComesFromThePageWhenNotConfigured() async throws {
        let harness = try Harness(sources: providerSource("interval: 1h"))
        try serve(harness, [.harrow2020, .harrow2025])
        setPage(harness, [harrow2020Day], name: "Harrow")
        await harness.check()
        setPage(harness, [harrow2025Day, harrow2020Day], name: "Harrow")
        await harness.check()
        let alert = try #require(try reportAlerts(harness).first)
        #expect(alert.summary?.hasPrefix("New Ofsted report for Harrow: ") == true)
    }

    @Test func aLongHistoryIsReadNewestFirstOverSeveralPasses() async throws {
        let harness = try Harness(sources: providerSource("documents_per_pass: 2"))
        try serve(harness, [.harrow2020, .harrow2025, .birmingham2016])
        let birmingham = Day.report(.birmingham2016, type: "Children's services inspection", published: "25 November 2016",
                                    event: ("2016-10-06", "6 October 2016"))
        setPage(harness, [harrow2025Day, harrow2020Day, birmingham])
        await harness.check()
        #expect(harness.server.requests(forPath: RealPDF.harrow2025.path).count == 1)
        #expect(harness.server.requests(forPath: RealPDF.harrow2020.path).count == 1)
        #expect(harness.server.requests(forPath: RealPDF.birmingham2016.path).isEmpty)
        await harness.check()
        await harness.check()
        #expect(harness.server.requests(forPath: RealPDF.birmingham2016.path).count == 1)
        let documents = try harness.runtime.store.read { try $0.documents("ofsted-harrow") }
        #expect(documents.count == 3)
        #expect(documents[RealPDF.birmingham2016.fileID]?.findings?.framework == .sif2013)
        #expect(try harness.deliveredAlerts().isEmpty)

        // The previous graded report is the latest one published before, whatever the order.
        let harrow2025 = try #require(documents[RealPDF.harrow2025.fileID]?.findings)
        let previous = OfstedProviderKind.previousGradedReport(
            before: RealPDF.harrow2025.fileID, published: CalendarDay.date(year: 2025, month: 3, day: 4),
            findings: harrow2025, in: documents)
        #expect(previous?.key == RealPDF.harrow2020.fileID)
        let previousOf2020 = OfstedProviderKind.previousGradedReport(
            before: RealPDF.harrow2020.fileID, published: CalendarDay.date(year: 2020, month: 3, day: 16),
            findings: try #require(documents[RealPDF.harrow2020.fileID]?.findings), in: documents)
        #expect(previousOf2020?.key == RealPDF.birmingham2016.fileID)
    }

    /// The reports are parts of the page: a page that answers 304 still has its waiting
    /// reports read, and the last of them, once stored, makes the checks quiet again.
    @Test func reportsLeftWaitingAreReadWhileThePageAnswers304() async throws {
        let harness = try Harness(sources: providerSource("documents_per_pass: 1"))
        try serve(harness, [.harrow2020, .harrow2025])
        let page = providerPage("Harrow", base: harness.server.baseURL, [harrow2025Day, harrow2020Day])
        harness.server.route("/provider/44/80499") { request in
            TestHTTPServer.conditional(request, etag: "v1", lastModified: nil, body: page)
        }
        await harness.check()
        #expect(harness.server.requests(forPath: RealPDF.harrow2025.path).count == 1)
        #expect(harness.server.requests(forPath: RealPDF.harrow2020.path).isEmpty)

        await harness.check()
        await harness.check()
        let pageRequests = harness.server.requests(forPath: "/provider/44/80499")
        #expect(pageRequests.count == 3)
        #expect(pageRequests.dropFirst().allSatisfy { $0.header("If-None-Match") == "\"v1\"" })
        #expect(harness.server.requests(forPath: RealPDF.harrow2020.path).count == 1)
        #expect(harness.server.requests(forPath: RealPDF.harrow2025.path).count == 1)
        let documents = try harness.runtime.store.read { try $0.documents("ofsted-harrow") }
        #expect(documents[RealPDF.harrow2020.fileID]?.findings?.framework == .ilacs2018)
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test func findingsAndHistoryCommandsReadTheStore() async throws {
        let harness = try Harness(sources: providerSource())
        try serve(harness, [.harrow2020, .harrow2025])
        setPage(harness, [harrow2020Day])
        await harness.check()
        setPage(harness, [harrow2025Day, harrow2020Day])
        await harness.check()

        let findings = try ReportWatchBinary.run(["findings", "--config", harness.configFile, "--source", "ofsted-harrow"])
        #expect(findings.status == 0, "\(findings.stderr)")
        #expect(findings.stdout.contains("2025-03-04  Children's services inspection"))
        #expect(findings.stdout.contains("overall effectiveness: Inadequate"))
        #expect(findings.stdout.contains("The experiences and progress of care leavers: Inadequate"))
        #expect(findings.stdout.contains("2020-03-16  Children's services inspection"))
        #expect(findings.stdout.contains("The experiences and progress of children in care and care leavers: Good"))
        let newest = try #require(findings.stdout.range(of: "2025-03-04"))
        let oldest = try #require(findings.stdout.range(of: "2020-03-16"))
        #expect(newest.lowerBound < oldest.lowerBound)

        let json = try ReportWatchBinary.run(["findings", "--config", harness.configFile, "--source", "ofsted-harrow", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let entries = try #require(object["entries"] as? [[String: Any]])
        #expect(entries.map { $0["overall"] as? String } == ["Inadequate", "Good"])

        let history = try ReportWatchBinary.run(["history", "--config", harness.configFile, "--source", "ofsted-harrow"])
        #expect(history.status == 0, "\(history.stderr)")
        let lines = history.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("added  50270419") == true)
        #expect(lines.first?.contains("alert=") == true)
    }
}

// MARK: - Search results

private func searchPage(_ results: [(urn: String, name: String, latest: String)], next: String?) -> String {
    let items = results.map { result in
        """
        <li class="search-result"><h3 class="search-result__title heading--sub">
        <a href="/provider/44/\(result.urn)">\(result.name)</a></h3>
        <ul class="search-result__provider-info"><li>Local authority children's services</li>
        <li>Latest report: <time datetime="\(result.latest)">\(result.latest)</time></li></ul></li>
        """
    }.joined(separator: "\n")
    let pagination = next.map { "<ul class=\"pagination\"><li><a rel=\"next\" href=\"\($0)\">Next</a></li></ul>" } ?? ""
    return "<!DOCTYPE html><html><head><title>Search</title></head><body><ul>\(items)</ul>\(pagination)</body></html>"
}

@Suite(.serialized) struct OfstedSearchKindTests {
    static let source = """
          - id: ofsted-all
            kind: ofsted-search
            url: "{{base}}/search?q=&level_1_types=3&level_2_types%5B%5D=12&rows=100"
        """

    @Test func followsPagesAndAlertsAChangedLatestReport() async throws {
        let harness = try Harness(sources: Self.source)
        harness.server.set("/search", body: searchPage([("80499", "Harrow", "2020-03-16"), ("80489", "Brent", "2023-05-20")],
                                                        next: "/search?page=2"))
        harness.server.set("/search?page=2", body: searchPage([("80486", "Barking and Dagenham", "2024-01-10")], next: nil))
        let first = await harness.check()
        guard case .baseline(let count) = harness.result("ofsted-all", first)?.outcome else {
            Issue.record("expected a baseline")
            return
        }
        #expect(count == 3)

        harness.server.set("/search", body: searchPage([("80489", "Brent", "2023-05-20"), ("80499", "Harrow", "2025-03-04")],
                                                        next: "/search?page=2"))
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.event == .changed)
        #expect(alert.key == "80499")
        #expect(alert.title == "Ofsted: new report for Harrow (4 March 2025)")
        #expect(alert.summary?.contains("latest report 4 March 2025, was 16 March 2020") == true)
        #expect(alert.url == "\(harness.server.baseURL)/provider/44/80499")

        // The second page failing fails the pass: Barking and Dagenham is not "removed".
        harness.server.set("/search?page=2", response: .status(500))
        let failed = await harness.check()
        guard case .failed = harness.result("ofsted-all", failed)?.outcome else {
            Issue.record("a failing second page must fail the pass")
            return
        }
        #expect(try harness.deliveredAlerts().count == 1)
        #expect(try harness.items("ofsted-all").count == 3)
    }

    @Test func aPageWithoutResultsIsAStructureFailure() async throws {
        let harness = try Harness(sources: Self.source)
        harness.server.set("/search", body: javascriptShell)
        let results = await harness.check()
        guard case .failed(let failure) = harness.result("ofsted-all", results)?.outcome else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.kind == .structure)
    }
}

// MARK: - Commands

@Suite struct CouncilCommandTests {
    @Test func theBundledTableFindsCouncilsByForgivingNames() throws {
        let directory = try CouncilDirectory.bundled()
        #expect(directory.councils.count >= 150)
        #expect(directory.search("Harrow").map(\.urn) == ["80499"])
        #expect(directory.search("london borough of harrow").map(\.urn) == ["80499"])
        #expect(directory.search("Harow").map(\.urn) == ["80499"])
        #expect(directory.search("80499").map(\.urn) == ["80499"])
        #expect(directory.search("Bristol").map(\.urn) == ["80441"])
        #expect(directory.search("City of Bristol").map(\.urn) == ["80441"])
        #expect(directory.search("Hull").map(\.urn) == ["80477"])
        #expect(directory.search("Kingston").count >= 2)  // upon Thames, upon Hull: ambiguous
        #expect(directory.search("Atlantis").isEmpty)
        let harrow = try #require(directory.search("Harrow").first)
        #expect(harrow.moderngovGuess == "https://moderngov.harrow.gov.uk")
        #expect(harrow.sourceID == "ofsted-harrow")
    }

    @Test func thePrintedSourceLoadsAsConfig() throws {
        let run = try ReportWatchBinary.run(["council", "Harrow"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("URN 80499"))
        #expect(run.stdout.contains("kind: ofsted-provider"))
        #expect(run.stdout.contains("url: https://reports.ofsted.gov.uk/provider/44/80499"))
        #expect(run.stdout.contains("https://moderngov.harrow.gov.uk"))
        #expect(run.stdout.contains("a guess"))

        let yaml = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("  committees") }.joined(separator: "\n")
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("reportwatch.yaml").path
        try "contact: tests@example.org\nsources:\n\(yaml)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(file: file)
        #expect(configuration.sources.first?.kindName == "ofsted-provider")
        #expect(configuration.sources.first?.id == "ofsted-harrow")

        let ambiguous = try ReportWatchBinary.run(["council", "Kingston"])
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stdout.contains("Kingston upon Thames") || ambiguous.stdout.contains("Kingston Upon Thames"))
        #expect(ambiguous.stdout.contains("Hull"))
        #expect(!ambiguous.stdout.contains("kind: ofsted-provider"))
    }
}

@Suite struct InspectReportCommandTests {
    @Test func printsDatesGradesAndImprovements() throws {
        let run = try ReportWatchBinary.run(["inspect-report", Fixtures.url("ofsted/\(RealPDF.harrow2025.rawValue)").path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Inspection dates: 20–24 January 2025 (2025-01-20 to 2025-01-24)"))
        #expect(run.stdout.contains("Overall effectiveness: Inadequate"))
        #expect(run.stdout.contains("- The experiences and progress of care leavers: Inadequate"))
        #expect(run.stdout.contains("- The impact of leaders on social work practice with children and families: Requires improvement to be good"))
        #expect(run.stdout.contains("What needs to improve:\n  - Leadership stability"))
        #expect(run.stdout.contains("Warnings: none"))
    }

    @Test func brentHasAnExplicitNoOverallJudgementAndJSON() throws {
        let path = Fixtures.url("ofsted/\(RealPDF.brent2026.rawValue)").path
        let run = try ReportWatchBinary.run(["inspect-report", path])
        #expect(run.stdout.contains("Overall effectiveness: no overall effectiveness judgement (framework from April 2026)"))
        let json = try ReportWatchBinary.run(["inspect-report", path, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["hasOverallJudgement"] as? Bool == false)
        let findings = try #require(object["findings"] as? [String: Any])
        #expect(findings["inspectionStart"] as? String == "2026-04-27")
        #expect((findings["judgements"] as? [Any])?.count == 4)
    }

    /// Ofsted once served HTML pages as report files (Bromley 2012 is one): one line says so,
    /// instead of poppler's error for every byte.
    @Test func aFileThatIsNotAPDFFails() throws {
        let path = Fixtures.url("ofsted/corpus/bromley_2012-08-17_urn80490.pdf").path
        let run = try ReportWatchBinary.run(["inspect-report", path])
        #expect(run.status == 1)
        #expect(run.stderr == "\(path): not a PDF: it is an HTML page\n")
    }
}
