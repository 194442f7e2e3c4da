import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchTestSupport

/// The hand-written split of plain URLs must give exactly what `URLComponents` gives: the host
/// gate's key and the robots.txt verdict depend on it.
@Suite("URL targets for the host gate and robots.txt")
struct URLTargetTests {
    /// Every http(s) URL in the captured pages, plus the awkward cases by hand.
    static func corpus() throws -> [String] {
        var urls: Set<String> = []
        let files = FileManager.default.enumerator(at: Fixtures.sharedDirectory, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard ["html", "xml", "json", "atom", "rss", "csv"].contains(file.pathExtension) else { continue }
            let text = try Fixtures.string(String(file.path.dropFirst(Fixtures.sharedDirectory.path.count + 1)))
            let pattern = try NSRegularExpression(pattern: "https?://[^\"'\\s<>]+")
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                urls.insert(String(text[Range(match.range, in: text)!]))
            }
        }
        urls.formUnion([
            "http://127.0.0.1:8080/p/1", "http://127.0.0.1:8080", "http://127.0.0.1:8080?x=1", "https://example.org",
            "https://example.org/", "https://example.org?", "https://example.org/a?", "https://example.org/a?b?c=d/e",
            "https://example.org/a%20b", "https://example.org/a%2", "https://example.org/a%zz", "https://example.org/a b",
            "https://example.org/a#frag", "https://example.org/a?b#frag", "https://EXAMPLE.org/", "HTTPS://example.org/",
            "https://xn--bcher-kva.example/", "https://example.xn--p1ai/", "https://example.org:0/", "https://example.org:080/",
            "https://example.org:65535/", "https://example.org:65536/", "https://example.org:/", "https://example.org:8a/",
            "https://user@example.org/", "https://user:pw@example.org/", "https://[::1]:8080/", "https://a..b/", "https://.a/",
            "https://a./", "https://-a/", "https://a-/", "https://a_b.example/", "https:///path", "https://", "http:/x",
            "ftp://example.org/", "https://example.org/ä", "https://exämple.org/", "https://example.org/a|b",
            "https://example.org/a[0]", "https://example.org/~user/(x)!$&'*+,;=:@", "https://example.org/a?q=%E2%82%AC",
            "https://reports.ofsted.gov.uk/provider/44/80449", "https://www.gov.uk/search/all?keywords=improvement+notice&order=updated-newest",
        ])
        return urls.sorted()
    }

    @Test("the fast path agrees with URLComponents on every URL it accepts, and accepts the plain ones")
    func agreesWithURLComponents() throws {
        let urls = try Self.corpus()
        #expect(urls.count > 60)
        var accepted = 0
        for url in urls {
            guard let fast = URLTarget.parsePlain(url) else { continue }
            accepted += 1
            #expect(fast == URLTarget.parseWithComponents(url), "\(url)")
        }
        // The captured pages' links are mostly plain: the fast path must take them.
        #expect(accepted * 2 > urls.count, "only \(accepted) of \(urls.count) URLs took the fast path")
        #expect(URLTarget.parsePlain("http://127.0.0.1:8080/p/1")
            == URLTarget(scheme: "http", host: "127.0.0.1", port: 8080, pathAndQuery: "/p/1"))
        #expect(URLTarget.parse("https://example.org?q=1")?.pathAndQuery == "/?q=1")
        #expect(URLTarget.parse("https://example.org:8443")?.origin == "https://example.org:8443")
    }

    @Test("URLs the fast path declines still parse as URLComponents parses them")
    func fallsBack() {
        for url in ["https://EXAMPLE.org/a", "https://xn--bcher-kva.example/", "https://user@example.org/x", "https://[::1]:8080/",
                    "https://example.org/a#frag", "https://example.org:080/", "https://example.org/a b"] {
            #expect(URLTarget.parsePlain(url) == nil, "\(url)")
            #expect(URLTarget.parse(url) == URLTarget.parseWithComponents(url), "\(url)")
        }
        #expect(URLTarget.parse("not a url") == nil)
        #expect(Runtime.host(of: "https://EXAMPLE.org/a") == "example.org")
    }
}
