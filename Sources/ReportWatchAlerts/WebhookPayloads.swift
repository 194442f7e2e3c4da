import Foundation
import ReportWatchCore

/// The request bodies of the `webhook` formats. Each chat service gets its own incoming-webhook
/// shape and its own escaping, so that page text can never ping a channel or inject markup.
public enum WebhookPayloads {
    /// The version of the `json` format; receivers should check it.
    public static let schemaVersion = 1

    public static func body(for alert: Alert, format: WebhookChannel.Format, context: DeliveryContext) throws -> [UInt8] {
        let text = AlertText(alert, context: context)
        switch format {
        case .json: return try encode(AlertEnvelope(alert: alert, isTest: context.isTest))
        case .slack: return try encode(slack(subject: text.subject, lines: chatLines(text), link: text.link))
        case .discord: return try encode(discord(subject: text.subject, lines: chatLines(text), link: text.link))
        case .teams: return try encode(teams(subject: text.subject, lines: chatLines(text), link: text.link))
        }
    }

    public static func body(for digest: AlertDigest, format: WebhookChannel.Format, context: DeliveryContext) throws -> [UInt8] {
        let text = DigestText(digest, context: context)
        let lines = text.alertTexts.map { alert in
            "• " + alert.subject + (alert.link.map { " — \($0)" } ?? "")
        }
        switch format {
        case .json: return try encode(DigestEnvelope(digest: digest, isTest: context.isTest))
        case .slack: return try encode(slack(subject: text.subject, lines: lines, link: nil))
        case .discord: return try encode(discord(subject: text.subject, lines: lines, link: nil))
        case .teams: return try encode(teams(subject: text.subject, lines: lines, link: nil))
        }
    }

    /// What a chat message says under its subject: the summary, the grades, what needs to improve.
    static func chatLines(_ text: AlertText) -> [String] {
        var lines: [String] = []
        if text.context.isTest { lines.append("This is a test message from reportwatch test-channel. No action is needed.") }
        if let summary = text.summary { lines.append(summary) }
        for row in text.judgements {
            lines.append("\(row.label): \(row.grade)" + (row.previousGrade.map { " (previously \($0))" } ?? ""))
        }
        if !text.improvements.isEmpty {
            lines.append("What needs to improve:")
            lines.append(contentsOf: text.improvements.map { "• \($0)" })
        }
        lines.append(contentsOf: text.changes)
        return lines
    }

    // MARK: Slack

    /// Slack: `&`, `<` and `>` are the only control characters of its mrkdwn, and escaping them
    /// is what stops `<!channel>` or `<@U123>` in page text from pinging anyone.
    public static func slackEscape(_ text: String) -> String {
        escapingScalars(text) { scalar in
            switch scalar {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            default: nil
            }
        }
    }

    /// Every escaper here works on Unicode scalars: a special character followed by a combining
    /// mark is another Swift `Character` ("<" + U+0338 is "≮"), yet each receiver reads the "<".
    static func escapingScalars(_ text: String, _ replacement: (Unicode.Scalar) -> String?) -> String {
        var result = String.UnicodeScalarView()
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if let replaced = replacement(scalar) {
                result.append(contentsOf: replaced.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    static func slack(subject: String, lines: [String], link: String?) -> SlackMessage {
        var text = "*\(slackEscape(subject))*"
        let body = lines.map(slackEscape).joined(separator: "\n")
        if !body.isEmpty { text += "\n" + body }
        if let link {
            // Inside <url|label>, "|" and ">" would end the link early.
            let safe = escapingScalars(link) { scalar in
                switch scalar {
                case "|": "%7C"
                case ">": "%3E"
                case "<": "%3C"
                case "&": "&amp;"
                default: nil
                }
            }
            text += "\n<\(safe)|Open the report or page>"
        }
        return SlackMessage(text: TextEscaping.truncate(text, to: 3900))
    }

    struct SlackMessage: Encodable {
        var text: String
        var mrkdwn = true
        var unfurlLinks = false

        enum CodingKeys: String, CodingKey {
            case text, mrkdwn
            case unfurlLinks = "unfurl_links"
        }
    }

    // MARK: Discord

    /// Discord: markdown characters are backslash-escaped, and a zero-width space after every "@"
    /// keeps `@everyone` and `<@id>` from reading as mentions (`allowed_mentions` stops pings too).
    public static func discordEscape(_ text: String) -> String {
        escapingScalars(text) { scalar in
            switch scalar {
            case "\\", "*", "_", "~", "`", "|", ">", "<", "#", "-", "[", "]", "(", ")", ":": "\\" + String(scalar)
            case "@": "@\u{200B}"
            default: nil
            }
        }
    }

    static func discord(subject: String, lines: [String], link: String?) -> DiscordMessage {
        let description = TextEscaping.truncate(lines.map(discordEscape).joined(separator: "\n"), to: 4000)
        return DiscordMessage(
            content: TextEscaping.truncate(discordEscape(subject), to: 1900),
            embeds: [.init(title: TextEscaping.truncate(subject, to: 256), description: description, url: link)])
    }

    struct DiscordMessage: Encodable {
        struct Embed: Encodable {
            var title: String
            var description: String
            var url: String?
        }

        struct AllowedMentions: Encodable {
            var parse: [String] = []
        }

        var content: String
        var embeds: [Embed]
        var allowedMentions = AllowedMentions()

        enum CodingKeys: String, CodingKey {
            case content, embeds
            case allowedMentions = "allowed_mentions"
        }
    }

    // MARK: Teams

    /// Teams Adaptive Cards read a small markdown: its characters are backslash-escaped, and
    /// angle brackets are spelled out so no client takes page text for markup.
    public static func teamsEscape(_ text: String) -> String {
        escapingScalars(text) { scalar in
            switch scalar {
            case "\\", "*", "_", "~", "`", "[", "]", "(", ")", "#", "-", "+", "!", "|": "\\" + String(scalar)
            case "<": "&lt;"
            case ">": "&gt;"
            case "&": "&amp;"
            default: nil
            }
        }
    }

    static func teams(subject: String, lines: [String], link: String?) -> TeamsMessage {
        var body: [TeamsMessage.TextBlock] = [.init(text: teamsEscape(subject), weight: "Bolder", size: "Medium")]
        body += lines.map { .init(text: teamsEscape($0)) }
        let actions = link.map { [TeamsMessage.OpenURL(url: $0)] } ?? []
        let card = TeamsMessage.Card(body: body, actions: actions)
        return TeamsMessage(attachments: [.init(content: card)])
    }

    struct TeamsMessage: Encodable {
        struct TextBlock: Encodable {
            var type = "TextBlock"
            var text: String
            var wrap = true
            var weight: String?
            var size: String?

            init(text: String, weight: String? = nil, size: String? = nil) {
                self.text = text
                self.weight = weight
                self.size = size
            }
        }

        struct OpenURL: Encodable {
            var type = "Action.OpenUrl"
            var title = "Open the report or page"
            var url: String

            init(url: String) { self.url = url }
        }

        struct Card: Encodable {
            var schema = "http://adaptivecards.io/schemas/adaptive-card.json"
            var type = "AdaptiveCard"
            var version = "1.4"
            var body: [TextBlock]
            var actions: [OpenURL]

            enum CodingKeys: String, CodingKey {
                case schema = "$schema"
                case type, version, body, actions
            }
        }

        struct Attachment: Encodable {
            var contentType = "application/vnd.microsoft.card.adaptive"
            var contentUrl: String? = nil
            var content: Card
        }

        var type = "message"
        var attachments: [Attachment]
    }

    // MARK: JSON

    /// The alert object exactly as the `jsonl` channel writes it, plus `schema_version`.
    struct AlertEnvelope: Encodable {
        let alert: Alert
        let isTest: Bool

        enum Keys: String, CodingKey {
            case schemaVersion = "schema_version"
            case test
        }

        func encode(to encoder: any Encoder) throws {
            try alert.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(WebhookPayloads.schemaVersion, forKey: .schemaVersion)
            if isTest { try container.encode(true, forKey: .test) }
        }
    }

    struct DigestEnvelope: Encodable {
        struct Info: Encodable {
            let id: String
            let channel: String
            let period: String
            let scheduledAt: Date
            let alertCount: Int

            enum CodingKeys: String, CodingKey {
                case id, channel, period
                case scheduledAt = "scheduled_at"
                case alertCount = "alert_count"
            }
        }

        let digest: AlertDigest
        let isTest: Bool

        enum Keys: String, CodingKey {
            case schemaVersion = "schema_version"
            case digest, alerts, test
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(WebhookPayloads.schemaVersion, forKey: .schemaVersion)
            try container.encode(Info(id: digest.id, channel: digest.channelID, period: digest.period.rawValue,
                                      scheduledAt: digest.scheduledAt, alertCount: digest.alerts.count), forKey: .digest)
            try container.encode(digest.alerts, forKey: .alerts)
            if isTest { try container.encode(true, forKey: .test) }
        }
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try Alert.jsonEncoder().encode(value))
    }
}
