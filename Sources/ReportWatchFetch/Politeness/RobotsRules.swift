/// The rules of one robots.txt (RFC 9309) that apply to one user agent.
struct RobotsRules: Sendable, Hashable {
    struct Rule: Sendable, Hashable {
        var allow: Bool
        var pattern: String
    }

    var rules: [Rule]

    static let allowAll = RobotsRules(rules: [])
    static let disallowAll = RobotsRules(rules: [Rule(allow: false, pattern: "/")])

    /// Parses robots.txt and keeps the group for `agent` (matched case-insensitively as a
    /// product token), else the `*` group.
    init(parsing text: String, agent: String) {
        var groups: [(agents: [String], rules: [Rule])] = []
        var current: (agents: [String], rules: [Rule])?
        var lastWasAgent = false
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch field {
            case "user-agent":
                if !lastWasAgent {
                    if let current { groups.append(current) }
                    current = ([], [])
                }
                current?.agents.append(value.lowercased())
                lastWasAgent = true
            case "allow", "disallow":
                lastWasAgent = false
                // An empty Disallow allows everything: it is no rule.
                guard !value.isEmpty else { continue }
                current?.rules.append(Rule(allow: field == "allow", pattern: value))
            default:
                lastWasAgent = false
            }
        }
        if let current { groups.append(current) }
        let name = agent.lowercased()
        let specific = groups.filter { $0.agents.contains { $0 != "*" && name.hasPrefix($0) } }
        let chosen = specific.isEmpty ? groups.filter { $0.agents.contains("*") } : specific
        rules = chosen.flatMap(\.rules)
    }

    init(rules: [Rule]) {
        self.rules = rules
    }

    /// Whether a path (with its query) may be fetched: the longest matching rule wins, and
    /// Allow wins a tie.
    func allows(_ path: String) -> Bool {
        var best: Rule?
        for rule in rules where Self.matches(rule.pattern, path) {
            if let current = best {
                if rule.pattern.count > current.pattern.count || (rule.pattern.count == current.pattern.count && rule.allow) {
                    best = rule
                }
            } else {
                best = rule
            }
        }
        return best?.allow ?? true
    }

    /// `*` matches any run of characters; a final `$` anchors the end.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        var pattern = Substring(pattern)
        let anchored = pattern.hasSuffix("$")
        if anchored { pattern = pattern.dropLast() }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(path)
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if index == parts.count - 1 && anchored {
                return rest.hasSuffix(part)
            } else if !part.isEmpty {
                guard let range = rest.range(of: part) else { return false }
                rest = rest[range.upperBound...]
            }
        }
        return !anchored || rest.isEmpty || parts.last?.isEmpty == true
    }
}
