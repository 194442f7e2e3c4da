import Foundation
import Logging
import ReportWatchCore

/// Log lines on stderr: when stderr is journald's stream (see ``writesToJournal(fd:environment:)``)
/// each line starts with a `<N>` syslog priority that journald reads, and the text carries no level
/// word, since the priority says it; on a terminal or in a file each line starts with the time and
/// the level word. `json` writes one JSON object a line for log shippers.
public struct ServiceLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: Format
    private let journal: Bool
    private let output: @Sendable (String) -> Void

    public init(label: String, level: Logger.Level = .info, format: Format = .text, journal: Bool,
                output: @escaping @Sendable (String) -> Void = ServiceLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.journal = journal
        self.output = output
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        var line = ""
        if journal { line += "<\(Self.priority(event.level))>" }
        switch format {
        case .text:
            if !journal { line += RFC3339.string(from: Date()) + " \(event.level.rawValue): " }
            line += Self.singleLine(event.message.description)
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                line += " \(key)=\(Self.quoted(Self.singleLine("\(value)")))"
            }
        case .json:
            var object: [String: String] = [
                "time": RFC3339.string(from: Date()), "level": event.level.rawValue,
                "message": ControlCharacters.escapedForTerminal(event.message.description), "logger": label,
            ]
            for (key, value) in merged { object[key] = ControlCharacters.escapedForTerminal("\(value)") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            line += (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? event.message.description
        }
        output(line + "\n")
    }

    /// Whether `fd` is the stream systemd connected to journald: `JOURNAL_STREAM` holds that
    /// stream's device and inode ("DEV:INO"), and it is the journal only while `fd` is still that
    /// file. A command run from a unit with its stderr sent elsewhere (a pipe, a file) inherits
    /// the variable and must not write `<N>` prefixes there.
    public static func writesToJournal(fd: Int32 = STDERR_FILENO,
                                       environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// syslog priorities, as journald reads them.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// One event is one line: page-derived text cannot start a new one, and no other control
    /// character reaches journald (a NUL ends its record) or a terminal (ESC).
    static func singleLine(_ text: String) -> String {
        let joined = text.contains(where: \.isNewline)
            ? text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ")
            : text
        return ControlCharacters.escapedForTerminal(joined, keepingLineFeeds: false)
    }

    /// Quoted when it holds a space, quote or "=", judged and escaped per scalar: a quote with a
    /// combining mark after it is another `Character` but still a quote to whoever reads the line.
    static func quoted(_ text: String) -> String {
        guard text.isEmpty || text.unicodeScalars.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return text }
        var result = String.UnicodeScalarView()
        result.append("\"")
        for scalar in text.unicodeScalars {
            if scalar == "\\" || scalar == "\"" { result.append("\\") }
            result.append(scalar)
        }
        result.append("\"")
        return String(result)
    }
}
