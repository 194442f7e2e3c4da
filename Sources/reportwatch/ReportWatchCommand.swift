import ArgumentParser
import Foundation
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

    static func main() async {
        // The Swift runtime's crash handler catches SIGABRT to run its backtracer when it finds
        // one, and after a SIGABRT sent by another process (systemd's watchdog timeout, `kill
        // -ABRT`) it returns and the process goes on. A hung service must die on it at once.
        signal(SIGABRT, SIG_DFL)
        await main(nil)
    }
}
