/// A transfer that did not produce an HTTP answer, with libcurl's own message kept.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case timeout
        case dns
        case connect
        case tls
        case tooLarge = "too_large"
        case redirect
        case protocolNotAllowed = "protocol_not_allowed"
        case connectionDropped = "connection_dropped"
        case invalidRequest = "invalid_request"
        /// The address connected to is not one this request may reach (see ``AddressPolicy``).
        case addressNotAllowed = "address_not_allowed"
        case other
    }

    public var kind: Kind
    /// libcurl's `CURLcode`, when the error came from libcurl.
    public var code: Int32?
    public var message: String
    public var url: String

    public init(kind: Kind, code: Int32? = nil, message: String, url: String) {
        self.kind = kind
        self.code = code
        self.message = message
        self.url = url
    }

    public var description: String {
        "\(message) (\(url))"
    }
}
