import ArgumentParser
import ReportWatchCore
import ReportWatchDaemon

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every source once, record changes and alerts, then try to deliver every pending alert.",
        discussion: "Exits 0 when the pass ran, even if some sources failed; their health is recorded and alerted as usual.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        let runtime = try Runtime(configuration: configuration, logger: logger)
        defer { runtime.shutdown() }
        let (results, delivery) = await runtime.checkOnce()
        for result in results {
            output("\(result.sourceID): \(result.outcome.summary)")
        }
        output("alerts delivered: \(delivery.delivered), failed: \(delivery.failed), dead-lettered: \(delivery.dead)")
    }
}

extension CheckOutcome {
    var summary: String {
        switch self {
        case .baseline(let count): "baseline recorded (\(count) items, no alerts)"
        case .unchanged(let notModified): notModified ? "unchanged (304 Not Modified)" : "unchanged"
        case .changed(let changes): "\(changes.count) change(s)"
        case .failed(let failure): "failed: \(failure)"
        }
    }
}
