/// One thing a source lists, identified by a stable key.
///
/// Items are compared by ``key`` only; the position on the page and any text outside the
/// item never matter (DESIGN.md, invariant 3).
public struct Item: Sendable, Hashable, Codable {
    public var key: String
    /// Named field values, whitespace-normalised. `title` and `link` are conventional names.
    public var fields: [String: String]

    public init(key: String, fields: [String: String] = [:]) {
        self.key = key
        self.fields = fields
    }

    public var title: String? { fields["title"] }
    public var link: String? { fields["link"] }
}
