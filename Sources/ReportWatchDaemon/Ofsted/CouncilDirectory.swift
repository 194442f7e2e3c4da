import Foundation

/// The English councils and their Ofsted URNs, from the bundled copy of the lookup table
/// (`Resources/la_lookup.csv`, one row per local authority: `urn`, ONS name, other names,
/// region, web domain), and a forgiving search over their names for `reportwatch council`.
public struct CouncilDirectory: Sendable {
    public struct Council: Sendable, Hashable {
        /// Ofsted's unique reference number for the council's children's services.
        public var urn: String
        /// The ONS name: "Bristol, City of", "Harrow".
        public var officialName: String
        /// Other names the table gives ("Bristol"; "Kingston Upon Hull", "Hull").
        public var otherNames: [String]
        public var region: String?
        /// The council's web domain ("harrow.gov.uk").
        public var domain: String?
        /// "London Borough", "Unitary Authority", ...
        public var type: String?

        /// The name people use: the first other name, else the official one.
        public var name: String { otherNames.first ?? officialName }

        /// The council's children's services page on Ofsted's site.
        public var providerURL: String { "https://reports.ofsted.gov.uk/provider/44/\(urn)" }

        /// `moderngov.<domain>`, the usual address of a council's ModernGov site: a guess.
        public var moderngovGuess: String? {
            guard let domain, !domain.isEmpty else { return nil }
            var host = domain.lowercased()
            if host.hasPrefix("www.") { host.removeFirst(4) }
            return "https://moderngov.\(host)"
        }

        /// A source id for the config: "ofsted-harrow", "ofsted-bristol".
        public var sourceID: String {
            var slug = ""
            for scalar in name.lowercased().unicodeScalars {
                if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                    slug.unicodeScalars.append(scalar)
                } else if !slug.hasSuffix("-"), !slug.isEmpty {
                    slug += "-"
                }
            }
            while slug.hasSuffix("-") { slug.removeLast() }
            return "ofsted-" + (slug.isEmpty ? urn : slug)
        }

        var allNames: [String] { [officialName] + otherNames }
    }

    public let councils: [Council]

    public init(councils: [Council]) {
        self.councils = councils
    }

    /// The table compiled into reportwatch (`CouncilTable`), so an installed binary needs no
    /// resource files beside it.
    public static func bundled() throws -> CouncilDirectory {
        try CouncilDirectory(csv: CouncilTable.csv)
    }

    /// Reads the lookup table's columns by their header names, so added columns do not matter.
    public init(csv: String) throws {
        let rows = CSVRows.parse(csv)
        guard let header = rows.first else { throw CouncilDirectoryError("the council table is empty") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ name: String) -> Int? { names.firstIndex(of: name) }
        guard let urnColumn = column("urn"), let nameColumn = column("local_authority_ons_name") else {
            throw CouncilDirectoryError("the council table has no urn or local_authority_ons_name column")
        }
        let akaColumn = column("also_known_as"), regionColumn = column("region_name")
        let domainColumn = column("domain"), typeColumn = column("ons_la_type")
        func value(_ row: [String], _ index: Int?) -> String? {
            guard let index, index < row.count else { return nil }
            let text = row[index].trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
        var councils: [Council] = []
        for row in rows.dropFirst() {
            guard let urn = value(row, urnColumn), let name = value(row, nameColumn) else { continue }
            // "[Kingston Upon Hull, Hull]" → ["Kingston Upon Hull", "Hull"]
            let aka = value(row, akaColumn).map { text in
                text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            } ?? []
            councils.append(Council(urn: urn, officialName: name, otherNames: aka, region: value(row, regionColumn),
                                    domain: value(row, domainColumn), type: value(row, typeColumn)))
        }
        self.councils = councils
    }

    // MARK: Search

    /// The councils a name most likely means, best first: an exact name (any of its names,
    /// ignoring case, punctuation and words such as "City of", "Council", "London Borough of")
    /// or URN alone wins; else names containing the words typed; else names within a few typing
    /// mistakes. More than one result means the name is ambiguous.
    public func search(_ query: String) -> [Council] {
        let wanted = Self.normalise(query)
        guard !wanted.isEmpty else { return [] }
        if let byURN = councils.first(where: { $0.urn == query.trimmingCharacters(in: .whitespaces) }) { return [byURN] }

        let exact = councils.filter { $0.allNames.contains { Self.normalise($0) == wanted } }
        if !exact.isEmpty { return exact }

        let words = wanted.split(separator: " ")
        let containing = councils.filter { council in
            council.allNames.contains { name in
                let nameWords = Self.normalise(name).split(separator: " ")
                return words.allSatisfy { word in nameWords.contains { $0.hasPrefix(word) } }
            }
        }
        if !containing.isEmpty { return containing }

        // Typing mistakes: at most one in four letters, and never more than three.
        let limit = min(3, max(1, wanted.count / 4))
        let scored = councils.compactMap { council -> (Council, Int)? in
            let best = council.allNames.map { ConfigReader.editDistance(Self.normalise($0), wanted) }.min() ?? Int.max
            return best <= limit ? (council, best) : nil
        }
        guard let closest = scored.map(\.1).min() else { return [] }
        return scored.filter { $0.1 == closest }.map(\.0)
    }

    /// Lowercase words without punctuation or the words that name a kind of council.
    static func normalise(_ name: String) -> String {
        let lowered = name.lowercased()
            .replacingOccurrences(of: "&", with: " and ")
            .replacingOccurrences(of: "\u{2019}", with: "'")
        var cleaned = ""
        for scalar in lowered.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                cleaned.unicodeScalars.append(scalar)
            } else if scalar != "'" {
                cleaned += " "
            }
        }
        let filler: Set<String> = ["city", "of", "council", "borough", "london", "royal", "the", "county", "metropolitan",
                                   "district", "cc", "mbc", "lbc", "lb"]
        let words = cleaned.split(separator: " ").map(String.init)
        let kept = words.filter { !filler.contains($0) }
        // "City of London" is itself a council: keep its words when nothing else is left.
        return (kept.isEmpty ? words : kept).joined(separator: " ")
    }

    /// The `sources:` entry for a council's `ofsted-provider` source.
    public static func sourceYAML(for council: Council) -> String {
        """
          - id: \(council.sourceID)
            name: Ofsted reports for \(council.name) children's services
            kind: ofsted-provider
            url: \(council.providerURL)
            council: \(yamlScalar(council.name))
            interval: 30m
        """
    }

    /// Quotes a value when plain YAML would misread it.
    static func yamlScalar(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || " -'.()".unicodeScalars.contains($0) }
        return plain ? text : "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

public struct CouncilDirectoryError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
