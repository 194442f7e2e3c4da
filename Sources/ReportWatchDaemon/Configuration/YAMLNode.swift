import CYaml

/// Where a node starts in the file, counted from 1 as editors do (columns in Unicode scalars).
struct YAMLMark: Sendable, Equatable {
    let line: Int
    let column: Int
}

/// A YAML document as the config reader needs it: mappings in the file's order, lists and
/// scalars as text, each with the place it starts. Tags are ignored and aliases resolve to
/// their anchor's node; every scalar is typed later by the key that holds it.
///
/// It is composed straight from libyaml's events (``YAMLNode/compose(_:)``) rather than read
/// from Yams' `Node`, whose copies and duplicate-key hashing make a quiet `check` of a
/// thousand sources cost a third more CPU.
enum YAMLNode: Sendable {
    case scalar(Scalar)
    case mapping(Mapping)
    case sequence(Sequence)

    struct Scalar: Sendable {
        let string: String
        let mark: YAMLMark?
    }

    /// Key-value pairs in the file's order.
    struct Mapping: Swift.Sequence, Sendable {
        let pairs: [(key: YAMLNode, value: YAMLNode)]
        let mark: YAMLMark?

        func makeIterator() -> IndexingIterator<[(key: YAMLNode, value: YAMLNode)]> {
            pairs.makeIterator()
        }

        var count: Int { pairs.count }

        /// The value of a plain key, or `nil` when the key is absent.
        func value(for key: String) -> YAMLNode? {
            for pair in pairs {
                if case .scalar(let scalar) = pair.key, scalar.string == key { return pair.value }
            }
            return nil
        }
    }

    struct Sequence: RandomAccessCollection, Sendable {
        let nodes: [YAMLNode]
        let mark: YAMLMark?

        var startIndex: Int { nodes.startIndex }
        var endIndex: Int { nodes.endIndex }
        subscript(position: Int) -> YAMLNode { nodes[position] }
    }

    /// A scalar that appears nowhere in the file (for messages about a missing value).
    init(_ string: String) {
        self = .scalar(Scalar(string: string, mark: nil))
    }

    var string: String? {
        if case .scalar(let scalar) = self { return scalar.string }
        return nil
    }

    var mapping: Mapping? {
        if case .mapping(let mapping) = self { return mapping }
        return nil
    }

    var sequence: Sequence? {
        if case .sequence(let sequence) = self { return sequence }
        return nil
    }

    var mark: YAMLMark? {
        switch self {
        case .scalar(let scalar): scalar.mark
        case .mapping(let mapping): mapping.mark
        case .sequence(let sequence): sequence.mark
        }
    }
}

/// Why a text is not one YAML document. The messages follow libyaml's own words.
enum YAMLError: Error, Equatable {
    /// A scanner or parser error: libyaml's problem, where it is, and what it was reading.
    case syntax(problem: String, mark: YAMLMark, context: String?, contextMark: YAMLMark?)
    /// Text libyaml cannot read at all (a control character, say), at a byte offset.
    case reader(problem: String, offset: Int)
    /// The same key twice in one mapping: the keys, sorted, and where the first one is.
    case duplicateKeys([String], mark: YAMLMark)
    case undefinedAlias(mark: YAMLMark)
    /// A second document after the first (`---`).
    case secondDocument(mark: YAMLMark)
    case outOfMemory
}

extension YAMLNode {
    /// The one document in `text`, or `nil` for an empty stream (no document, or only comments).
    static func compose(_ text: String) throws(YAMLError) -> YAMLNode? {
        var text = text
        let result: Result<YAMLNode?, YAMLError> = text.withUTF8 { bytes in
            let composer = Composer(bytes)
            defer { composer.close() }
            do throws(YAMLError) { return .success(try composer.document()) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// libyaml's parser over a buffer that outlives it, turning events into ``YAMLNode``s.
private final class Composer {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private var event = yaml_event_t()
    private var anchors: [String: YAMLNode] = [:]

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        parser = .allocate(capacity: 1)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
    }

    func close() {
        yaml_event_delete(&event)
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    func document() throws(YAMLError) -> YAMLNode? {
        try next()  // stream start
        guard try next() != YAML_STREAM_END_EVENT else { return nil }
        // A document start: its root follows.
        try next()
        let root = try node()
        try next()  // document end
        if try next() != YAML_STREAM_END_EVENT {
            throw .secondDocument(mark: startMark)
        }
        return root
    }

    /// Reads the next event into `event` (freeing the last one) and returns its type.
    @discardableResult
    private func next() throws(YAMLError) -> yaml_event_type_t {
        yaml_event_delete(&event)
        guard yaml_parser_parse(parser, &event) == 1 else {
            event = yaml_event_t()
            throw error()
        }
        return event.type
    }

    private var startMark: YAMLMark {
        YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
    }

    /// The node whose first event is the current one.
    private func node() throws(YAMLError) -> YAMLNode {
        let mark = startMark
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let node = YAMLNode.scalar(.init(string: value, mark: mark))
            register(scalar.anchor, node)
            return node
        case YAML_ALIAS_EVENT:
            guard let name = Self.text(event.data.alias.anchor), let node = anchors[name] else {
                throw .undefinedAlias(mark: mark)
            }
            return node
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.text(event.data.sequence_start.anchor)
            var nodes: [YAMLNode] = []
            while try next() != YAML_SEQUENCE_END_EVENT {
                nodes.append(try node())
            }
            let node = YAMLNode.sequence(.init(nodes: nodes, mark: mark))
            if let anchor { anchors[anchor] = node }
            return node
        case YAML_MAPPING_START_EVENT:
            let anchor = Self.text(event.data.mapping_start.anchor)
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            while try next() != YAML_MAPPING_END_EVENT {
                let key = try node()
                try next()
                pairs.append((key, try node()))
            }
            try Self.checkDuplicates(pairs)
            let node = YAMLNode.mapping(.init(pairs: pairs, mark: mark))
            if let anchor { anchors[anchor] = node }
            return node
        default:
            // libyaml emits only the events above where a node may start.
            throw .syntax(problem: "unexpected event \(event.type.rawValue)", mark: mark, context: nil, contextMark: nil)
        }
    }

    private func register(_ anchor: UnsafeMutablePointer<yaml_char_t>?, _ node: YAMLNode) {
        if let name = Self.text(anchor) { anchors[name] = node }
    }

    /// Keys are compared as text, as the config reader looks them up.
    private static func checkDuplicates(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(YAMLError) {
        guard pairs.count > 1 else { return }
        // The usual mapping has a handful of keys, all different: compare them pairwise
        // without building a dictionary; only a repeat takes the long way.
        if pairs.count <= 16 {
            var repeats = false
            outer: for i in pairs.indices {
                guard case .scalar(let a) = pairs[i].key else { continue }
                for j in pairs.indices[(i + 1)...] {
                    if case .scalar(let b) = pairs[j].key, a.string == b.string {
                        repeats = true
                        break outer
                    }
                }
            }
            if !repeats { return }
        }
        var first: [String: YAMLMark?] = [:]
        var repeated: Set<String> = []
        for pair in pairs {
            guard case .scalar(let key) = pair.key else { continue }
            if first[key.string] != nil {
                repeated.insert(key.string)
            } else {
                first[key.string] = key.mark
            }
        }
        guard let smallest = repeated.min() else { return }
        throw .duplicateKeys(repeated.sorted(), mark: (first[smallest] ?? nil) ?? YAMLMark(line: 0, column: 0))
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func error() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown problem"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return .outOfMemory
        case YAML_READER_ERROR:
            return .reader(problem: problem, offset: Int(state.problem_offset))
        default:
            let mark = YAMLMark(line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
            let context = state.context.map { String(cString: $0) }
            let contextMark = context.map { _ in
                YAMLMark(line: Int(state.context_mark.line) + 1, column: Int(state.context_mark.column) + 1)
            }
            return .syntax(problem: problem, mark: mark, context: context, contextMark: contextMark)
        }
    }
}
