import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchTestSupport

/// A bad config gives one line per problem, with file, line and key, and a suggestion where one exists.
@Suite("Config errors name the file, line and key")
struct ConfigTests {
    static let valid = """
        contact: tests@example.org
        sources:
          - id: news
            kind: html
            url: https://example.org/news
            items: "//li"
            fields: {key: "a/@href", title: "a"}
        channels:
          - id: log
            kind: jsonl
            path: ./alerts.jsonl
        """

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var yaml: String
        var line: Int?
        var key: String?
        var contains: String
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "YAML syntax error", yaml: "contact: [unclosed\nsources: []\n", line: 2, key: nil, contains: "invalid YAML"),
        Case(name: "unknown key", yaml: valid.replacingOccurrences(of: "    items:", with: "    itmes:"), line: 6,
             key: "sources[0].itmes", contains: "did you mean 'items'?"),
        Case(name: "unknown top-level key", yaml: "contcat: x\n" + valid, line: 1, key: "contcat", contains: "did you mean 'contact'?"),
        Case(name: "bad XPath", yaml: valid.replacingOccurrences(of: "\"//li\"", with: "\"//li[\""), line: 6,
             key: "sources[0].items", contains: "invalid XPath '//li['"),
        Case(name: "bad field XPath", yaml: valid.replacingOccurrences(of: "title: \"a\"", with: "title: \"a[@\""), line: 7,
             key: "sources[0].fields.title", contains: "invalid XPath"),
        Case(name: "bad interval", yaml: valid.replacingOccurrences(of: "    url: https://example.org/news", with: "    url: https://example.org/news\n    interval: soon"),
             line: 6, key: "sources[0].interval", contains: "invalid duration 'soon'"),
        Case(name: "bad URL", yaml: valid.replacingOccurrences(of: "https://example.org/news", with: "file:///etc/passwd"), line: 5,
             key: "sources[0].url", contains: "invalid URL"),
        Case(name: "unknown kind", yaml: valid.replacingOccurrences(of: "kind: html", with: "kind: htm"), line: 4,
             key: "sources[0].kind", contains: "did you mean 'html'?"),
        Case(name: "duplicate source id", yaml: valid.replacingOccurrences(of: "channels:", with: """
              - id: news
                kind: html
                url: https://example.org/other
                items: "//li"
                fields: {key: "a/@href"}
            channels:
            """), line: 8, key: "sources[1].id", contains: "duplicate source id 'news'"),
        Case(name: "wrong type", yaml: valid.replacingOccurrences(of: "contact: tests@example.org", with: "contact: tests@example.org\nfailures_before_alert: many"),
             line: 2, key: "failures_before_alert", contains: "expected a whole number"),
        Case(name: "missing key field", yaml: valid.replacingOccurrences(of: "{key: \"a/@href\", title: \"a\"}", with: "{title: \"a\"}"),
             line: 7, key: "sources[0].fields", contains: "'key' field is required"),
        Case(name: "missing required key", yaml: valid.replacingOccurrences(of: "    url: https://example.org/news\n", with: ""),
             line: nil, key: "sources[0].url", contains: "required key is missing"),
        Case(name: "channel routing to an unknown source", yaml: valid + "\n    sources: [nwes]", line: 12,
             key: "channels[0].sources", contains: "did you mean 'news'?"),
        Case(name: "unknown event", yaml: valid + "\n    events: [add]", line: 12, key: "channels[0].events", contains: "unknown event 'add'"),
        Case(name: "duplicate key", yaml: valid.replacingOccurrences(of: "    items: \"//li\"", with: "    items: \"//li\"\n    items: \"//ul\""),
             line: 6, key: nil, contains: "duplicate key items"),
        Case(name: "a second document", yaml: valid + "\n---\ncontact: x\n", line: 12, key: nil,
             contains: "expected a single document in the stream (line 1): but found another document"),
        Case(name: "undefined alias", yaml: valid.replacingOccurrences(of: "contact: tests@example.org", with: "contact: *nobody"),
             line: 1, key: nil, contains: "invalid YAML: found undefined alias"),
        Case(name: "control character", yaml: "contact: \"a\u{01}b\"\n", line: nil, key: nil,
             contains: "invalid YAML: control characters are not allowed at byte 11"),
    ]

    /// Anchors and aliases, quoted and folded scalars and flow mappings read as YAML says.
    @Test func yamlFormsLoad() throws {
        let yaml = """
            contact: tests@example.org
            sources:
              - id: news
                kind: html
                url: https://example.org/news
                items: "//li"
                fields: &fields {key: "a/@href", title: "a"}
              - id: more
                kind: html
                url: 'https://example.org/more'
                items: >-
                  //ul/li
                fields: *fields
            channels:
              - id: log
                kind: jsonl
                path: ./alerts.jsonl
            """
        let configuration = try Configuration.parse(yaml: yaml, file: "test.yaml")
        #expect(configuration.sources.map(\.id) == ["news", "more"])
        #expect(configuration.sources.last?.url == "https://example.org/more")
        let kinds = configuration.sources.compactMap { $0.kind as? HTMLKind }
        try #require(kinds.count == 2)
        #expect(kinds[1].extractor.items.expression == "//ul/li")
        for kind in kinds {
            #expect(kind.extractor.fields.map(\.name) == ["key", "title"])
            #expect(kind.extractor.fields.map(\.expression.expression) == ["a/@href", "a"])
        }
    }

    @Test func theValidConfigLoads() throws {
        let configuration = try Configuration.parse(yaml: Self.valid, file: "test.yaml")
        #expect(configuration.sources.map(\.id) == ["news"])
        #expect(configuration.sources.first?.interval == .seconds(3600))
        #expect(configuration.failuresBeforeAlert == 3)
    }

    /// A thousand sources with the same XPaths compile them once (1.5 KB each, 6 MB in all
    /// otherwise).
    @Test func sourcesWithTheSameXPathShareOneCompiledExpression() throws {
        let yaml = """
            state_directory: ./var
            contact: test@example.org
            sources:
              - id: a
                kind: html
                url: http://127.0.0.1/a
                items: "//li[@class='yes']"
                fields: {key: "a/@href", title: "a"}
              - id: b
                kind: html
                url: http://127.0.0.1/b
                items: "//li[@class='yes']"
                fields: {key: "a/@href", title: "normalize-space(a)"}
            channels:
              - id: log
                kind: jsonl
                path: ./alerts.jsonl
            """
        let configuration = try Configuration.parse(yaml: yaml, file: "test.yaml")
        let kinds = configuration.sources.compactMap { $0.kind as? HTMLKind }
        #expect(kinds.count == 2)
        let (a, b) = (try #require(kinds.first), try #require(kinds.last))
        #expect(a.extractor.items === b.extractor.items)
        #expect(a.extractor.fields[0].expression === b.extractor.fields[0].expression)
        #expect(a.extractor.fields[1].expression !== b.extractor.fields[1].expression)
    }

    @Test(arguments: cases)
    func badConfigIsLocated(_ example: Case) throws {
        do {
            _ = try Configuration.parse(yaml: example.yaml, file: "reportwatch.yaml")
            Issue.record("\(example.name): the config loaded")
        } catch {
            let match = error.errors.first { $0.description.contains(example.contains) }
            let problem = try #require(match, "\(example.name): \(error.description)")
            #expect(problem.file == "reportwatch.yaml")
            if let line = example.line { #expect(problem.line == line, "\(example.name): \(problem)") }
            if let key = example.key { #expect(problem.key == key, "\(example.name): \(problem)") }
            #expect(!problem.description.contains("\n"))
        }
    }

    @Test func missingFileIsOneLine() {
        #expect(throws: ConfigErrors.self) { try Configuration.load(file: "/nonexistent/reportwatch.yaml") }
        do {
            _ = try Configuration.load(file: "/nonexistent/reportwatch.yaml")
        } catch {
            #expect(error.description == "/nonexistent/reportwatch.yaml: no such file")
        }
    }

    @Test func theShippedDefaultConfigLoads() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/reportwatch.yaml").path
        let configuration = try Configuration.load(file: file)
        #expect(!configuration.sources.isEmpty)
        #expect(!configuration.channels.isEmpty)
    }

    @Test func checkConfigCommandExitsNonZeroWithTheError() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.yaml").path
        try Self.valid.replacingOccurrences(of: "    items:", with: "    itmes:").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try ReportWatchBinary.run(["check-config", "--config", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(file):6:5: sources[0].itmes: unknown key (did you mean 'items'?)"), "\(result.stderr)")
    }
}
