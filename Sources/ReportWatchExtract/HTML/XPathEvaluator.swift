import CLibXML2

/// XPath evaluation over one libxml2 tree, shared by ``HTMLDocument`` and ``XMLDocument``. The
/// document that holds it frees it (before the tree) in its `deinit`; pointers it returns stay
/// inside the document's own API.
struct XPathEvaluator {
    private let context: xmlXPathContextPtr
    private let document: xmlDocPtr

    /// `nil` when libxml2 cannot allocate a context.
    init?(document: xmlDocPtr) {
        guard let context = xmlXPathNewContext(document) else { return nil }
        // Errors are read back from `lastError`, never printed.
        context.pointee.error = { _, _ in }
        self.context = context
        self.document = document
    }

    func free() {
        xmlXPathFreeContext(context)
    }

    /// The nodes an expression selects, in document order. A non-node-set result is an error.
    func nodes(_ expression: XPathExpression, in node: xmlNodePtr?) throws(XPathError) -> [xmlNodePtr] {
        try evaluate(expression, in: node) { result throws(XPathError) in
            guard result.pointee.type == XPATH_NODESET else {
                throw XPathError(expression: expression.expression, message: "the expression selects a value, not nodes")
            }
            guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab else {
                return []
            }
            return (0..<Int(set.pointee.nodeNr)).compactMap { table[$0] }
        }
    }

    /// The string value of what an expression selects: the first node's text, or the string,
    /// number or boolean the expression computes. `nil` when it selects no node.
    func string(_ expression: XPathExpression, in node: xmlNodePtr?) throws(XPathError) -> String? {
        try evaluate(expression, in: node) { result in
            switch result.pointee.type {
            case XPATH_NODESET:
                guard let set = result.pointee.nodesetval, set.pointee.nodeNr > 0,
                      let first = set.pointee.nodeTab?[0] else { return nil }
                return LibXML2.take(xmlXPathCastNodeToString(first))
            case XPATH_STRING:
                return result.pointee.stringval.map { String(cString: $0) }
            default:
                return LibXML2.take(xmlXPathCastToString(result))
            }
        }
    }

    private func evaluate<T>(
        _ expression: XPathExpression,
        in node: xmlNodePtr?,
        _ body: (xmlXPathObjectPtr) throws(XPathError) -> T
    ) throws(XPathError) -> T {
        context.pointee.node = node ?? UnsafeMutablePointer(OpaquePointer(document))
        let evaluated = try expression.withCompiled { compiled in xmlXPathCompiledEval(compiled, context) }
        guard let result = evaluated else {
            throw XPathError(expression: expression.expression, error: context.pointee.lastError)
        }
        defer { xmlXPathFreeObject(result) }
        return try body(result)
    }
}
