import CCurl
import Foundation

/// Runs every transfer on one thread that owns a libcurl multi handle.
///
/// Blocking in `curl_easy_perform` would take a thread of Swift's small cooperative pool for a
/// whole transfer; here one thread waits in `curl_multi_poll` for all transfers at once, and
/// callers await a continuation.
///
/// The thread is also a task executor (``executor``): tasks that prefer it run their jobs here
/// between rounds of I/O, so a check resumes where its answer arrived and its next request
/// is added without waking anyone. A job queued after shutdown runs on the global pool.
final class TransferEngine: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    // Guarded by `lock`:
    private var pending: [Transfer] = []
    private var cancellations: [Transfer] = []
    private var stopping = false
    /// Set once the multi handle is cleaned up; nothing may touch it afterwards.
    private var closed = false
    /// Jobs of tasks that prefer this engine's thread (``executor``), waiting to run there.
    private var jobs: [UnownedJob] = []
    // Touched only by the engine thread:
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var thread: Thread?
    /// Guarded by `lock`.
    private var threadID: pthread_t?
    /// Guarded by `lock`: a wake-up byte is on its way to the thread, which has not yet taken
    /// the queues since. Further arrivals need none: a burst of 1,000 new checks costs one
    /// `curl_multi_wakeup` (a write, then a read and a turn of the loop), not 1,000.
    private var wakePending = false

    /// A task executor that runs jobs on the engine's own thread, between its rounds of I/O.
    /// A task that prefers it (a check) is resumed where its transfer finished, instead of
    /// waking a thread of the cooperative pool for every answer and sending the next request
    /// back across: with 1,000 quiet sources those hand-offs cost more than the requests.
    private(set) var executor: EngineExecutor! = nil

    init() {
        CurlGlobal.initialise()
        guard let multi = curl_multi_init() else {
            fatalError("curl_multi_init failed: libcurl is unusable")
        }
        self.multi = multi
        executor = EngineExecutor(engine: self)
        let thread = Thread { [self] in run() }
        thread.name = "reportwatch-curl"
        self.thread = thread
        thread.start()
    }

    /// Runs the transfer to its end. Cancelling the task removes the transfer at once.
    func perform(_ transfer: Transfer) async -> Transfer.Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                lock.lock()
                if transfer.isCancelled || stopping {
                    lock.unlock()
                    continuation.resume(returning: .cancelled)
                    return
                }
                transfer.continuation = continuation
                pending.append(transfer)
                wakeIfNeeded()
                lock.unlock()
            }
        } onCancel: {
            lock.lock()
            transfer.isCancelled = true
            cancellations.append(transfer)
            wakeIfNeeded()
            lock.unlock()
        }
    }

    /// Ends the thread; transfers still in flight end as cancelled.
    func shutdown() {
        lock.lock()
        stopping = true
        wakeIfNeeded()
        lock.unlock()
    }

    /// Queues a job for the engine thread; wakes the thread unless the job comes from it.
    func enqueue(_ job: UnownedJob) {
        lock.lock()
        let late = closed
        if !late {
            jobs.append(job)
            wakeIfNeeded()
        }
        lock.unlock()
        if late {
            // The engine has stopped (only at shutdown): the job runs on the pool rather than
            // being lost.
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }

    /// Called with `lock` held, after queueing work. The engine thread itself needs no wake-up:
    /// it looks at the queues before it next waits. Nor does a thread that is already being woken.
    private func wakeIfNeeded() {
        guard !closed, !wakePending, !isEngineThread else { return }
        wakePending = true
        curl_multi_wakeup(multi)
    }

    /// Called with `lock` held.
    private var isEngineThread: Bool {
        guard let threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    private func runJobs() {
        while true {
            lock.lock()
            let ready = jobs
            jobs.removeAll()
            lock.unlock()
            if ready.isEmpty { return }
            for job in ready { job.runSynchronously(on: executor.asUnownedTaskExecutor()) }
        }
    }

    private func run() {
        lock.lock()
        threadID = pthread_self()
        lock.unlock()
        while true {
            lock.lock()
            let added = pending
            let cancelled = cancellations
            let stop = stopping
            pending.removeAll()
            cancellations.removeAll()
            // What is queued from now on wakes the thread again (at worst for one idle turn).
            wakePending = false
            lock.unlock()

            for transfer in added {
                let code = curl_multi_add_handle(multi, transfer.easy.handle)
                if code == CURLM_OK {
                    active[transfer.easy.handle] = transfer
                } else {
                    transfer.complete(.finished(CURLE_FAILED_INIT))
                }
            }
            for transfer in cancelled where active[transfer.easy.handle] === transfer {
                finish(transfer, .cancelled)
            }
            if stop {
                for transfer in Array(active.values) { finish(transfer, .cancelled) }
                // Transfers that arrived after the snapshot.
                lock.lock()
                let late = pending
                pending.removeAll()
                closed = true
                curl_multi_cleanup(multi)
                lock.unlock()
                for transfer in late { transfer.complete(.cancelled) }
                // Tasks already queued here still run (their transfers end as cancelled); any
                // queued from now on run on the pool (``enqueue(_:)``).
                runJobs()
                // The thread's closure holds this engine and the engine held the thread: drop
                // the reference so both are freed once the thread ends (found by `make asan`).
                thread = nil
                return
            }

            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                      let transfer = active[handle] else { continue }
                finish(transfer, .finished(message.pointee.data.result))
            }
            // The tasks those answers resumed run now, here; what they send next is added on
            // the next turn without waiting.
            runJobs()
            lock.lock()
            let more = !pending.isEmpty || !cancellations.isEmpty || !jobs.isEmpty || stopping
            lock.unlock()
            curl_multi_poll(multi, nil, 0, more ? 0 : 1000, nil)
        }
    }

    private func finish(_ transfer: Transfer, _ outcome: Transfer.Outcome) {
        curl_multi_remove_handle(multi, transfer.easy.handle)
        active[transfer.easy.handle] = nil
        transfer.complete(outcome)
    }
}

/// Runs jobs on a ``TransferEngine``'s thread.
final class EngineExecutor: TaskExecutor, @unchecked Sendable {
    unowned let engine: TransferEngine

    init(engine: TransferEngine) {
        self.engine = engine
    }

    func enqueue(_ job: consuming ExecutorJob) {
        engine.enqueue(UnownedJob(job))
    }
}
