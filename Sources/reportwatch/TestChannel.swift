import ArgumentParser
import ReportWatchDaemon

struct TestChannel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-channel",
        abstract: "Send one clearly marked test alert to a channel and print what the receiver answered.",
        discussion: "The test alert does not go through the outbox and is not recorded. Exits 1 when the channel did not confirm it.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "The id of the channel to test.")
    var id: String

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let logger = options.makeLogger()
        do {
            let (alert, answer) = try await ChannelTester.send(channelID: id, configuration: configuration, logger: logger)
            output("\(id): delivered test alert \(alert.id)")
            output("answer: \(answer)")
        } catch {
            printError("\(id): not delivered: \(error)")
            throw ExitCode(1)
        }
    }
}
