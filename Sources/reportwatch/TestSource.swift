import ArgumentParser
import ReportWatchDaemon

struct TestSource: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-source",
        abstract: "Fetch and read one source and print its items. Changes nothing.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "The id of the source to test.")
    var id: String

    func run() async throws {
        let configuration = try options.loadConfiguration()
        guard let source = configuration.source(id) else {
            printError("\(configuration.file): no source has the id '\(id)' (sources: \(configuration.sources.map(\.id).joined(separator: ", ")))")
            throw ExitCode(1)
        }
        let logger = options.makeLogger()
        let read = try await Runtime.testSource(source, configuration: configuration, logger: logger)
        switch read {
        case .items(let items, let documents), .partial(let items, let documents, _):
            output("\(source.id): \(items.count) items from \(source.url)")
            if case .partial(_, _, let failure) = read { printError("\(source.id): part of the source failed: \(failure)") }
            if let report = Runtime.papersReport(source, items: items) {
                report.forEach { output($0) }
                return
            }
            for item in items {
                output("- key: \(item.key)")
                for (name, value) in item.fields.sorted(by: { $0.key < $1.key }) {
                    output("  \(name): \(value)")
                }
                if let document = documents.first(where: { $0.key == item.key }) {
                    if let error = document.error { output("  document: could not be read: \(error)") }
                    for judgement in document.findings.map({ ($0.overall.map { [$0] } ?? []) + $0.judgements }) ?? [] {
                        output("  judgement: \(judgement.label): \(judgement.grade.rawValue)")
                    }
                }
            }
        case .failure(let failure):
            printError("\(source.id): \(failure)")
            throw ExitCode(1)
        }
    }
}
