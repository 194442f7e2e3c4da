/// What an alert reports. The raw values are part of the alert format that receivers rely on.
public enum AlertEvent: String, Sendable, Hashable, Codable, CaseIterable {
    case added
    case changed
    case removed
    case sourceFailing = "source_failing"
    case sourceRecovered = "source_recovered"
    case structureChanged = "structure_changed"
    case deliveryFailed = "delivery_failed"

    /// Health events are about reportwatch's view of a source or channel, not about the items.
    public var isHealth: Bool {
        switch self {
        case .added, .changed, .removed: false
        case .sourceFailing, .sourceRecovered, .structureChanged, .deliveryFailed: true
        }
    }
}
