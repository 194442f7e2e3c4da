import Foundation
import Testing
@testable import ReportWatchStore
import GRDB
import ReportWatchCore
import ReportWatchTestSupport

@Suite("The SQLite store")
struct StoreTests {
    @Test func fieldsAreStoredAsSortedJSONAndReadBack() throws {
        let fields = ["title": "Children’s services \"report\"\n\tline\u{1}", "link": "https://example.org/a?b=c&d=e", "emoji": "✓ 🎉", "": ""]
        #expect(try FieldsCodec.decode(try FieldsCodec.encode(fields)) == fields)
        #expect(try FieldsCodec.encode(["title": "A", "link": "https://example.org/a"]) == #"{"link":"https://example.org/a","title":"A"}"#)
        // Rows as earlier versions wrote them still read.
        #expect(try FieldsCodec.decode(#"{"a":"x\u0001\u0008y","b":"https:\/\/example.org\/"}"#) == ["a": "x\u{1}\u{8}y", "b": "https://example.org/"])
        #expect(try FieldsCodec.decode(#"{"a":"\ud83c\udf89"}"#) == ["a": "🎉"])
        #expect(try FieldsCodec.decode(#"{"a":"say \"hi\"","b":"plain"}"#) == ["a": "say \"hi\"", "b": "plain"])
        #expect(throws: (any Error).self) { try FieldsCodec.decode(#"{"a":"#) }
        #expect(throws: (any Error).self) { try FieldsCodec.decode(#"{"a":"unterminated"#) }
    }

    @Test func aPassIsOneTransactionAndRollsBackWhole() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        let date = Date()
        let alert = Alert(source: "s", event: .added, title: "A", detectedAt: date)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { transaction in
                try transaction.recordItems("s", seen: [Item(key: "a", fields: ["title": "A"])], changes: [], alertIDs: [:], at: date)
                try transaction.enqueue(alert, for: ["log"])
                throw Boom()
            }
        }
        #expect(try store.read { try $0.currentItems("s") }.isEmpty)
        #expect(try store.read { try $0.pendingDeliveries(channel: "log", dueBy: nil) }.isEmpty)

        try store.write { transaction in
            try transaction.recordItems("s", seen: [Item(key: "a", fields: ["title": "A"])], changes: [], alertIDs: [:], at: date)
            try transaction.enqueue(alert, for: ["log", "mail"])
        }
        #expect(try store.read { try $0.currentItems("s") } == ["a": Item(key: "a", fields: ["title": "A"])])
        let pending = try store.read { try $0.pendingDeliveries(channel: "mail", dueBy: nil) }
        #expect(pending.map(\.alert.id) == [alert.id])
        try store.write { try $0.markDelivered(alertID: alert.id, channel: "log", at: date) }
        #expect(try store.read { try $0.pendingDeliveries(channel: "log", dueBy: nil) }.isEmpty)
        #expect(try store.read { try $0.pendingDeliveries(channel: "mail", dueBy: nil) }.count == 1)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func removedAndReturningItemsKeepTheirHistory() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        let a = Item(key: "a", fields: ["title": "A"])
        try store.write { try $0.recordItems("s", seen: [a], changes: [], alertIDs: [:], at: Date()) }
        try store.write { try $0.recordItems("s", seen: [], changes: [.removed(a)], alertIDs: [:], at: Date()) }
        #expect(try store.read { try $0.currentItems("s") }.isEmpty)
        try store.write { try $0.recordItems("s", seen: [a], changes: [.added(a)], alertIDs: [:], at: Date()) }
        #expect(try store.read { try $0.currentItems("s") }.count == 1)
        #expect(try store.read { try $0.history("s") }.map(\.event) == ["added", "removed"])
    }

    @Test func aRemovedItemKeepsTheLastCheckThatListedIt() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        let a = Item(key: "a", fields: ["title": "A"])
        let b = Item(key: "b", fields: ["title": "B"])
        let first = Date(timeIntervalSince1970: 1_000)
        let second = Date(timeIntervalSince1970: 2_000)
        let third = Date(timeIntervalSince1970: 3_000)
        try store.write { try $0.recordItems("s", seen: [a, b], changes: [], alertIDs: [:], at: first) }
        // Unchanged items are not rewritten: their row still says when they were first written.
        try store.write {
            try $0.recordItems("s", seen: [a, b], changes: [], alertIDs: [:], at: second, previous: ["a": a, "b": b], lastSeen: first)
        }
        try store.write {
            try $0.recordItems("s", seen: [a], changes: [.removed(b)], alertIDs: [:], at: third, previous: ["a": a, "b": b], lastSeen: second)
        }
        let rows = try store.pool.read {
            try Row.fetchAll($0, sql: "SELECT key, last_seen, removed_at FROM items WHERE source_id = 's' ORDER BY key")
        }
        #expect(rows.map { $0["key"] as String } == ["a", "b"])
        #expect(rows.map { $0["last_seen"] as Double } == [1_000, 2_000])
        #expect(rows.map { $0["removed_at"] as Double? } == [nil, 3_000])
    }

    @Test func theDatabaseIsInWALMode() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        let mode = try store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        #expect(store.path.hasSuffix("/reportwatch.sqlite"))
    }
}
