/// Why a document could not be read into items.
public enum ExtractError: Error, Sendable, Hashable, CustomStringConvertible {
    case unparseable(url: String, message: String)
    case xpath(XPathError)
    case invalidJSON(url: String, message: String)

    public var description: String {
        switch self {
        case .unparseable(let url, let message): "\(message) (\(url))"
        case .xpath(let error): error.description
        case .invalidJSON(let url, let message): "invalid JSON: \(message) (\(url))"
        }
    }
}
