import Crypto
import Foundation

/// A UUID (version 8, RFC 9562) that depends only on a name: the same name always gives the
/// same UUID, so ids made from it survive restarts and re-sends.
public enum StableUUID {
    public static func make(from name: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let uuid = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return uuid.uuidString.lowercased()
    }

    /// `urn:uuid:` for an id that is a UUID, else for the stable UUID made from it.
    public static func urn(for id: String) -> String {
        if let uuid = UUID(uuidString: id) { return "urn:uuid:\(uuid.uuidString.lowercased())" }
        return "urn:uuid:\(make(from: id))"
    }
}
