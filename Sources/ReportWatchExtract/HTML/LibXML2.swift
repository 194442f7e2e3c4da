import CLibXML2

/// Process-wide libxml2 set-up: `xmlInitParser` once, before any thread parses, and no error
/// printing to stderr (errors are read back and reported as typed Swift errors).
enum LibXML2 {
    private static let initialised: Bool = {
        xmlInitParser()
        rw_xml_silence_errors()
        return true
    }()

    static func initialise() {
        _ = initialised
        // libxml2 keeps error handlers per thread; Swift tasks move between threads.
        rw_xml_silence_errors()
    }

    /// Copies a libxml2 string into Swift and frees it.
    static func take(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        defer { rw_xml_free(pointer) }
        return String(cString: pointer)
    }
}

/// A cap on what a parsed page's entity references add when its text is read. Without
/// substitution (`NOENT`) libxml2 keeps one reference node per use and expands it only when text
/// is read, so a page that declares one 100 KB entity and uses it 2,000 times is 106 KB on the
/// wire and 200 MB of text. libxml2 refuses nested expansion itself; this sums the flat kind.
enum EntityExpansion {
    /// Bytes of text all of a page's entity references may add together, far above what a
    /// feed's `&nbsp;`-style entities ever add.
    static let limit = 1 << 20

    /// Throws when reading every text and attribute value of `document` would take more than
    /// ``limit`` bytes from its entities. A document that declares none is not walked: libxml2's
    /// HTML parser never reads an internal subset, and most feeds have none.
    static func check(_ document: xmlDocPtr, url: String) throws(ExtractError) {
        guard declaresEntities(document) else { return }
        var sizes: [UnsafeMutableRawPointer: Int] = [:]
        var added = 0
        var pending: [xmlNodePtr] = []
        if let first = document.pointee.children { pending.append(first) }
        while let node = pending.popLast() {
            if let next = node.pointee.next { pending.append(next) }
            switch node.pointee.type {
            case XML_ENTITY_REF_NODE:
                added += expandedSize(of: node, in: document, sizes: &sizes, depth: 0)
                if added > limit { throw refusal(url) }
                continue
            case XML_ELEMENT_NODE:
                var attribute = node.pointee.properties
                while let current = attribute {
                    if let value = current.pointee.children { pending.append(value) }
                    attribute = current.pointee.next
                }
            case XML_DTD_NODE, XML_ENTITY_DECL:
                continue
            default:
                break
            }
            if let child = node.pointee.children { pending.append(child) }
        }
    }

    private static func declaresEntities(_ document: xmlDocPtr) -> Bool {
        for subset in [document.pointee.intSubset, document.pointee.extSubset] {
            if let entities = subset?.pointee.entities, xmlHashSize(OpaquePointer(entities)) > 0 { return true }
        }
        return false
    }

    /// The bytes a reference expands to, counting entities within entities; memoised per
    /// entity, and more than ``limit`` once past it (or past libxml2's own nesting depth).
    private static func expandedSize(of reference: xmlNodePtr, in document: xmlDocPtr,
                                     sizes: inout [UnsafeMutableRawPointer: Int], depth: Int) -> Int {
        guard depth < 40 else { return limit + 1 }
        guard let entity = xmlGetDocEntity(document, reference.pointee.name) else { return 0 }
        let key = UnsafeMutableRawPointer(entity)
        if let known = sizes[key] { return known }
        // Predefined entities (`&amp;`) and ones whose content libxml2 did not parse into nodes
        // are read as their content.
        guard let first = entity.pointee.children else {
            let size = Int(entity.pointee.length)
            sizes[key] = size
            return size
        }
        sizes[key] = limit + 1  // a reference to itself while it is being measured
        var size = 0
        var pending: [xmlNodePtr] = [first]
        while let node = pending.popLast(), size <= limit {
            if let next = node.pointee.next { pending.append(next) }
            switch node.pointee.type {
            case XML_ENTITY_REF_NODE:
                size += expandedSize(of: node, in: document, sizes: &sizes, depth: depth + 1)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                size += Int(xmlStrlen(node.pointee.content))
            default:
                if let child = node.pointee.children { pending.append(child) }
            }
        }
        sizes[key] = min(size, limit + 1)
        return sizes[key]!
    }

    private static func refusal(_ url: String) -> ExtractError {
        .unparseable(url: url, message: "the page's entities expand to more than \(limit >> 20) MiB of text")
    }
}
