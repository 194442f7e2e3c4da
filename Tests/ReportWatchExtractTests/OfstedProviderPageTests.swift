import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore
import ReportWatchTestSupport

// No real saved copy of a reports.ofsted.gov.uk provider page or search results page exists
// (see ../shared/fixtures/README.md). The pages below are built by these tests in the markup
// that DESIGN.md records from independent scrapers of the site: `li.timeline__day` with
// `p.timeline__date time`, `a.publication-link` to `https://files.ofsted.gov.uk/v1/file/{id}`
// with `span.nonvisual` "<report type>, PDF - <dd Month yyyy>"; `li.search-result` with
// `h3.search-result__title a[href^="/provider/"]`.

/// One timeline day of a provider page; `report == nil` is an event without a report.
private struct TimelineDay {
    var datetime: String
    var dateText: String
    var title: String
    var report: (href: String, label: String)?
    var linkClass = "publication-link"
}

private func providerPage(heading: String? = "Harrow", title: String = "Harrow - Open - Find an inspection report - Ofsted",
                          days: [TimelineDay]) -> String {
    let items = days.map { day -> String in
        var event = "<span class=\"event__title heading--sub\">\(day.title)</span>"
        if let report = day.report {
            event += """
                <a class="\(day.linkClass)" href="\(report.href)" target="_blank">\(day.title)
                  <span class="nonvisual">\(report.label)</span></a>
                """
        }
        return """
            <li class="timeline__day">
              <p class="timeline__date"><time datetime="\(day.datetime)">\(day.dateText)</time></p>
              <ul class="timeline__events"><li class="timeline__event">\(event)</li></ul>
            </li>
            """
    }.joined(separator: "\n")
    return """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>\(title)</title></head><body>
        <div class="cookie-banner">We use cookies</div>
        <main id="main-content">\(heading.map { "<h1 class=\"heading--title\">\($0)</h1>" } ?? "")
        <p class="address">Civic Centre, Station Road, Harrow, HA1 2XY</p>
        <div class="timeline"><ul class="timeline__list">\(items)</ul></div>
        </main></body></html>
        """
}

private let harrowDays = [
    TimelineDay(datetime: "2025-01-24", dateText: "24 January 2025", title: "Children's services inspection",
                report: ("https://files.ofsted.gov.uk/v1/file/50270419", "Children's services inspection, PDF - 04 March 2025")),
    TimelineDay(datetime: "2022-06-30", dateText: "30 June 2022", title: "Registration", report: nil),
    TimelineDay(datetime: "2020-02-14", dateText: "14 February 2020", title: "Children's services inspection",
                report: ("https://files.ofsted.gov.uk/v1/file/50149055", "Children's services inspection, pdf – 16 March 2020"),
                linkClass: "publication-link  link--external"),
]

private func page(_ html: String, url: String = "https://reports.ofsted.gov.uk/provider/44/80499") -> Page {
    Page(url: url, status: 200, contentType: "text/html; charset=utf-8", body: Array(html.utf8))
}

private func day(_ year: Int, _ month: Int, _ day: Int) throws -> Date {
    try #require(CalendarDay.date(year: year, month: month, day: day))
}

@Suite struct OfstedProviderPageTests {
    @Test func readsReportsWithTypesDatesAndKeys() throws {
        let listing = try OfstedProviderPage.listing(from: page(providerPage(days: harrowDays)))
        #expect(listing.providerName == "Harrow")
        #expect(listing.reportLinkCount == 2)
        #expect(listing.reports.map(\.fileID) == ["50270419", "50149055"])
        let latest = try #require(listing.reports.first)
        #expect(latest.type == "Children's services inspection")
        #expect(latest.link == "https://files.ofsted.gov.uk/v1/file/50270419")
        #expect(latest.published == (try day(2025, 3, 4)))
        #expect(latest.eventDate == (try day(2025, 1, 24)))
        // Lower-case "pdf", an en dash, and a class attribute with other words.
        let older = try #require(listing.reports.last)
        #expect(older.type == "Children's services inspection")
        #expect(older.published == (try day(2020, 3, 16)))
        #expect(older.eventDate == (try day(2020, 2, 14)))
    }

    @Test func eventsWithoutReportsAreNotReports() throws {
        let listing = try OfstedProviderPage.listing(from: page(providerPage(days: [harrowDays[1]] + harrowDays)))
        #expect(listing.reports.count == 2)
        #expect(!listing.reports.contains { $0.type == "Registration" })
    }

    @Test func aJavaScriptShellHasNoReportLinks() throws {
        let shell = """
            <!DOCTYPE html><html><head><title>Find an inspection report</title><script src="/static/app.js"></script></head>
            <body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript></body></html>
            """
        let listing = try OfstedProviderPage.listing(from: page(shell))
        #expect(listing.reportLinkCount == 0)
        #expect(listing.reports.isEmpty)
        #expect(listing.providerName == "Find an inspection report")
    }

    @Test func linksWithoutAFileIDAreCountedNotKept() throws {
        var days = harrowDays
        days.append(TimelineDay(datetime: "2019-01-01", dateText: "1 January 2019", title: "Monitoring visit",
                                report: ("/provider/44/80499/something-else", "Monitoring visit, PDF - 01 February 2019")))
        days.append(harrowDays[0])  // the same report twice: kept once
        let listing = try OfstedProviderPage.listing(from: page(providerPage(days: days)))
        #expect(listing.reportLinkCount == 4)
        #expect(listing.linksWithoutFileID == 1)
        #expect(listing.reports.map(\.fileID) == ["50270419", "50149055"])
    }

    @Test func providerNameFallsBackToTheTitle() throws {
        let listing = try OfstedProviderPage.listing(from: page(providerPage(heading: nil, days: harrowDays)))
        #expect(listing.providerName == "Harrow")
    }

    @Test func relativeLinksResolveAgainstThePage() throws {
        let days = [TimelineDay(datetime: "2025-01-24", dateText: "24 January 2025", title: "Monitoring visit",
                                report: ("/v1/file/123?download=1", "Monitoring visit, PDF - 04 March 2025"))]
        let listing = try OfstedProviderPage.listing(from: page(providerPage(days: days), url: "http://127.0.0.1:8080/provider/44/1"))
        #expect(listing.reports.first?.fileID == "123")
        #expect(listing.reports.first?.link == "http://127.0.0.1:8080/v1/file/123?download=1")
    }

    @Test func labels() throws {
        let cases: [(String, String, Date?)] = [
            ("Children's services inspection, PDF - 04 March 2025", "Children's services inspection", try day(2025, 3, 4)),
            ("Monitoring visit, pdf - 4 Mar 2025", "Monitoring visit", try day(2025, 3, 4)),
            ("Joint area child protection inspection, PDF — 12 December 2023", "Joint area child protection inspection", try day(2023, 12, 12)),
            ("Area SEND full inspection,  Pdf  -  30 September 2024", "Area SEND full inspection", try day(2024, 9, 30)),
            ("Focused visit, PDF - 31 February 2024", "Focused visit", nil),  // not a calendar day: no date
            ("Focused visit", "Focused visit", nil),
        ]
        for (label, type, date) in cases {
            let described = OfstedProviderPage.describe(label)
            #expect(described.type == type, "\(label)")
            #expect(described.published == date, "\(label)")
        }
        #expect(OfstedProviderPage.fileID(fromLink: "https://files.ofsted.gov.uk/v1/file/50270419") == "50270419")
        #expect(OfstedProviderPage.fileID(fromLink: "https://files.ofsted.gov.uk/v1/file/50270419#page=2") == "50270419")
        #expect(OfstedProviderPage.fileID(fromLink: "https://files.ofsted.gov.uk/v1/file/") == nil)
        #expect(OfstedProviderPage.fileID(fromLink: "/provider/44/80499") == nil)
        #expect(OfstedProviderPage.isoText(try day(2025, 3, 4)) == "2025-03-04")
        #expect(OfstedProviderPage.isoDay("2025-03-04T10:00:00Z") == (try day(2025, 3, 4)))
    }
}

// MARK: - Search results

private func searchPage(_ results: [(href: String, name: String, latest: String?)], next: String? = nil,
                        nextStyle: String = "rel") -> String {
    let items = results.map { result -> String in
        let latest = result.latest.map { date -> String in
            let shown = OfstedProviderPage.isoDay(date).map(CalendarDay.longText) ?? date
            return "<li>Latest report: <time datetime=\"\(date)\">\(shown)</time></li>"
        } ?? ""
        return """
            <li class="search-result">
              <h3 class="search-result__title heading--sub"><a href="\(result.href)">\(result.name)</a></h3>
              <ul class="search-result__provider-info"><li>Local authority children's services</li>
                <li>Registered: <time datetime="2007-04-01">1 April 2007</time></li>\(latest)</ul>
            </li>
            """
    }.joined(separator: "\n")
    var pagination = ""
    if let next {
        pagination = nextStyle == "rel"
            ? "<nav class=\"pagination\"><a rel=\"next\" href=\"\(next)\">Next page</a></nav>"
            : "<nav class=\"pagination\"><a href=\"?page=1\">Previous</a> <a href=\"\(next)\">Next</a></nav>"
    }
    return """
        <!DOCTYPE html><html><head><title>Search - Find an inspection report - Ofsted</title></head><body>
        <p class="search-results__count">\(results.count) results</p>
        <ul class="results-list">\(items)</ul>\(pagination)</body></html>
        """
}

@Suite struct OfstedSearchPageTests {
    @Test func readsProvidersURNsAndLatestReports() throws {
        let html = searchPage([
            ("/provider/44/80499", "Harrow", "2025-03-04"),
            ("/provider/44/80489", "Brent", "2026-06-17"),
            ("/provider/44/80486", "Barking and Dagenham", nil),
        ], next: "/search?page=2&rows=100")
        let results = try OfstedSearchPage.results(from: page(html, url: "https://reports.ofsted.gov.uk/search?q=&rows=100"))
        #expect(results.resultCount == 3)
        #expect(results.providers.map(\.urn) == ["80499", "80489", "80486"])
        #expect(results.providers.first?.name == "Harrow")
        #expect(results.providers.first?.link == "https://reports.ofsted.gov.uk/provider/44/80499")
        // The date next to "Latest report", not the registration date.
        #expect(results.providers.first?.latestReport == (try day(2025, 3, 4)))
        #expect(results.providers.last?.latestReport == nil)  // its only date is the registration's
        #expect(results.nextPage == "https://reports.ofsted.gov.uk/search?page=2&rows=100")
    }

    @Test func aNextLinkByItsWords() throws {
        let html = searchPage([("/provider/44/80499", "Harrow", "2025-03-04")], next: "?page=3", nextStyle: "text")
        let results = try OfstedSearchPage.results(from: page(html, url: "https://reports.ofsted.gov.uk/search?page=2"))
        #expect(results.nextPage == "https://reports.ofsted.gov.uk/search?page=3")
        let last = try OfstedSearchPage.results(from: page(searchPage([("/provider/44/80499", "Harrow", nil)])))
        #expect(last.nextPage == nil)
    }

    @Test func urns() {
        #expect(OfstedSearchPage.urn(fromLink: "/provider/44/80499") == "80499")
        #expect(OfstedSearchPage.urn(fromLink: "https://reports.ofsted.gov.uk/provider/44/80499?x=1") == "80499")
        #expect(OfstedSearchPage.urn(fromLink: "/search?q=harrow") == nil)
    }
}

// MARK: - Extraction accuracy over the real reports

/// What each real report says (read from the PDFs by a person; see ../shared/fixtures/README.md),
/// and the share of it reportwatch extracts. Every date and every grade counts as one fact;
/// "no overall judgement" counts as a fact for Brent's post-reform report.
@Suite struct OfstedExtractionAccuracy {
    struct Expected {
        var file: String
        var start: (Int, Int, Int)
        var end: (Int, Int, Int)
        var overall: Grade?
        /// Depth-first, sub-judgements after their parent.
        var grades: [Grade]
    }

    static let reports = [
        Expected(file: "harrow_ilacs_2025-03-04_file50270419.pdf", start: (2025, 1, 20), end: (2025, 1, 24),
                 overall: .inadequate, grades: [.requiresImprovement, .good, .good, .inadequate]),
        Expected(file: "harrow_ilacs_2020-03-16_file50149055.pdf", start: (2020, 2, 10), end: (2020, 2, 14),
                 overall: .good, grades: [.good, .good, .good]),
        Expected(file: "brent_ilacs_2026-06-17_file50304386_post_reform.pdf", start: (2026, 4, 27), end: (2026, 5, 1),
                 overall: nil, grades: [.good, .good, .good, .good]),
        Expected(file: "birmingham_sif_2016-11-25.pdf", start: (2016, 9, 12), end: (2016, 10, 6),
                 overall: .inadequate, grades: [.inadequate, .requiresImprovement, .requiresImprovement, .requiresImprovement, .inadequate]),
    ]

    @Test func datesAndGradesOfTheFourRealReports() async throws {
        var correct = 0
        var total = 0
        var lines: [String] = []
        for expected in Self.reports {
            let path = Fixtures.url("ofsted/\(expected.file)").path
            let findings = OfstedReportParser.parse(text: try await PDFTextExtractor().text(ofPDFAt: path))
            var right = 0
            var facts = 0
            func count(_ ok: Bool) {
                facts += 1
                if ok { right += 1 }
            }
            count(findings.inspectionStart == CalendarDay.date(year: expected.start.0, month: expected.start.1, day: expected.start.2))
            count(findings.inspectionEnd == CalendarDay.date(year: expected.end.0, month: expected.end.1, day: expected.end.2))
            count(findings.overall?.grade == expected.overall)
            let read = findings.allJudgements.map(\.grade)
            for (index, grade) in expected.grades.enumerated() {
                count(read.indices.contains(index) && read[index] == grade)
            }
            // A grade read that the report does not have counts against.
            if read.count > expected.grades.count {
                facts += read.count - expected.grades.count
            }
            lines.append("\(expected.file): \(right)/\(facts)")
            correct += right
            total += facts
        }
        let summary = "Ofsted extraction accuracy (dates and grades): \(correct)/\(total) — " + lines.joined(separator: "; ")
        print(summary)
        #expect(total == 28)
        #expect(correct == total, "\(summary)")
    }
}
