import ArgumentParser
import Foundation
import ReportWatchDaemon

struct Findings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findings",
        abstract: "Print the timeline of an ofsted-provider source's reports and grades, from the store.",
        discussion: "Reads only what earlier checks stored; fetches nothing.")

    @OptionGroup var options: CommonOptions

    @Option(help: ArgumentHelp("The id of an ofsted-provider source.", valueName: "id"))
    var source: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        let configuration = try options.loadConfiguration()
        let source = try StoredSourceLookup.source(self.source, in: configuration)
        guard source.kindName == "ofsted-provider" else {
            printError("\(source.id) is of kind \(source.kindName): only ofsted-provider sources store report findings")
            throw ExitCode(1)
        }
        let timeline = try OfstedTimeline.load(stateDirectory: configuration.stateDirectory, source: source.id)
        if json { output(json: try timeline.json()) } else { output(timeline.text) }
    }
}
