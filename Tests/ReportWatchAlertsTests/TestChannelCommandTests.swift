import Foundation
import ReportWatchTestSupport
import Testing

/// `reportwatch test-channel` with the real binary, a real SMTP server, STARTTLS with a private
/// CA, and the password read from systemd's credentials directory.
@Suite("test-channel with the real command")
struct TestChannelCommandTests {
    @Test func sendsAMarkedTestMailAndPrintsTheServersAnswer() throws {
        let certificates = try TestCertificates.make()
        let server = try SMTPTestServer(.init(certificates: certificates, requireStartTLS: true, auth: ("alerts", "pa ss\u{E9}word")))
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials")
        try FileManager.default.createDirectory(at: credentials, withIntermediateDirectories: true)
        try "pa ss\u{E9}word\n".write(to: credentials.appendingPathComponent("smtp-password"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("reportwatch.yaml").path
        try """
            state_directory: \(directory.path)/state
            contact: tests@example.org
            sources: []
            channels:
              - id: mail
                kind: email
                smtp_url: \(server.smtpURL)
                starttls: required
                from: "reportwatch <alerts@example.org>"
                to: [group@example.org]
                username: alerts
                password_file: smtp-password
                ca_file: \(certificates.caCertificate)
            """.write(toFile: config, atomically: true, encoding: .utf8)

        let result = try ReportWatchBinary.run(["test-channel", "--config", config, "mail"],
                                               environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("answer: SMTP 250 2.0.0 Ok: queued as rw1"), "\(result.stdout)")
        #expect(!(result.stdout + result.stderr).contains("pa ss"), "the password is never printed")
        let message = try #require(try server.received().first)
        #expect(message.tls && message.auth == "alerts")
        #expect(message.subject?.hasPrefix("[TEST] ") == true, "\(message.subject ?? "")")
        #expect(message.part("text/plain")?.contains("This is a test message from reportwatch test-channel") == true)

        // Without the credentials directory the relative name is not found: a clear failure.
        let missing = try ReportWatchBinary.run(["test-channel", "--config", config, "mail"], environment: ["CREDENTIALS_DIRECTORY": "/nonexistent"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("password_file"))
    }
}
