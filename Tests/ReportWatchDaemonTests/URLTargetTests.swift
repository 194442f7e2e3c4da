import Foundation
import Testing
@testable import ReportWatchDaemon

/// The host gate's key and the robots.txt verdict depend on these parts of a source's URL.
@Suite("URL targets for the host gate and robots.txt")
struct URLTargetTests {
    @Test("a URL gives its origin, and the path and query robots.txt judges")
    func parts() {
        #expect(URLTarget.parse("http://127.0.0.1:8080/p/1")
            == URLTarget(scheme: "http", host: "127.0.0.1", port: 8080, pathAndQuery: "/p/1"))
        #expect(URLTarget.parse("https://example.org?q=1")?.pathAndQuery == "/?q=1")
        #expect(URLTarget.parse("https://example.org/a?b#frag")?.pathAndQuery == "/a?b")
        #expect(URLTarget.parse("https://example.org:8443")?.origin == "https://example.org:8443")
        #expect(URLTarget.parse("not a url") == nil)
        #expect(Runtime.host(of: "https://EXAMPLE.org/a") == "example.org")
    }
}
