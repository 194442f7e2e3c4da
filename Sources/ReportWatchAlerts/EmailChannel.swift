import Foundation
import ReportWatchCore
import ReportWatchFetch

/// The `email` channel: a `multipart/alternative` message through SMTP. The server accepting
/// the message (250 after DATA) is the confirmation.
public struct EmailChannel: AlertChannel {
    /// An address with an optional display name, as the config gives it.
    public struct Mailbox: Sendable, Equatable {
        public var name: String?
        public var address: String

        /// Reads "alerts@example.org" or "reportwatch <alerts@example.org>". Nil when the address
        /// is not a plain ASCII `local@domain` (no spaces, brackets, quotes or line breaks).
        public init?(_ text: String) {
            var spec = text.trimmingCharacters(in: .whitespaces)
            var name: String?
            if let open = spec.lastIndex(of: "<"), spec.hasSuffix(">") {
                let display = spec[..<open].trimmingCharacters(in: .whitespaces)
                    .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                name = display.isEmpty ? nil : display
                spec = String(spec[spec.index(after: open)..<spec.index(before: spec.endIndex)])
            }
            guard Self.isAddress(spec) else { return nil }
            self.name = name
            address = spec
        }

        static func isAddress(_ text: String) -> Bool {
            let forbidden = CharacterSet(charactersIn: " <>()[],;:\\\"")
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
                && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !forbidden.contains($0) }
        }

        /// The header form, display name encoded.
        var header: String {
            guard let name else { return address }
            return "\(RFC2047.phrase(name)) <\(address)>"
        }

        var domain: String {
            String(address.split(separator: "@").last ?? "reportwatch.invalid")
        }
    }

    public let id: String
    public let smtpURL: String
    public let startTLS: SMTPClient.StartTLS
    public let from: Mailbox
    public let to: [Mailbox]
    public let username: String?
    let password: String?
    public let caFile: String?
    public let timeout: Duration
    let client: SMTPClient

    public init(id: String, smtpURL: String, startTLS: SMTPClient.StartTLS = .required, from: Mailbox, to: [Mailbox],
                username: String? = nil, password: String? = nil, caFile: String? = nil, timeout: Duration = .seconds(60),
                client: SMTPClient = .shared) {
        self.id = id
        self.smtpURL = smtpURL
        self.startTLS = startTLS
        self.from = from
        self.to = to
        self.username = username
        self.password = password
        self.caFile = caFile
        self.timeout = timeout
        self.client = client
    }

    public func deliver(_ alert: Alert) async throws(DeliveryError) -> String {
        try await deliver(alert, context: .standard)
    }

    public func deliver(_ alert: Alert, context: DeliveryContext) async throws(DeliveryError) -> String {
        try await send(message(for: alert, context: context))
    }

    public func deliver(digest: AlertDigest, context: DeliveryContext) async throws(DeliveryError) -> String {
        try await send(message(for: digest, context: context))
    }

    /// The message for one alert. `date` is the Date header's time.
    public func message(for alert: Alert, context: DeliveryContext, date: Date = Date()) -> MIMEMessage {
        let text = AlertText(alert, context: context)
        return message(subject: text.subject, plain: text.plainText, html: text.html, messageID: alert.id, date: date)
    }

    public func message(for digest: AlertDigest, context: DeliveryContext, date: Date = Date()) -> MIMEMessage {
        let text = DigestText(digest, context: context)
        return message(subject: text.subject, plain: text.plainText, html: text.html, messageID: digest.id, date: date)
    }

    private func message(subject: String, plain: String, html: String, messageID: String, date: Date) -> MIMEMessage {
        // The id is ours (a UUID), but it is checked anyway: it goes into headers.
        let token = String(String.UnicodeScalarView(messageID.unicodeScalars.filter {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-")
        }))
        return MIMEMessage(
            headers: [
                ("Date", Self.rfc5322Date(date)),
                ("From", from.header),
                ("To", to.map(\.header).joined(separator: ",\r\n ")),
                ("Subject", RFC2047.unstructured(subject, headerName: "Subject")),
                // The same alert always has the same Message-ID: a re-send after a crash is a
                // duplicate that mail clients and people can recognise.
                ("Message-ID", "<\(token)@\(from.domain)>"),
                ("X-Reportwatch-Alert-Id", token),
                ("Auto-Submitted", "auto-generated"),
                ("X-Auto-Response-Suppress", "All"),
            ],
            text: plain, html: html, boundaryToken: token)
    }

    private func send(_ message: MIMEMessage) async throws(DeliveryError) -> String {
        let request = SMTPClient.Request(
            url: smtpURL, startTLS: startTLS, from: from.address, recipients: to.map(\.address),
            username: username, password: password, caFile: caFile, message: message.bytes,
            connectTimeout: min(timeout, .seconds(30)), totalTimeout: timeout)
        do {
            let response = try await client.send(request)
            return response.reply.isEmpty ? "SMTP \(response.code)" : "SMTP \(TextEscaping.oneLine(response.reply))"
        } catch let error as FetchError {
            let unreachable: Set<FetchError.Kind> = [.timeout, .dns, .connect, .tls, .connectionDropped]
            throw DeliveryError("SMTP \(error.kind.rawValue): \(error.message)", pausesChannel: unreachable.contains(error.kind))
        } catch is CancellationError {
            throw DeliveryError("cancelled")
        } catch {
            throw DeliveryError("SMTP: \(error)")
        }
    }

    /// "Fri, 27 Nov 2026 09:14:00 +0000"
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
