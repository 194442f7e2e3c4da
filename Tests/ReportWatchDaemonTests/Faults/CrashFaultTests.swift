import Foundation
import Glibc
import Testing
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

/// Invariant 1 under SIGKILL at random points. A source changes before every pass (titles
/// changed, items added and removed); each pass of the real `reportwatch check` is killed,
/// in turn: while fetching (the server answers slowly), inside the SQLite write transaction
/// (seen as the process's WAL write lock in /proc/locks), while delivering (once the jsonl
/// file has grown), and at a random moment. Afterwards, and after two clean passes:
/// - replaying the recorded alerts over the baseline gives exactly what the server publishes
///   now, and every alerted title was really published: no change went without its alert;
/// - every recorded alert is in the jsonl file, and none that the store had confirmed before a
///   kill was written again; a repeat is only ever the one alert in flight at a kill;
/// - `PRAGMA integrity_check` is ok, the outbox is empty, and the next pass is clean.
///
/// CrashTests covers the single deterministic kill between commit and delivery (the FIFO).
@Suite("Fault: SIGKILL at random points loses no alert", .serialized)
struct CrashFaultTests {
    enum Phase: String, CaseIterable {
        case fetching, transaction, delivering, anywhere
    }

    /// Where a kill landed, judged afterwards from the store and the jsonl file.
    enum Landing: String, CaseIterable {
        case beforeCommit = "before the commit (fetch or extraction)"
        case insideTransaction = "inside the write transaction"
        case afterCommitBeforeDelivery = "after the commit, before any delivery"
        case duringDelivery = "during delivery"
        case finished = "after the pass had finished"
    }

    @Test func sigkillAtRandomPointsLosesNoAlertAndRepeatsNoConfirmedOne() async throws {
        let passes = FaultIterations.count(short: 8)
        let seed = ProcessInfo.processInfo.environment["REPORTWATCH_FAULT_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64.max)
        var random = SplitMix(seed: seed)
        let site = PublishedSite(items: 1500, random: &random)
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        server.route("/news") { _ in site.response() }
        let world = try FaultWorld(sources: """
              - id: news
                kind: html
                url: \(server.baseURL)/news
                items: "//li[@class='report']"
                fields: {key: "a/@href", title: "a"}
            """, http: "{connect_timeout: 5s, timeout: 20s}")
        let context = "seed \(seed) (REPORTWATCH_FAULT_SEED reproduces it)"

        let baseline = try world.check()
        try #require(baseline.status == 0, "baseline: \(baseline)\n\(baseline.stderr)")
        let baselineDuration = baseline.wall

        struct Kill {
            var lines: Int
            var confirmed: Set<String>
        }
        var kills: [Kill] = []
        var landings: [Landing: Int] = [:]
        var missedTriggers = 0
        var lastCheckAt = try world.store().read { try $0.sourceState("news")?.lastCheckAt }

        for pass in 0..<passes {
            let phase = Phase.allCases[pass % Phase.allCases.count]
            site.publishNext(random: &random)
            let slowMilliseconds = phase == .fetching ? Int.random(in: 300...900, using: &random) : nil
            site.setDelay(slowMilliseconds.map { .milliseconds($0) })
            let requestsBefore = server.requests(forPath: "/news").count
            let linesBefore = world.alertLines().count
            let child = try world.startCheck()
            var sawLock = false
            var triggered = true
            switch phase {
            case .fetching:
                triggered = waitUntil(.seconds(30)) { server.requests(forPath: "/news").count > requestsBefore || !child.isRunning }
                // Killed before the answer has begun to arrive.
                if let slowMilliseconds {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 0..<(slowMilliseconds - 50), using: &random)))
                }
            case .transaction:
                triggered = waitUntil(.seconds(30)) { server.requests(forPath: "/news").count > requestsBefore || !child.isRunning }
                triggered = triggered && waitUntil(.seconds(30), every: 200) {
                    holdsWALWriteLock(pid: child.pid, database: world.databasePath) || !child.isRunning
                }
                usleep(useconds_t.random(in: 0...3_000, using: &random))
                sawLock = holdsWALWriteLock(pid: child.pid, database: world.databasePath)
            case .delivering:
                triggered = waitUntil(.seconds(60)) { world.alertLines().count > linesBefore || !child.isRunning }
                usleep(useconds_t.random(in: 0...150_000, using: &random))
            case .anywhere:
                let upper = max(50, Int(SourceFaultTests.seconds(baselineDuration) * 1500))
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...upper, using: &random)))
            }
            if !triggered { missedTriggers += 1 }
            let outcome = child.kill()
            // `kill()` reaps a child that ended on its own (even in the instant before the
            // signal) as it ended: then it must have ended cleanly.
            let finishedFirst = outcome.signal != SIGKILL
            #expect(outcome.signal == SIGKILL || outcome.status == 0, "pass \(pass): \(outcome)")

            // What the kill left: judged from the store (opened only now the process is gone).
            let store = try world.store()
            let (state, pending, all) = try store.read { transaction in
                (try transaction.sourceState("news"), try transaction.pendingDeliveries(channel: "log", dueBy: nil, limit: 1_000_000),
                 try transaction.recentAlerts(limit: 1_000_000))
            }
            let lines = world.alertLines().count
            let committed = state?.lastCheckAt != lastCheckAt
            lastCheckAt = state?.lastCheckAt
            let landing: Landing
            if finishedFirst {
                landing = .finished
            } else if !committed {
                landing = sawLock ? .insideTransaction : .beforeCommit
            } else if lines == linesBefore {
                landing = .afterCommitBeforeDelivery
            } else {
                landing = .duringDelivery
            }
            landings[landing, default: 0] += 1
            kills.append(Kill(lines: lines, confirmed: Set(all.map(\.id)).subtracting(pending.map(\.alert.id))))
        }

        // Two clean passes over a final version: the first catches up, the second is quiet.
        site.publishNext(random: &random)
        site.setDelay(nil)
        let catchUp = try world.check()
        let quiet = try world.check()
        #expect(catchUp.status == 0, "\(context): catch-up pass \(catchUp)\n\(catchUp.stderr)")
        #expect(quiet.status == 0 && quiet.stdout.contains("news: unchanged"), "\(context): next pass \(quiet)\n\(quiet.stdout)")

        let store = try world.store()
        let integrity = try store.integrityCheck()
        #expect(integrity == "ok", "\(context): integrity_check: \(integrity)")
        let (recorded, outbox) = try store.read { (try $0.recentAlerts(limit: 1_000_000).reversed().map { $0 }, try $0.outboxSummary()) }
        let log = outbox.first { $0.channelID == "log" }
        #expect(log?.pending == 0 && log?.retrying == 0 && log?.dead == 0, "\(context): outbox after the clean passes \(String(describing: log))")

        // Delivered: every line one alert; every recorded alert delivered; no confirmed one twice.
        let lines = world.alertLines()
        let ids = try lines.map { try Alert.jsonDecoder().decode(Alert.self, from: Data($0.utf8)).id }
        #expect(Set(ids) == Set(recorded.map(\.id)), "\(context): \(Set(recorded.map(\.id)).subtracting(ids).count) recorded alerts never delivered, \(Set(ids).subtracting(recorded.map(\.id)).count) delivered but not recorded")
        var confirmedRepeats = 0
        for kill in kills {
            confirmedRepeats += ids[min(kill.lines, ids.count)...].filter { kill.confirmed.contains($0) }.count
        }
        #expect(confirmedRepeats == 0, "\(context): \(confirmedRepeats) alerts confirmed before a kill were delivered again")
        // Exactly once: a batch written just before a kill, and sent again after it because
        // the store had not marked it delivered, is not written twice.
        var seen = Set<String>()
        let repeated = ids.enumerated().filter { !seen.insert($0.element).inserted }.map { "\($0.element) at line \($0.offset + 1)" }
        #expect(repeated.isEmpty, "\(context): \(repeated.count) alerts written twice: \(repeated.prefix(5))")

        // Recorded: the alerts, replayed over the baseline, give what the server publishes now.
        var replayed = site.version(0)
        var problems: [String] = []
        for alert in recorded {
            guard let key = alert.key else {
                problems.append("\(alert.event.rawValue) without a key: \(alert.title)")
                continue
            }
            switch alert.event {
            case .added:
                if replayed[key] != nil { problems.append("added twice: \(key)") }
                if !site.wasPublished(key: key, title: alert.title) { problems.append("added a title never published: \(key) \(alert.title)") }
                replayed[key] = alert.title
            case .removed:
                if replayed.removeValue(forKey: key) == nil { problems.append("removed an absent item: \(key)") }
            case .changed:
                guard let title = alert.fields?.first(where: { $0.name == "title" }) else {
                    problems.append("changed without a title change: \(key)")
                    continue
                }
                if replayed[key] != title.old { problems.append("changed from a title not held: \(key) \(title.old ?? "nil") vs \(replayed[key] ?? "nil")") }
                if let new = title.new, !site.wasPublished(key: key, title: new) { problems.append("changed to a title never published: \(key) \(new)") }
                replayed[key] = title.new
            default:
                problems.append("unexpected \(alert.event.rawValue): \(alert.title)")
            }
        }
        let published = site.current()
        let missing = published.filter { replayed[$0.key] != $0.value }.count
        let phantom = replayed.keys.filter { published[$0] == nil }.count
        #expect(problems.isEmpty, "\(context): \(problems.prefix(10))")
        #expect(missing == 0 && phantom == 0, "\(context): after replay \(missing) published items differ from the alerts, \(phantom) alerted items are not published")

        let landed = Landing.allCases.map { "\(landings[$0, default: 0]) \($0.rawValue)" }.joined(separator: ", ")
        faultReport("crash consistency", "\(passes) passes killed by SIGKILL (\(landed); \(missedTriggers) triggers not reached in time); "
            + "\(site.versions) versions published, \(recorded.count) alerts recorded, \(Set(ids).count) delivered, "
            + "\(repeated.count) written twice, \(confirmedRepeats) confirmed repeats; replay: \(missing) missing, \(phantom) phantom; "
            + "integrity_check \(integrity); next pass clean: \(quiet.stdout.contains("news: unchanged")); \(context)")
    }
}

/// Polls `condition` every `every` microseconds until it holds or `timeout` passes.
func waitUntil(_ timeout: Duration, every: useconds_t = 5_000, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(every)
    }
    return condition()
}

/// True while `pid` holds SQLite's WAL write lock on the database: an exclusive POSIX lock on
/// byte 120 of the `-shm` file (WALINDEX_LOCK_OFFSET + WAL_WRITE_LOCK), which SQLite takes for
/// the whole of a write transaction. Read from /proc/locks, so the probe never takes a lock
/// itself and cannot change the process's timing.
func holdsWALWriteLock(pid: pid_t, database: String) -> Bool {
    var info = stat()
    guard stat(database + "-shm", &info) == 0, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else {
        return false
    }
    let inode = String(info.st_ino)
    for line in text.split(separator: "\n") where !line.contains("->") {
        // "1: POSIX  ADVISORY  WRITE 12345 fd:01:123456 120 120"
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 8, fields[1] == "POSIX", fields[3] == "WRITE", fields[4] == "\(pid)", fields[6] == "120",
              fields[5].split(separator: ":").last.map(String.init) == inode
        else { continue }
        return true
    }
    return false
}

/// A small deterministic generator, so a failing run can be repeated from its seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The page the server publishes, version after version: titles changed, items added and
/// removed between versions, and every version kept so alerts can be checked against them.
final class PublishedSite: @unchecked Sendable {
    private let lock = NSLock()
    private var history: [[String: String]] = []
    private var titlesEverPublished: Set<String> = []
    private var nextKey: Int
    private var delay: Duration?
    private var page: String = ""

    init(items: Int, random: inout SplitMix) {
        var first: [String: String] = [:]
        for key in 0..<items { first["/r/\(key)"] = "Report \(key) rev 0" }
        nextKey = items
        publish(first)
    }

    var versions: Int {
        lock.lock()
        defer { lock.unlock() }
        return history.count
    }

    func version(_ index: Int) -> [String: String] {
        lock.lock()
        defer { lock.unlock() }
        return history[index]
    }

    func current() -> [String: String] {
        lock.lock()
        defer { lock.unlock() }
        return history[history.count - 1]
    }

    func wasPublished(key: String, title: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return titlesEverPublished.contains(key + "\u{0}" + title)
    }

    func setDelay(_ delay: Duration?) {
        lock.lock()
        self.delay = delay
        lock.unlock()
    }

    /// 100 titles changed, 3 items removed, 4 added.
    func publishNext(random: inout SplitMix) {
        var items = current()
        let revision = versions
        let keys = items.keys.sorted()
        for key in keys.shuffled(using: &random).prefix(100) { items[key] = "Report \(key.dropFirst(3)) rev \(revision)" }
        for key in keys.shuffled(using: &random).prefix(3) { items[key] = nil }
        lock.lock()
        let first = nextKey
        nextKey += 4
        lock.unlock()
        for key in first..<(first + 4) { items["/r/\(key)"] = "Report \(key) rev \(revision)" }
        publish(items)
    }

    private func publish(_ items: [String: String]) {
        // Sorted by number so reordering never plays a part; cookie banner and token as usual.
        let rows = items.sorted { Int($0.key.dropFirst(3)) ?? 0 < Int($1.key.dropFirst(3)) ?? 0 }
            .map { "<li class=\"report\"><a href=\"\($0.key)\">\($0.value)</a></li>" }.joined(separator: "\n")
        let page = """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>News</title></head><body>
            <div class="cookie-banner">We use cookies.</div><ul>\(rows)</ul><footer>token=\(UUID().uuidString)</footer>
            </body></html>
            """
        lock.lock()
        history.append(items)
        for (key, title) in items { titlesEverPublished.insert(key + "\u{0}" + title) }
        self.page = page
        lock.unlock()
    }

    func response() -> TestHTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        var response = TestHTTPResponse.ok(page)
        response.delay = delay
        return response
    }
}
