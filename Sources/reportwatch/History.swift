import ArgumentParser
import Foundation
import ReportWatchCore
import ReportWatchDaemon
import ReportWatchStore

struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print a source's recorded changes, newest first, from the store.",
        discussion: "Reads only what earlier checks stored; fetches nothing.")

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("The id of the source.", valueName: "id"))
    var source: String

    @Option(help: "The most changes to print.")
    var limit = 50

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let source = try StoredSourceLookup.source(self.source, in: configuration)
        let store = try Store(path: configuration.databasePath)
        let entries = try store.read { try $0.history(source.id, limit: max(1, limit)) }
        guard !entries.isEmpty else {
            output("\(source.id): no changes recorded (the first check records a baseline, which is not a change)")
            return
        }
        for entry in entries {
            var line = "\(RFC3339.string(from: entry.detectedAt))  \(entry.event)  \(entry.key)"
            if let detail = entry.detail { line += "  \(detail)" }
            if let alert = entry.alertID { line += "  alert=\(alert)" }
            output(line)
        }
    }
}

/// Finds a configured source whose state exists, for the commands that only read the store.
enum StoredSourceLookup {
    static func source(_ id: String, in configuration: Configuration) throws -> SourceConfiguration {
        guard let source = configuration.source(id) else {
            printError("\(configuration.file): no source has the id '\(id)' (sources: \(configuration.sources.map(\.id).joined(separator: ", ")))")
            throw ExitCode(1)
        }
        // Opening the store would create an empty one: say instead that nothing ran yet.
        guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
            printError("\(configuration.databasePath): no state yet; run reportwatch check --config \(configuration.file) first")
            throw ExitCode(1)
        }
        return source
    }
}
