
/// How a kind reads its own config keys: the builder reads them from the source's mapping
/// through the ``ConfigReader`` (which records errors with line and key), and returns `nil`
/// when they are unusable.
struct SourceKindRegistration: Sendable {
    let name: String
    /// The keys this kind accepts besides the common source keys.
    let keys: [String]
    let build: @Sendable (inout ConfigReader, YAMLNode.Mapping, String) -> (any SourceKind)?

    init(name: String, keys: [String], build: @escaping @Sendable (inout ConfigReader, YAMLNode.Mapping, String) -> (any SourceKind)?) {
        self.name = name
        self.keys = keys
        self.build = build
    }
}

/// Every source kind reportwatch knows. Add a kind here and in its own file under `Kinds/`.
enum SourceKindRegistry {
    static let all: [SourceKindRegistration] = [
        HTMLKind.registration,
        GovUKSearchKind.registration,
        GovUKContentKind.registration,
        FeedKind.registration,
        ModernGovCommitteeKind.registration,
        OfstedProviderKind.registration,
        OfstedSearchKind.registration,
    ]

    static func registration(_ name: String) -> SourceKindRegistration? {
        all.first { $0.name == name }
    }
}
