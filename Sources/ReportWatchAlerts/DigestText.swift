import Foundation
import ReportWatchCore

/// A digest put into words: one subject, then every alert's message in turn.
public struct DigestText: Sendable {
    public let digest: AlertDigest
    public let context: DeliveryContext

    public init(_ digest: AlertDigest, context: DeliveryContext) {
        self.digest = digest
        self.context = context
    }

    public var alertTexts: [AlertText] {
        digest.alerts.map { AlertText($0, context: context) }
    }

    /// "reportwatch daily digest: 3 alerts — Harrow Ofsted, Harrow Cabinet"
    public var subject: String {
        var names: [String] = []
        for alert in digest.alerts {
            let name = TextEscaping.oneLine(context.sourceName(alert.source))
            if !names.contains(name) { names.append(name) }
        }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
        let count = digest.alerts.count == 1 ? "1 alert" : "\(digest.alerts.count) alerts"
        let subject = "\(context.isTest ? "[TEST] " : "")reportwatch \(digest.period.rawValue) digest: \(count) — \(shown)"
        return TextEscaping.truncate(TextEscaping.oneLine(subject), to: 200)
    }

    public var blocks: [MessageBlock] {
        var blocks: [MessageBlock] = [
            .heading(subject),
            .paragraph("Alerts gathered for the \(digest.period.rawValue) digest of \(AlertText.dateText(digest.scheduledAt, in: context.timeZone)), oldest first."),
        ]
        for text in alertTexts {
            blocks.append(.separator)
            blocks.append(contentsOf: text.blocks)
        }
        blocks.append(.separator)
        blocks.append(.footer([("Digest id", digest.id)]))
        return blocks
    }

    public var plainText: String { MessageRenderer.plain(blocks) }
    public var html: String { MessageRenderer.html(blocks, title: subject) }
}
