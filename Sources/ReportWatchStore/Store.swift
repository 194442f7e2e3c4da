import Foundation
import GRDB
import ReportWatchCore

/// reportwatch's state in one SQLite file, in WAL mode: per-source fetch state and health, the
/// current items and their history, and the alert outbox.
///
/// Everything one pass of a source learns, and the alerts it causes, is written by one call to
/// ``write(_:)``: one transaction, so a crash leaves either all of it or none.
public final class Store: Sendable {
    let pool: DatabasePool
    public let path: String
    let quietChecks = QuietChecks()

    /// Opens (creating if needed) the database and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // GRDB's default, userInitiated, has libdispatch ask for nice -4 for each new worker
        // thread of its queues, which an unprivileged service is refused (and libdispatch logs
        // every refusal to syslog); the database work is the service's ordinary priority.
        configuration.qos = .default
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL keeps every committed transaction through a crash or SIGKILL of
            // the process; only a power cut can roll back the last ones, and then whole: state and
            // its alerts together, so the change is detected and alerted again. It saves an
            // fsync per check.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Statement journals and sorts stay in memory: they are small, and as files in
            // /var/tmp each cost an open, writes and an unlink.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The database file inside a state directory, which is created if missing.
    public static func open(stateDirectory: String) throws -> Store {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        return try Store(path: (stateDirectory as NSString).appendingPathComponent("reportwatch.sqlite"))
    }

    /// Runs `body` in one write transaction; it commits when `body` returns and rolls back when
    /// it throws.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try pool.write { db in try body(StoreTransaction(db: db)) }
    }

    /// Runs `body` in one write transaction, as ``write(_:)`` does, and resumes the caller once
    /// it has committed (or rolled back): no thread waits for the writer meanwhile, and what the
    /// body wrote is stored before its caller goes on, so an alert is never delivered before
    /// the state that caused it.
    public func awaitWrite<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) throws -> T) async throws -> T {
        try await pool.write { db in try body(StoreTransaction(db: db)) }
    }

    /// Runs `body` on a consistent snapshot.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try pool.read { db in try body(StoreTransaction(db: db)) }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }
}
