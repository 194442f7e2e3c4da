/// What a server answered, after redirects and content decoding.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Headers of the final response (not of the redirects before it), in order.
    public var headers: [(name: String, value: String)]
    /// The decoded body.
    public var body: [UInt8]
    /// The URL of the final response.
    public var url: String
    public var redirectCount: Int
    /// Where a 3xx answer's Location points, resolved against the URL; nil without one.
    public var redirectURL: String?
    /// The body was cut at the request's `maxBodyBytes` (see `HTTPRequest.keepsBodyPrefix`).
    public var isTruncated = false
    /// Bytes received on the wire (before decoding).
    public var wireBytes: Int
    public var duration: Duration

    public init(
        status: Int,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        url: String,
        redirectCount: Int = 0,
        wireBytes: Int = 0,
        duration: Duration = .zero
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        self.redirectCount = redirectCount
        self.wireBytes = wireBytes
        self.duration = duration
    }

    /// The last value of the named header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.last { $0.name.lowercased() == lowered }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
    public var isNotModified: Bool { status == 304 }
}
