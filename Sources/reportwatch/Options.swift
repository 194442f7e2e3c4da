import ArgumentParser
import Foundation
import Logging
import ReportWatchCore
import ReportWatchDaemon

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "The config file.",
        discussion: "Default: $CONFIGURATION_DIRECTORY/reportwatch.yaml under systemd, else /etc/reportwatch/reportwatch.yaml.",
        valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Least severe log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    var logLevel: Logger.Level = .info

    @Option(help: ArgumentHelp("Log line format: text or json.", valueName: "format"))
    var logFormat: ServiceLogHandler.Format = .text

    var configPath: String {
        if let config { return config }
        if let directory = ProcessInfo.processInfo.environment["CONFIGURATION_DIRECTORY"] {
            return (directory as NSString).appendingPathComponent("reportwatch.yaml")
        }
        return "/etc/reportwatch/reportwatch.yaml"
    }

    /// Loads the config, or prints every error (file, line and key) and exits with EX_CONFIG.
    func loadConfiguration() throws -> Configuration {
        do {
            return try Configuration.load(file: configPath)
        } catch {
            printError(error.description)
            throw ExitCode(78)
        }
    }

    func makeLogger() -> Logger {
        let journal = ServiceLogHandler.writesToJournal()
        let level = logLevel
        let format = logFormat
        LoggingSystem.bootstrap { label in
            ServiceLogHandler(label: label, level: level, format: format, journal: journal)
        }
        return Logger(label: "reportwatch")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension ServiceLogHandler.Format: ExpressibleByArgument {}

/// Writes an error to stderr. Error messages quote servers and pages, so they are escaped for a
/// terminal like standard output (see TerminalOutput.swift); under journald each line is marked
/// error (`<3>`), so a failed `check-config` in `ExecReload=` or a config that stops the service
/// reads as one in the journal.
func printError(_ text: String) {
    let escaped = ControlCharacters.escapedForTerminal(text)
    var lines = escaped.hasSuffix("\n") ? String(escaped.dropLast()) : escaped
    if journalStandardError {
        lines = lines.split(separator: "\n", omittingEmptySubsequences: false).map { "<3>" + $0 }.joined(separator: "\n")
    }
    FileHandle.standardError.write(Data((lines + "\n").utf8))
}

private let journalStandardError = ServiceLogHandler.writesToJournal()
