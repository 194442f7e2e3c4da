import Crypto
import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchFetch
import ReportWatchTestSupport
import Testing

/// A receiver's own check of the signature, written from the documented scheme rather than with
/// the channel's code.
func signatureIsValid(_ request: TestHTTPRequest, secret: String) -> Bool {
    guard let timestamp = request.header("X-Reportwatch-Timestamp"),
          let signature = request.header("X-Reportwatch-Signature"), signature.hasPrefix("sha256=") else { return false }
    let mac = HMAC<SHA256>.authenticationCode(
        for: Array("\(timestamp).".utf8) + request.body, using: SymmetricKey(data: Array(secret.utf8)))
    return signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
}

@Suite("Signed webhooks to a real receiver")
struct WebhookChannelTests {
    let context = DeliveryContext(sourceNames: HostileAlerts.sourceNames)

    func withReceiver(_ body: (TestHTTPServer, HTTPClient) async throws -> Void) async throws {
        let server = try TestHTTPServer()
        server.start()
        let client = HTTPClient(userAgent: "reportwatch-tests")
        defer {
            client.shutdown()
            server.stop()
        }
        try await body(server, client)
    }

    @Test func failuresThenSuccessWithTheSameIDAndAValidSignatureEachTime() async throws {
        try await withReceiver { server, client in
            server.sequence("/hook", [
                .status(500),
                .status(404),
                TestHTTPResponse(status: 200, body: "late").delayed(by: .seconds(3)),
                TestHTTPResponse(status: 200, body: "ok"),
            ])
            let hook = WebhookChannel(id: "hook", url: server.url("/hook"), secret: Array("topsecret".utf8),
                                      timeout: .seconds(1), client: client)
            let alert = HostileAlerts.ofsted()
            var errors: [DeliveryError] = []
            var answer: String?
            for _ in 0..<4 where answer == nil {
                do {
                    answer = try await hook.deliver(alert, context: context)
                } catch let error as DeliveryError {
                    errors.append(error)
                }
            }
            #expect(errors.map { String($0.message.lowercased().prefix(8)) } == ["http 500", "http 404", "timeout:"])
            #expect(errors[0].pausesChannel && !errors[1].pausesChannel && errors[2].pausesChannel)
            #expect(answer == "HTTP 200: ok")

            let requests = server.requests(forPath: "/hook")
            #expect(requests.count == 4)
            for request in requests {
                #expect(request.method == "POST")
                #expect(request.header("X-Reportwatch-Alert-Id") == alert.id)
                #expect(signatureIsValid(request, secret: "topsecret"))
                #expect(request.header("Content-Type") == "application/json")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
                #expect(object["id"] as? String == alert.id)
                #expect(object["schema_version"] as? Int == 1)
                #expect(object["event"] as? String == "added")
                #expect(object["findings"] is [String: Any])
            }
            #expect(!signatureIsValid(requests[0], secret: "another"))
        }
    }

    @Test func goneIsAFailure() async throws {
        try await withReceiver { server, client in
            server.set("/hook", response: .status(410))
            let hook = WebhookChannel(id: "hook", url: server.url("/hook"), client: client)
            await #expect(throws: DeliveryError.self) { _ = try await hook.deliver(HostileAlerts.ofsted()) }
        }
    }

    @Test func retryAfterIsPassedUp() async throws {
        try await withReceiver { server, client in
            server.sequence("/hook", [
                TestHTTPResponse(status: 429, headers: ["Retry-After": "120"]),
                TestHTTPResponse(status: 503, headers: ["Retry-After": TestHTTPServer.httpDate(Date().addingTimeInterval(600))]),
            ])
            let hook = WebhookChannel(id: "hook", url: server.url("/hook"), client: client)
            for expected in [120.0, 600.0] {
                do {
                    _ = try await hook.deliver(HostileAlerts.ofsted())
                    Issue.record("expected a failure")
                } catch let error as DeliveryError {
                    let seconds = try #require(error.retryAfter).seconds
                    #expect(seconds > expected - 60 && seconds <= expected + 1, "\(seconds)")
                    #expect(error.pausesChannel)
                }
            }
        }
    }

    @Test func slackTextCannotPing() async throws {
        try await withReceiver { server, client in
            server.set("/slack", response: TestHTTPResponse(status: 200, body: "ok"))
            let hook = WebhookChannel(id: "slack", url: server.url("/slack"), format: .slack, client: client)
            _ = try await hook.deliver(HostileAlerts.ofsted(), context: context)
            let body = try #require(server.requests(forPath: "/slack").first).body
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            let text = try #require(object["text"] as? String)
            #expect(!text.contains("<!channel>"))
            #expect(text.contains("&lt;!channel&gt;"))
            #expect(!text.contains("<@U123>"))
            #expect(!text.contains("<script>"))
            #expect(text.contains("Ofsted: new children's services inspection report for Harrow — Inadequate"))
            #expect(text.contains("<https://files.ofsted.gov.uk/v1/file/50270419?a=1&amp;b=\"2\"|Open the report or page>"))
        }
    }

    @Test func discordAllowsNoMentionsAndEscapesMarkdown() async throws {
        try await withReceiver { server, client in
            server.set("/discord", response: .status(204))
            let hook = WebhookChannel(id: "discord", url: server.url("/discord"), format: .discord, client: client)
            _ = try await hook.deliver(HostileAlerts.ofsted(), context: context)
            let body = try #require(server.requests(forPath: "/discord").first).body
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect((object["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
            let embed = try #require((object["embeds"] as? [[String: Any]])?.first)
            let description = try #require(embed["description"] as? String)
            #expect(!description.contains("@everyone"))
            #expect(description.contains("@\u{200B}everyone"))
            #expect(description.contains("\\<\\!channel\\>") || description.contains("\\<!channel\\>"))
            #expect(embed["url"] as? String == "https://files.ofsted.gov.uk/v1/file/50270419?a=1&b=\"2\"")
        }
    }

    @Test func teamsGetsAnAdaptiveCardWithEscapedText() async throws {
        try await withReceiver { server, client in
            server.set("/teams", response: .status(202))
            let hook = WebhookChannel(id: "teams", url: server.url("/teams"), format: .teams, client: client)
            _ = try await hook.deliver(HostileAlerts.ofsted(), context: context)
            let body = try #require(server.requests(forPath: "/teams").first).body
            let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(object["type"] as? String == "message")
            let attachment = try #require((object["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
            let card = try #require(attachment["content"] as? [String: Any])
            #expect(card["type"] as? String == "AdaptiveCard")
            let texts = (card["body"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(!texts.isEmpty)
            #expect(!texts.joined().contains("<script>"))
            #expect(!texts.joined().contains("<img"))
        }
    }

    @Test func aDigestIsOnePostWithEveryAlert() async throws {
        try await withReceiver { server, client in
            server.set("/hook", response: .status(200))
            let hook = WebhookChannel(id: "hook", url: server.url("/hook"), secret: Array("k".utf8), client: client)
            let alerts = [HostileAlerts.ofsted(), HostileAlerts.headerInjection()]
            let digest = AlertDigest(channelID: "hook", period: .weekly, scheduledAt: HostileAlerts.detected, alerts: alerts)
            _ = try await hook.deliver(digest: digest, context: context)
            let request = try #require(server.requests(forPath: "/hook").first)
            #expect(request.header("X-Reportwatch-Alert-Id") == digest.id)
            #expect(signatureIsValid(request, secret: "k"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            #expect((object["alerts"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == alerts.map(\.id))
            #expect((object["digest"] as? [String: Any])?["period"] as? String == "weekly")
        }
    }
}
