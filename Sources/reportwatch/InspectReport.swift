import ArgumentParser
import Foundation
import ReportWatchDaemon

struct InspectReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect-report",
        abstract: "Print the findings of one Ofsted report PDF, read as the ofsted-provider kind reads them.",
        discussion: "Dates, each judgement and its grade, overall effectiveness (or that the report has none), what needs to improve, the summary and anything that could not be read. Needs pdftotext (poppler-utils).")

    @Argument(help: ArgumentHelp("The report PDF.", valueName: "file.pdf"))
    var file: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        do {
            let findings = try await OfstedReportInspector.findings(ofPDFAt: file)
            if json {
                output(json: try OfstedReportInspector.json(findings, file: file))
            } else {
                output(OfstedReportInspector.text(findings, file: file))
            }
        } catch let error as CustomStringConvertible {
            printError("\(file): \(error.description)")
            throw ExitCode(1)
        }
    }
}
