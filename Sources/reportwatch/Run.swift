import ArgumentParser
import Foundation
import Logging
import ReportWatchDaemon
import ServiceLifecycle

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run as a service: check each source at its interval and deliver alerts until SIGTERM.",
        discussion: "SIGHUP re-reads the config; an invalid one is logged and the old one kept. Under systemd it reports READY, RELOADING and STOPPING through $NOTIFY_SOCKET.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        try await ReportWatchService.run(configuration: configuration, logger: logger)
    }
}
