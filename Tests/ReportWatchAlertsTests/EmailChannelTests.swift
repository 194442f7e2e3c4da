import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchFetch
import ReportWatchTestSupport
import Testing

@Suite("Email through a real SMTP server")
struct EmailChannelTests {
    let context = DeliveryContext(sourceNames: HostileAlerts.sourceNames, timeZone: TimeZone(identifier: "Europe/London") ?? .gmt)

    func channel(_ url: String, startTLS: SMTPClient.StartTLS = .never, caFile: String? = nil,
                 username: String? = nil, password: String? = nil) throws -> EmailChannel {
        EmailChannel(
            id: "mail", smtpURL: url, startTLS: startTLS,
            from: try #require(EmailChannel.Mailbox("reportwatch Ü <alerts@example.org>")),
            to: [try #require(EmailChannel.Mailbox("group@example.org")), try #require(EmailChannel.Mailbox("Chair <chair@example.org>"))],
            username: username, password: password, caFile: caFile, timeout: .seconds(10))
    }

    @Test func messageHasBothPartsAnEncodedSubjectAndTheFindings() async throws {
        let server = try SMTPTestServer()
        let alert = HostileAlerts.ofsted()
        let answer = try await channel(server.smtpURL).deliver(alert, context: context)
        #expect(answer.hasPrefix("SMTP 250"), "\(answer)")

        let message = try #require(try server.received().first)
        #expect(message.mail_from == "alerts@example.org")
        #expect(message.rcpt_tos == ["group@example.org", "chair@example.org"])
        #expect(message.defects.isEmpty, "\(message.defects)")
        #expect(message.content_type == "multipart/alternative")
        #expect(message.subject == "Ofsted: new children's services inspection report for Harrow — Inadequate")
        let rawSubject = try #require(message.rawHeader("Subject"))
        #expect(rawSubject.hasPrefix("=?UTF-8?B?"), "non-ASCII subject must be RFC 2047 encoded: \(rawSubject)")
        #expect(message.header("From") == "reportwatch Ü <alerts@example.org>")
        #expect(message.header("Message-ID") == "<\(alert.id)@example.org>")
        #expect(message.header("Date")?.isEmpty == false)
        #expect(message.header("Auto-Submitted") == "auto-generated")
        #expect(message.header("X-Reportwatch-Alert-Id") == alert.id)

        #expect(message.parts.map(\.content_type) == ["text/plain", "text/html"])
        let text = try #require(message.part("text/plain"))
        let html = try #require(message.part("text/html"))
        for part in [text, html] {
            #expect(part.contains("Overall effectiveness"))
            #expect(part.contains("The experiences and progress of care leavers"))
            #expect(part.contains("Requires improvement to be good"))
            #expect(part.contains("20–24 January 2025"))
            #expect(part.contains("What needs to improve"))
            #expect(part.contains("Harrow Ofsted"))
            #expect(part.contains(alert.id))
        }
        // Previous grade, from the alert's changed fields, and the change in words.
        #expect(text.contains("Overall effectiveness: Inadequate (was Good; declined)"))
        #expect(html.contains("<td style=\"border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top;\">was Good</td>"))
        #expect(text.contains("https://files.ofsted.gov.uk/v1/file/50270419?a=1&b=\"2\""))
        // Page text is text in the HTML part, never markup.
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        #expect(!html.contains("<img"))
        // The findings replace the alert's one-paragraph summary, which would repeat them.
        #expect(!html.contains("onerror") && !text.contains("New Ofsted report for Harrow:"))
        #expect(!html.contains("<b>care leavers</b>"))
        #expect(html.contains("href=\"https://files.ofsted.gov.uk/v1/file/50270419?a=1&amp;b=&quot;2&quot;\""))
    }

    @Test func lineBreaksInPageTextCannotInjectHeaders() async throws {
        let server = try SMTPTestServer()
        let alert = HostileAlerts.headerInjection()
        _ = try await channel(server.smtpURL).deliver(alert, context: context)
        let message = try #require(try server.received().first)
        let names = Set(message.headers.compactMap { $0.first?.lowercased() })
        #expect(!names.contains("bcc"))
        #expect(!names.contains("x-injected"))
        #expect(message.rcpt_tos == ["group@example.org", "chair@example.org"])
        #expect(message.subject == "Harrow Cabinet: new — Scrutiny papers Bcc: victim@example.org X-Injected: yes body")
        let raw = try server.raw(1)
        #expect(!raw.contains("\r\nBcc:"))
        #expect(!raw.contains("\r\nX-Injected:"))
        // A javascript: link is shown as nothing clickable.
        let html = try #require(message.part("text/html"))
        #expect(!html.contains("javascript:"))
        #expect(html.contains("&lt;i&gt;é&lt;/i&gt;"))
    }

    @Test func aResentAlertHasTheSameMessageID() async throws {
        let server = try SMTPTestServer()
        let alert = HostileAlerts.ofsted()
        let mail = try channel(server.smtpURL)
        _ = try await mail.deliver(alert, context: context)
        _ = try await mail.deliver(alert, context: context)
        let messages = try server.received()
        #expect(messages.count == 2)
        #expect(messages[0].header("Message-ID") == messages[1].header("Message-ID"))
    }

    @Test func startTLSWithAPrivateCAAndLogin() async throws {
        let certificates = try TestCertificates.make()
        let server = try SMTPTestServer(.init(certificates: certificates, requireStartTLS: true, auth: ("reportwatch", "s3cret pass")))
        let mail = try channel(server.smtpURL, startTLS: .required, caFile: certificates.caCertificate,
                               username: "reportwatch", password: "s3cret pass")
        let answer = try await mail.deliver(HostileAlerts.ofsted(), context: context)
        #expect(answer.contains("250"))
        let message = try #require(try server.received().first)
        #expect(message.tls)
        #expect(message.auth == "reportwatch")
    }

    /// Anyone on the path can strip STARTTLS from the EHLO answer; with `starttls: optional` the
    /// password then went in clear. The peer here offers AUTH without STARTTLS, on an address of
    /// this machine that is not loopback (so, for the client, not localhost).
    @Test func optionalStartTLSNeverSendsAPasswordInClearButToLocalhost() async throws {
        let address = try #require(SMTPTestServer.nonLoopbackAddress(), "this test needs a non-loopback IPv4 address")
        let server = try SMTPTestServer(.init(auth: ("reportwatch", "s3cret pass"), host: address))
        let mail = try channel(server.smtpURL, startTLS: .optional, username: "reportwatch", password: "s3cret pass")
        do {
            _ = try await mail.deliver(HostileAlerts.ofsted(), context: context)
            Issue.record("delivered with starttls: optional to a server without STARTTLS")
        } catch {
            #expect(error.message.contains("STARTTLS"), "\(error.message)")
            #expect(!error.message.contains("s3cret"))
        }
        let received = try server.received()
        #expect(received.isEmpty, "logged in: \(received.map { "tls=\($0.tls) auth=\($0.auth ?? "-")" })")

        // To localhost the link cannot be tapped: the same settings log in.
        let local = try SMTPTestServer(.init(auth: ("reportwatch", "s3cret pass")))
        let localMail = try channel(local.smtpURL, startTLS: .optional, username: "reportwatch", password: "s3cret pass")
        _ = try await localMail.deliver(HostileAlerts.ofsted(), context: context)
        #expect(try local.received().first?.auth == "reportwatch")
    }

    @Test func implicitTLS() async throws {
        let certificates = try TestCertificates.make()
        let server = try SMTPTestServer(.init(certificates: certificates, implicitTLS: true))
        let mail = try channel(server.smtpsURL, startTLS: .required, caFile: certificates.caCertificate)
        _ = try await mail.deliver(HostileAlerts.ofsted(), context: context)
        #expect(try server.received().first?.tls == true)
    }

    @Test func aCertificateNotSignedByATrustedCAIsRefused() async throws {
        let certificates = try TestCertificates.make()
        let server = try SMTPTestServer(.init(certificates: certificates, requireStartTLS: true))
        let mail = try channel(server.smtpURL, startTLS: .required)
        await #expect(throws: DeliveryError.self) {
            _ = try await mail.deliver(HostileAlerts.ofsted(), context: context)
        }
        #expect(try server.received().isEmpty)
    }

    @Test func aWrongPasswordIsAFailure() async throws {
        let certificates = try TestCertificates.make()
        let server = try SMTPTestServer(.init(certificates: certificates, requireStartTLS: true, auth: ("reportwatch", "right")))
        let mail = try channel(server.smtpURL, startTLS: .required, caFile: certificates.caCertificate,
                               username: "reportwatch", password: "wrong")
        do {
            _ = try await mail.deliver(HostileAlerts.ofsted(), context: context)
            Issue.record("a refused login must not count as delivered")
        } catch {
            #expect(!error.message.contains("wrong"), "the password must never appear in errors")
        }
        #expect(try server.received().isEmpty)
    }

    @Test func aTemporaryRefusalIsAFailureAndTheRetryIsAccepted() async throws {
        let server = try SMTPTestServer(.init(reject: 1))
        let mail = try channel(server.smtpURL)
        let alert = HostileAlerts.ofsted()
        await #expect(throws: DeliveryError.self) { _ = try await mail.deliver(alert, context: context) }
        _ = try await mail.deliver(alert, context: context)
        #expect(try server.received().count == 1)
    }

    @Test func aServerThatIsDownPausesTheChannel() async throws {
        // A port nobody listens on: take a free one from a server and stop it.
        let url: String
        do {
            let server = try SMTPTestServer()
            url = server.smtpURL
        }
        let mail = try channel(url)
        do {
            _ = try await mail.deliver(HostileAlerts.ofsted(), context: context)
            Issue.record("nothing listens there")
        } catch {
            #expect(error.pausesChannel)
        }
    }

    @Test func aDigestIsOneMessageWithEveryAlert() async throws {
        let server = try SMTPTestServer()
        let alerts = [HostileAlerts.ofsted(), HostileAlerts.headerInjection(), HostileAlerts.ofsted()]
        let digest = AlertDigest(channelID: "mail", period: .daily, scheduledAt: HostileAlerts.detected, alerts: alerts)
        _ = try await channel(server.smtpURL).deliver(digest: digest, context: context)
        let messages = try server.received()
        #expect(messages.count == 1)
        let message = try #require(messages.first)
        #expect(message.subject == "reportwatch daily digest: 3 alerts — Harrow Ofsted, Harrow Cabinet")
        #expect(message.header("Message-ID") == "<\(digest.id)@example.org>")
        let text = try #require(message.part("text/plain"))
        for alert in alerts { #expect(text.contains(alert.id)) }
        #expect(!(try #require(message.part("text/html"))).contains("<script>"))
    }
}
