import Foundation
import Logging
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore
import Synchronization

/// The wiring every command and every test uses: the store, the HTTP client, the checker and
/// the deliverer for one configuration.
public final class Runtime: Sendable {
    public let configuration: Configuration
    public let store: Store
    public let client: HTTPClient
    public let checker: SourceChecker
    public let deliverer: Deliverer
    public let logger: Logger
    let gate: HostGate
    public let metrics: Metrics
    let robots: RobotsCache
    /// Moved by every finished request and every document read, for the watchdog.
    public let progress: CheckProgress
    /// The one clock of the checks, the host gate, robots.txt, delivery and the scheduler.
    public let clock: any ServiceClock
    /// Each source's host, as the host gate keys it, parsed once per configuration.
    private let hosts: [String: String]

    public convenience init(configuration: Configuration, logger: Logger, clock: any ServiceClock = SystemClock()) throws {
        let store = try Store.open(stateDirectory: configuration.stateDirectory)
        let client = HTTPClient(userAgent: HTTPClient.userAgent(contact: configuration.contact))
        do {
            try self.init(configuration: configuration, logger: logger, store: store, client: client, gate: HostGate(clock: clock),
                          robots: RobotsCache(clock: clock), metrics: Metrics(), progress: CheckProgress(clock: clock), clock: clock)
        } catch {
            client.shutdown()
            throw error
        }
    }

    /// A runtime for a new configuration that keeps this one's store, client, host gate and clock.
    convenience init(reloading configuration: Configuration, from previous: Runtime) throws {
        try self.init(configuration: configuration, logger: previous.logger, store: previous.store, client: previous.client,
                      gate: previous.gate, robots: previous.robots, metrics: previous.metrics, progress: previous.progress,
                      clock: previous.clock)
    }

    private init(configuration: Configuration, logger: Logger, store: Store, client: HTTPClient, gate: HostGate,
                 robots: RobotsCache, metrics: Metrics, progress: CheckProgress, clock: any ServiceClock) throws {
        self.configuration = configuration
        self.logger = logger
        self.store = store
        self.client = client
        self.gate = gate
        self.robots = robots
        self.metrics = metrics
        self.progress = progress
        self.clock = clock
        let now: @Sendable () -> Date = { clock.now }
        hosts = Dictionary(configuration.sources.map { ($0.id, Self.host(of: $0.url)) }, uniquingKeysWith: { first, _ in first })
        let fetcher = PoliteFetcher(client: client, gate: gate, robots: robots, configuration: configuration, progress: progress)
        checker = SourceChecker(
            configuration: configuration, store: store, fetcher: fetcher, logger: logger, metrics: metrics, now: now)
        let context = ChannelContext(
            client: client, store: store, stateDirectory: configuration.stateDirectory,
            credentialsDirectory: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"], logger: logger,
            configuration: configuration)
        let channels = try configuration.channels.map { try $0.settings.makeChannel(id: $0.id, context: context) }
        deliverer = Deliverer(configuration: configuration, store: store, channels: channels, logger: logger, now: now)
    }

    public func shutdown() {
        client.shutdown()
    }

    /// One pass over the given sources (all by default), concurrently within the per-host
    /// limits. A source that fails is reported in its result; the pass goes on.
    ///
    /// Each host gets as many workers as it allows requests at once, and they take its sources
    /// in order: a pass over a thousand pages on one host runs ten tasks, not a thousand waiting
    /// at its gate, and a slow host never holds up the others. The stored states are read once.
    public func checkAll(_ sources: [SourceConfiguration]? = nil) async -> [SourceChecker.Result] {
        let sources = sources ?? configuration.sources
        let states: [String: SourceState]?
        do {
            let all = sources.count * 2 >= configuration.sources.count
            states = try store.read { all ? try $0.allSourceStates() : try $0.sourceStates(sources.map(\.id)) }
                .reduce(into: [:]) { $0[$1.sourceID] = $1 }
        } catch {
            logger.warning("cannot read the stored states at once; reading them per source", metadata: ["error": "\(error)"])
            states = nil
        }
        // Each host's sources by their place in `sources`: a source is copied only when its
        // check begins.
        var queues: [String: [Int]] = [:]
        var hosts: [String] = []
        for (index, source) in sources.enumerated() {
            let host = self.host(of: source)
            if queues[host] == nil { hosts.append(host) }
            queues[host, default: []].append(index)
        }
        // Checks run on the transfer thread, between its rounds of I/O: a check mostly waits
        // for its transfer, and resuming it there saves two thread hand-offs per source, about
        // a sixth of a cold pass's CPU and a tenth of a 10%-changed pass's.
        let preferred = client.taskExecutor
        return await withTaskGroup(of: [SourceChecker.Result].self) { group in
            for host in hosts {
                let queue = SourceQueue(sources, queues[host] ?? [])
                let allowed = queue.indices.map { (sources[$0].politeness ?? configuration.politeness).maxPerHost }.max() ?? 1
                for _ in 0..<max(1, min(allowed, queue.indices.count)) {
                    group.addTask(executorPreference: preferred) { [checker, logger] in
                        var results: [SourceChecker.Result] = []
                        while let source = queue.next() {
                            do {
                                results.append(try await checker.check(source, states: states))
                            } catch is CancellationError {
                                return results
                            } catch {
                                logger.error("check could not be recorded", metadata: ["source.id": "\(source.id)", "error": "\(error)"])
                                results.append(SourceChecker.Result(sourceID: source.id, outcome: .failed(SourceFailure(.fetch, "\(error)")), alerts: []))
                            }
                        }
                        return results
                    }
                }
            }
            var results: [SourceChecker.Result] = []
            for await batch in group {
                results.append(contentsOf: batch)
            }
            await flushQuietChecks()
            return results.sorted { $0.sourceID < $1.sourceID }
        }
    }

    /// Writes the times of the pass's quiet checks (304s from settled sources), which the
    /// checks only noted. Runs even when the pass was cancelled. A failure is logged: those
    /// sources are then checked again early after a restart, and nothing else is lost.
    func flushQuietChecks() async {
        do {
            try await store.flushQuietChecks()
        } catch {
            logger.warning("cannot record the times of this pass's unchanged checks", metadata: ["error": "\(error)"])
        }
    }

    /// The key the host gate uses for a source's URL.
    func host(of source: SourceConfiguration) -> String {
        hosts[source.id] ?? Self.host(of: source.url)
    }

    /// The key the host gate uses for a URL.
    static func host(of url: String) -> String {
        URLParts(parsing: url)?.host ?? url
    }

    /// `check`: one pass, then one delivery attempt for every pending alert.
    public func checkOnce() async -> (results: [SourceChecker.Result], delivery: Deliverer.Report) {
        let results = await checkAll()
        let passEnd = Date()
        let delivery = await deliverer.deliver(force: true)
        refreshSites(after: results, passEnd: passEnd)
        await writeMetrics()
        return (results, delivery)
    }

    /// Rewrites each `site` channel's pages after a pass that recorded something (a baseline,
    /// changes, a failure), unless delivering the pass's alerts already rewrote them. A failure
    /// is logged: the next pass tries again.
    public func refreshSites(after results: [SourceChecker.Result], passEnd: Date) {
        let recorded = results.contains { result in
            if case .unchanged = result.outcome { return false }
            return true
        }
        guard recorded else { return }
        for case let site as SiteChannel in deliverer.channels where !site.builtSince(passEnd) {
            do {
                try site.build()
            } catch {
                logger.warning("cannot write the site", metadata: ["channel.id": "\(site.id)", "error": "\(error)"])
            }
        }
    }

    /// Rewrites `metrics_file`, when configured. A failure is logged: metrics never stop a pass.
    public func writeMetrics() async {
        guard let path = configuration.metricsFile else { return }
        do {
            try await metrics.write(to: path, store: store)
        } catch {
            logger.warning("cannot write the metrics file", metadata: ["metrics.file": "\(path)", "error": "\(error)"])
        }
    }

    /// `test-source`: fetch and read one source without opening the store.
    public static func testSource(_ source: SourceConfiguration, configuration: Configuration, logger: Logger) async throws -> SourceRead {
        let client = HTTPClient(userAgent: HTTPClient.userAgent(contact: configuration.contact))
        defer { client.shutdown() }
        let fetcher = PoliteFetcher(client: client, gate: HostGate(), robots: RobotsCache(), configuration: configuration)
        let response: HTTPResponse
        do {
            response = try await fetcher.fetch(source.url, politeness: source.politeness)
        } catch let error as FetchError {
            return .failure(SourceFailure(.fetch, "\(error.kind.rawValue): \(error.message)"))
        } catch let error as RobotsDisallowed {
            return .failure(SourceFailure(.robots, error.reason))
        }
        guard response.isSuccess else {
            return .failure(SourceFailure(.httpStatus, "HTTP \(response.status)"))
        }
        let page = Page(url: response.url, status: response.status, contentType: response.header("Content-Type"), body: response.body)
        // Documents read here are kept in a directory of their own, removed after: test-source
        // changes nothing in the state directory.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("reportwatch-test-source-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var context = SourceContext(
            fetcher: fetcher, source: source, stateDirectory: scratch.path, logger: logger,
            previousItems: [:], isBaseline: true, storedDocuments: [:])
        context.readsAllDocuments = true
        return await source.read(page, context: context)
    }
}

/// One host's sources, handed out one at a time to that host's workers.
private final class SourceQueue: Sendable {
    let sources: [SourceConfiguration]
    /// This host's sources, as places in `sources`.
    let indices: [Int]
    private let index = Mutex(0)

    init(_ sources: [SourceConfiguration], _ indices: [Int]) {
        self.sources = sources
        self.indices = indices
    }

    func next() -> SourceConfiguration? {
        let place: Int? = index.withLock { index in
            guard index < indices.count else { return nil }
            defer { index += 1 }
            return indices[index]
        }
        return place.map { sources[$0] }
    }
}
