import Foundation
import ReportWatchCore
import ReportWatchExtract

/// Reads a ``Configuration`` from YAML.
///
/// Every key, with its default:
/// ```yaml
/// state_directory: ./var          # $STATE_DIRECTORY if set, else ./var; holds reportwatch.sqlite
/// contact: alerts@example.org     # required: goes into the User-Agent
/// timezone: Europe/London         # for digests and dates in messages
/// failures_before_alert: 3        # consecutive failed checks before one source_failing alert
/// metrics_file: ./var/metrics.prom  # optional Prometheus text file (0644), rewritten after every pass (at most every 2 s);
///                                   # for node_exporter under systemd, see the README's "Files for a web server or node_exporter"
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
///     keywords: [children, Ofsted]  # only new items mentioning one of these alert (whole words or
///                                   #   phrases, any case; a keyword in capitals, SEND, only in capitals)
///     ignore_fields: [date]       # stored, but never a `changed` alert
///     # kind html:
///     items: "//li[@class='report']"   # XPath selecting the items
///     fields: {key: "a/@href", title: "a", link: "a/@href", date: "time/@datetime"}  # key is required
///     # kind moderngov-committee: url is the committee's ieListMeetings.aspx?CommitteeId=... page.
///     window: {past: 60d, future: 90d}   # only meetings dated inside it have their pages read
///     papers: {max_pages: 60, max_bytes: 20000000, per_pass: 30}   # each new paper read once: pages
///     #   of a PDF read, larger papers not read, papers fetched in one check (the rest wait)
///     #   The list and every meeting page in the window are checked on every check (conditional GET).
///     #   Alerts: a new meeting; a cancellation; a change of what is published; a new agenda item
///     #   or paper (minutes too) only when its title or text matches the keywords, quoting up to
///     #   three sentences with their pages; a recent or upcoming meeting removed.
///     # kind govuk-search: no keys of its own; url is a Search API query ending in /api/search.json
///     #   (e.g. ?filter_organisations=department-for-education&filter_content_store_document_type=decision
///     #   &order=-public_timestamp&count=50&fields=title,link,public_timestamp,description,content_store_document_type).
///     #   Items keyed by link; keywords select new, changed and removed results.
///     # kind govuk-content: no keys of its own; url starts https://www.gov.uk/api/content/. A publication
///     #   alerts when updated (with its change note); a document collection also when a document is
///     #   added, removed or moves between groups. keywords select which changes alert.
///     # kind feed: no keys of its own; url is an RSS or Atom feed. Entries keyed by link (not id/guid);
///     #   keywords select new and changed entries; entries leaving the feed never alert.
///     # kind ofsted-provider: url is https://reports.ofsted.gov.uk/provider/44/<URN> (`reportwatch council NAME`).
///     council: Harrow                # name for messages; default: the page's heading
///     documents_per_pass: 10         # most report PDFs fetched a pass, newest first (each only once, ever)
///     #   Items: reports keyed by PDF file id. A new report alerts with its findings against the
///     #   previous graded report; a page without a.publication-link is a structure failure.
///     # kind ofsted-search: url is an Ofsted search results page (…/search?...&rows=100).
///     max_pages: 10                  # most result pages followed a pass
///     #   Items: providers keyed by URN; a changed latest report date is a `changed` alert.
/// channels:
///   - id: log                     # required, unique
///     kind: jsonl                 # required
///     sources: [council-news]     # optional: only these sources' alerts
///     events: [added, changed]    # optional: only these events
///     digest: daily@08:00         # optional: gather alerts into one message at this time (in
///                                 #   `timezone`); or weekly@mon 08:00
///     urgent_events: [source_failing]   # optional: these bypass the digest
///     # kind jsonl:
///     path: ./var/alerts.jsonl
///     # kind email (multipart/alternative through libcurl's SMTP, TLS verified):
///     smtp_url: smtp://mail.example.org:587   # or smtps://mail.example.org:465; no credentials here
///     starttls: required          # smtp:// only: required (default), optional, never (local relay)
///     from: "reportwatch <alerts@example.org>"
///     to: [group@example.org]     # required, one or more
///     username: alerts            # optional, with password_file
///     password_file: smtp-password   # relative: $CREDENTIALS_DIRECTORY first (LoadCredential=), then as given
///     ca_file: /etc/reportwatch/ca.pem   # optional private CA bundle
///     timeout: 60s
///     # kind webhook (POST; any 2xx confirms; X-Reportwatch-Alert-Id, -Timestamp, -Signature):
///     url: https://hooks.example.org/reportwatch
///     format: json                # json (alert + schema_version), slack, discord, teams
///     secret_file: webhook-secret # optional: HMAC-SHA256 key, looked up like password_file
///     timeout: 30s
///     # kind atom (rewritten atomically on every alert, mode 0644):
///     path: /var/www/reportwatch/alerts.xml   # writable under systemd with the README's drop-in only
///     max_entries: 100
///     title: Harrow children's services alerts   # optional
///     # kind site (a static website rebuilt from the store after every pass that recorded something):
///     path: ./var/site            # a folder: index.html, pages/, style.css, feed.xml
///     title: Harrow children's services   # optional
///     base_url: https://example.org/reportwatch/   # optional: where it is published (canonical links)
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
        let node: YAMLNode?
        do {
            // Every scalar is read as text and typed by the key that holds it.
            node = try YAMLNode.compose(yaml)
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
    init(file: String, yamlError error: YAMLError) {
        switch error {
        case .syntax(let problem, let mark, let context, let contextMark):
            let detail = context.map { "\($0) (line \(contextMark?.line ?? mark.line)): " } ?? ""
            self.init(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)\(problem)")
        case .duplicateKeys(let keys, let mark):
            self.init(file: file, line: mark.line, column: mark.column, message: "duplicate key \(keys.joined(separator: ", "))")
        case .reader(let problem, let offset):
            self.init(file: file, message: "invalid YAML: \(problem) at byte \(offset)")
        case .undefinedAlias(let mark):
            self.init(file: file, line: mark.line, column: mark.column, message: "invalid YAML: found undefined alias")
        case .secondDocument(let mark):
            self.init(
                file: file, line: mark.line, column: mark.column,
                message: "invalid YAML: expected a single document in the stream (line 1): but found another document")
        case .outOfMemory:
            self.init(file: file, message: "invalid YAML: libyaml ran out of memory")
        }
    }
}
