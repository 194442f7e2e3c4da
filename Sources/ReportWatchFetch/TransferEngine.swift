import CCurl
import Foundation

/// Runs every transfer on one thread that owns a libcurl multi handle.
///
/// Blocking in `curl_easy_perform` would take a thread of Swift's small cooperative pool for a
/// whole transfer; here one thread waits in `curl_multi_poll` for all transfers at once, and
/// callers await a continuation.
final class TransferEngine: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    // Guarded by `lock`:
    private var pending: [Transfer] = []
    private var cancellations: [Transfer] = []
    private var stopping = false
    /// Set once the multi handle is cleaned up; nothing may touch it afterwards.
    private var closed = false
    // Touched only by the engine thread:
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var thread: Thread?

    init() {
        CurlGlobal.initialise()
        guard let multi = curl_multi_init() else {
            fatalError("curl_multi_init failed: libcurl is unusable")
        }
        self.multi = multi
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
                curl_multi_wakeup(multi)
                lock.unlock()
            }
        } onCancel: {
            lock.lock()
            transfer.isCancelled = true
            cancellations.append(transfer)
            if !closed { curl_multi_wakeup(multi) }
            lock.unlock()
        }
    }

    /// Ends the thread; transfers still in flight end as cancelled.
    func shutdown() {
        lock.lock()
        stopping = true
        if !closed { curl_multi_wakeup(multi) }
        lock.unlock()
    }

    private func run() {
        while true {
            lock.lock()
            let added = pending
            let cancelled = cancellations
            let stop = stopping
            pending.removeAll()
            cancellations.removeAll()
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
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func finish(_ transfer: Transfer, _ outcome: Transfer.Outcome) {
        curl_multi_remove_handle(multi, transfer.easy.handle)
        active[transfer.easy.handle] = nil
        transfer.complete(outcome)
    }
}
