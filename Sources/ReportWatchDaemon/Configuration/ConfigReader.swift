import Foundation
import ReportWatchCore
import ReportWatchExtract

/// Walks the YAML tree, collecting every error with its line and key rather than stopping at
/// the first, so `check-config` can list them all.
struct ConfigReader {
    let file: String
    let environment: [String: String]
    /// Sources that give the same XPath share its compiled form.
    private var compiledXPaths: [String: XPathExpression] = [:]
    private(set) var errors: [ConfigError] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    static let topLevelKeys = [
        "state_directory", "contact", "timezone", "failures_before_alert", "metrics_file", "politeness", "http",
        "delivery", "sources", "channels",
    ]
    static let commonSourceKeys = [
        "id", "name", "kind", "url", "interval", "jitter", "failures_before_alert", "politeness", "keywords", "ignore_fields",
        "may_shrink",
    ]
    static let commonChannelKeys = ["id", "kind", "sources", "events", "digest", "urgent_events"]

    mutating func read(_ root: YAMLNode?) -> Configuration? {
        guard let root else {
            errors.append(ConfigError(file: file, message: "the config is empty"))
            return nil
        }
        guard let top = mapping(root, at: "") else { return nil }
        checkKeys(top, allowed: Self.topLevelKeys, at: "")

        let stateDirectory = string(top, "state_directory", at: "")
            ?? environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? "./var"
        let contact = string(top, "contact", at: "")
        // `contact:` with nothing after it (YAML null) is as good as missing: the User-Agent
        // would name no one.
        let contactIsBlank = contact.map { ["", "~", "null"].contains($0.trimmingCharacters(in: .whitespaces)) } ?? false
        if contact == nil, top.value(for: "contact") == nil {
            errors.append(error(root, "contact", "contact is required: an address or URL for the User-Agent, so site owners can reach you"))
        } else if contactIsBlank, let node = top.value(for: "contact") {
            errors.append(error(node, "contact", "contact is empty: give an address or URL for the User-Agent, so site owners can reach you"))
        }
        var configuration = Configuration(file: file, stateDirectory: stateDirectory, contact: contact ?? "")
        if let timezone = string(top, "timezone", at: "") {
            if TimeZone(identifier: timezone) == nil, let node = top.value(for: "timezone") {
                errors.append(error(node, "timezone", "unknown time zone '\(timezone)'", suggestion: "use an IANA name such as Europe/London"))
            } else {
                configuration.timezone = timezone
            }
        }
        if let failures = integer(top, "failures_before_alert", at: "", range: 1...1000) {
            configuration.failuresBeforeAlert = failures
        }
        configuration.metricsFile = string(top, "metrics_file", at: "")
        if let node = top.value(for: "politeness") {
            configuration.politeness = politeness(node, at: "politeness", base: Politeness()) ?? configuration.politeness
        }
        if let node = top.value(for: "http"), let http = mapping(node, at: "http") {
            checkKeys(http, allowed: ["connect_timeout", "timeout", "max_body_bytes"], at: "http")
            if let value = duration(http, "connect_timeout", at: "http") { configuration.http.connectTimeout = value }
            if let value = duration(http, "timeout", at: "http") { configuration.http.timeout = value }
            if let value = integer(http, "max_body_bytes", at: "http", range: 1024...2_000_000_000) {
                configuration.http.maxBodyBytes = value
            }
        }
        if let node = top.value(for: "delivery"), let delivery = mapping(node, at: "delivery") {
            checkKeys(delivery, allowed: ["max_age", "initial_backoff", "max_backoff"], at: "delivery")
            if let value = duration(delivery, "max_age", at: "delivery") { configuration.delivery.maxAge = value }
            if let value = duration(delivery, "initial_backoff", at: "delivery") { configuration.delivery.initialBackoff = value }
            if let value = duration(delivery, "max_backoff", at: "delivery") { configuration.delivery.maxBackoff = value }
        }

        if let node = top.value(for: "sources"), let list = sequence(node, at: "sources") {
            var seen: [String: Int] = [:]
            for (index, element) in list.enumerated() {
                let path = "sources[\(index)]"
                guard let source = source(element, at: path) else { continue }
                if let first = seen[source.id] {
                    errors.append(error(element, "\(path).id", "duplicate source id '\(source.id)'", suggestion: "first defined on line \(first)"))
                    continue
                }
                seen[source.id] = source.line
                configuration.sources.append(source)
            }
        }
        if let node = top.value(for: "channels"), let list = sequence(node, at: "channels") {
            var seen = Set<String>()
            for (index, element) in list.enumerated() {
                let path = "channels[\(index)]"
                guard let channel = channel(element, at: path, sourceIDs: Set(configuration.sources.map(\.id))) else { continue }
                guard seen.insert(channel.id).inserted else {
                    errors.append(error(element, "\(path).id", "duplicate channel id '\(channel.id)'"))
                    continue
                }
                configuration.channels.append(channel)
            }
        }
        return errors.isEmpty ? configuration : nil
    }

    // MARK: Sources and channels

    private mutating func source(_ node: YAMLNode, at path: String) -> SourceConfiguration? {
        guard let map = mapping(node, at: path) else { return nil }
        let id = identifier(map, at: path)
        let kind = required(string(map, "kind", at: path), map, "kind", at: path)
        let url = required(url(map, "url", at: path), map, "url", at: path)
        var allowed = Self.commonSourceKeys
        let registration = kind.flatMap(SourceKindRegistry.registration)
        if let registration {
            allowed += registration.keys
        } else if let kind, let node = map.value(for: "kind") {
            errors.append(error(node, "\(path).kind", "unknown source kind '\(kind)'",
                                suggestion: Self.suggest(kind, among: SourceKindRegistry.all.map(\.name))))
        }
        checkKeys(map, allowed: allowed, at: path)
        guard let id, let url, let registration, let sourceKind = registration.build(&self, map, path) else { return nil }

        var source = SourceConfiguration(id: id, kind: sourceKind, kindName: registration.name, url: url)
        source.line = node.mark?.line ?? 0
        source.name = string(map, "name", at: path) ?? id
        if let interval = duration(map, "interval", at: path) {
            if interval < .seconds(10), let node = map.value(for: "interval") {
                errors.append(error(node, "\(path).interval", "interval must be at least 10s"))
            }
            source.interval = interval
        }
        if let jitter = number(map, "jitter", at: path, range: 0...0.5) { source.jitter = jitter }
        source.failuresBeforeAlert = integer(map, "failures_before_alert", at: path, range: 1...1000)
        if let node = map.value(for: "politeness") {
            source.politeness = politeness(node, at: "\(path).politeness", base: Politeness())
        }
        source.keywords = strings(map, "keywords", at: path) ?? []
        source.ignoreFields = Set(strings(map, "ignore_fields", at: path) ?? [])
        source.mayShrink = boolean(map, "may_shrink", at: path) ?? false
        return source
    }

    private mutating func channel(_ node: YAMLNode, at path: String, sourceIDs: Set<String>) -> ChannelConfiguration? {
        guard let map = mapping(node, at: path) else { return nil }
        let id = identifier(map, at: path)
        let kind = required(string(map, "kind", at: path), map, "kind", at: path)
        var allowed = Self.commonChannelKeys
        let registration = kind.flatMap(ChannelKindRegistry.registration)
        if let registration {
            allowed += registration.keys
        } else if let kind, let node = map.value(for: "kind") {
            errors.append(error(node, "\(path).kind", "unknown channel kind '\(kind)'",
                                suggestion: Self.suggest(kind, among: ChannelKindRegistry.all.map(\.name))))
        }
        checkKeys(map, allowed: allowed, at: path)
        guard let id, let registration, let settings = registration.build(&self, map, path) else { return nil }
        var channel = ChannelConfiguration(id: id, kindName: registration.name, settings: settings)
        if let sources = strings(map, "sources", at: path) {
            for (index, source) in sources.enumerated() where !sourceIDs.contains(source) {
                let node = map.value(for: "sources")?.sequence?[index] ?? node
                errors.append(error(node, "\(path).sources", "no source has the id '\(source)'",
                                    suggestion: Self.suggest(source, among: Array(sourceIDs))))
            }
            channel.sources = Set(sources)
        }
        if let events = strings(map, "events", at: path) {
            var parsed = Set<AlertEvent>()
            for (index, event) in events.enumerated() {
                if let value = AlertEvent(rawValue: event) {
                    parsed.insert(value)
                } else {
                    let node = map.value(for: "events")?.sequence?[index] ?? node
                    errors.append(error(node, "\(path).events", "unknown event '\(event)'",
                                        suggestion: Self.suggest(event, among: AlertEvent.allCases.map(\.rawValue))))
                }
            }
            channel.events = parsed
        }
        readDeliveryKeys(map, at: path, into: &channel)
        return channel
    }

    private mutating func politeness(_ node: YAMLNode, at path: String, base: Politeness) -> Politeness? {
        guard let map = mapping(node, at: path) else { return nil }
        checkKeys(map, allowed: ["min_gap", "max_per_host"], at: path)
        var result = base
        if let gap = duration(map, "min_gap", at: path, allowZero: true) { result.minGap = gap }
        if let most = integer(map, "max_per_host", at: path, range: 1...100) { result.maxPerHost = most }
        return result
    }

    // MARK: Values

    mutating func identifier(_ map: YAMLNode.Mapping, at path: String) -> String? {
        guard let id = required(string(map, "id", at: path), map, "id", at: path) else { return nil }
        guard !id.isEmpty, id.utf8.allSatisfy({ byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }) else {
            errors.append(error(map.value(for: "id") ?? YAMLNode(""), "\(path).id", "id '\(id)' may contain only letters, digits, '.', '_' and '-'"))
            return nil
        }
        return id
    }

    mutating func required<T>(_ value: T?, _ map: YAMLNode.Mapping, _ key: String, at path: String) -> T? {
        if value == nil, map.value(for: key) == nil {
            errors.append(ConfigError(
                file: file, line: map.mark?.line, column: map.mark?.column, key: Self.join(path, key),
                message: "required key is missing"))
        }
        return value
    }

    mutating func mapping(_ node: YAMLNode, at path: String) -> YAMLNode.Mapping? {
        guard let map = node.mapping else {
            errors.append(error(node, path.isEmpty ? nil : path, "expected a mapping of keys to values"))
            return nil
        }
        return map
    }

    mutating func sequence(_ node: YAMLNode, at path: String) -> [YAMLNode]? {
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
            return []
        }
        guard let list = node.sequence else {
            errors.append(error(node, path, "expected a list"))
            return nil
        }
        return Array(list)
    }

    mutating func scalar(_ map: YAMLNode.Mapping, _ key: String, at path: String) -> (String, YAMLNode)? {
        guard let node = map.value(for: key) else { return nil }
        guard case .scalar(let scalar) = node else {
            errors.append(error(node, Self.join(path, key), "expected a single value, not a list or mapping"))
            return nil
        }
        return (scalar.string, node)
    }

    mutating func string(_ map: YAMLNode.Mapping, _ key: String, at path: String) -> String? {
        scalar(map, key, at: path)?.0
    }

    mutating func integer(_ map: YAMLNode.Mapping, _ key: String, at path: String, range: ClosedRange<Int>) -> Int? {
        guard let (text, node) = scalar(map, key, at: path) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            errors.append(error(node, Self.join(path, key), "expected a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'"))
            return nil
        }
        return value
    }

    mutating func number(_ map: YAMLNode.Mapping, _ key: String, at path: String, range: ClosedRange<Double>) -> Double? {
        guard let (text, node) = scalar(map, key, at: path) else { return nil }
        guard let value = Double(text), range.contains(value) else {
            errors.append(error(node, Self.join(path, key), "expected a number from \(range.lowerBound) to \(range.upperBound), got '\(text)'"))
            return nil
        }
        return value
    }

    mutating func boolean(_ map: YAMLNode.Mapping, _ key: String, at path: String) -> Bool? {
        guard let (text, node) = scalar(map, key, at: path) else { return nil }
        switch text {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        default:
            errors.append(error(node, Self.join(path, key), "expected true or false, got '\(text)'"))
            return nil
        }
    }

    mutating func duration(_ map: YAMLNode.Mapping, _ key: String, at path: String, allowZero: Bool = false) -> Duration? {
        guard let (text, node) = scalar(map, key, at: path) else { return nil }
        guard let value = DurationParser.parse(text), allowZero || value > .zero else {
            errors.append(error(node, Self.join(path, key), "invalid duration '\(text)'", suggestion: "use a number and a unit, such as 90s, 30m, 1h or 1h30m, up to 36500d"))
            return nil
        }
        return value
    }

    mutating func url(_ map: YAMLNode.Mapping, _ key: String, at path: String) -> String? {
        guard let (text, node) = scalar(map, key, at: path) else { return nil }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host?.isEmpty == false else {
            errors.append(error(node, Self.join(path, key), "invalid URL '\(text)'", suggestion: "an absolute http:// or https:// URL"))
            return nil
        }
        return text
    }

    mutating func strings(_ map: YAMLNode.Mapping, _ key: String, at path: String) -> [String]? {
        guard let node = map.value(for: key) else { return nil }
        if case .scalar(let scalar) = node { return [scalar.string] }
        guard let list = node.sequence else {
            errors.append(error(node, Self.join(path, key), "expected a list of values"))
            return nil
        }
        var values: [String] = []
        for element in list {
            guard case .scalar(let scalar) = element else {
                errors.append(error(element, Self.join(path, key), "expected a list of single values"))
                continue
            }
            values.append(scalar.string)
        }
        return values
    }

    /// A mapping of names to strings, in the file's order.
    mutating func stringMap(_ map: YAMLNode.Mapping, _ key: String, at path: String) -> [(key: String, value: String)]? {
        guard let node = map.value(for: key) else { return nil }
        guard let inner = mapping(node, at: Self.join(path, key)) else { return nil }
        var result: [(key: String, value: String)] = []
        for (name, value) in inner {
            guard case .scalar(let nameScalar) = name, case .scalar(let valueScalar) = value else {
                errors.append(error(value, Self.join(path, key), "expected name: value pairs"))
                continue
            }
            result.append((nameScalar.string, valueScalar.string))
        }
        return result
    }

    mutating func xpath(_ expression: String, _ node: YAMLNode?, at path: String) -> XPathExpression? {
        if let compiled = compiledXPaths[expression] { return compiled }
        do {
            let compiled = try XPathExpression(expression)
            compiledXPaths[expression] = compiled
            return compiled
        } catch {
            errors.append(ConfigError(
                file: file, line: node?.mark?.line, column: node?.mark?.column, key: path,
                message: "invalid XPath '\(expression)': \(error.message)"))
            return nil
        }
    }

    mutating func checkKeys(_ map: YAMLNode.Mapping, allowed: [String], at path: String) {
        for (keyNode, _) in map {
            let key = keyNode.string ?? ""
            guard !allowed.contains(key) else { continue }
            errors.append(error(keyNode, Self.join(path, key), "unknown key", suggestion: Self.suggest(key, among: allowed)))
        }
    }

    /// Records an error at a node.
    mutating func report(_ node: YAMLNode, _ key: String?, _ message: String, suggestion: String? = nil) {
        errors.append(error(node, key, message, suggestion: suggestion))
    }

    func error(_ node: YAMLNode, _ key: String?, _ message: String, suggestion: String? = nil) -> ConfigError {
        ConfigError(file: file, line: node.mark?.line, column: node.mark?.column, key: key, message: message, suggestion: suggestion)
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// "did you mean ...?" for the nearest candidate within a small edit distance.
    static func suggest(_ word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else {
            return candidates.isEmpty ? nil : "valid: \(candidates.sorted().joined(separator: ", "))"
        }
        return "did you mean '\(best.0)'?"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
