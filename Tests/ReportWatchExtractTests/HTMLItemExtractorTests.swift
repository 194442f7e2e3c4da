import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore
import ReportWatchTestSupport

@Suite("Items from HTML by XPath")
struct HTMLItemExtractorTests {
    /// The real Kingston meeting list (ModernGov markup), read as the `html` kind reads it.
    @Test func readsTheRealModernGovMeetingList() throws {
        let page = Page(url: "https://moderngov.kingston.gov.uk/ieListMeetings.aspx?CommitteeId=711",
                        body: Array(try Fixtures.data("moderngov/kingston_BrowseMeetings.html")))
        let extractor = try HTMLItemExtractor(
            items: "//li[a[contains(@class, 'mgMeetingTableLnk')]]",
            fields: [("key", "a/@href"), ("title", "a"), ("link", "a/@href"),
                     ("status", "normalize-space(substring-after(a/following-sibling::text()[1], '- '))")])
        let result = try extractor.extract(from: page)
        #expect(result.items.count == 15)
        let first = try #require(result.items.first)
        #expect(first.key == "ieListDocuments.aspx?CId=711&MId=10337&Ver=4")
        #expect(first.title == "15 Jun 2026 7:30 pm")
        #expect(first.link == "https://moderngov.kingston.gov.uk/ieListDocuments.aspx?CId=711&MId=10337&Ver=4")
        let cancelled = result.items.first { $0.key.contains("MId=10161") }
        #expect(cancelled?.fields["status"] == "CANCELLED")
        let minuted = result.items.first { $0.key.contains("MId=10221") }
        #expect(minuted?.fields["status"] == "Agenda, Decisions, Minutes")
    }

    @Test func resolvesLinksAgainstBaseHref() throws {
        let html = "<html><head><base href='https://other.example/dir/'></head><body><a class='x' href='doc.pdf'>Doc</a></body></html>"
        let extractor = try HTMLItemExtractor(items: "//a", fields: [("key", "@href"), ("link", "@href")])
        let items = try extractor.extract(from: Page(url: "https://example.org/page", body: Array(html.utf8))).items
        #expect(items.first?.link == "https://other.example/dir/doc.pdf")
    }

    @Test func normalisesWhitespace() throws {
        let html = "<ul><li><a href='/a'>  Children’s\n\t services&nbsp;report </a></li></ul>"
        let extractor = try HTMLItemExtractor(items: "//li", fields: [("key", "a/@href"), ("title", "a")])
        let items = try extractor.extract(from: Page(url: "https://example.org/", body: Array(html.utf8))).items
        #expect(items.first?.title == "Children’s services report")
    }

    @Test func itemsWithoutAKeyAreCountedNotInvented() throws {
        let html = "<ul><li><a href='/a'>A</a></li><li><span>no link</span></li><li><a href='/a'>dup</a></li></ul>"
        let extractor = try HTMLItemExtractor(items: "//li", fields: [("key", "a/@href"), ("title", "a")])
        let result = try extractor.extract(from: Page(url: "https://example.org/", body: Array(html.utf8)))
        #expect(result.items.map(\.key) == ["/a"])
        #expect(result.withoutKey == 1)
        #expect(result.duplicates == 1)
    }

    @Test func anInvalidXPathIsAnErrorNotAnEmptyMatch() {
        #expect(throws: XPathError.self) { try XPathExpression("//li[") }
        #expect(throws: XPathError.self) { try XPathExpression("") }
        do {
            _ = try XPathExpression("//li[@class=")
        } catch {
            #expect(error.description.contains("//li[@class="))
        }
    }

    @Test func aValueExpressionCannotSelectItems() throws {
        let extractor = try HTMLItemExtractor(items: "count(//li)", fields: [("key", "a/@href")])
        #expect(throws: ExtractError.self) {
            _ = try extractor.extract(from: Page(url: "https://example.org/", body: Array("<ul><li/></ul>".utf8)))
        }
    }
}

@Suite("Page charsets")
struct CharsetTests {
    let extractor = try! HTMLItemExtractor(items: "//li", fields: [("key", "@id"), ("title", ".")])

    func title(_ bytes: [UInt8], contentType: String? = nil) throws -> String? {
        try extractor.extract(from: Page(url: "https://example.org/", contentType: contentType, body: bytes)).items.first?.title
    }

    @Test func windows1252DeclaredInAMetaTag() throws {
        // "Children’s services – café" in windows-1252: ’ = 0x92, – = 0x96, é = 0xE9.
        let body: [UInt8] = Array("<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1252'></head><body><ul><li id='1'>Children".utf8)
            + [0x92] + Array("s services ".utf8) + [0x96] + Array(" caf".utf8) + [0xE9] + Array("</li></ul></body></html>".utf8)
        #expect(try title(body) == "Children’s services – café")
    }

    @Test func iso88591DeclaredInAMetaCharset() throws {
        let body: [UInt8] = Array("<html><head><meta charset=\"ISO-8859-1\"></head><body><ul><li id='1'>Caf".utf8) + [0xE9]
            + Array("</li></ul></body></html>".utf8)
        #expect(try title(body) == "Café")
    }

    @Test func theHTTPHeaderWins() throws {
        let body: [UInt8] = Array("<html><body><ul><li id='1'>Caf".utf8) + [0xE9] + Array("</li></ul></body></html>".utf8)
        #expect(try title(body, contentType: "text/html; charset=iso-8859-1") == "Café")
    }

    @Test func aUTF8ByteOrderMark() throws {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<html><body><ul><li id='1'>Café ✓</li></ul></body></html>".utf8)
        #expect(try title(body) == "Café ✓")
    }

    @Test func invalidUTF8IsRepairedWithoutGarblingTheRest() throws {
        let body: [UInt8] = Array("<html><head><meta charset='utf-8'></head><body><ul><li id='1'>Bad ".utf8) + [0xC3, 0x28]
            + Array(" then Café</li></ul></body></html>".utf8)
        #expect(try title(body) == "Bad \u{FFFD}( then Café")
    }

    @Test func undeclaredBytesThatAreNotUTF8ReadAsWindows1252() throws {
        let body: [UInt8] = Array("<html><body><ul><li id='1'>Children".utf8) + [0x92] + Array("s services, caf".utf8) + [0xE9]
            + Array(" and more text after it</li></ul></body></html>".utf8)
        #expect(try title(body) == "Children’s services, café and more text after it")
        #expect(try title(Array("<html><body><ul><li id='1'>Café ✓ 🎉</li></ul></body></html>".utf8)) == "Café ✓ 🎉")
    }

    /// Parses on many threads at once give what one thread gives: libxml2 keeps per-thread
    /// state (errors, the dictionary) and compiled expressions are borrowed per evaluation.
    @Test func threadsExtractAtOnceAsOneThreadDoes() async throws {
        let url = "https://moderngov.kingston.gov.uk/ieListMeetings.aspx?CommitteeId=711"
        let extractor = try HTMLItemExtractor(
            items: "//li[a[contains(@class, 'mgMeetingTableLnk')]]",
            fields: [("key", "a/@href"), ("title", "a"), ("link", "a/@href"),
                     ("status", "normalize-space(substring-after(a/following-sibling::text()[1], '- '))")])
        let pages = try ["moderngov/kingston_BrowseMeetings.html", "moderngov/kingston_CommitteeDetails.html", "moderngov/kingston_Agenda_412.html"]
            .map { Page(url: url, body: Array(try Fixtures.data($0))) }
        let expected = try pages.map { try extractor.extract(from: $0).items }
        #expect(expected[0].count == 15)
        let results = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<12 {
                group.addTask {
                    for round in 0..<10 {
                        let index = (task + round) % pages.count
                        guard let items = try? extractor.extract(from: pages[index]).items, items == expected[index] else { return false }
                    }
                    return true
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 12)
        #expect(results.allSatisfy { $0 }, "a parallel extraction differed from the sequential one")
    }
}
