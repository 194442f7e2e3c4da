import GRDB

extension Store {
    /// Named, ordered schema migrations. Add new ones at the end; never edit a shipped one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: """
                CREATE TABLE source_state (
                    source_id TEXT PRIMARY KEY NOT NULL,
                    etag TEXT,
                    last_modified TEXT,
                    baseline_at REAL,
                    last_check_at REAL,
                    last_success_at REAL,
                    last_change_at REAL,
                    next_check_at REAL,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0,
                    health TEXT NOT NULL DEFAULT 'ok',
                    last_error TEXT,
                    item_count INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE items (
                    source_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fields TEXT NOT NULL,
                    first_seen REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    removed_at REAL,
                    PRIMARY KEY (source_id, key)
                ) WITHOUT ROWID;
                CREATE TABLE item_history (
                    id INTEGER PRIMARY KEY,
                    source_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    event TEXT NOT NULL,
                    detail TEXT,
                    detected_at REAL NOT NULL,
                    alert_id TEXT
                );
                CREATE INDEX item_history_by_source ON item_history(source_id, id);
                CREATE TABLE alerts (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    source_id TEXT NOT NULL,
                    event TEXT NOT NULL,
                    detected_at REAL NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE TABLE deliveries (
                    alert_id TEXT NOT NULL REFERENCES alerts(id),
                    channel_id TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at REAL NOT NULL,
                    last_error TEXT,
                    delivered_at REAL,
                    PRIMARY KEY (alert_id, channel_id)
                ) WITHOUT ROWID;
                CREATE INDEX deliveries_due ON deliveries(channel_id, state, next_attempt_at);
                """)
        }
        migrator.registerMigration("v2-documents") { db in
            try db.execute(sql: """
                CREATE TABLE documents (
                    source_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    url TEXT NOT NULL,
                    sha256 TEXT,
                    path TEXT,
                    published REAL,
                    findings TEXT,
                    error TEXT,
                    fetched_at REAL NOT NULL,
                    PRIMARY KEY (source_id, key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-robots") { db in
            try db.execute(sql: "ALTER TABLE source_state ADD COLUMN robots TEXT")
        }
        migrator.registerMigration("v4-held-removals") { db in
            try db.execute(sql: "ALTER TABLE source_state ADD COLUMN held_removals INTEGER")
        }
        return migrator
    }
}
