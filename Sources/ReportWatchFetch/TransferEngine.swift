import CCurl
import Foundation
import Synchronization

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
    // `@unchecked` for the fields outside `state`: `active` and `thread` are touched only by the
    // engine thread once `init` has started it, `executor` is set once in `init`, and other
    // threads use `multi` only for `curl_multi_wakeup` (thread-safe), inside `state`'s lock.
    private let multi: UnsafeMutableRawPointer

    /// What callers, the cancellation handler and the engine thread hand each other.
    private struct State {
        var pending: [Transfer] = []
        var cancellations: [Transfer] = []
        var stopping = false
        /// Set once the multi handle is cleaned up; nothing may touch it afterwards.
        var closed = false
        /// Jobs of tasks that prefer this engine's thread (``executor``), waiting to run there.
        var jobs: [UnownedJob] = []
        var threadID: pthread_t?
        /// A wake-up byte is on its way to the thread, which has not yet taken the queues since.
        /// Further arrivals need none: a burst of 1,000 new checks costs one `curl_multi_wakeup`
        /// (a write, then a read and a turn of the loop), not 1,000.
        var wakePending = false
    }

    private let state = Mutex(State())
    // Touched only by the engine thread:
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var thread: Thread?

    /// A task executor that runs jobs on the engine's own thread, between its rounds of I/O.
    /// A task that prefers it (a check) is resumed where its transfer finished, instead of
    /// waking a thread of the cooperative pool for every answer and sending the next request
    /// back across, which saves about a sixth of a cold pass's CPU and a tenth of a 10%-changed
    /// pass's.
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
                let refused = state.withLock { state in
                    if transfer.isCancelled || state.stopping { return true }
                    transfer.continuation = continuation
                    state.pending.append(transfer)
                    wakeIfNeeded(&state)
                    return false
                }
                if refused { continuation.resume(returning: .cancelled) }
            }
        } onCancel: {
            state.withLock { state in
                transfer.isCancelled = true
                state.cancellations.append(transfer)
                wakeIfNeeded(&state)
            }
        }
    }

    /// Ends the thread; transfers still in flight end as cancelled.
    func shutdown() {
        state.withLock { state in
            state.stopping = true
            wakeIfNeeded(&state)
        }
    }

    /// Queues a job for the engine thread; wakes the thread unless the job comes from it.
    func enqueue(_ job: UnownedJob) {
        let late = state.withLock { state in
            if state.closed { return true }
            state.jobs.append(job)
            wakeIfNeeded(&state)
            return false
        }
        if late {
            // The engine has stopped (only at shutdown): the job runs on the pool rather than
            // being lost.
            globalConcurrentExecutor.enqueue(ExecutorJob(job))
        }
    }

    /// Called inside `state`'s lock, after queueing work. The engine thread itself needs no
    /// wake-up: it looks at the queues before it next waits. Nor does a thread that is already
    /// being woken.
    private func wakeIfNeeded(_ state: inout State) {
        guard !state.closed, !state.wakePending, !Self.isCurrentThread(state.threadID) else { return }
        state.wakePending = true
        curl_multi_wakeup(multi)
    }

    private static func isCurrentThread(_ threadID: pthread_t?) -> Bool {
        guard let threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    /// Runs the queued jobs, and those they queue, until none is left. `ready` is the engine
    /// thread's buffer, swapped with the queue so that neither is reallocated each turn.
    private func runJobs(_ ready: inout [UnownedJob]) {
        while true {
            state.withLock { swap(&ready, &$0.jobs) }
            if ready.isEmpty { return }
            for job in ready { job.runSynchronously(on: executor.asUnownedTaskExecutor()) }
            ready.removeAll(keepingCapacity: true)
        }
    }

    private func run() {
        state.withLock { $0.threadID = pthread_self() }
        // Swapped with the queues in `state` each turn, so their buffers are reused.
        var added: [Transfer] = []
        var cancelled: [Transfer] = []
        var ready: [UnownedJob] = []
        while true {
            let stop = state.withLock { state in
                swap(&added, &state.pending)
                swap(&cancelled, &state.cancellations)
                // What is queued from now on wakes the thread again (at worst for one idle turn).
                state.wakePending = false
                return state.stopping
            }

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
            added.removeAll(keepingCapacity: true)
            cancelled.removeAll(keepingCapacity: true)
            if stop {
                for transfer in Array(active.values) { finish(transfer, .cancelled) }
                // Transfers that arrived after the snapshot.
                let late = state.withLock { state in
                    state.closed = true
                    curl_multi_cleanup(multi)
                    let late = state.pending
                    state.pending = []
                    return late
                }
                for transfer in late { transfer.complete(.cancelled) }
                // Tasks already queued here still run (their transfers end as cancelled); any
                // queued from now on run on the pool (``enqueue(_:)``).
                runJobs(&ready)
                // The thread's closure holds this engine and the engine held the thread: drop
                // the reference so both are freed once the thread ends.
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
            runJobs(&ready)
            let more = state.withLock { state in
                !state.pending.isEmpty || !state.cancellations.isEmpty || !state.jobs.isEmpty || state.stopping
            }
            curl_multi_poll(multi, nil, 0, more ? 0 : 1000, nil)
        }
    }

    private func finish(_ transfer: Transfer, _ outcome: Transfer.Outcome) {
        curl_multi_remove_handle(multi, transfer.easy.handle)
        active[transfer.easy.handle] = nil
        transfer.complete(outcome)
    }
}

/// Runs jobs on a ``TransferEngine``'s thread (see ``TransferEngine/executor`` for why).
final class EngineExecutor: TaskExecutor, Sendable {
    unowned let engine: TransferEngine

    init(engine: TransferEngine) {
        self.engine = engine
    }

    func enqueue(_ job: consuming ExecutorJob) {
        engine.enqueue(UnownedJob(job))
    }
}
