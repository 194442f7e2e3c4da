import Foundation
import ReportWatchAlerts
import ReportWatchFetch

/// `kind: email`: `smtp_url` (`smtp://host:587` with `starttls`, or `smtps://host:465`), `from`,
/// `to` (a list), optional `username` with `password_file`, `ca_file` and `timeout`.
struct EmailSettings: ChannelSettings {
    let smtpURL: String
    let startTLS: SMTPClient.StartTLS
    let from: EmailChannel.Mailbox
    let to: [EmailChannel.Mailbox]
    let username: String?
    let passwordFile: String?
    let caFile: String?
    let timeout: Duration

    func makeChannel(id: String, context: ChannelContext) throws -> any AlertChannel {
        // Read at start and on reload, so a missing secret stops the start with a clear message
        // rather than failing every delivery.
        let password: String?
        do {
            password = try passwordFile.map { try CredentialFile.read($0, credentialsDirectory: context.credentialsDirectory) }
        } catch {
            throw CredentialFile.Failure("channel \(id): password_file: \(error)")
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw CredentialFile.Failure("channel \(id): ca_file: cannot read \(caFile)")
        }
        return EmailChannel(
            id: id, smtpURL: smtpURL, startTLS: startTLS, from: from, to: to, username: username, password: password,
            caFile: caFile, timeout: timeout)
    }

    static let keys = ["smtp_url", "starttls", "from", "to", "username", "password_file", "ca_file", "timeout"]

    static let registration = ChannelKindRegistration(name: "email", keys: keys) { reader, map, path in
        let url = reader.required(reader.string(map, "smtp_url", at: path), map, "smtp_url", at: path)
        var host: String?
        if let url, let node = map.value(for: "smtp_url") {
            let components = URLComponents(string: url)
            let scheme = components?.scheme?.lowercased()
            if components == nil || !(scheme == "smtp" || scheme == "smtps") || (components?.host ?? "").isEmpty {
                reader.report(node, ConfigReader.join(path, "smtp_url"), "invalid SMTP URL '\(url)'",
                              suggestion: "smtp://mail.example.org:587 (STARTTLS) or smtps://mail.example.org:465")
            } else if components?.user != nil || components?.password != nil {
                // Never echo the URL here: it holds a password.
                reader.report(node, ConfigReader.join(path, "smtp_url"), "the SMTP URL must not hold credentials",
                              suggestion: "use username and password_file")
            } else {
                host = components?.host
            }
        }
        var startTLS = SMTPClient.StartTLS.required
        if let text = reader.string(map, "starttls", at: path), let node = map.value(for: "starttls") {
            if let value = SMTPClient.StartTLS(rawValue: text) {
                startTLS = value
            } else {
                reader.report(node, ConfigReader.join(path, "starttls"), "invalid starttls '\(text)'",
                              suggestion: "required, optional or never")
            }
        }
        let from = mailbox(&reader, map, "from", at: path)
        var to: [EmailChannel.Mailbox] = []
        if let list = reader.required(reader.strings(map, "to", at: path), map, "to", at: path), let node = map.value(for: "to") {
            for text in list {
                if let mailbox = EmailChannel.Mailbox(text) {
                    to.append(mailbox)
                } else {
                    reader.report(node, ConfigReader.join(path, "to"), "invalid address '\(TextEscaping.oneLine(text))'")
                }
            }
            if list.isEmpty { reader.report(node, ConfigReader.join(path, "to"), "at least one address is needed") }
        }
        let username = reader.string(map, "username", at: path)
        let passwordFile = reader.string(map, "password_file", at: path)
        if (username == nil) != (passwordFile == nil) {
            reader.report(map.value(for: "username") ?? map.value(for: "password_file") ?? YAMLNode(""), path,
                          "username and password_file go together")
        }
        if username != nil, startTLS == .never, let url, host != nil, !SMTPClient.isLocalhost(url),
           URLComponents(string: url)?.scheme?.lowercased() == "smtp", let node = map.value(for: "starttls") {
            reader.report(node, ConfigReader.join(path, "starttls"), "starttls: never would send the password in clear text",
                          suggestion: "use required, or smtps://")
        }
        let caFile = reader.string(map, "ca_file", at: path)
        let timeout = reader.duration(map, "timeout", at: path) ?? .seconds(60)
        guard let url, host != nil, let from, !to.isEmpty else { return nil }
        return EmailSettings(smtpURL: url, startTLS: startTLS, from: from, to: to, username: username,
                             passwordFile: passwordFile, caFile: caFile, timeout: timeout)
    }

    private static func mailbox(_ reader: inout ConfigReader, _ map: YAMLNode.Mapping, _ key: String, at path: String) -> EmailChannel.Mailbox? {
        guard let text = reader.required(reader.string(map, key, at: path), map, key, at: path), let node = map.value(for: key) else {
            return nil
        }
        guard let mailbox = EmailChannel.Mailbox(text) else {
            reader.report(node, ConfigReader.join(path, key), "invalid address '\(TextEscaping.oneLine(text))'",
                          suggestion: "alerts@example.org or \"reportwatch <alerts@example.org>\"")
            return nil
        }
        return mailbox
    }
}
