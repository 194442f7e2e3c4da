import Crypto
import Foundation
import ReportWatchCore
import ReportWatchFetch

/// The `webhook` channel: one POST per alert (or digest). Any 2xx answer confirms it; anything
/// else, 404 and 410 included, is a failure to retry. Every request carries the alert id, a
/// timestamp and, with a secret, an HMAC-SHA256 signature of `timestamp + "." + body`.
public struct WebhookChannel: AlertChannel {
    public enum Format: String, Sendable, CaseIterable {
        /// The alert object plus `schema_version`.
        case json
        case slack
        case discord
        case teams
    }

    public let id: String
    public let url: String
    public let format: Format
    let secret: [UInt8]?
    public let timeout: Duration
    let client: HTTPClient
    let now: @Sendable () -> Date

    public init(id: String, url: String, format: Format = .json, secret: [UInt8]? = nil, timeout: Duration = .seconds(30),
                client: HTTPClient, now: @escaping @Sendable () -> Date = Date.init) {
        self.id = id
        self.url = url
        self.format = format
        self.secret = secret
        self.timeout = timeout
        self.client = client
        self.now = now
    }

    public func deliver(_ alert: Alert) async throws(DeliveryError) -> String {
        try await deliver(alert, context: .standard)
    }

    public func deliver(_ alert: Alert, context: DeliveryContext) async throws(DeliveryError) -> String {
        let body: [UInt8]
        do {
            body = try WebhookPayloads.body(for: alert, format: format, context: context)
        } catch {
            throw DeliveryError("cannot encode alert \(alert.id): \(error)")
        }
        return try await post(body, alertID: alert.id)
    }

    public func deliver(digest: AlertDigest, context: DeliveryContext) async throws(DeliveryError) -> String {
        let body: [UInt8]
        do {
            body = try WebhookPayloads.body(for: digest, format: format, context: context)
        } catch {
            throw DeliveryError("cannot encode digest \(digest.id): \(error)")
        }
        return try await post(body, alertID: digest.id)
    }

    /// The signature header's value: `sha256=` and the hex HMAC-SHA256 of `timestamp.body`.
    public static func signature(secret: [UInt8], timestamp: String, body: [UInt8]) -> String {
        var message = Array(timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    private func post(_ body: [UInt8], alertID: String) async throws(DeliveryError) -> String {
        let timestamp = String(Int(now().timeIntervalSince1970))
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("X-Reportwatch-Alert-Id", alertID),
            ("X-Reportwatch-Timestamp", timestamp),
            // libcurl waits for "100 Continue" before larger bodies; receivers rarely send it.
            ("Expect", ""),
        ]
        if let secret {
            headers.append(("X-Reportwatch-Signature", Self.signature(secret: secret, timestamp: timestamp, body: body)))
        }
        // No redirects: libcurl would turn the POST into a GET, and a moved webhook should be
        // noticed and fixed in the config rather than followed.
        let request = HTTPRequest(
            url: url, method: .post, headers: headers, body: body,
            connectTimeout: min(timeout, .seconds(10)), totalTimeout: timeout, maxBodyBytes: 1_000_000, maxRedirects: 0)
        let response: HTTPResponse
        do {
            response = try await client.send(request)
        } catch let error as FetchError {
            throw DeliveryError("\(error.kind.rawValue): \(error.message)", pausesChannel: error.kind != .tooLarge)
        } catch {
            throw DeliveryError("\(error)")
        }
        let answer = TextEscaping.truncate(TextEscaping.oneLine(String(decoding: response.body.prefix(2000), as: UTF8.self)), to: 200)
        guard response.isSuccess else {
            let retryAfter = response.status == 429 || response.status == 503
                ? response.header("Retry-After").flatMap { Self.retryAfter($0, now: now()) } : nil
            throw DeliveryError(
                "HTTP \(response.status)" + (answer.isEmpty ? "" : ": \(answer)"), retryAfter: retryAfter,
                pausesChannel: response.status == 429 || response.status >= 500)
        }
        return "HTTP \(response.status)" + (answer.isEmpty ? "" : ": \(answer)")
    }

    /// `Retry-After` as seconds or as an HTTP date; at most a day, so a hostile or broken
    /// receiver cannot stall a channel past `max_age`.
    static func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        var seconds: Double?
        if let number = Int(text) {
            seconds = Double(number)
        } else {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(secondsFromGMT: 0)
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            seconds = formatter.date(from: text).map { $0.timeIntervalSince(now) }
        }
        guard let seconds, seconds >= 0 else { return nil }
        return .seconds(min(seconds, 86_400))
    }
}
