import CLibXML2
import Foundation

/// A parsed, well-formed XML document (a feed). Like ``HTMLDocument`` it owns the libxml2 tree
/// and its XPath context and frees both; ``XMLNode`` values keep the document alive, so no node
/// pointer outlives its tree.
///
/// Parsing is strict and never touches anything outside the bytes: no network (`NONET`), no
/// DTD loading, and entities are not substituted (no `NOENT`), so an external entity is never
/// resolved; what internal entities add when the text is read is capped (``EntityExpansion``). A body that is not well-formed XML (an HTML error page, a truncated feed) is an
/// error, never a partial tree whose missing entries would read as removals.
///
/// XPath expressions see the document's namespaces as written; select by `local-name()` so
/// that, for example, Atom's namespace needs no registration.
public final class XMLDocument {
    let document: xmlDocPtr
    private let xpath: XPathEvaluator
    /// The URL the document came from, against which relative links resolve.
    public let url: String

    public init(bytes: [UInt8], url: String) throws(ExtractError) {
        LibXML2.initialise()
        self.url = url
        guard !bytes.isEmpty else { throw .unparseable(url: url, message: "the document is empty") }
        // The encoding comes from the byte-order mark or the XML declaration, as XML defines it:
        // feeds often carry a generic or wrong charset in Content-Type.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
        xmlResetLastError()
        let parsed: xmlDocPtr? = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlReadMemory(chars.baseAddress, Int32(chars.count), url, nil, options)
            }
        }
        guard let parsed else {
            throw .unparseable(url: url, message: "not well-formed XML: \(Self.lastErrorMessage())")
        }
        do {
            try EntityExpansion.check(parsed, url: url)
        } catch {
            xmlFreeDoc(parsed)
            throw error
        }
        guard let xpath = XPathEvaluator(document: parsed) else {
            xmlFreeDoc(parsed)
            throw .unparseable(url: url, message: "libxml2 could not allocate an XPath context")
        }
        document = parsed
        self.xpath = xpath
    }

    deinit {
        xpath.free()
        xmlFreeDoc(document)
    }

    /// libxml2's last error on this thread, with its line, for the failure message.
    private static func lastErrorMessage() -> String {
        guard let error = xmlGetLastError(), let message = error.pointee.message else { return "libxml2 could not parse it" }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return error.pointee.line > 0 ? "\(text) (line \(error.pointee.line))" : text
    }

    /// The root element.
    public var root: XMLNode? {
        xmlDocGetRootElement(document).map { XMLNode(pointer: $0, document: self) }
    }

    /// The nodes an expression selects, in document order. A non-node-set result is an error.
    public func nodes(_ expression: XPathExpression, in node: XMLNode? = nil) throws(XPathError) -> [XMLNode] {
        try xpath.nodes(expression, in: node?.pointer).map { XMLNode(pointer: $0, document: self) }
    }

    /// The first node an expression selects, if any.
    public func node(_ expression: XPathExpression, in node: XMLNode? = nil) throws(XPathError) -> XMLNode? {
        try nodes(expression, in: node).first
    }

    /// The string value of what an expression selects: the first node's text, or the string,
    /// number or boolean the expression computes. `nil` when it selects no node.
    public func string(_ expression: XPathExpression, in node: XMLNode? = nil) throws(XPathError) -> String? {
        try xpath.string(expression, in: node?.pointer)
    }

    /// Resolves a link against the node's base: `xml:base` on it or an ancestor (Atom uses it),
    /// else the document's URL.
    public func resolve(_ link: String, at node: XMLNode? = nil) -> String {
        let trimmed = link.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return trimmed }
        let base = node.flatMap { LibXML2.take(xmlNodeGetBase(document, $0.pointer)) } ?? url
        guard let resolved = LibXML2.take(xmlBuildURI(trimmed, base)) else { return trimmed }
        return resolved
    }
}

/// A node of an ``XMLDocument``. It keeps its document alive.
public struct XMLNode {
    let pointer: xmlNodePtr
    public let document: XMLDocument

    /// The element's name without its namespace prefix (`entry` for `atom:entry`).
    public var localName: String {
        pointer.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// The element's namespace URI, if it has one.
    public var namespaceURI: String? {
        pointer.pointee.ns?.pointee.href.map { String(cString: $0) }
    }

    /// The node's text: all descendant text, as libxml2 gives it (not yet normalised).
    public var text: String {
        LibXML2.take(xmlXPathCastNodeToString(pointer)) ?? ""
    }

    /// The value of an attribute without a namespace, if present.
    public func attribute(_ name: String) -> String? {
        LibXML2.take(xmlGetNoNsProp(pointer, name))
    }

    /// The node's children that are elements, in order.
    public var childElements: [XMLNode] {
        var result: [XMLNode] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                result.append(XMLNode(pointer: current, document: document))
            }
            child = current.pointee.next
        }
        return result
    }
}
