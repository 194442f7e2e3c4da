import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchTestSupport

// Kent County Council's real Cabinet papers (../shared/fixtures/moderngov/papers) through the
// real pdftotext, in reading order, as committee papers are read.
@Suite("Committee papers: pages, sentences and quotes")
struct PaperTextTests {
    static func read(_ name: String, maxPages: Int = 60) async throws -> PaperText {
        let path = Fixtures.url("moderngov/papers/\(name)").path
        let raw = try await PDFTextExtractor(lastPage: maxPages + 1, layout: false).text(ofPDFAt: path)
        return PaperText.pdf(raw, maxPages: maxPages)
    }

    @Test func report24_00109QuotesWholeSentencesFromItsBodyWithTheirPages() async throws {
        let text = try await Self.read("kent_cabinet_2025-01-30_24-00109_strengthening-independence-18-25_report.pdf")
        #expect(text.pages.count == 9)
        #expect(text.cutShort == nil)
        let (matched, quotes) = text.quotes(for: ["care leavers"])
        #expect(matched == ["care leavers"])
        #expect(quotes.map(\.page) == [3, 4, 4])
        #expect(quotes.first?.sentence == "The Care Leavers Service will continue to support young adults, who are also known to the 18-25 SIS, up to age 25, particularly those aged 18 – 21, to transition from being previously looked after to independence.")
        #expect(quotes.last?.sentence == "There are currently 2000+ care leavers in Kent.")
        // A sentence that runs over a page break is one sentence, on the page where the match is.
        let over = text.quotes(for: ["local authority social care functions"]).quotes
        #expect(over.first?.page == 2)
        #expect(over.first?.sentence == "These duties involve ensuring the delivery of local authority social care functions for children and young people.")
    }

    @Test func eachKeywordIsQuotedBeforeAnyIsQuotedTwice() async throws {
        let text = try await Self.read("kent_cabinet_2025-01-30_24-00109_strengthening-independence-18-25_report.pdf")
        let (matched, quotes) = text.quotes(for: ["safeguarding", "SEND", "care leavers"])
        #expect(matched == ["safeguarding", "SEND", "care leavers"])
        #expect(Set(quotes.map(\.keyword)) == ["safeguarding", "SEND", "care leavers"])
        #expect(quotes.count == 3)
        #expect(quotes.map(\.page) == quotes.map(\.page).sorted { ($0 ?? 0) < ($1 ?? 0) })
    }

    @Test func theBudgetReportAndTheFrontSheetMatchNothing() async throws {
        for name in ["kent_cabinet_2025-01-30_24-00108_budget-monitoring_report.pdf", "kent_cabinet_2025-01-30_agenda-frontsheet.pdf"] {
            let text = try await Self.read(name)
            #expect(text.quotes(for: ["care leavers", "SEND", "safeguarding"]).matched.isEmpty, "\(name)")
        }
    }

    @Test func thePageLimitCutsTheTextShortAndSaysSo() async throws {
        let text = try await Self.read("kent_cabinet_2025-01-30_24-00109_strengthening-independence-18-25_report.pdf", maxPages: 3)
        #expect(text.pages.count == 3)
        #expect(text.cutShort == "only its first 3 pages were read")
        #expect(text.quotes(for: ["care leavers"]).quotes.map(\.page) == [3])
        let whole = try await Self.read("kent_cabinet_2025-01-30_24-00108_budget-monitoring_report.pdf", maxPages: 4)
        #expect(whole.cutShort == nil, "exactly at the limit is not cut short")
    }

    @Test func wordsHyphenatedAtLineEndsAreJoined() {
        #expect(PaperText.dehyphenated(["the Strengthen-", "ing Independence Service"]) == ["the Strengthening Independence Service"])
        // Not a word broken in two: kept.
        #expect(PaperText.dehyphenated(["aged 18-", "25 years"]) == ["aged 18-", "25 years"])
        #expect(PaperText.dehyphenated(["Children, Young People -", "Education"]) == ["Children, Young People -", "Education"])
        let text = PaperText.pdf("Support for care lea-\nvers is set out here.\u{0C}", maxPages: 60)
        #expect(text.quotes(for: ["care leavers"]).quotes.first?.sentence == "Support for care leavers is set out here.")
    }

    @Test func runningHeadersFootersAndPageNumbersAreLeftOut() {
        let page = { (n: Int, body: String) in
            "Kent County Council\nCabinet – 30 January 2025\n\(body)\nPage \(n) of 3\n\n\u{0C}"
        }
        let raw = page(1, "The council supports care") + page(2, "leavers until they are 25.") + page(3, "Nothing more is said here.")
        let text = PaperText.pdf(raw, maxPages: 60)
        #expect(text.pages == ["The council supports care", "leavers until they are 25.", "Nothing more is said here."])
        let quotes = text.quotes(for: ["care leavers", "Kent County Council"])
        #expect(quotes.matched == ["care leavers"])
        #expect(quotes.quotes == [PaperText.Quote(page: 1, sentence: "The council supports care leavers until they are 25.", keyword: "care leavers")])
    }

    @Test(arguments: [
        ("Ofsted visited in 2024. The SEND service improved.", ["Ofsted visited in 2024.", "The SEND service improved."]),
        ("See e.g. the SEND plan. Then more.", ["See e.g. the SEND plan.", "Then more."]),
        ("Cabinet is asked to:\nA. Agree the plan; and\nB. Delegate authority.", ["Cabinet is asked to:", "A. Agree the plan; and", "B. Delegate authority."]),
        ("1.4 The Care Leavers Service will continue.\n1.5 The SEND service will too.", ["1.4 The Care Leavers Service will continue.", "1.5 The SEND service will too."]),
        ("• first point\n• second point", ["• first point", "• second point"]),
    ])
    func sentences(_ text: String, _ expected: [String]) {
        let found = PaperText.sentences(in: text).map { Text.normalise(String(text[$0])) }
        #expect(found == expected)
    }

    @Test func quotesLeaveOutListMarkersAndCutARunawaySentence() {
        #expect(PaperText.quotable("1.4 The Care Leavers Service", keyword: "care leavers") == "The Care Leavers Service")
        #expect(PaperText.quotable("• Young adults (SEND)", keyword: "SEND") == "Young adults (SEND)")
        let table = Array(repeating: "cell", count: 150).joined(separator: " ") + " SEND " + Array(repeating: "cell", count: 150).joined(separator: " ")
        let quote = PaperText.quotable(table, keyword: "SEND")
        #expect(quote.count <= 404)
        #expect(quote.hasPrefix("…") && quote.hasSuffix(" …") && quote.contains("SEND"))
    }

    @Test func htmlAndPlainTextAreReadAsTheyAre() throws {
        let html = "<html><head><style>p{}</style><script>var SEND = 1;</script></head><body><nav><a href='/cs'>Care leavers</a></nav><h1>Report</h1><p>Support for <b>care</b>\nleavers is set out here.</p><footer>SEND us feedback</footer></body></html>"
        let text = try PaperText.html(Array(html.utf8), url: "https://example.org/a.htm", charset: "utf-8")
        let quotes = text.quotes(for: ["care leavers", "SEND"])
        #expect(quotes.matched == ["care leavers"])
        #expect(quotes.quotes.first?.page == nil)
        #expect(quotes.quotes.first?.sentence == "Report Support for care leavers is set out here.")
        let plain = PaperText.plain(Array("Minutes.\nThe SEND report was noted.".utf8))
        #expect(plain.quotes(for: ["SEND"]).quotes.first?.sentence == "The SEND report was noted.")
    }
}
