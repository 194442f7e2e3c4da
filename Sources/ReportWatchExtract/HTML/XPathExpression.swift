import CLibXML2
import Foundation
import Synchronization

/// An XPath expression that libxml2 has compiled. Creating one is the validity check: an
/// invalid expression is an error when the config is loaded, never an empty match later.
///
/// One expression serves every source that configures the same text (a compiled expression
/// takes some 1.5 KB; a thousand sources share four). libxml2 caches function lookups inside
/// the compiled steps on first use, so a compiled copy is never evaluated on two threads at
/// once: each evaluation borrows a copy, and a thread that finds none free compiles another.
/// There are never more copies than threads that evaluated it at the same moment.
public final class XPathExpression: Sendable, CustomStringConvertible {
    public let expression: String
    private let spare: Mutex<[Compiled]>

    /// A compiled copy, in the pool or lent to the one evaluation that borrowed it. `@unchecked`
    /// only because libxml2's pointer is not Sendable: the pool lends a copy to one thread at a
    /// time, and the copies are freed only in `deinit`.
    private struct Compiled: @unchecked Sendable {
        let pointer: xmlXPathCompExprPtr
    }

    public init(_ expression: String) throws(XPathError) {
        LibXML2.initialise()
        self.expression = expression
        guard expression.contains(where: { !$0.isWhitespace }) else {
            throw XPathError(expression: expression, message: "empty XPath expression")
        }
        spare = Mutex([Compiled(pointer: try Self.compile(expression))])
    }

    private static func compile(_ expression: String) throws(XPathError) -> xmlXPathCompExprPtr {
        guard let context = xmlXPathNewContext(nil) else {
            throw XPathError(expression: expression, message: "libxml2 could not allocate an XPath context")
        }
        defer { xmlXPathFreeContext(context) }
        context.pointee.error = { _, _ in }
        guard let compiled = xmlXPathCtxtCompile(context, expression) else {
            throw XPathError(expression: expression, error: context.pointee.lastError)
        }
        return compiled
    }

    /// Runs `body` with a compiled copy no other thread is using.
    func withCompiled<T>(_ body: (xmlXPathCompExprPtr) throws(XPathError) -> T) throws(XPathError) -> T {
        let borrowed = spare.withLock { $0.popLast() }
        let compiled: Compiled
        if let borrowed {
            compiled = borrowed
        } else {
            compiled = Compiled(pointer: try Self.compile(expression))
        }
        defer { spare.withLock { $0.append(compiled) } }
        return try body(compiled.pointer)
    }

    deinit {
        spare.withLock { spare in
            for compiled in spare { xmlXPathFreeCompExpr(compiled.pointer) }
        }
    }

    public var description: String { expression }
}

/// An XPath expression libxml2 rejected, or one whose evaluation failed.
public struct XPathError: Error, Sendable, Hashable, CustomStringConvertible {
    public var expression: String
    public var message: String

    public init(expression: String, message: String) {
        self.expression = expression
        self.message = message
    }

    init(expression: String, error: xmlError) {
        // libxml2 leaves `message` empty for XPath errors: the code and offset say what happened.
        let reason: String
        if let message = error.message {
            reason = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            reason = Self.reasons[Int(error.code)] ?? "invalid XPath expression (libxml2 error \(error.code))"
        }
        let offset = Int(error.int1)
        self.init(expression: expression, message: offset > 0 ? "\(reason) at character \(offset + 1)" : reason)
    }

    public var description: String { "\(message) in XPath '\(expression)'" }

    private static let reasons: [Int: String] = [
        Int(XML_XPATH_NUMBER_ERROR.rawValue): "number encoding error",
        Int(XML_XPATH_UNFINISHED_LITERAL_ERROR.rawValue): "unfinished literal",
        Int(XML_XPATH_START_LITERAL_ERROR.rawValue): "start of literal expected",
        Int(XML_XPATH_VARIABLE_REF_ERROR.rawValue): "expected $ for a variable reference",
        Int(XML_XPATH_UNDEF_VARIABLE_ERROR.rawValue): "undefined variable",
        Int(XML_XPATH_INVALID_PREDICATE_ERROR.rawValue): "invalid predicate",
        Int(XML_XPATH_EXPR_ERROR.rawValue): "invalid expression",
        Int(XML_XPATH_UNCLOSED_ERROR.rawValue): "missing closing bracket or parenthesis",
        Int(XML_XPATH_UNKNOWN_FUNC_ERROR.rawValue): "unknown function",
        Int(XML_XPATH_INVALID_OPERAND.rawValue): "invalid operand",
        Int(XML_XPATH_INVALID_TYPE.rawValue): "invalid type",
        Int(XML_XPATH_INVALID_ARITY.rawValue): "wrong number of arguments",
        Int(XML_XPATH_INVALID_CTXT_SIZE.rawValue): "invalid context size",
        Int(XML_XPATH_INVALID_CTXT_POSITION.rawValue): "invalid context position",
        Int(XML_XPATH_MEMORY_ERROR.rawValue): "out of memory",
        Int(XML_XPTR_SYNTAX_ERROR.rawValue): "syntax error",
        Int(XML_XPATH_INVALID_CHAR_ERROR.rawValue): "invalid character",
    ]
}

import Foundation
