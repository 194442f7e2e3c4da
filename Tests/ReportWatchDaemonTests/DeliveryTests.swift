import Crypto
import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

/// A webhook receiver that checks every signature and answers from a script of responses.
final class WebhookReceiver: @unchecked Sendable {
    struct Received {
        var alertID: String
        var validSignature: Bool
        var status: Int
        var body: [String: Any]
    }

    private let lock = NSLock()
    private var script: [TestHTTPResponse]
    private var fallback: TestHTTPResponse
    private var log: [Received] = []
    let secret: String

    init(secret: String = "webhook-secret", script: [TestHTTPResponse] = [], then fallback: TestHTTPResponse = .status(200)) {
        self.secret = secret
        self.script = script
        self.fallback = fallback
    }

    func answer(_ request: TestHTTPRequest) -> TestHTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        let valid = Self.verify(request, secret: secret)
        let response = valid ? (script.isEmpty ? fallback : script.removeFirst()) : .status(401)
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]) ?? [:]
        log.append(Received(alertID: request.header("X-Reportwatch-Alert-Id") ?? "", validSignature: valid,
                            status: response.status, body: body))
        return response
    }

    func respond(with response: TestHTTPResponse) {
        lock.lock()
        script = []
        fallback = response
        lock.unlock()
    }

    var received: [Received] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    /// The receiver's own check, written from the documented scheme.
    static func verify(_ request: TestHTTPRequest, secret: String) -> Bool {
        guard let timestamp = request.header("X-Reportwatch-Timestamp"),
              let signature = request.header("X-Reportwatch-Signature") else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(timestamp).".utf8) + request.body, using: SymmetricKey(data: Array(secret.utf8)))
        return signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}

/// The runtime the service uses, with its time under the test's control.
final class DeliveryWorld: @unchecked Sendable {
    let server: TestHTTPServer
    let directory: URL
    let clock: ManualClock
    let logs = LogCapture()
    let runtime: Runtime
    let receiver: WebhookReceiver
    let configFile: String

    /// `channels` is the `channels:` list; `{{base}}` is the server, `{{dir}}` the directory,
    /// `{{secret}}` the webhook secret file.
    init(channels: String, extra: String = "", sources: String = newsSource, receiver: WebhookReceiver = WebhookReceiver(),
         start: Date = Date(timeIntervalSince1970: 1_795_683_600)) throws {
        server = try TestHTTPServer()
        server.start()
        directory = try Fixtures.temporaryDirectory()
        clock = ManualClock(start)
        self.receiver = receiver
        let secretFile = directory.appendingPathComponent("webhook.secret").path
        try (receiver.secret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        server.route("/hook") { receiver.answer($0) }
        let base = server.baseURL, folder = directory.path
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{{base}}", with: base)
                .replacingOccurrences(of: "{{dir}}", with: folder)
                .replacingOccurrences(of: "{{secret}}", with: secretFile)
        }
        let yaml = """
            state_directory: \(directory.path)/state
            contact: tests@example.org
            politeness: {min_gap: 0s, max_per_host: 4}
            http: {connect_timeout: 2s, timeout: 2s}
            \(extra)
            sources:
            \(fill(sources))
            channels:
            \(fill(channels))
            """
        configFile = directory.appendingPathComponent("reportwatch.yaml").path
        try yaml.write(toFile: configFile, atomically: true, encoding: .utf8)
        runtime = try Runtime(configuration: try Configuration.load(file: configFile), logger: logs.logger, clock: clock)
    }

    deinit {
        runtime.shutdown()
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A scheduler pass: check every source, then deliver what is due (no forcing).
    @discardableResult
    func pass() async -> Deliverer.Report {
        _ = await runtime.checkAll()
        return await runtime.deliverer.deliver()
    }

    func jsonl(_ name: String) throws -> [Alert] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try Alert.jsonDecoder().decode(Alert.self, from: Data($0.utf8))
        }
    }

    func state(_ alertID: String, _ channel: String) throws -> String? {
        try runtime.store.read { try $0.deliveryState(alertID: alertID, channel: channel) }
    }
}

let hookChannel = """
      - id: hook
        kind: webhook
        url: {{base}}/hook
        secret_file: {{secret}}
        timeout: 1s
    """

let logChannel = """
      - id: log
        kind: jsonl
        path: {{dir}}/log.jsonl
    """

func reports(_ count: Int, from first: Int = 10) -> [(href: String, title: String, date: String)] {
    (first..<(first + count)).map { ("/r/\($0)", "Report \($0)", "2026-11-\(10 + $0 % 18)") }
}

@Suite("Each alert delivered exactly once to every channel it belongs to")
struct DeliveryTests {
    @Test func routingSendsEachAlertOnlyWhereItBelongs() async throws {
        let world = try DeliveryWorld(channels: """
              - id: all
                kind: jsonl
                path: {{dir}}/all.jsonl
              - id: news-only
                kind: jsonl
                path: {{dir}}/news.jsonl
                sources: [news]
              - id: removals
                kind: jsonl
                path: {{dir}}/removed.jsonl
                events: [removed]
              - id: feed
                kind: atom
                path: {{dir}}/feed.xml
                sources: [other]
            """, sources: newsSource + """

              - id: other
                kind: html
                url: {{base}}/other
                items: "//li[@class='report']"
                fields: {key: "a/@href", title: "a", link: "a/@href"}
            """)
        world.server.set("/news", body: newsPage(twoReports))
        world.server.set("/other", body: newsPage(twoReports))
        await world.pass()
        world.server.set("/news", body: newsPage([("/r/3", "New report", "2026-11-20"), twoReports[0]]))
        world.server.set("/other", body: newsPage([("/r/4", "Other report", "2026-11-21")] + twoReports))
        await world.pass()
        await world.pass()
        #expect(try world.jsonl("all.jsonl").map(\.event).sorted { $0.rawValue < $1.rawValue } == [.added, .added, .removed])
        #expect(try world.jsonl("news.jsonl").allSatisfy { $0.source == "news" })
        #expect(try world.jsonl("news.jsonl").count == 2)
        #expect(try world.jsonl("removed.jsonl").map(\.title) == ["Scrutiny minutes"])
        let feed = try String(contentsOfFile: world.directory.appendingPathComponent("feed.xml").path, encoding: .utf8)
        let other = try #require(try world.jsonl("all.jsonl").first { $0.source == "other" })
        #expect(feed.components(separatedBy: "<entry>").count == 2)
        #expect(feed.contains("<id>urn:uuid:\(other.id)</id>"))
    }

    @Test func aWebhookThatFailsThreeWaysThenSucceedsGetsTheAlertOnce() async throws {
        let receiver = WebhookReceiver(script: [
            .status(500),
            .status(404),
            TestHTTPResponse(status: 200, body: "too late").delayed(by: .seconds(3)),
        ], then: .status(200))
        let world = try DeliveryWorld(channels: hookChannel + "\n" + logChannel,
                                      extra: "delivery: {initial_backoff: 30s, max_backoff: 10m}", receiver: receiver)
        world.server.set("/news", body: newsPage(twoReports))
        await world.pass()
        world.server.set("/news", body: newsPage([("/r/3", "Ofsted monitoring visit letter", "2026-11-20")] + twoReports))
        await world.pass()
        let alert = try #require(try world.jsonl("log.jsonl").first)
        for _ in 0..<8 where try world.state(alert.id, "hook") != "delivered" {
            world.clock.advance(11 * 60)
            await world.runtime.deliverer.deliver()
        }
        let received = receiver.received
        #expect(received.map(\.status) == [500, 404, 200, 200], "the third answer came after the timeout")
        #expect(received.allSatisfy { $0.alertID == alert.id && $0.validSignature })
        #expect(received.allSatisfy { $0.body["id"] as? String == alert.id && $0.body["schema_version"] as? Int == 1 })
        #expect(try world.state(alert.id, "hook") == "delivered")
        for _ in 0..<3 {
            world.clock.advance(3600)
            await world.pass()
        }
        #expect(receiver.received.count == 4, "nothing is sent again once confirmed")
        #expect(try world.jsonl("log.jsonl").count == 1)
    }

    @Test func aChannelDownForManyPassesGetsEveryAlertOnceWhenItComesBack() async throws {
        let receiver = WebhookReceiver(then: .status(503))
        let world = try DeliveryWorld(channels: hookChannel + "\n" + logChannel, receiver: receiver)
        world.server.set("/news", body: newsPage(twoReports))
        await world.pass()
        for pass in 1...4 {
            world.clock.advance(60)
            world.server.set("/news", body: newsPage(reports(pass) + twoReports))
            await world.pass()
            // The other channel is not held up by the one that is down.
            #expect(try world.jsonl("log.jsonl").count == pass)
        }
        // A channel that is down waits as a whole: only its oldest alert is tried, with backoff,
        // rather than every alert on every pass.
        let whileDown = receiver.received
        let oldest = try #require(try world.jsonl("log.jsonl").first).id
        #expect(whileDown.allSatisfy { $0.alertID == oldest }, "\(whileDown.map(\.alertID))")
        #expect(whileDown.count <= 4)
        print("measure: \(whileDown.count) requests to the down channel over 4 passes with 4 alerts")
        receiver.respond(with: .status(200))
        world.clock.advance(2 * 3600)
        await world.pass()
        let delivered = receiver.received.filter { $0.status == 200 }.map(\.alertID)
        let logged = try world.jsonl("log.jsonl").map(\.id)
        #expect(delivered == logged, "every alert once, oldest first")
        world.clock.advance(3600)
        await world.pass()
        #expect(receiver.received.filter { $0.status == 200 }.count == 4)
    }

    /// A JSON Lines channel takes a pass's alerts together (one append, one fsync, one
    /// transaction): when the file cannot be written none counts as delivered, and once it
    /// can, each alert is in it exactly once and marked delivered.
    @Test func aJSONLinesChannelTakesAPassAtOnceAndRetriesItWhole() async throws {
        let world = try DeliveryWorld(channels: """
              - id: log
                kind: jsonl
                path: {{dir}}/out/log.jsonl
            """)
        world.server.set("/news", body: newsPage(twoReports))
        await world.pass()
        // Unwritable: where the file's directory should be there is a plain file.
        let out = world.directory.appendingPathComponent("out")
        try Data().write(to: out)
        world.clock.advance(60)
        world.server.set("/news", body: newsPage(reports(120) + twoReports))
        let down = await world.pass()
        #expect(down.delivered == 0 && down.failed > 0)
        var summary = try #require(try world.runtime.store.read { try $0.outboxSummary() }.first { $0.channelID == "log" })
        #expect(summary.pending + summary.retrying == 120 && summary.delivered == 0)

        try FileManager.default.removeItem(at: out)
        world.clock.advance(2 * 3600)
        let up = await world.pass()
        #expect(up.delivered == 120)
        let lines = try world.jsonl("out/log.jsonl")
        #expect(lines.count == 120 && Set(lines.map(\.id)).count == 120, "each alert once")
        #expect(Set(lines.map(\.key)) == Set(reports(120).map(\.href)))
        summary = try #require(try world.runtime.store.read { try $0.outboxSummary() }.first { $0.channelID == "log" })
        #expect(summary.pending == 0 && summary.retrying == 0 && summary.delivered == 120)
        #expect(world.logs.all.filter { $0.contains("alert delivered") }.count == 120, "one log line per alert")
    }

    @Test func aChannelThatStaysDownDoesNotDelayTheOthers() async throws {
        let receiver = WebhookReceiver(then: TestHTTPResponse(status: 200).delayed(by: .seconds(10)))
        let world = try DeliveryWorld(channels: hookChannel.replacingOccurrences(of: "timeout: 1s", with: "timeout: 3s") + "\n" + logChannel,
                                      receiver: receiver)
        world.server.set("/news", body: newsPage(twoReports))
        await world.pass()
        world.server.set("/news", body: newsPage(reports(1) + twoReports))
        _ = await world.runtime.checkAll()
        let started = ContinuousClock.now
        let delivery = Task { await world.runtime.deliverer.deliver() }
        var logDelay: Duration?
        for _ in 0..<1000 where logDelay == nil {
            if try world.jsonl("log.jsonl").count == 1 { logDelay = ContinuousClock.now - started }
            try await Task.sleep(for: .milliseconds(5))
        }
        let report = await delivery.value
        let passTime = ContinuousClock.now - started
        #expect(report.delivered == 1 && report.failed == 1)
        let logged = try #require(logDelay)
        // The hook holds its own task for its whole 3 s timeout; the log is written long before
        // it ends (alone it takes milliseconds; under a full parallel test run, a second or two
        // waiting for a thread), never after it.
        #expect(passTime >= .seconds(3))
        #expect(logged + .milliseconds(500) < passTime, "log delivered after \(logged) while the hook timed out after \(passTime)")
        print("measure: log channel delivered in \(logged); pass with a hook timing out took \(passTime)")

        // The next passes skip the paused channel without waiting on it again.
        world.clock.advance(5)
        let again = ContinuousClock.now
        await world.runtime.deliverer.deliver()
        let skipTime = ContinuousClock.now - again
        // Skipped, not tried: no second request, and less than the hook's 3 s timeout.
        #expect(receiver.received.count == 1)
        #expect(skipTime < .seconds(3))
        print("measure: a pass with the channel paused took \(skipTime)")
    }

    @Test func anAlertOlderThanMaxAgeIsDeadLetteredOnceAndTheOthersAreTold() async throws {
        let receiver = WebhookReceiver(then: .status(500))
        let world = try DeliveryWorld(channels: hookChannel + "\n" + logChannel,
                                      extra: "delivery: {max_age: 1h, initial_backoff: 1m, max_backoff: 5m}", receiver: receiver)
        world.server.set("/news", body: newsPage(twoReports))
        await world.pass()
        world.server.set("/news", body: newsPage(reports(1) + twoReports))
        await world.pass()
        let alert = try #require(try world.jsonl("log.jsonl").first)
        for _ in 0..<14 {
            world.clock.advance(6 * 60)
            await world.runtime.deliverer.deliver()
        }
        #expect(try world.state(alert.id, "hook") == "dead")
        let notices = try world.jsonl("log.jsonl").filter { $0.event == .deliveryFailed }
        #expect(notices.count == 1)
        #expect(notices.first?.key == alert.id)
        #expect(receiver.received.allSatisfy { $0.alertID == alert.id }, "the notice does not go to the channel that failed")
        let summary = try #require(try world.runtime.store.read { try $0.outboxSummary() }.first { $0.channelID == "hook" })
        #expect(summary.dead == 1 && summary.pending == 0 && summary.retrying == 0)
    }

    @Test func aDigestGathersAlertsUntilItsTimeAndUrgentEventsGoAtOnce() async throws {
        let receiver = WebhookReceiver()
        // 2026-11-26 09:00 in London (GMT in winter).
        let world = try DeliveryWorld(channels: hookChannel + """

                digest: daily@08:00
                urgent_events: [source_failing]
            """ + "\n" + logChannel, extra: "timezone: Europe/London",
            sources: newsSource + "\n    failures_before_alert: 1", receiver: receiver,
            start: Date(timeIntervalSince1970: 1_795_683_600))
        world.server.set("/news", body: newsPage(twoReports))
        await world.pass()
        world.clock.advance(3600)
        world.server.set("/news", body: newsPage(reports(1) + twoReports))
        await world.pass()
        world.clock.advance(5 * 3600)
        world.server.set("/news", body: newsPage(reports(2) + twoReports))
        await world.pass()
        #expect(receiver.received.isEmpty, "alerts wait for the digest")
        let hook = try #require(world.runtime.deliverer.channels.first { $0.id == "hook" })
        #expect(world.runtime.deliverer.nextDue(for: hook) == Date(timeIntervalSince1970: 1_795_766_400), "08:00 the next day")

        world.clock.advance(3600)
        world.server.set("/news", response: .status(500))
        await world.pass()
        #expect(receiver.received.map { $0.body["event"] as? String } == ["source_failing"], "urgent events go at once")

        // 2026-11-27 08:00:30
        world.clock.advance(1_795_766_430 - world.clock.now.timeIntervalSince1970)
        world.server.set("/news", body: newsPage(reports(2) + twoReports))
        await world.pass()
        let digests = receiver.received.dropFirst()
        #expect(digests.count == 1)
        let digest = try #require(digests.first)
        let ids = (digest.body["alerts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let expected = try world.jsonl("log.jsonl").filter { $0.event == .added }.map(\.id)
        #expect(ids == expected && ids.count == 2)
        #expect((digest.body["digest"] as? [String: Any])?["period"] as? String == "daily")
        #expect(digest.validSignature)
        world.clock.advance(3600)
        await world.pass()
        #expect(receiver.received.filter { $0.body["alerts"] != nil }.count == 1, "the digest is sent once")
    }

    @Test func sigkillDuringDeliveryLosesNothingAndResendsNoConfirmedAlert() async throws {
        let receiver = WebhookReceiver()
        let world = try DeliveryWorld(channels: hookChannel.replacingOccurrences(of: "timeout: 1s", with: "timeout: 60s"),
                                      receiver: receiver)
        world.server.set("/news", body: newsPage(twoReports))
        let baseline = try ReportWatchBinary.run(["check", "--config", world.configFile])
        #expect(baseline.status == 0, "\(baseline.stderr)")

        // The third alert's POST never gets an answer: the process is killed while it waits.
        receiver.respond(with: .status(200))
        world.server.route("/hook") { request in
            let response = receiver.answer(request)
            return receiver.received.count == 3 ? response.delayed(by: .seconds(30)) : response
        }
        world.server.set("/news", body: newsPage(reports(5) + twoReports))
        let running = try ReportWatchBinary.start(["check", "--config", world.configFile])
        for _ in 0..<400 where receiver.received.count < 3 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(receiver.received.count == 3)
        kill(running.process.processIdentifier, SIGKILL)
        running.process.waitUntilExit()
        #expect(running.process.terminationReason == .uncaughtSignal)
        let confirmed = receiver.received.prefix(2).map(\.alertID)
        let inFlight = receiver.received[2].alertID

        world.server.route("/hook") { receiver.answer($0) }
        let after = try ReportWatchBinary.run(["check", "--config", world.configFile])
        #expect(after.status == 0, "\(after.stderr)")
        _ = try ReportWatchBinary.run(["check", "--config", world.configFile])

        let ids = receiver.received.map(\.alertID)
        let store = try Store(path: "\(world.directory.path)/state/reportwatch.sqlite")
        let all = try store.read { try $0.recentAlerts(limit: 100) }.filter { $0.event == .added }.map(\.id)
        #expect(all.count == 5)
        #expect(Set(ids) == Set(all), "every alert arrived")
        for id in all {
            let times = ids.filter { $0 == id }.count
            if id == inFlight {
                #expect(times == 2, "only the alert in flight at the kill is sent again")
            } else {
                #expect(times == 1, "alert \(id) arrived \(times) times")
            }
            #expect(try store.read { try $0.deliveryState(alertID: id, channel: "hook") } == "delivered")
        }
        #expect(confirmed.allSatisfy { id in ids.filter { $0 == id }.count == 1 })
        #expect(receiver.received.allSatisfy { $0.validSignature })
    }

    @Test func outboxAndTestChannelCommands() async throws {
        let receiver = WebhookReceiver(then: .status(500))
        let world = try DeliveryWorld(channels: hookChannel + "\n" + logChannel, receiver: receiver)
        world.server.set("/news", body: newsPage(twoReports))
        _ = try ReportWatchBinary.run(["check", "--config", world.configFile])
        world.server.set("/news", body: newsPage(reports(1) + twoReports))
        _ = try ReportWatchBinary.run(["check", "--config", world.configFile])

        let outbox = try ReportWatchBinary.run(["outbox", "--config", world.configFile])
        #expect(outbox.status == 0, "\(outbox.stderr)")
        let lines = outbox.stdout.split(separator: "\n").map(String.init)
        let hookLine = try #require(lines.first { $0.hasPrefix("hook ") })
        #expect(hookLine.split(separator: " ").prefix(5).map(String.init) == ["hook", "0", "1", "0", "0"], "\(outbox.stdout)")
        let logLine = try #require(lines.first { $0.hasPrefix("log ") })
        #expect(logLine.split(separator: " ").prefix(5).map(String.init) == ["log", "0", "0", "0", "1"], "\(outbox.stdout)")
        #expect(outbox.stdout.contains("last error: HTTP 500"))

        receiver.respond(with: TestHTTPResponse(status: 200, body: "received, thanks"))
        let test = try ReportWatchBinary.run(["test-channel", "--config", world.configFile, "hook"])
        #expect(test.status == 0, "\(test.stderr)")
        #expect(test.stdout.contains("answer: HTTP 200: received, thanks"))
        let sent = try #require(receiver.received.last)
        #expect(sent.body["test"] as? Bool == true)
        #expect((sent.body["title"] as? String)?.contains("Test alert") == true)
        #expect(sent.validSignature)

        receiver.respond(with: .status(410))
        let failing = try ReportWatchBinary.run(["test-channel", "--config", world.configFile, "hook"])
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("HTTP 410"))
        let unknown = try ReportWatchBinary.run(["test-channel", "--config", world.configFile, "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no channel has the id 'nope'"))
    }
}

@Suite("Channel config keys")
struct ChannelConfigTests {
    static let base = """
        state_directory: /tmp/rw
        contact: tests@example.org
        sources: []
        channels:

        """

    func errors(_ channels: String) -> [ConfigError] {
        do {
            _ = try Configuration.parse(yaml: Self.base + channels, file: "test.yaml")
            return []
        } catch {
            return error.errors
        }
    }

    @Test func everyKindReadsItsKeys() throws {
        let configuration = try Configuration.parse(yaml: Self.base + """
              - id: mail
                kind: email
                smtp_url: smtp://mail.example.org:587
                starttls: required
                from: "reportwatch <alerts@example.org>"
                to: [group@example.org, chair@example.org]
                username: alerts
                password_file: smtp-password
                ca_file: /etc/ssl/private-ca.pem
                digest: weekly@mon 08:00
                urgent_events: [source_failing, structure_changed]
              - id: hook
                kind: webhook
                url: https://hooks.example.org/x
                format: slack
                secret_file: /run/secret
              - id: feed
                kind: atom
                path: /var/www/alerts.xml
                max_entries: 50
            """, file: "test.yaml")
        let mail = try #require(configuration.channel("mail"))
        #expect(mail.digest == DigestSchedule(period: .weekly(weekday: 2), hour: 8, minute: 0))
        #expect(mail.urgentEvents == [.sourceFailing, .structureChanged])
        #expect(configuration.channel("hook")?.kindName == "webhook")
        #expect(configuration.channel("feed")?.kindName == "atom")
    }

    @Test func badValuesAreConfigErrors() {
        let problems = errors("""
              - id: mail
                kind: email
                smtp_url: smtp://alerts:hunter2@mail.example.org
                from: not an address
                to: [ok@example.org, "bad\\r\\nBcc: x@example.org"]
                username: alerts
              - id: log
                kind: jsonl
                path: /tmp/x.jsonl
                digest: hourly@08
                urgent_events: [nope]
              - id: hook
                kind: webhook
                url: https://hooks.example.org/x
                format: slak
            """)
        let keys = problems.compactMap(\.key)
        for key in ["channels[0].smtp_url", "channels[0].from", "channels[0].to", "channels[1].digest",
                    "channels[1].urgent_events", "channels[2].format"] {
            #expect(keys.contains(key), "\(key) not reported: \(problems)")
        }
        #expect(problems.contains { $0.message.contains("username and password_file go together") })
        #expect(!problems.map(\.description).joined().contains("hunter2"), "a password in the URL is never echoed")
        #expect(problems.contains { $0.suggestion == "did you mean 'slack'?" })
    }

    @Test func digestSchedules() throws {
        let london = try #require(TimeZone(identifier: "Europe/London"))
        let daily = try #require(DigestSchedule(parsing: "daily@08:00"))
        // 2026-06-30 08:00 BST is 07:00 UTC.
        #expect(daily.next(after: Date(timeIntervalSince1970: 1_782_777_600), in: london) == Date(timeIntervalSince1970: 1_782_802_800))
        let weekly = try #require(DigestSchedule(parsing: "weekly@Monday 08:30"))
        #expect(weekly.description == "weekly@mon 08:30")
        // From Thursday 2026-11-26 09:00 GMT to Monday 2026-11-30 08:30 GMT.
        #expect(weekly.next(after: Date(timeIntervalSince1970: 1_795_683_600), in: london) == Date(timeIntervalSince1970: 1_796_027_400))
        for bad in ["daily@8", "daily@24:00", "weekly@08:00", "weekly@xyz 08:00", "monthly@1 08:00"] {
            #expect(DigestSchedule(parsing: bad) == nil, "\(bad)")
        }
    }
}
