/// One HTTP transfer to make. Every transfer is bounded in time and size and verifies TLS.
public struct HTTPRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var url: String
    public var method: Method
    /// Extra request headers, in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Validators from the last successful extraction, for a conditional GET.
    public var etag: String?
    public var lastModified: String?
    public var connectTimeout: Duration
    public var totalTimeout: Duration
    /// The most decoded body bytes accepted; larger answers fail as `.tooLarge`.
    public var maxBodyBytes: Int
    public var maxRedirects: Int
    /// A private CA bundle, for servers whose certificates a system store does not vouch for.
    public var caFile: String?
    /// Answers longer than `maxBodyBytes` are cut there instead of failing (robots.txt).
    public var keepsBodyPrefix = false
    /// Which addresses may be connected to; nil for any (a source's own host, channels the
    /// operator configured).
    public var addressPolicy: AddressPolicy?

    public init(
        url: String,
        method: Method = .get,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        etag: String? = nil,
        lastModified: String? = nil,
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(60),
        maxBodyBytes: Int = 20_000_000,
        maxRedirects: Int = 5,
        caFile: String? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.etag = etag
        self.lastModified = lastModified
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxRedirects = maxRedirects
        self.caFile = caFile
    }
}
