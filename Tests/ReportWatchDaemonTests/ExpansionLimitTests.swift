import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchExtract
import ReportWatchTestSupport

/// A page may declare an entity and use it many times: each use is text only when read, so a
/// small page can stand for hundreds of megabytes. Text read from a page is capped, and a page
/// past the cap is a structure failure, never items.
@Suite("Entity expansion is capped")
struct ExpansionLimitTests {
    /// An RSS feed of about `entityBytes` + a little, whose one item's title uses one flat
    /// entity `uses` times (no nesting, which libxml2 refuses by itself).
    static func hostileFeed(entityBytes: Int, uses: Int, in element: String = "title") -> String {
        let filler = String(repeating: "A", count: entityBytes)
        let references = String(repeating: "&big;", count: uses)
        let title = element == "title" ? references : "A hostile feed"
        let description = element == "description" ? references : "Nothing to see"
        return """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY big "\(filler)">]>
            <rss version="2.0"><channel><title>Council news</title><link>https://example.org/</link>
            <item><title>\(title)</title><link>https://example.org/news/1</link><description>\(description)</description></item>
            </channel></rss>
            """
    }

    static let source = """
          - id: news-feed
            kind: feed
            url: {{base}}/feed.rss
            failures_before_alert: 1
        """

    @Test func aFeedExpandingPastTheCapIsAStructureFailureNotItems() async throws {
        let harness = try Harness(sources: Self.source)
        // 100 KB × 200 = 20 MB of title from a 100 KB feed.
        harness.server.set("/feed.rss", response: .ok(Self.hostileFeed(entityBytes: 100_000, uses: 200), contentType: "application/rss+xml"))
        let results = await harness.check()
        let outcome = harness.result("news-feed", results)?.outcome
        guard case .failed(let failure) = outcome else {
            Issue.record("expected a structure failure, got \(String(describing: outcome).prefix(200))")
            return
        }
        #expect(failure.kind == .structure)
        #expect(failure.message.contains("entities"), "\(failure.message)")
        #expect(try harness.items("news-feed").isEmpty)
        #expect(try harness.deliveredAlerts().map(\.event) == [.structureChanged])
    }

    @Test func aFeedThatUsesItsEntitiesModestlyIsStillRead() async throws {
        let harness = try Harness(sources: Self.source)
        // 200 B × 50 = 10 KB: an entity used as a feed would use it.
        harness.server.set("/feed.rss", response: .ok(Self.hostileFeed(entityBytes: 200, uses: 50), contentType: "application/rss+xml"))
        let results = await harness.check()
        guard case .baseline(itemCount: 1) = harness.result("news-feed", results)?.outcome else {
            Issue.record("expected a baseline of one item, got \(String(describing: harness.result("news-feed", results)?.outcome))")
            return
        }
        #expect(try harness.items("news-feed").first?.value.title?.count == 10_000)
    }

    /// An entity in an attribute (a link's href) expands when the attribute is read.
    @Test func anAttributeExpandingPastTheCapIsRefusedToo() throws {
        let filler = String(repeating: "a", count: 100_000)
        let refs = String(repeating: "&big;", count: 200)
        let atom = """
            <?xml version="1.0"?>
            <!DOCTYPE feed [<!ENTITY big "\(filler)">]>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>News</title>
            <entry><title>One</title><link href="https://example.org/\(refs)"/><id>x</id></entry></feed>
            """
        #expect(throws: ExtractError.self) {
            try FeedParser.parse(Page(url: "https://example.org/feed.atom", body: Array(atom.utf8)))
        }
    }

    /// libxml2's HTML parser reads no internal subset, so a page cannot declare an entity; the
    /// same hostile text served as HTML reads as literal text of its own size.
    @Test func anHTMLPageCannotDeclareAnEntity() throws {
        let body = Self.hostileFeed(entityBytes: 100_000, uses: 200)
            .replacingOccurrences(of: "<rss version=\"2.0\">", with: "<html><body><ul>")
        let extractor = try HTMLItemExtractor(items: "//item", fields: [("key", "string(link)"), ("title", "title")])
        let page = Page(url: "https://example.org/news", body: Array(body.utf8))
        do {
            let items = try extractor.extract(from: page).items
            #expect(items.allSatisfy { ($0.title?.utf8.count ?? 0) <= body.utf8.count }, "\(items.map { $0.title?.utf8.count ?? 0 })")
        } catch {
            // Refused whole is as good.
        }
    }
}
