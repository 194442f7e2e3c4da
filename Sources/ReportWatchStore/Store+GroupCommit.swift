import Foundation
import GRDB

extension Store {
    /// Runs `body` in a write transaction, as ``write(_:)`` does, but may share the transaction
    /// with other callers' bodies (group commit): while one transaction is being written, the
    /// bodies that arrive queue up, and the next transaction runs them all, each in its own
    /// savepoint. A body that throws rolls back its own savepoint only, and its caller gets the
    /// error; the others commit. Every caller resumes only after the transaction it ran in has
    /// committed, so what a body wrote is durable before its caller goes on: alerts are never
    /// delivered before the state that caused them is stored.
    ///
    /// A pass over many sources whose checks finish close together then costs a few
    /// transactions (WAL appends, locks, syncs) instead of one per source.
    public func writeGrouped<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = GroupCommitJob(body: body, continuation: continuation)
            if groupCommit.enqueue(job) {
                pool.asyncWriteWithoutTransaction { [groupCommit] db in groupCommit.drain(db) }
            }
        }
    }
}

/// The queue of bodies waiting for the next grouped transaction.
final class GroupCommit: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [any GroupCommitRunnable] = []
    private var scheduled = false

    /// Queues a job; `true` when the caller must schedule a drain.
    func enqueue(_ job: any GroupCommitRunnable) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        pending.append(job)
        guard !scheduled else { return false }
        scheduled = true
        return true
    }

    /// Runs everything queued so far in one transaction, on the writer's queue. What arrives
    /// meanwhile waits for the drain that its arrival scheduled.
    func drain(_ db: Database) {
        var jobs: [any GroupCommitRunnable]
        lock.lock()
        jobs = pending
        pending = []
        scheduled = false
        lock.unlock()

        while !jobs.isEmpty {
            var ran: [any GroupCommitRunnable] = []
            var failure: (any Error)?
            do {
                try db.beginTransaction(.immediate)
                while !jobs.isEmpty {
                    let job = jobs.removeFirst()
                    job.run(db)
                    ran.append(job)
                    // An I/O error or a full disk can make SQLite roll back the whole
                    // transaction: the jobs that ran in it are lost, the rest get a new one.
                    guard db.isInsideTransaction else {
                        failure = GroupCommitError.rolledBack
                        break
                    }
                }
                if failure == nil { try db.commit() }
            } catch {
                failure = error
                if db.isInsideTransaction { try? db.rollback() }
                if ran.isEmpty {
                    // The transaction could not even begin (the database is locked past the
                    // busy timeout, or unwritable): nobody in this batch is recorded.
                    ran = jobs
                    jobs = []
                }
            }
            for job in ran { job.finish(failure) }
        }
    }
}

enum GroupCommitError: Error, CustomStringConvertible {
    case rolledBack

    var description: String { "SQLite rolled back the transaction" }
}

protocol GroupCommitRunnable: Sendable {
    /// Runs the body in a savepoint of the open transaction and keeps its outcome.
    func run(_ db: Database)
    /// Resumes the caller once the transaction has ended: with the body's outcome when it
    /// committed, with the error when it did not.
    func finish(_ transactionError: (any Error)?)
}

final class GroupCommitJob<T: Sendable>: GroupCommitRunnable, @unchecked Sendable {
    private let body: @Sendable (StoreTransaction) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var outcome: Result<T, any Error>?

    init(body: @escaping @Sendable (StoreTransaction) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func run(_ db: Database) {
        do {
            var value: T?
            try db.inSavepoint {
                value = try body(StoreTransaction(db: db))
                return .commit
            }
            outcome = value.map { .success($0) }
        } catch {
            outcome = .failure(error)
        }
    }

    func finish(_ transactionError: (any Error)?) {
        if let transactionError {
            continuation.resume(throwing: transactionError)
        } else if let outcome {
            continuation.resume(with: outcome)
        } else {
            continuation.resume(throwing: GroupCommitError.rolledBack)
        }
    }
}
