import Foundation
import Testing
@testable import ReportWatchFetch
import ReportWatchTestSupport

@Suite("Where a fetch may connect")
struct AddressPolicyTests {
    @Test(arguments: [
        ("93.184.216.34", IPAddressScope.public), ("2a00:1450:4009:81f::200e", .public), ("8.8.8.8", .public),
        ("127.0.0.1", .loopback), ("127.255.0.9", .loopback), ("::1", .loopback), ("::ffff:127.0.0.1", .loopback),
        ("10.1.2.3", .private), ("172.16.0.1", .private), ("172.31.255.255", .private), ("192.168.1.1", .private),
        ("100.64.0.1", .private), ("fd00::2", .private), ("fc12::1", .private), ("::ffff:10.0.0.1", .private),
        ("64:ff9b::192.168.0.1", .private), ("2002:c0a8:0101::1", .private),
        ("169.254.169.254", .linkLocal), ("fe80::1", .linkLocal), ("fe80::1%eth0", .linkLocal),
        ("224.0.0.1", .multicast), ("239.1.1.1", .multicast), ("ff02::1", .multicast),
        ("0.0.0.0", .reserved), ("::", .reserved), ("255.255.255.255", .reserved), ("192.0.2.2", .reserved),
        ("172.32.0.1", .public), ("100.128.0.1", .public), ("11.0.0.1", .public),
    ])
    func scopes(_ address: String, _ scope: IPAddressScope) {
        #expect(IPAddressScope(address) == scope)
    }

    /// The check runs once connected and before anything is sent: the server sees no request.
    @Test func publicOnlyStopsAConnectionToLoopbackBeforeTheRequest() async throws {
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        let client = HTTPClient(userAgent: "reportwatch/test (+tests@example.org)")
        defer { client.shutdown() }
        server.set("/secret", body: "hunter2")
        var request = HTTPRequest(url: server.url("/secret"))
        request.addressPolicy = .publicOnly
        do {
            _ = try await client.send(request)
            Issue.record("connected to loopback with a public-only policy")
        } catch let error as FetchError {
            #expect(error.kind == .addressNotAllowed)
            #expect(error.message.contains("127.0.0.1 (loopback)"), "\(error.message)")
        }
        #expect(server.requests.isEmpty)
        // A redirect libcurl follows is judged on its own connection too.
        server.set("/hop", response: .redirect(to: server.url("/secret")))
        request = HTTPRequest(url: server.url("/hop"))
        let plain = try await client.send(request)
        #expect(plain.status == 200, "no policy: loopback is fine")
    }

    /// robots.txt: the first bytes up to the limit, not an error.
    @Test func aBodyPrefixCanBeKept() async throws {
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        let client = HTTPClient(userAgent: "reportwatch/test (+tests@example.org)")
        defer { client.shutdown() }
        server.set("/big", body: String(repeating: "x", count: 100_000))
        var request = HTTPRequest(url: server.url("/big"), maxBodyBytes: 1000)
        request.keepsBodyPrefix = true
        let response = try await client.send(request)
        #expect(response.status == 200)
        #expect(response.body.count == 1000)
        #expect(response.isTruncated)
        await #expect(throws: FetchError.self) {
            _ = try await client.send(HTTPRequest(url: server.url("/big"), maxBodyBytes: 1000))
        }
    }
}
