import ArgumentParser
import Foundation
import ReportWatchCore
import ReportWatchDaemon
import ReportWatchStore

struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Show, per channel, the alerts pending, retrying, dead-lettered and delivered.",
        discussion: "Reads the state only; changes nothing.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let store = try Store.open(stateDirectory: configuration.stateDirectory)
        let summaries = try store.read { try $0.outboxSummary() }
        let byID = Dictionary(summaries.map { ($0.channelID, $0) }, uniquingKeysWith: { first, _ in first })
        // Configured channels first, in config order (even with nothing queued), then channels
        // that are no longer configured but still have records.
        let ids = configuration.channels.map(\.id) + summaries.map(\.channelID).filter { configuration.channel($0) == nil }
        output("channel".padding(toLength: 16, withPad: " ", startingAt: 0) + "  pending  retrying  dead  delivered")
        for id in ids {
            let summary = byID[id]
            let columns = [summary?.pending ?? 0, summary?.retrying ?? 0, summary?.dead ?? 0, summary?.delivered ?? 0]
            let widths = [7, 8, 4, 9]
            var line = id.padding(toLength: max(16, id.count), withPad: " ", startingAt: 0)
            for (value, width) in zip(columns, widths) {
                line += "  " + String(repeating: " ", count: max(0, width - String(value).count)) + String(value)
            }
            if let channel = configuration.channel(id) {
                if let digest = channel.digest { line += "  digest \(digest)" }
            } else {
                line += "  (not in the config)"
            }
            output(line)
            if let oldest = summary?.oldestPendingAt { output("    oldest pending: \(RFC3339.string(from: oldest))") }
            if let error = summary?.lastError, (summary?.retrying ?? 0) + (summary?.dead ?? 0) > 0 { output("    last error: \(error)") }
        }
    }
}
