import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchTestSupport
import Testing

@Suite("An Atom feed that feedparser reads")
struct AtomChannelTests {
    static let parse = """
        import feedparser, json, sys
        d = feedparser.parse(sys.argv[1])
        print(json.dumps({"bozo": d.bozo, "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
            "feed_id": d.feed.get("id"), "title": d.feed.get("title"),
            "entries": [{"id": e.id, "title": e.title, "link": e.get("link"), "summary": e.get("summary"),
                         "content": e.content[0].value if e.get("content") else None, "updated": e.updated}
                        for e in d.entries]}))
        """

    struct Parsed: Decodable {
        struct Entry: Decodable {
            var id: String
            var title: String
            var link: String?
            var summary: String?
            var content: String?
            var updated: String
        }
        var bozo: Bool
        var bozo_exception: String
        var version: String
        var feed_id: String?
        var title: String?
        var entries: [Entry]
    }

    @Test func theFeedIsValidNewestFirstAndEscaped() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let feedPath = directory.appendingPathComponent("public/alerts.xml").path
        let atom = AtomChannel(id: "feed", path: feedPath, maxEntries: 2, statePath: directory.appendingPathComponent("state/atom-feed.json").path)
        let context = DeliveryContext(sourceNames: HostileAlerts.sourceNames)

        var first = HostileAlerts.headerInjection()
        first.detectedAt = HostileAlerts.detected
        var second = HostileAlerts.ofsted()
        second.detectedAt = HostileAlerts.detected.addingTimeInterval(60)
        var third = HostileAlerts.headerInjection()
        third.title = "Cabinet <script>x</script> & \u{0001}control"
        third.url = "https://moderngov.harrow.gov.uk/ieListDocuments.aspx?CId=249&MId=123"
        third.detectedAt = HostileAlerts.detected.addingTimeInterval(120)
        for alert in [first, second, third] { _ = try await atom.deliver(alert, context: context) }
        // Delivered again after a crash: still one entry.
        _ = try await atom.deliver(third, context: context)

        let output = try Python.run(Self.parse, arguments: [feedPath])
        let parsed = try JSONDecoder().decode(Parsed.self, from: Data(output.utf8))
        #expect(!parsed.bozo, "\(parsed.bozo_exception)")
        #expect(parsed.version == "atom10")
        #expect(parsed.feed_id == atom.feedID)
        #expect(parsed.entries.map(\.id) == ["urn:uuid:\(third.id)", "urn:uuid:\(second.id)"])
        let top = try #require(parsed.entries.first)
        #expect(top.title == "Harrow Cabinet: new — Cabinet <script>x</script> & control")
        #expect(top.link == "https://moderngov.harrow.gov.uk/ieListDocuments.aspx?CId=249&MId=123")
        #expect(!(top.content ?? "").contains("<script>"))
        #expect(parsed.entries[1].title == "Ofsted: new children's services inspection report for Harrow — Inadequate")
        #expect((parsed.entries[1].content ?? "").contains("Overall effectiveness"))

        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (feedPath as NSString).deletingLastPathComponent)
        #expect(leftovers == ["alerts.xml"], "no temporary files are left behind")
    }
}
