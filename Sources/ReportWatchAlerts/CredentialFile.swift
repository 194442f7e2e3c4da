import Foundation

/// Reads a secret (an SMTP password, a webhook secret) from a file named in the config, so the
/// secret itself is never in the config or in logs.
public enum CredentialFile {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String

        public init(_ description: String) {
            self.description = description
        }
    }

    /// A relative name is looked up in systemd's `$CREDENTIALS_DIRECTORY` first (where
    /// `LoadCredential=` puts it), then as given. One trailing line break is dropped.
    public static func read(_ name: String, credentialsDirectory: String?) throws(Failure) -> String {
        var candidates: [String] = []
        if !name.hasPrefix("/"), let credentialsDirectory, !credentialsDirectory.isEmpty {
            candidates.append((credentialsDirectory as NSString).appendingPathComponent(name))
        }
        candidates.append(name)
        for path in candidates {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            guard var text = String(data: data, encoding: .utf8) else {
                throw Failure("\(path) is not UTF-8 text")
            }
            // "\r\n" is one Character in Swift.
            if text.hasSuffix("\r\n") || text.hasSuffix("\n") { text.removeLast() }
            guard !text.isEmpty else { throw Failure("\(path) is empty") }
            return text
        }
        throw Failure("cannot read \(candidates.joined(separator: " or "))")
    }
}
