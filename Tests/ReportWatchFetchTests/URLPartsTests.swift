import Foundation
import Testing
import ReportWatchFetch

/// The host gate's key and the robots.txt verdict depend on these parts of a source's URL.
@Suite("URL parts for the host gate and robots.txt")
struct URLPartsTests {
    @Test("a URL gives its lower-cased host, its origin, and the path and query robots.txt judges")
    func parts() {
        #expect(URLParts(parsing: "http://127.0.0.1:8080/p/1")
            == URLParts(host: "127.0.0.1", origin: "http://127.0.0.1:8080", pathAndQuery: "/p/1"))
        #expect(URLParts(parsing: "https://example.org?q=1")?.pathAndQuery == "/?q=1")
        #expect(URLParts(parsing: "https://example.org/a?b#frag")?.pathAndQuery == "/a?b")
        #expect(URLParts(parsing: "https://example.org:8443")?.origin == "https://example.org:8443")
        #expect(URLParts(parsing: "https://EXAMPLE.org/a")?.host == "example.org")
        #expect(URLParts(parsing: "not a url") == nil)
    }
}
