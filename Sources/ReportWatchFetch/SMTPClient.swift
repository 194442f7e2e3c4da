import CCurl
import Foundation

/// Sends mail with libcurl's SMTP, on a transfer thread of its own, verifying TLS.
///
/// One process-wide client (``shared``) serves every email channel: channels are rebuilt on each
/// config reload, and a client per channel would leave a transfer thread behind each time.
public final class SMTPClient: Sendable {
    /// How TLS is used on an `smtp://` URL. `smtps://` is TLS from the first byte whatever this says.
    public enum StartTLS: String, Sendable, CaseIterable {
        /// STARTTLS must succeed, or nothing is sent (the default).
        case required
        /// STARTTLS when the server offers it; plain text otherwise, but never with a login
        /// except to localhost: anyone on the path can strip STARTTLS from the server's answer.
        case optional
        /// Never upgrade: for a relay on the same host only.
        case never
    }

    /// One message to send.
    public struct Request: Sendable {
        /// `smtp://host[:port]` or `smtps://host[:port]`, without credentials.
        public var url: String
        public var startTLS: StartTLS
        /// The envelope sender, a bare address.
        public var from: String
        /// The envelope recipients, bare addresses. Every one must be accepted.
        public var recipients: [String]
        public var username: String?
        public var password: String?
        /// A private CA bundle, for a server whose certificate the system store does not vouch for.
        public var caFile: String?
        /// The whole message, headers and body, with CRLF line ends.
        public var message: [UInt8]
        public var connectTimeout: Duration
        public var totalTimeout: Duration

        public init(
            url: String, startTLS: StartTLS = .required, from: String, recipients: [String],
            username: String? = nil, password: String? = nil, caFile: String? = nil, message: [UInt8],
            connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(60)
        ) {
            self.url = url
            self.startTLS = startTLS
            self.from = from
            self.recipients = recipients
            self.username = username
            self.password = password
            self.caFile = caFile
            self.message = message
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
        }
    }

    /// What the server said when it took the message.
    public struct Response: Sendable {
        /// The last SMTP reply code (250 when the message was accepted).
        public var code: Int
        /// The server's last reply line, e.g. "250 2.0.0 Ok: queued as 4F2A1".
        public var reply: String
    }

    public static let shared = SMTPClient()

    private let engine: TransferEngine

    public init() {
        engine = TransferEngine()
    }

    /// Ends the transfer thread. Sends after this fail as cancelled.
    public func shutdown() {
        engine.shutdown()
    }

    /// Sends the message. Throws ``FetchError`` when the server did not accept it (refused
    /// recipient, failed login, TLS that cannot be verified, timeout) and `CancellationError`
    /// when the task was cancelled.
    public func send(_ request: Request) async throws -> Response {
        let easy = try CurlEasy(url: request.url)
        try configure(easy, for: request)
        // The server's replies are small; the bound only stops a hostile server from filling memory.
        let transfer = try Transfer(easy: easy, maxBodyBytes: 1_000_000, upload: request.message, keepsRawHeaderLines: true)
        switch await engine.perform(transfer) {
        case .cancelled:
            throw CancellationError()
        case .finished(let code):
            if code == CURLE_USE_SSL_FAILED, request.startTLS == .optional {
                var error = easy.error(for: code)
                error.message = "the server offers no STARTTLS, and with starttls: optional a password is sent only over TLS "
                    + "(or to localhost): \(error.message)"
                throw error
            }
            guard code == CURLE_OK else { throw easy.error(for: code) }
            // The answer to the message is the last "250 " line: libcurl may already have sent
            // QUIT, whose "221" comes after it.
            if let reply = transfer.rawHeaderLines.last(where: { $0.hasPrefix("250 ") }) {
                return Response(code: 250, reply: reply)
            }
            return Response(code: easy.info(CURLINFO_RESPONSE_CODE), reply: transfer.rawHeaderLines.last { !$0.isEmpty } ?? "")
        }
    }

    /// Whether the URL names this machine (`localhost`, 127.0.0.0/8, `::1`), where no one can
    /// sit between client and server to strip STARTTLS.
    public static func isLocalhost(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare.hasSuffix(".localhost") { return true }
        return IPAddressScope(bare) == .loopback
    }

    private func configure(_ easy: CurlEasy, for request: Request) throws {
        try easy.set(CURLOPT_NOSIGNAL, true)
        try easy.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try easy.set(CURLOPT_SSL_VERIFYPEER, true)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = request.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        let useSSL = switch request.startTLS {
        case .required: rw_usessl_all()
        case .optional where request.username != nil && !Self.isLocalhost(request.url): rw_usessl_all()
        case .optional: rw_usessl_try()
        case .never: rw_usessl_none()
        }
        try easy.set(CURLOPT_USE_SSL, useSSL)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, HTTPClient.milliseconds(request.connectTimeout))
        try easy.set(CURLOPT_TIMEOUT_MS, HTTPClient.milliseconds(request.totalTimeout))
        if let username = request.username { try easy.set(CURLOPT_USERNAME, username) }
        if let password = request.password { try easy.set(CURLOPT_PASSWORD, password) }
        try easy.set(CURLOPT_MAIL_FROM, "<\(request.from)>")
        try easy.set(CURLOPT_MAIL_RCPT, list: request.recipients.map { "<\($0)>" })
        try easy.set(CURLOPT_UPLOAD, true)
        try easy.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(request.message.count))
    }
}
