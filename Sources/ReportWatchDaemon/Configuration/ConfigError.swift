/// A problem in a config file, located by file, line and key, on one line.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// The dotted path of the key, such as `sources[2].items`.
    public var key: String?
    public var message: String
    /// The nearest valid key, or another hint.
    public var suggestion: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String, suggestion: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
        self.suggestion = suggestion
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        var text = "\(location): "
        if let key { text += "\(key): " }
        text += message
        if let suggestion { text += " (\(suggestion))" }
        return text
    }
}

/// Every problem found in a config file.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]

    public init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
