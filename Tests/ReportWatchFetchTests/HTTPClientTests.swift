import Foundation
import Testing
@testable import ReportWatchFetch
import ReportWatchTestSupport

@Suite("libcurl transfers against a real loopback server")
final class HTTPClientTests {
    let server: TestHTTPServer
    let client = HTTPClient(userAgent: "reportwatch/test (+tests@example.org)")

    init() throws {
        server = try TestHTTPServer()
        server.start()
    }

    deinit {
        client.shutdown()
        server.stop()
    }

    @Test func getsABodyAndHeaders() async throws {
        server.set("/page", body: "<p>hello</p>", headers: ["ETag": "\"abc\""])
        let response = try await client.send(HTTPRequest(url: server.url("/page")))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "<p>hello</p>")
        #expect(response.header("etag") == "\"abc\"")
        #expect(server.requests.first?.header("User-Agent") == "reportwatch/test (+tests@example.org)")
    }

    /// Tasks that prefer the transfer thread (as every check does) run there between rounds of
    /// I/O: many at once all get their answers, and shutting the client down while some wait
    /// ends each of them instead of leaving it suspended for ever.
    @Test func tasksOnTheTransferThreadFinishAndEndAtShutdown() async throws {
        server.set("/page", body: "<p>hello</p>")
        server.set("/slow", response: TestHTTPResponse(status: 200, body: Array("late".utf8)).delayed(by: .seconds(30)))
        let own = HTTPClient(userAgent: "reportwatch/test (+tests@example.org)")
        let statuses = await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<40 {
                group.addTask(executorPreference: own.taskExecutor) { [server] in
                    var statuses: [Int] = []
                    for _ in 0..<3 {
                        statuses.append((try? await own.send(HTTPRequest(url: server.url("/page"))).status) ?? -1)
                    }
                    return statuses
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(statuses.count == 120 && statuses.allSatisfy { $0 == 200 })

        let started = ContinuousClock.now
        let waiting = Task(executorPreference: own.taskExecutor) { [server] in
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<5 {
                    group.addTask(executorPreference: own.taskExecutor) {
                        do {
                            _ = try await own.send(HTTPRequest(url: server.url("/slow")))
                            return false
                        } catch {
                            return true
                        }
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        own.shutdown()
        let ended = await waiting.value
        #expect(ended == 5, "every transfer waiting at shutdown ends with an error")
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func sendsValidatorsAndReadsA304() async throws {
        server.route("/page") { TestHTTPServer.conditional($0, etag: "\"v1\"", lastModified: "Wed, 25 Nov 2026 10:00:00 GMT", body: "x") }
        let response = try await client.send(HTTPRequest(url: server.url("/page"), etag: "\"v1\"", lastModified: "Wed, 25 Nov 2026 10:00:00 GMT"))
        #expect(response.status == 304)
        #expect(response.body.isEmpty)
    }

    @Test func decodesGzip() async throws {
        let text = String(repeating: "<li>report</li>", count: 1000)
        server.set("/gz", response: try TestHTTPResponse.ok(text).gzipEncoded())
        let response = try await client.send(HTTPRequest(url: server.url("/gz")))
        #expect(String(decoding: response.body, as: UTF8.self) == text)
        #expect(response.wireBytes < text.utf8.count)
    }

    @Test func aGzipBombStopsAtTheDecodedSizeLimit() async throws {
        let bomb = try TestHTTPServer.gzipBomb(decompressedSize: 50_000_000)
        server.set("/bomb", response: TestHTTPResponse(status: 200, headers: ["Content-Encoding": "gzip", "Content-Type": "text/html"], body: bomb))
        await #expect {
            _ = try await client.send(HTTPRequest(url: server.url("/bomb"), maxBodyBytes: 1_000_000))
        } throws: { error in
            (error as? FetchError)?.kind == .tooLarge
        }
    }

    @Test func aBodyLargerThanDeclaredIsRefused() async throws {
        server.set("/big", body: String(repeating: "x", count: 300_000))
        await #expect {
            _ = try await client.send(HTTPRequest(url: server.url("/big"), maxBodyBytes: 100_000))
        } throws: { error in
            (error as? FetchError)?.kind == .tooLarge
        }
    }

    @Test func followsRedirectsButNotToFileURLs() async throws {
        server.set("/old", response: .redirect(to: "/new"))
        server.set("/new", body: "moved")
        let response = try await client.send(HTTPRequest(url: server.url("/old")))
        #expect(response.status == 200)
        #expect(response.url == server.url("/new"))
        #expect(response.redirectCount == 1)

        server.set("/evil", response: .redirect(to: "file:///etc/passwd"))
        await #expect {
            _ = try await client.send(HTTPRequest(url: server.url("/evil")))
        } throws: { error in
            (error as? FetchError)?.kind == .protocolNotAllowed || (error as? FetchError)?.kind == .redirect
        }
    }

    @Test func aRedirectLoopStopsAfterFive() async throws {
        server.set("/loop", response: .redirect(to: "/loop"))
        await #expect {
            _ = try await client.send(HTTPRequest(url: server.url("/loop")))
        } throws: { error in
            (error as? FetchError)?.kind == .redirect
        }
        #expect(server.requests(forPath: "/loop").count == 6)
    }

    @Test func timesOut() async throws {
        server.set("/slow", response: TestHTTPResponse.ok("late").delayed(by: .seconds(5)))
        await #expect {
            _ = try await client.send(HTTPRequest(url: server.url("/slow"), totalTimeout: .milliseconds(500)))
        } throws: { error in
            (error as? FetchError)?.kind == .timeout
        }
    }

    @Test func aDrippingServerIsBoundedByTheTotalTimeout() async throws {
        server.set("/drip", response: TestHTTPResponse.ok(String(repeating: "x", count: 100)).dripped(bytesPerSecond: 1))
        await #expect {
            _ = try await client.send(HTTPRequest(url: server.url("/drip"), totalTimeout: .seconds(1)))
        } throws: { error in
            (error as? FetchError)?.kind == .timeout
        }
    }

    @Test func connectionRefusedAndResetAreErrorsNotAnswers() async throws {
        let closed = try TestHTTPServer()
        let port = closed.port
        closed.stop()
        await #expect {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/", connectTimeout: .seconds(1)))
        } throws: { error in
            (error as? FetchError)?.kind == .connect
        }
        server.set("/reset", response: .connectionReset)
        await #expect(throws: FetchError.self) {
            _ = try await client.send(HTTPRequest(url: server.url("/reset")))
        }
        server.set("/truncated", response: TestHTTPResponse.ok(String(repeating: "y", count: 1000)).truncated(at: 100))
        await #expect(throws: FetchError.self) {
            _ = try await client.send(HTTPRequest(url: server.url("/truncated")))
        }
    }

    @Test func cancellationEndsTheTransferAtOnce() async throws {
        server.set("/hang", response: TestHTTPResponse.ok("never").delayed(by: .seconds(10)))
        let task = Task { [client, server] in try await client.send(HTTPRequest(url: server.url("/hang"))) }
        try await Task.sleep(for: .milliseconds(200))
        let started = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        // Well before the server's 10 s delay: the transfer was removed, not waited out.
        #expect(ContinuousClock.now - started < .seconds(8))
    }

    @Test func postsABody() async throws {
        server.route("/hook") { request in .ok(request.bodyString) }
        let response = try await client.send(HTTPRequest(url: server.url("/hook"), method: .post, headers: [("Content-Type", "application/json")],
                                                         body: Array("{\"a\":1}".utf8)))
        #expect(String(decoding: response.body, as: UTF8.self) == "{\"a\":1}")
        #expect(server.requests.first?.method == "POST")
    }

    @Test func manyConcurrentTransfers() async throws {
        server.set("/n", body: "ok")
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 {
                group.addTask { [client, server] in try await client.send(HTTPRequest(url: server.url("/n"))).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == 200 })
    }
}
