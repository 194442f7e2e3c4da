import ArgumentParser
import Foundation
import ReportWatchDaemon

struct Site: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "Write the site of each site channel once, from the store.",
        discussion: "Checks nothing and sends nothing: for a site channel added after the store was filled. The service rewrites the site itself after every pass that recorded something.")

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("Only this site channel.", valueName: "id"))
    var channel: String?

    func run() async throws {
        let configuration = try options.loadConfiguration()
        do {
            for line in try SiteWriting.writeAll(configuration: configuration, channelID: channel) {
                print(line)
            }
        } catch let error as SiteWriting.NoSiteChannel {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
