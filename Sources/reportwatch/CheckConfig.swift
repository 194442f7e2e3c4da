import ArgumentParser
import ReportWatchDaemon

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a config file and list every error with its file, line and key.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        do {
            let configuration = try Configuration.load(file: options.configPath)
            output("\(options.configPath): ok (\(configuration.sources.count) sources, \(configuration.channels.count) channels)")
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
