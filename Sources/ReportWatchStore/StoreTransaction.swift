import Foundation
import GRDB
import ReportWatchCore

/// The operations on reportwatch's state, inside one transaction of ``Store``.
public struct StoreTransaction {
    let db: Database

    // MARK: Source state

    public func sourceState(_ sourceID: String) throws -> SourceState? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.stateColumns) FROM source_state WHERE source_id = ?"), arguments: [sourceID])
            .map(Self.sourceState(from:))
    }

    public func allSourceStates() throws -> [SourceState] {
        try Row.fetchAll(db, sql: "SELECT \(Self.stateColumns) FROM source_state ORDER BY source_id").map(Self.sourceState(from:))
    }

    /// The stored states of the given sources (those never checked have none).
    public func sourceStates(_ sourceIDs: [String]) throws -> [SourceState] {
        var states: [SourceState] = []
        // SQLite allows 32,766 bound values a statement; chunks of 500 stay far below.
        var start = 0
        while start < sourceIDs.count {
            let chunk = Array(sourceIDs[start..<min(start + 500, sourceIDs.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            states += try Row.fetchAll(db, sql: "SELECT \(Self.stateColumns) FROM source_state WHERE source_id IN (\(marks))", arguments: StatementArguments(chunk))
                .map(Self.sourceState(from:))
            start += 500
        }
        return states
    }

    /// The columns ``sourceState(from:)`` reads, by position: a lookup by name scans the row's
    /// columns each time, and every check reads a state.
    private static let stateColumns = """
        source_id, etag, last_modified, baseline_at, last_check_at, last_success_at, last_change_at, next_check_at,
        consecutive_failures, health, last_error, item_count, robots, held_removals
        """

    private static func sourceState(from row: Row) -> SourceState {
        SourceState(
            sourceID: row[0],
            etag: row[1],
            lastModified: row[2],
            baselineAt: Self.date(row[3]),
            lastCheckAt: Self.date(row[4]),
            lastSuccessAt: Self.date(row[5]),
            lastChangeAt: Self.date(row[6]),
            nextCheckAt: Self.date(row[7]),
            consecutiveFailures: row[8],
            health: SourceState.Health(rawValue: row[9]) ?? .ok,
            lastError: row[10],
            itemCount: row[11],
            robots: row[12],
            heldRemovals: row[13]
        )
    }

    /// Records a check that found nothing new on a source that was already healthy (no
    /// failures, no error, robots allowed, baseline taken): only its times move. Returns false,
    /// writing nothing, when the stored state is anything else; the caller then records the
    /// check in full. One statement instead of a read and a 13-column write.
    public func recordQuietCheck(_ sourceID: String, at date: Date, next: Date) throws -> Bool {
        try recordQuietCheck(sourceID, at: date.timeIntervalSince1970, next: next.timeIntervalSince1970)
    }

    func recordQuietCheck(_ sourceID: String, at now: Double, next: Double) throws -> Bool {
        try db.cachedStatement(sql: """
            UPDATE source_state SET last_check_at = ?, last_success_at = ?, next_check_at = ?
            WHERE source_id = ? AND health = 'ok' AND consecutive_failures = 0 AND last_error IS NULL
                AND robots = 'allowed' AND baseline_at IS NOT NULL AND held_removals IS NULL
            """).execute(arguments: [now, now, next, sourceID])
        return db.changesCount == 1
    }

    public func save(_ state: SourceState) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO source_state (source_id, etag, last_modified, baseline_at, last_check_at, last_success_at,
                    last_change_at, next_check_at, consecutive_failures, health, last_error, item_count, robots, held_removals)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(source_id) DO UPDATE SET
                    etag = excluded.etag, last_modified = excluded.last_modified, baseline_at = excluded.baseline_at,
                    last_check_at = excluded.last_check_at, last_success_at = excluded.last_success_at,
                    last_change_at = excluded.last_change_at, next_check_at = excluded.next_check_at,
                    consecutive_failures = excluded.consecutive_failures, health = excluded.health,
                    last_error = excluded.last_error, item_count = excluded.item_count, robots = excluded.robots,
                    held_removals = excluded.held_removals
                """
        ).execute(
            arguments: [
                state.sourceID, state.etag, state.lastModified, Self.seconds(state.baselineAt), Self.seconds(state.lastCheckAt),
                Self.seconds(state.lastSuccessAt), Self.seconds(state.lastChangeAt), Self.seconds(state.nextCheckAt),
                state.consecutiveFailures, state.health.rawValue, state.lastError, state.itemCount, state.robots,
                state.heldRemovals,
            ])
    }

    // MARK: Items

    /// The items the source lists now (not those removed).
    public func currentItems(_ sourceID: String) throws -> [String: Item] {
        let statement = try db.cachedStatement(sql: "SELECT key, fields FROM items WHERE source_id = ? AND removed_at IS NULL")
        var items: [String: Item] = [:]
        let rows = try Row.fetchCursor(statement, arguments: [sourceID])
        while let row = try rows.next() {
            let key: String = row[0]
            items[key] = Item(key: key, fields: try FieldsCodec.decode(row[1]))
        }
        return items
    }

    /// Records a successful pass: every item seen now is current (inserted, updated, or brought
    /// back), every item in `removed` is marked removed, and each change goes into the history.
    ///
    /// `previous` is what ``currentItems(_:)`` returned at the start of the pass: items whose fields
    /// are unchanged are not written at all.
    ///
    /// An item's `last_seen` is when it was last written while current (first seen, or its
    /// fields changed); for a current item, the source's `last_success_at` says when it was last
    /// seen. Rewriting every current item's row on each check to move `last_seen` cost a write
    /// of the source's whole item set per changed page, and nothing reads it. When an item is
    /// removed, `last_seen` becomes `lastSeen`: the last successful check that still listed it.
    ///
    /// Call it only in the same transaction as a ``save(_:)`` of the source's state with a new
    /// `lastCheckAt`: a check reuses the items it read earlier only while the stored state is
    /// still the one its pass began from (`SourceChecker`), so items written without the state
    /// would be diffed against a stale list.
    public func recordItems(_ sourceID: String, seen items: [Item], changes: [Change], alertIDs: [String: String], at date: Date,
                            previous: [String: Item] = [:], lastSeen: Date? = nil) throws {
        let now = date.timeIntervalSince1970
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO items (source_id, key, fields, first_seen, last_seen, removed_at) VALUES (?, ?, ?, ?, ?, NULL)
            ON CONFLICT(source_id, key) DO UPDATE SET
                fields = excluded.fields, last_seen = excluded.last_seen, removed_at = NULL,
                first_seen = CASE WHEN items.removed_at IS NULL THEN items.first_seen ELSE excluded.first_seen END
            """)
        for item in items where previous[item.key]?.fields != item.fields {
            try upsert.execute(arguments: [sourceID, item.key, FieldsCodec.encode(item.fields), now, now])
        }
        for change in changes {
            if case .removed(let item) = change {
                try db.cachedStatement(sql: "UPDATE items SET removed_at = ?, last_seen = ? WHERE source_id = ? AND key = ?")
                    .execute(arguments: [now, lastSeen?.timeIntervalSince1970 ?? now, sourceID, item.key])
            }
            try db.cachedStatement(sql: "INSERT INTO item_history (source_id, key, event, detail, detected_at, alert_id) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [sourceID, change.key, change.event.rawValue, try Self.detail(of: change), now, alertIDs[change.key]])
        }
    }

    public func history(_ sourceID: String, limit: Int = 100) throws -> [HistoryEntry] {
        try Row.fetchAll(
            db,
            sql: "SELECT key, event, detail, detected_at, alert_id FROM item_history WHERE source_id = ? ORDER BY id DESC LIMIT ?",
            arguments: [sourceID, limit]
        ).map { row in
            HistoryEntry(
                key: row["key"], event: row["event"], detail: row["detail"],
                detectedAt: Date(timeIntervalSince1970: row["detected_at"]), alertID: row["alert_id"])
        }
    }

    // MARK: Documents

    /// The documents stored for a source, by item key.
    public func documents(_ sourceID: String) throws -> [String: StoredDocument] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM documents WHERE source_id = ?"), arguments: [sourceID])
        var result: [String: StoredDocument] = [:]
        for row in rows {
            let findings: String? = row["findings"]
            let document = StoredDocument(
                key: row["key"], url: row["url"], sha256: row["sha256"], path: row["path"],
                published: Self.date(row["published"]),
                findings: try findings.map { try JSONDecoder().decode(ReportFindings.self, from: Data($0.utf8)) },
                error: row["error"], fetchedAt: Date(timeIntervalSince1970: row["fetched_at"]))
            result[document.key] = document
        }
        return result
    }

    public func save(_ document: StoredDocument, for sourceID: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let findings = try document.findings.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO documents (source_id, key, url, sha256, path, published, findings, error, fetched_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [sourceID, document.key, document.url, document.sha256, document.path, Self.seconds(document.published),
                        findings, document.error, document.fetchedAt.timeIntervalSince1970])
    }

    // MARK: Outbox

    /// Adds an alert to the outbox, pending for each of `channels`.
    public func enqueue(_ alert: Alert, for channels: [String]) throws {
        let body = String(decoding: try Alert.jsonEncoder().encode(alert), as: UTF8.self)
        try db.cachedStatement(sql: "INSERT INTO alerts (id, source_id, event, detected_at, body) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [alert.id, alert.source, alert.event.rawValue, alert.detectedAt.timeIntervalSince1970, body])
        let delivery = try db.cachedStatement(sql: "INSERT INTO deliveries (alert_id, channel_id, next_attempt_at) VALUES (?, ?, ?)")
        for channel in channels {
            try delivery.execute(arguments: [alert.id, channel, alert.detectedAt.timeIntervalSince1970])
        }
    }

    /// Pending deliveries for a channel, oldest alert first. With `dueBy`, only those whose next
    /// attempt is due by then.
    public func pendingDeliveries(channel: String, dueBy date: Date?, limit: Int = 100) throws -> [PendingDelivery] {
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT a.body, d.channel_id, d.attempts, d.next_attempt_at, d.last_error
                FROM deliveries d JOIN alerts a ON a.id = d.alert_id
                WHERE d.channel_id = ? AND d.state = 'pending' AND (? IS NULL OR d.next_attempt_at <= ?)
                ORDER BY a.seq LIMIT ?
                """),
            arguments: [channel, date?.timeIntervalSince1970, date?.timeIntervalSince1970, limit])
        let decoder = Alert.jsonDecoder()
        return try rows.map { row in
            let body: String = row["body"]
            return PendingDelivery(
                alert: try decoder.decode(Alert.self, from: Data(body.utf8)),
                channelID: row["channel_id"],
                attempts: row["attempts"],
                nextAttemptAt: Date(timeIntervalSince1970: row["next_attempt_at"]),
                lastError: row["last_error"])
        }
    }

    /// The earliest time any pending delivery of the channel is due, if any.
    public func nextDeliveryDue(channel: String) throws -> Date? {
        try Double.fetchOne(
            db, sql: "SELECT MIN(next_attempt_at) FROM deliveries WHERE channel_id = ? AND state = 'pending'", arguments: [channel]
        ).map(Date.init(timeIntervalSince1970:))
    }

    public func markDelivered(alertID: String, channel: String, at date: Date) throws {
        try db.cachedStatement(
            sql: "UPDATE deliveries SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE alert_id = ? AND channel_id = ?"
        ).execute(arguments: [date.timeIntervalSince1970, alertID, channel])
    }

    public func markFailed(alertID: String, channel: String, error: String, nextAttemptAt: Date) throws {
        try db.execute(
            sql: "UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE alert_id = ? AND channel_id = ?",
            arguments: [error, nextAttemptAt.timeIntervalSince1970, alertID, channel])
    }

    /// Gives up on a delivery: it stays as a dead-letter record with its last error.
    public func markDead(alertID: String, channel: String, error: String) throws {
        try db.execute(
            sql: "UPDATE deliveries SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE alert_id = ? AND channel_id = ?",
            arguments: [error, alertID, channel])
    }

    public func deliveryState(alertID: String, channel: String) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT state FROM deliveries WHERE alert_id = ? AND channel_id = ?", arguments: [alertID, channel])
    }

    public func outboxSummary() throws -> [OutboxSummary] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT channel_id,
                    SUM(state = 'pending' AND attempts = 0) AS pending,
                    SUM(state = 'pending' AND attempts > 0) AS retrying,
                    SUM(state = 'dead') AS dead,
                    SUM(state = 'delivered') AS delivered,
                    MIN(CASE WHEN state = 'pending' THEN (SELECT detected_at FROM alerts WHERE alerts.id = alert_id) END) AS oldest,
                    (SELECT last_error FROM deliveries d2 WHERE d2.channel_id = deliveries.channel_id
                        AND d2.last_error IS NOT NULL ORDER BY d2.next_attempt_at DESC LIMIT 1) AS last_error
                FROM deliveries GROUP BY channel_id ORDER BY channel_id
                """
        ).map { row in
            OutboxSummary(
                channelID: row["channel_id"], pending: row["pending"], retrying: row["retrying"], dead: row["dead"],
                delivered: row["delivered"], oldestPendingAt: Self.date(row["oldest"]), lastError: row["last_error"])
        }
    }

    public func alert(id: String) throws -> Alert? {
        guard let body = try String.fetchOne(db, sql: "SELECT body FROM alerts WHERE id = ?", arguments: [id]) else { return nil }
        return try Alert.jsonDecoder().decode(Alert.self, from: Data(body.utf8))
    }

    /// Alerts newest first.
    public func recentAlerts(limit: Int) throws -> [Alert] {
        try String.fetchAll(db, sql: "SELECT body FROM alerts ORDER BY seq DESC LIMIT ?", arguments: [limit]).map {
            try Alert.jsonDecoder().decode(Alert.self, from: Data($0.utf8))
        }
    }

    // MARK: Encoding

    static func seconds(_ date: Date?) -> Double? { date?.timeIntervalSince1970 }

    static func date(_ seconds: Double?) -> Date? { seconds.map(Date.init(timeIntervalSince1970:)) }

    static func detail(of change: Change) throws -> String? {
        switch change {
        case .added(let item), .removed(let item):
            return try FieldsCodec.encode(item.fields)
        case .changed(_, _, let fields):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(fields), as: UTF8.self)
        }
    }
}
