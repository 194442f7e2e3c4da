import ReportWatchCore

/// The `html` source kind: an XPath selects the items and per-field XPaths, relative to each
/// item, give its fields. `key` is required; `link` (and any field named `*_link` or `url`) is
/// resolved against the page URL.
public struct HTMLItemExtractor: Sendable {
    public struct Field: Sendable {
        public var name: String
        public var expression: XPathExpression

        public init(name: String, expression: XPathExpression) {
            self.name = name
            self.expression = expression
        }
    }

    public let items: XPathExpression
    public let fields: [Field]

    public init(items: XPathExpression, fields: [Field]) {
        self.items = items
        self.fields = fields
    }

    /// Compiles the expressions; the first invalid one throws.
    public init(items: String, fields: [(name: String, xpath: String)]) throws(XPathError) {
        self.items = try XPathExpression(items)
        var compiled: [Field] = []
        for field in fields {
            compiled.append(Field(name: field.name, expression: try XPathExpression(field.xpath)))
        }
        self.fields = compiled
    }

    /// Parses the page and extracts its items.
    public func extract(from page: Page) throws(ExtractError) -> ExtractedItems {
        let document = try HTMLDocument(bytes: page.body, url: page.url, charset: page.declaredCharset)
        return try extract(from: document)
    }

    public func extract(from document: HTMLDocument) throws(ExtractError) -> ExtractedItems {
        do {
            let nodes = try document.nodes(items)
            var result = ExtractedItems(matched: nodes.count)
            var seen = Set<String>()
            for node in nodes {
                var values: [String: String] = [:]
                for field in fields {
                    guard let raw = try document.string(field.expression, in: node) else { continue }
                    var value = Text.normalise(raw)
                    if Self.isLinkField(field.name), !value.isEmpty {
                        value = document.resolve(value)
                    }
                    if !value.isEmpty { values[field.name] = value }
                }
                guard let key = values.removeValue(forKey: "key"), !key.isEmpty else {
                    result.withoutKey += 1
                    continue
                }
                guard seen.insert(key).inserted else {
                    result.duplicates += 1
                    continue
                }
                result.items.append(Item(key: key, fields: values))
            }
            return result
        } catch {
            throw .xpath(error)
        }
    }

    static func isLinkField(_ name: String) -> Bool {
        name == "link" || name == "url" || name.hasSuffix("_link") || name.hasSuffix("_url")
    }
}

/// The items a page yielded, and how many matched nodes had to be passed over.
public struct ExtractedItems: Sendable {
    public var items: [Item] = []
    /// Nodes the items expression matched.
    public var matched: Int
    /// Matched nodes whose key was empty.
    public var withoutKey = 0
    /// Matched nodes whose key repeated an earlier one.
    public var duplicates = 0

    public init(items: [Item] = [], matched: Int = 0) {
        self.items = items
        self.matched = matched
    }
}
