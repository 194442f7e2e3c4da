import ArgumentParser
import Foundation
import ReportWatchCore
import ReportWatchDaemon
import ReportWatchStore

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each source's last check, last change, failures, next check and robots.txt verdict, and the outbox per channel.")

    @OptionGroup var options: CommonOptions

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let report = try StatusReport.make(configuration: configuration)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(RFC3339.string(from: date))
            }
            output(json: String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            output(report.table(timezone: TimeZone(identifier: configuration.timezone) ?? .current))
        }
    }
}
