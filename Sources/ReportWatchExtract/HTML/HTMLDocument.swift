import CLibXML2
import Foundation

/// A parsed HTML document. It owns the libxml2 tree and its XPath context and frees both;
/// ``HTMLNode`` values keep the document alive, so no node pointer outlives its tree.
public final class HTMLDocument {
    let document: htmlDocPtr
    private let xpath: XPathEvaluator
    /// The URL the document came from, against which relative links resolve.
    public let url: String

    /// Parses HTML leniently, as browsers do. The charset is, in order: `charset` (from the
    /// HTTP header), a byte-order mark, a `<meta>` declaration, else UTF-8. Invalid UTF-8 is
    /// repaired with U+FFFD rather than letting libxml2 fall back to Latin-1 for the rest.
    public init(bytes: [UInt8], url: String, charset: String? = nil) throws(ExtractError) {
        LibXML2.initialise()
        self.url = url
        let (input, encoding) = Self.prepare(bytes, charset: charset)
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        let parsed: htmlDocPtr? = input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                let document = htmlReadMemory(chars.baseAddress, Int32(chars.count), url, encoding, options)
                if document == nil, encoding != nil {
                    // An encoding name libxml2 does not know: let it detect instead.
                    return htmlReadMemory(chars.baseAddress, Int32(chars.count), url, nil, options)
                }
                return document
            }
        }
        guard let parsed else {
            throw .unparseable(url: url, message: input.isEmpty ? "the document is empty" : "libxml2 could not parse the document")
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

    /// The document's root, for evaluating absolute expressions.
    public var root: HTMLNode? {
        xmlDocGetRootElement(document).map { HTMLNode(pointer: $0, document: self) }
    }

    /// The nodes an expression selects, in document order. A non-node-set result is an error.
    public func nodes(_ expression: XPathExpression, in node: HTMLNode? = nil) throws(XPathError) -> [HTMLNode] {
        try xpath.nodes(expression, in: node?.pointer).map { HTMLNode(pointer: $0, document: self) }
    }

    /// The string value of what an expression selects: the first node's text, or the string,
    /// number or boolean the expression computes. `nil` when it selects no node.
    public func string(_ expression: XPathExpression, in node: HTMLNode? = nil) throws(XPathError) -> String? {
        try xpath.string(expression, in: node?.pointer)
    }

    /// Resolves a link against the document's URL (and `<base href>`, which libxml2 does not apply).
    public func resolve(_ link: String) -> String {
        // Item fields arrive already normalised: trim only when there is something to trim.
        let padded = link.first?.isWhitespace == true || link.last?.isWhitespace == true
        let trimmed = padded ? link.trimmingCharacters(in: .whitespacesAndNewlines) : link
        guard !trimmed.isEmpty else { return trimmed }
        guard let resolved = LibXML2.take(xmlBuildURI(trimmed, baseURL)) else { return trimmed }
        return resolved
    }

    /// The page URL, or what the first `<head><base href>` makes it. Found by walking the
    /// root's children: an XPath `//head/base` would visit every node of the page once more.
    private lazy var baseURL: String = {
        var child = xmlDocGetRootElement(document)?.pointee.children
        while let head = child {
            defer { child = head.pointee.next }
            guard head.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(head.pointee.name, "head") != 0 else { continue }
            var inner = head.pointee.children
            while let base = inner {
                defer { inner = base.pointee.next }
                guard base.pointee.type == XML_ELEMENT_NODE, xmlStrEqual(base.pointee.name, "base") != 0,
                      let href = LibXML2.take(xmlGetProp(base, "href")) else { continue }
                let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
                if !trimmed.isEmpty, let absolute = LibXML2.take(xmlBuildURI(trimmed, url)) {
                    return absolute
                }
                return url
            }
        }
        return url
    }()
}

/// A node of an ``HTMLDocument``. It keeps its document alive.
public struct HTMLNode {
    let pointer: xmlNodePtr
    public let document: HTMLDocument

    /// The node's text: all descendant text, as libxml2 gives it (not yet normalised).
    public var text: String {
        LibXML2.take(xmlXPathCastNodeToString(pointer)) ?? ""
    }

    /// The value of an attribute, if present.
    public func attribute(_ name: String) -> String? {
        LibXML2.take(xmlGetProp(pointer, name))
    }
}
