import ArgumentParser
import ReportWatchCore

/// The `reportwatch` command: parses arguments and calls the same wiring the tests call.
@main
struct ReportWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reportwatch",
        abstract: "Watches council and inspectorate pages and alerts on new reports and their findings.",
        version: ReportWatchVersion.current,
        subcommands: [Check.self, Run.self, CheckConfig.self, TestSource.self, TestChannel.self, Outbox.self, Status.self,
                      InspectReport.self, Findings.self, History.self, Council.self, Site.self]
    )
}
