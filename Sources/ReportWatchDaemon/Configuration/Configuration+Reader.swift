import Foundation
import ReportWatchCore
import ReportWatchExtract
import Yams

/// Reads a ``Configuration`` from YAML.
///
/// Every key, with its default:
/// ```yaml
/// state_directory: ./var          # $STATE_DIRECTORY if set, else ./var; holds reportwatch.sqlite
/// contact: alerts@example.org     # required: goes into the User-Agent
/// timezone: Europe/London         # for digests and dates in messages
/// failures_before_alert: 3        # consecutive failed checks before one source_failing alert
/// metrics_file: ./var/metrics.prom  # optional Prometheus text file, rewritten after every pass
/// politeness: {min_gap: 2s, max_per_host: 1}   # per host; also per source
/// http: {connect_timeout: 10s, timeout: 60s, max_body_bytes: 20000000}
/// delivery: {max_age: 72h, initial_backoff: 30s, max_backoff: 1h}
/// sources:
///   - id: council-news            # required, unique: [A-Za-z0-9._-]
///     name: Council news          # for messages; defaults to id
///     kind: html                  # required
///     url: https://example.org/news   # required, http or https
///     interval: 1h                # how often; units ms, s, m, h, d (combinable: 1h30m)
///     jitter: 0.1                 # share of the interval checks move by at random
///     failures_before_alert: 3    # overrides the top-level value
///     politeness: {min_gap: 2s, max_per_host: 1}
///     keywords: [children, Ofsted]  # only new items mentioning one of these alert
///     ignore_fields: [date]       # stored, but never a `changed` alert
///     # kind html:
///     items: "//li[@class='report']"   # XPath selecting the items
///     fields: {key: "a/@href", title: "a", link: "a/@href", date: "time/@datetime"}  # key is required
/// channels:
///   - id: log                     # required, unique
///     kind: jsonl                 # required
///     sources: [council-news]     # optional: only these sources' alerts
///     events: [added, changed]    # optional: only these events
///     # kind jsonl:
///     path: ./var/alerts.jsonl
/// ```
extension Configuration {
    /// Loads and checks a config file. Throws ``ConfigErrors`` naming every problem found.
    public static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigErrors) -> Configuration {
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "cannot read the file" : "no such file"
            throw ConfigErrors([ConfigError(file: file, message: reason)])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigErrors([ConfigError(file: file, message: "the file is not UTF-8 text")])
        }
        return try parse(yaml: text, file: file, environment: environment)
    }

    public static func parse(yaml: String, file: String, environment: [String: String] = [:]) throws(ConfigErrors) -> Configuration {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigErrors([ConfigError(file: file, yamlError: error)])
        }
        var reader = ConfigReader(file: file, environment: environment)
        let configuration = reader.read(node)
        guard reader.errors.isEmpty, let configuration else {
            throw ConfigErrors(reader.errors.isEmpty ? [ConfigError(file: file, message: "empty config")] : reader.errors)
        }
        return configuration
    }
}

extension ConfigError {
    init(file: String, yamlError: any Error) {
        guard let error = yamlError as? YamlError else {
            self.init(file: file, message: "invalid YAML: \(yamlError)")
            return
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) (line \($0.mark.line)): " } ?? ""
            self.init(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            self.init(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \(duplicates.joined(separator: ", "))")
        case .reader(let problem, let offset, _, _):
            self.init(file: file, message: "invalid YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? ""))
        default:
            self.init(file: file, message: "invalid YAML: \(error)")
        }
    }
}
