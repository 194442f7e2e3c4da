import Foundation
import Testing
@testable import ReportWatchStore
import ReportWatchCore
import ReportWatchTestSupport

/// `Store.awaitWrite` from many tasks at once: each body is its own transaction, and its caller
/// resumes once it is stored.
@Suite("Writes from many checks at once")
struct StoreWriteTests {
    struct Refused: Error, Equatable {
        let index: Int
    }

    @Test func concurrentWritesAllCommitAndEachCallerGetsItsOwnResult() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        let returned = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<300 {
                group.addTask {
                    try await store.awaitWrite { transaction in
                        try transaction.save(SourceState(sourceID: "s\(index)", consecutiveFailures: index))
                        return index
                    }
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(returned.sorted() == Array(0..<300))
        let states = try store.read { try $0.allSourceStates() }
        #expect(states.count == 300)
        #expect(states.allSatisfy { $0.sourceID == "s\($0.consecutiveFailures)" })
    }

    @Test func aBodyThatThrowsRollsBackOnlyItsOwnWrites() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<60 {
                group.addTask {
                    do {
                        try await store.awaitWrite { transaction in
                            // Written, then refused: the savepoint must take it back.
                            try transaction.save(SourceState(sourceID: "s\(index)"))
                            if index % 7 == 3 { throw Refused(index: index) }
                        }
                        return (index, true)
                    } catch {
                        return (index, (error as? Refused) == nil)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
        let refused = Set((0..<60).filter { $0 % 7 == 3 })
        #expect(outcomes.count == 60)
        for (index, succeeded) in outcomes {
            #expect(succeeded == !refused.contains(index), "caller \(index) got the wrong outcome")
        }
        let stored = Set(try store.read { try $0.allSourceStates() }.map(\.sourceID))
        #expect(stored == Set((0..<60).filter { !refused.contains($0) }.map { "s\($0)" }))
    }

    @Test func aCallerResumesOnlyOnceItsWriteIsCommitted() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        // Another store on the same file has its own connections: it sees only committed data.
        let observer = try Store(path: store.path)
        for index in 0..<20 {
            try await store.awaitWrite { transaction in
                try transaction.save(SourceState(sourceID: "s\(index)"))
            }
            let seen = try observer.read { try $0.sourceState("s\(index)") }
            #expect(seen != nil, "write \(index) was not committed when its caller resumed")
        }
    }
}

@Suite("A quiet check's fast path")
struct QuietCheckTests {
    @Test func onlyAHealthySourceHasItsTimesMovedAndNothingElse() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        let then = Date(timeIntervalSince1970: 1_800_000_000)
        let now = then.addingTimeInterval(3600)
        let next = now.addingTimeInterval(3600)
        let healthy = SourceState(sourceID: "healthy", etag: "\"v1\"", lastModified: "Wed, 25 Nov 2026 10:00:00 GMT", baselineAt: then,
                                  lastCheckAt: then, lastSuccessAt: then, nextCheckAt: now, itemCount: 7, robots: "allowed")
        var failing = healthy
        failing.sourceID = "failing"
        failing.consecutiveFailures = 1
        failing.lastError = "HTTP 500"
        var unknownRobots = healthy
        unknownRobots.sourceID = "unknown-robots"
        unknownRobots.robots = nil
        try store.write { transaction in
            for state in [healthy, failing, unknownRobots] { try transaction.save(state) }
        }
        let moved = try store.write { transaction in
            try ["healthy", "failing", "unknown-robots", "never-checked"].map { try transaction.recordQuietCheck($0, at: now, next: next) }
        }
        #expect(moved == [true, false, false, false])
        var expected = healthy
        expected.lastCheckAt = now
        expected.lastSuccessAt = now
        expected.nextCheckAt = next
        #expect(try store.read { try $0.sourceState("healthy") } == expected)
        #expect(try store.read { try $0.sourceState("failing") } == failing)
        #expect(try store.read { try $0.sourceState("unknown-robots") } == unknownRobots)
        #expect(try store.read { try $0.sourceState("never-checked") } == nil)
        #expect(healthy.isSettled && !failing.isSettled && !unknownRobots.isSettled)
    }

    @Test func notedQuietChecksAreWrittenTogetherByTheFlush() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        let then = Date(timeIntervalSince1970: 1_800_000_000)
        let now = then.addingTimeInterval(3600)
        let states = (0..<300).map {
            SourceState(sourceID: "s\($0)", etag: "\"v\($0)\"", baselineAt: then, lastCheckAt: then, lastSuccessAt: then,
                        nextCheckAt: now, itemCount: 3, robots: "allowed")
        }
        var failing = states[7]
        failing.consecutiveFailures = 2
        failing.lastError = "HTTP 503"
        failing.health = .failing
        try store.write { transaction in
            for state in states { try transaction.save(state) }
            try transaction.save(failing)
        }
        for state in states {
            store.noteQuietCheck(state.sourceID, at: now, next: now.addingTimeInterval(600))
        }
        #expect(store.unwrittenQuietChecks == 300)
        // Noted is not written: a reader still sees the old times until the flush.
        #expect(try store.read { try $0.sourceState("s1")?.lastCheckAt } == then)

        let recorded = try await store.flushQuietChecks()
        #expect(recorded == 299, "every settled source but the failing one")
        #expect(store.unwrittenQuietChecks == 0)
        let stored = try store.read { try $0.allSourceStates() }
        for state in stored where state.sourceID != "s7" {
            #expect(state.lastCheckAt == now && state.lastSuccessAt == now && state.nextCheckAt == now.addingTimeInterval(600))
            #expect(state.etag == "\"\(state.sourceID.replacingOccurrences(of: "s", with: "v"))\"" && state.itemCount == 3)
        }
        #expect(stored.first { $0.sourceID == "s7" } == failing)
        #expect(try await store.flushQuietChecks() == 0)
    }
}
