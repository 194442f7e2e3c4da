import Foundation

/// The message a change or a health event produces. Its ``id`` is stable: every channel and
/// every re-send carries the same one, so a receiver can drop a repeat.
public struct Alert: Sendable, Hashable, Codable {
    public var id: String
    public var source: String
    public var event: AlertEvent
    public var title: String
    public var url: String?
    public var detectedAt: Date
    /// The item's key, for item events.
    public var key: String?
    /// For `changed`: each field with its old and new value.
    public var fields: [FieldChange]?
    /// The item's fields as last seen, for item events.
    public var item: [String: String]?
    /// A plain-text account of what happened, ready to read in a message.
    public var summary: String?
    /// What a report document itself says, when the source reads reports.
    public var findings: ReportFindings?
    /// With `findings`: each grade beside the previous report's grade for the same matter, as the
    /// source worked it out when the report arrived (the previous report may be gone later).
    public var comparisons: [JudgementComparison]?

    public init(
        id: String = Alert.newID(),
        source: String,
        event: AlertEvent,
        title: String,
        url: String? = nil,
        detectedAt: Date,
        key: String? = nil,
        fields: [FieldChange]? = nil,
        item: [String: String]? = nil,
        summary: String? = nil,
        findings: ReportFindings? = nil,
        comparisons: [JudgementComparison]? = nil
    ) {
        self.id = id
        self.source = source
        self.event = event
        self.title = title
        self.url = url
        self.detectedAt = detectedAt
        self.key = key
        self.fields = fields
        self.item = item
        self.summary = summary
        self.findings = findings
        self.comparisons = comparisons
    }

    /// A fresh, unique alert id: a random (version 4) UUID in lower case.
    public static func newID() -> String {
        UUID().uuidString.lowercased()
    }

    enum CodingKeys: String, CodingKey {
        case id, source, event, title, url
        case detectedAt = "detected_at"
        case key, fields, item, summary, findings, comparisons
    }
}

extension Alert {
    /// The encoder every channel uses for the alert object: RFC 3339 dates, stable key order.
    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.string(from: date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date: \(text)")
            }
            return date
        }
        return decoder
    }
}
