import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchTestSupport

/// Numbers too large for the types they end up in are config errors with file, line and key,
/// never a trap: the service reloads its config on SIGHUP, and a trap there would end it.
@Suite("Huge numbers in the config are errors, not crashes")
struct ConfigLimitTests {
    static let huge = "99999999999999999999d"

    /// The config with one key set to `value`, and the line that key is on.
    static func config(_ key: String, _ value: String) -> (yaml: String, line: Int, key: String) {
        var top = ["contact: tests@example.org"]
        var source = ["    url: https://example.org/news"]
        var channel: [String] = []
        var path = key
        switch key {
        case "http.connect_timeout", "http.timeout":
            top.append("http:\n  \(key.dropFirst(5)): \(value)")
        case "delivery.max_age", "delivery.initial_backoff", "delivery.max_backoff":
            top.append("delivery:\n  \(key.dropFirst(9)): \(value)")
        case "politeness.min_gap":
            top.append("politeness:\n  min_gap: \(value)")
        case "interval", "jitter", "failures_before_alert":
            source.append("    \(key): \(value)")
            path = "sources[0].\(key)"
        case "timeout":
            channel.append("    timeout: \(value)")
            path = "channels[1].timeout"
        default:
            Issue.record("no place for \(key)")
        }
        let yaml = top.joined(separator: "\n") + "\n" + """
            sources:
              - id: news
                kind: html
            \(source.joined(separator: "\n"))
                items: "//li"
                fields: {key: "a/@href", title: "a"}
            channels:
              - id: log
                kind: jsonl
                path: ./alerts.jsonl
              - id: hook
                kind: webhook
                url: https://example.org/hook
                format: json
            \(channel.joined(separator: "\n"))
            """
        let line = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains(value) }.map { $0 + 1 } ?? 0
        return (yaml, line, path)
    }

    static let keys = ["interval", "http.connect_timeout", "http.timeout", "delivery.max_age", "delivery.initial_backoff",
                       "delivery.max_backoff", "politeness.min_gap", "timeout"]

    @Test(arguments: keys)
    func aHugeDurationIsLocated(_ key: String) throws {
        for value in [Self.huge, "9999999999999999999999999999999999999999h", "106752d", "1.7976931348623157e308s"] {
            let (yaml, line, path) = Self.config(key, value)
            do {
                _ = try Configuration.parse(yaml: yaml, file: "reportwatch.yaml")
                Issue.record("\(key): \(value) loaded")
            } catch {
                let problem = try #require(error.errors.first { $0.key == path }, "\(key) = \(value): \(error.description)")
                #expect(problem.file == "reportwatch.yaml")
                #expect(problem.line == line, "\(problem)")
                #expect(problem.description.contains("invalid duration"), "\(problem)")
            }
        }
    }

    @Test(arguments: ["jitter", "failures_before_alert"])
    func aHugeNumberIsLocated(_ key: String) throws {
        for value in ["99999999999999999999", "1e400", "nan", "-0x8000000000000001"] {
            let (yaml, line, path) = Self.config(key, value)
            do {
                _ = try Configuration.parse(yaml: yaml, file: "reportwatch.yaml")
                Issue.record("\(key): \(value) loaded")
            } catch {
                let problem = try #require(error.errors.first { $0.key == path }, "\(key) = \(value): \(error.description)")
                #expect(problem.line == line, "\(problem)")
            }
        }
    }

    @Test func aLongButSaneDurationStillLoads() throws {
        let configuration = try Configuration.parse(yaml: Self.config("interval", "30d").yaml, file: "reportwatch.yaml")
        #expect(configuration.sources.first?.interval == .seconds(30 * 86_400))
    }
}
