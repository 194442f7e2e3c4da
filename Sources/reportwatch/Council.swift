import ArgumentParser
import Foundation
import ReportWatchDaemon

struct Council: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "council",
        abstract: "Look an English council up in the bundled Ofsted table and print its ofsted-provider source.",
        discussion: "The name is matched forgivingly (case, punctuation, \"City of\", \"London Borough of\", small typing mistakes; a URN also works). When several councils match, they are listed and nothing is printed to paste.")

    @Argument(help: ArgumentHelp("The council's name, or its Ofsted URN.", valueName: "name"))
    var name: [String]

    func run() async throws {
        let query = name.joined(separator: " ")
        let directory: CouncilDirectory
        do {
            directory = try CouncilDirectory.bundled()
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let found = directory.search(query)
        guard let council = found.first else {
            printError("no English council matches '\(query)'")
            throw ExitCode(1)
        }
        guard found.count == 1 else {
            output("'\(query)' matches \(found.count) councils; run again with one of these names:")
            for candidate in found {
                output("  \(candidate.name)  (URN \(candidate.urn)\(candidate.region.map { ", \($0)" } ?? ""))")
            }
            throw ExitCode(2)
        }
        var details = council.officialName == council.name ? [] : [council.officialName]
        details.append("URN \(council.urn)")
        if let region = council.region { details.append(region) }
        if let type = council.type { details.append(type) }
        output("\(council.name) (\(details.joined(separator: ", ")))")
        output("Ofsted page: \(council.providerURL)")
        output("")
        output("Add to the sources: list of your config:")
        output("")
        output(CouncilDirectory.sourceYAML(for: council))
        output("")
        if let moderngov = council.moderngovGuess, let domain = council.domain {
            output("ModernGov site (a guess from the council's web domain \(domain), check it in a browser first): \(moderngov)")
            output("  committees: \(moderngov)/mgListCommittees.aspx; a committee's meetings: \(moderngov)/ieListMeetings.aspx?CommitteeId=<id>")
        } else {
            output("ModernGov site: unknown (the table has no web domain for this council)")
        }
    }
}
