import ReportWatchCore
import ReportWatchExtract

/// `kind: html`: items by XPath, fields by XPaths relative to each item.
struct HTMLKind: SourceKind {
    let extractor: HTMLItemExtractor

    func read(_ page: Page, context: SourceContext) async -> SourceRead {
        do {
            return .items(try extractor.extract(from: page).items)
        } catch {
            return .failure(SourceFailure(.structure, error.description))
        }
    }

    /// Keys: `items` (XPath selecting the items) and `fields` (name: XPath, `key` required).
    static let registration = SourceKindRegistration(name: "html", keys: ["items", "fields"]) { reader, map, path in
        let items = reader.required(reader.string(map, "items", at: path), map, "items", at: path)
        let fields = reader.required(reader.stringMap(map, "fields", at: path), map, "fields", at: path)
        guard let items, let fields else { return nil }
        if !fields.contains(where: { $0.key == "key" }), let node = map.value(for: "fields") {
            reader.report(node, "\(path).fields", "a 'key' field is required: it identifies each item",
                          suggestion: "for example key: \"a/@href\"")
            return nil
        }
        let itemsExpression = reader.xpath(items, map.value(for: "items"), at: "\(path).items")
        var compiled: [HTMLItemExtractor.Field] = []
        let fieldNodes = map.value(for: "fields")?.mapping
        for field in fields {
            if let expression = reader.xpath(field.value, fieldNodes?.value(for: field.key), at: "\(path).fields.\(field.key)") {
                compiled.append(HTMLItemExtractor.Field(name: field.key, expression: expression))
            }
        }
        guard let itemsExpression, compiled.count == fields.count else { return nil }
        return HTMLKind(extractor: HTMLItemExtractor(items: itemsExpression, fields: compiled))
    }
}
