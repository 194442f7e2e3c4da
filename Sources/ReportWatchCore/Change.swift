/// One field that differs between the stored item and the newly extracted one.
public struct FieldChange: Sendable, Hashable, Codable {
    public var name: String
    public var old: String?
    public var new: String?

    public init(name: String, old: String?, new: String?) {
        self.name = name
        self.old = old
        self.new = new
    }
}

/// What a pass learned about one item, compared with what was stored before.
public enum Change: Sendable, Hashable {
    case added(Item)
    case removed(Item)
    case changed(old: Item, new: Item, fields: [FieldChange])

    public var key: String {
        switch self {
        case .added(let item), .removed(let item): item.key
        case .changed(_, let new, _): new.key
        }
    }

    public var event: AlertEvent {
        switch self {
        case .added: .added
        case .removed: .removed
        case .changed: .changed
        }
    }
}
