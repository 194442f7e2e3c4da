import ReportWatchAlerts

/// `kind: webhook`: `url`, `format` (json, slack, discord, teams), optional `secret_file` (the
/// HMAC key for `X-Reportwatch-Signature`) and `timeout`.
struct WebhookSettings: ChannelSettings {
    let url: String
    let format: WebhookChannel.Format
    let secretFile: String?
    let timeout: Duration

    func makeChannel(id: String, context: ChannelContext) throws -> any AlertChannel {
        let secret: [UInt8]?
        do {
            secret = try secretFile.map { Array(try CredentialFile.read($0, credentialsDirectory: context.credentialsDirectory).utf8) }
        } catch {
            throw CredentialFile.Failure("channel \(id): secret_file: \(error)")
        }
        return WebhookChannel(id: id, url: url, format: format, secret: secret, timeout: timeout, client: context.client)
    }

    static let registration = ChannelKindRegistration(name: "webhook", keys: ["url", "format", "secret_file", "timeout"]) { reader, map, path in
        let url = reader.required(reader.url(map, "url", at: path), map, "url", at: path)
        var format = WebhookChannel.Format.json
        if let text = reader.string(map, "format", at: path), let node = map.value(for: "format") {
            if let value = WebhookChannel.Format(rawValue: text) {
                format = value
            } else {
                reader.report(node, ConfigReader.join(path, "format"), "unknown format '\(text)'",
                              suggestion: ConfigReader.suggest(text, among: WebhookChannel.Format.allCases.map(\.rawValue)))
                return nil
            }
        }
        let secretFile = reader.string(map, "secret_file", at: path)
        let timeout = reader.duration(map, "timeout", at: path) ?? .seconds(30)
        guard let url else { return nil }
        return WebhookSettings(url: url, format: format, secretFile: secretFile, timeout: timeout)
    }
}
