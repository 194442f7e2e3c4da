import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore
import ReportWatchTestSupport

/// The `html` kind parses pages into a per-thread bump arena (`LibXML2.withArena`). These check
/// that what it extracts is exactly what a tree built with malloc gives, that the arena is
/// discarded and reused, and that a document kept past its scope stays valid.
@Suite("libxml2 trees in an arena")
struct ArenaTests {
    static let url = "https://moderngov.kingston.gov.uk/ieListMeetings.aspx?CommitteeId=711"

    static func extractor() throws -> HTMLItemExtractor {
        try HTMLItemExtractor(
            items: "//li[a[contains(@class, 'mgMeetingTableLnk')]]",
            fields: [("key", "a/@href"), ("title", "a"), ("link", "a/@href"),
                     ("status", "normalize-space(substring-after(a/following-sibling::text()[1], '- '))")])
    }

    static func page(_ name: String = "moderngov/kingston_BrowseMeetings.html") throws -> Page {
        Page(url: url, body: Array(try Fixtures.data(name)))
    }

    @Test func extractsTheSameItemsAsATreeBuiltWithMalloc() throws {
        let extractor = try Self.extractor()
        let page = try Self.page()
        let inArena = try extractor.extract(from: page)
        let document = try HTMLDocument(bytes: page.body, url: page.url)
        let withMalloc = try extractor.extract(from: document)
        #expect(inArena.items.count == 15)
        #expect(inArena.items == withMalloc.items)
    }

    @Test(.enabled(if: LibXML2.arenaIsAvailable, "the arena is compiled out under AddressSanitizer (make asan): parses use malloc there"))
    func theArenaIsDiscardedWholeAndReusedFromTheStart() throws {
        let page = try Self.page()
        var used: [Int] = []
        for _ in 0..<3 {
            try LibXML2.withArena { scope throws(ExtractError) in
                let document = try HTMLDocument(bytes: page.body, url: page.url, charset: nil, arena: scope)
                _ = document.root
                used.append(LibXML2.arenaBytesInUse)
            }
            #expect(LibXML2.arenaBytesInUse == 0, "no scope is open once withArena returns")
        }
        // The tree of this 60 KB page takes some hundreds of KB. Each scope starts from an empty
        // arena, so parsing the same page again takes about the same (a few hundred bytes vary
        // with the thread's first use of libxml2), never the sum of the scopes before it.
        #expect(used[0] > 10_000, "the tree was not built in the arena")
        let spread = (used.max() ?? 0) - (used.min() ?? 0)
        #expect(spread < used[0] / 10, "each scope should start from an empty arena: \(used)")
    }

    @Test func aDocumentKeptPastItsScopeStaysValid() throws {
        let page = try Self.page()
        let extractor = try Self.extractor()
        var kept: HTMLDocument?
        try LibXML2.withArena { scope throws(ExtractError) in
            kept = try HTMLDocument(bytes: page.body, url: page.url, charset: nil, arena: scope)
        }
        // Many more parses on this thread: had the kept document's slab been reused, its tree
        // would now be overwritten by theirs.
        let other = try Self.page("moderngov/kingston_Agenda_151.html")
        let anything = try HTMLItemExtractor(items: "//a", fields: [("key", "@href")])
        for _ in 0..<40 {
            _ = try anything.extract(from: other)
        }
        let document = try #require(kept)
        #expect(try extractor.extract(from: document).items.count == 15)
    }

    @Test func threadsParseInTheirOwnArenasAtOnce() async throws {
        let extractor = try Self.extractor()
        let pages = [try Self.page(), try Self.page("moderngov/kingston_CommitteeDetails.html"), try Self.page("moderngov/kingston_Agenda_412.html")]
        let expected = try pages.map { page in
            try extractor.extract(from: try HTMLDocument(bytes: page.body, url: page.url)).items
        }
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
