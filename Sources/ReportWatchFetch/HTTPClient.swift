import CCurl
import Foundation
import ReportWatchCore

/// Makes HTTP requests with libcurl, many at once, without blocking Swift's cooperative pool.
///
/// Every request verifies TLS, follows at most `maxRedirects` redirects and only to http or
/// https, accepts every compression libcurl supports, and is bounded in time and decoded size.
public final class HTTPClient: Sendable {
    private let engine: TransferEngine
    public let userAgent: String

    public init(userAgent: String) {
        self.userAgent = userAgent
        engine = TransferEngine()
    }

    /// Ends the transfer thread. Requests after this fail as cancelled.
    /// Where tasks that mostly wait for this client's transfers run best: on its transfer
    /// thread (see ``TransferEngine/executor``).
    public var taskExecutor: any TaskExecutor {
        engine.executor
    }

    public func shutdown() {
        engine.shutdown()
    }

    /// The User-Agent every request names: the tool, its version and a contact address.
    public static func userAgent(contact: String) -> String {
        "reportwatch/\(ReportWatchVersion.current) (+\(contact))"
    }

    /// Sends the request. Throws ``FetchError`` when no HTTP answer arrived, and
    /// `CancellationError` when the task was cancelled. Any HTTP status is an answer.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let started = ContinuousClock.now
        let easy = try CurlEasy(url: request.url)
        try configure(easy, for: request)
        let transfer = try Transfer(easy: easy, maxBodyBytes: request.maxBodyBytes, keepsPrefix: request.keepsBodyPrefix,
                                    addressPolicy: request.addressPolicy)
        switch await engine.perform(transfer) {
        case .cancelled:
            throw CancellationError()
        case .finished(let code):
            if let refusal = transfer.addressRefusal {
                throw FetchError(kind: .addressNotAllowed, code: Int32(bitPattern: code.rawValue), message: refusal,
                                 url: easy.info(string: CURLINFO_EFFECTIVE_URL) ?? request.url)
            }
            if transfer.exceededSizeLimit && request.keepsBodyPrefix {
                var response = self.response(easy, transfer, request, started: started)
                response.isTruncated = true
                return response
            }
            if transfer.exceededSizeLimit {
                throw FetchError(
                    kind: .tooLarge, code: Int32(bitPattern: code.rawValue),
                    message: "response body exceeds \(request.maxBodyBytes) bytes", url: request.url)
            }
            guard code == CURLE_OK else { throw easy.error(for: code) }
            return response(easy, transfer, request, started: started)
        }
    }

    private func response(_ easy: CurlEasy, _ transfer: Transfer, _ request: HTTPRequest, started: ContinuousClock.Instant) -> HTTPResponse {
        var response = HTTPResponse(
            status: easy.info(CURLINFO_RESPONSE_CODE),
            headers: transfer.headers,
            body: transfer.body,
            url: easy.info(string: CURLINFO_EFFECTIVE_URL) ?? request.url,
            redirectCount: easy.info(CURLINFO_REDIRECT_COUNT),
            wireBytes: Int(easy.info(offset: CURLINFO_SIZE_DOWNLOAD_T)),
            duration: ContinuousClock.now - started
        )
        if (300..<400).contains(response.status) { response.redirectURL = easy.info(string: CURLINFO_REDIRECT_URL) }
        return response
    }

    private func configure(_ easy: CurlEasy, for request: HTTPRequest) throws {
        try easy.set(CURLOPT_NOSIGNAL, true)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_FOLLOWLOCATION, request.maxRedirects > 0)
        try easy.set(CURLOPT_MAXREDIRS, request.maxRedirects)
        try easy.set(CURLOPT_SSL_VERIFYPEER, true)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = request.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        // An empty string asks for every encoding this libcurl can decode.
        try easy.set(CURLOPT_ACCEPT_ENCODING, "")
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout))
        try easy.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout))
        // A declared length over the limit fails at once, unless the start of the body is wanted.
        if !request.keepsBodyPrefix { try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(request.maxBodyBytes)) }
        try easy.set(CURLOPT_USERAGENT, userAgent)

        var headers = request.headers.map { "\($0.name): \($0.value)" }
        if let etag = request.etag { headers.append("If-None-Match: \(etag)") }
        if let lastModified = request.lastModified { headers.append("If-Modified-Since: \(lastModified)") }
        try easy.set(CURLOPT_HTTPHEADER, list: headers)

        if request.method == .post {
            try easy.set(CURLOPT_POST, true)
            let body = request.body ?? []
            try easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
            // COPYPOSTFIELDS: libcurl keeps its own copy, so the Swift array need not outlive the call.
            if body.isEmpty {
                try easy.set(CURLOPT_COPYPOSTFIELDS, "")
            } else {
                try body.withUnsafeBytes { bytes in
                    try easy.set(CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                }
            }
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int((duration.seconds * 1000).rounded()))
    }
}
