import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a PDF's text could not be extracted. pdftotext's own message is kept in `stderr`.
public enum PDFTextError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The pdftotext executable was not found (on PATH, or at the given path).
    case notFound(executable: String)
    /// The PDF file does not exist.
    case inputNotFound(path: String)
    /// The child process could not be started.
    case launchFailed(executable: String, message: String)
    /// pdftotext ran longer than the timeout and was killed (SIGKILL).
    case timedOut(path: String, after: Duration)
    /// pdftotext exited with a non-zero status: 1 could not open or parse the PDF (corrupt, not
    /// a PDF), 2 could not write the output, 3 permissions (encrypted), 99 other.
    case failed(path: String, status: Int32, stderr: String)
    /// pdftotext died from a signal; SIGABRT / SIGSEGV usually mean the memory limit was hit.
    case killedBySignal(path: String, signal: Int32, stderr: String)
    /// pdftotext exited 0 but wrote no output file.
    case outputMissing(path: String, stderr: String)
    /// The extracted text is larger than `maxOutputBytes` (a hostile or broken PDF).
    case outputTooLarge(path: String, bytes: Int)
    /// The file is something else served under a PDF's name (Ofsted once served HTML pages so).
    case notAPDF(path: String, whatItIs: String)

    /// True when the PDF itself is at fault, so trying it again would fail the same way: pdftotext
    /// could not parse it, it forbids extraction, it exhausted the memory limit, or its text is
    /// too large. The rest (pdftotext missing or not starting, a timeout under load, no room to
    /// write the text) may pass on a later try.
    public var isFinal: Bool {
        switch self {
        case .failed(_, let status, _): status == 1 || status == 3
        case .killedBySignal, .outputTooLarge: true
        // An HTML page in a PDF's place is often a passing error or maintenance page.
        case .notFound, .inputNotFound, .launchFailed, .timedOut, .outputMissing, .notAPDF: false
        }
    }

    public var description: String {
        switch self {
        case .notFound(let executable):
            return "pdftotext not found: \(executable) (install poppler-utils)"
        case .inputNotFound(let path):
            return "PDF not found: \(path)"
        case .launchFailed(let executable, let message):
            return "could not start \(executable): \(message)"
        case .timedOut(let path, let after):
            return "pdftotext timed out after \(after) on \(path) and was killed"
        case .failed(let path, let status, let stderr):
            let meaning: String
            switch status {
            case 1: meaning = "the PDF could not be opened or parsed"
            case 2: meaning = "the output file could not be written"
            case 3: meaning = "the PDF does not permit text extraction"
            case 126, 127: meaning = "the command could not be run"
            default: meaning = "error"
            }
            return "pdftotext failed on \(path) with status \(status) (\(meaning))"
                + (stderr.isEmpty ? "" : ": \(stderr)")
        case .killedBySignal(let path, let signal, let stderr):
            return "pdftotext was killed by signal \(signal) on \(path) (memory limit exceeded or crash)"
                + (stderr.isEmpty ? "" : ": \(stderr)")
        case .outputMissing(let path, let stderr):
            return "pdftotext wrote no text for \(path)" + (stderr.isEmpty ? "" : ": \(stderr)")
        case .outputTooLarge(let path, let bytes):
            return "pdftotext wrote \(bytes) bytes of text for \(path), more than allowed"
        case .notAPDF(_, let whatItIs):
            // Callers name the file or URL; poppler's hundreds of parse errors are not repeated.
            return "not a PDF: it is \(whatItIs)"
        }
    }
}

/// Extracts a PDF's text with poppler's `pdftotext -layout -enc UTF-8`, in a child process that
/// runs under a virtual-memory limit (`ulimit -v` in `/bin/sh`, which then `exec`s pdftotext) and
/// is killed with SIGKILL when the timeout passes. Output goes to a temporary file (no pipe to
/// fill and deadlock), removed afterwards. The wait does not block a Swift concurrency thread:
/// the process's termination handler resumes a continuation.
public struct PDFTextExtractor: Sendable {
    public var executable: String
    public var timeout: Duration
    /// Virtual memory limit for pdftotext; 0 or less means none.
    public var memoryLimitBytes: Int
    /// Largest text accepted (a report's text is well under 1 MiB).
    public var maxOutputBytes: Int
    /// The last page to extract (`pdftotext -l`); `nil` for all.
    public var lastPage: Int?
    /// `-layout` keeps the page's columns (what the Ofsted report tables need); without it
    /// pdftotext writes reading order, which keeps a paper's sentences whole.
    public var layout: Bool

    public init(executable: String = "pdftotext", timeout: Duration = .seconds(30), memoryLimitBytes: Int = 512 << 20,
                maxOutputBytes: Int = 64 << 20, lastPage: Int? = nil, layout: Bool = true) {
        self.executable = executable
        self.timeout = timeout
        self.memoryLimitBytes = memoryLimitBytes
        self.maxOutputBytes = maxOutputBytes
        self.lastPage = lastPage
        self.layout = layout
    }

    public func text(ofPDFAt path: String) async throws -> String {
        let executablePath = try resolveExecutable()
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: path) else { throw PDFTextError.inputNotFound(path: path) }
        // poppler prints an error for every byte it cannot parse: name the file's kind in one line.
        if let whatItIs = PDFFileSniffer.whatItIs(ofFileAt: path) {
            throw PDFTextError.notAPDF(path: path, whatItIs: whatItIs)
        }

        let unique = UUID().uuidString
        let temporary = fileManager.temporaryDirectory
        let outputURL = temporary.appendingPathComponent("reportwatch-pdftotext-\(unique).txt")
        let stderrURL = temporary.appendingPathComponent("reportwatch-pdftotext-\(unique).err")
        defer {
            try? fileManager.removeItem(at: outputURL)
            try? fileManager.removeItem(at: stderrURL)
        }
        guard fileManager.createFile(atPath: stderrURL.path, contents: nil),
              let stderrHandle = try? FileHandle(forWritingTo: stderrURL)
        else {
            throw PDFTextError.launchFailed(executable: executablePath, message: "cannot create a temporary file in \(temporary.path)")
        }
        defer { try? stderrHandle.close() }

        // A path starting with "-" would be read as an option.
        let inputArgument = path.hasPrefix("-") ? "./" + path : path
        let script: String
        if memoryLimitBytes > 0 {
            let kilobytes = max(1, memoryLimitBytes / 1024)
            script = "ulimit -v \(kilobytes) && exec \"$0\" \"$@\""
        } else {
            script = "exec \"$0\" \"$@\""
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let pages = lastPage.map { ["-l", String(max(1, $0))] } ?? []
        process.arguments = ["-c", script, executablePath] + (layout ? ["-layout"] : []) + ["-enc", "UTF-8"] + pages + [inputArgument, outputURL.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderrHandle

        let control = ChildControl()
        let timeout = self.timeout
        // The timer runs on its own dispatch queue, not as a task: a cooperative pool kept busy
        // (two threads on a two-core machine) must not delay the kill.
        let timer = DispatchWorkItem { control.kill(because: .timeout) }
        let (seconds, attoseconds) = timeout.components
        Self.timerQueue.asyncAfter(
            deadline: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)), execute: timer)
        defer { timer.cancel() }

        let outcome: ChildOutcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ChildOutcome, Error>) in
                process.terminationHandler = { finished in
                    control.finished()
                    continuation.resume(returning: ChildOutcome(status: finished.terminationStatus,
                                                                bySignal: finished.terminationReason == .uncaughtSignal))
                }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    control.finished()
                    continuation.resume(throwing: PDFTextError.launchFailed(executable: executablePath,
                                                                            message: "\(error)"))
                    return
                }
                control.started(pid: process.processIdentifier)
            }
        } onCancel: {
            control.kill(because: .cancelled)
        }
        // The child has ended, so this returns at once. swift-corelibs-foundation's Process
        // keeps a run-loop source that refers to itself, and so to the termination handler
        // above, until waitUntilExit clears it: without this each extraction would leak them.
        process.waitUntilExit()
        let stderr = Self.readTail(of: stderrURL, maxBytes: 8 * 1024)
        switch control.killReason {
        case .timeout: throw PDFTextError.timedOut(path: path, after: timeout)
        case .cancelled: throw CancellationError()
        case nil: break
        }
        if outcome.bySignal {
            throw PDFTextError.killedBySignal(path: path, signal: outcome.status, stderr: stderr)
        }
        guard outcome.status == 0 else {
            throw PDFTextError.failed(path: path, status: outcome.status, stderr: stderr)
        }
        guard let attributes = try? fileManager.attributesOfItem(atPath: outputURL.path) else {
            throw PDFTextError.outputMissing(path: path, stderr: stderr)
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxOutputBytes else { throw PDFTextError.outputTooLarge(path: path, bytes: size) }
        guard let data = try? Data(contentsOf: outputURL) else {
            throw PDFTextError.outputMissing(path: path, stderr: stderr)
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static let timerQueue = DispatchQueue(label: "reportwatch.pdftotext.timeout")

    func resolveExecutable() throws -> String {
        let fileManager = FileManager.default
        if executable.contains("/") {
            guard fileManager.isExecutableFile(atPath: executable) else {
                throw PDFTextError.notFound(executable: executable)
            }
            return executable
        }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") where !directory.isEmpty {
            let candidate = String(directory) + "/" + executable
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw PDFTextError.notFound(executable: executable)
    }

    static func readTail(of url: URL, maxBytes: Int) -> String {
        guard let data = try? Data(contentsOf: url) else { return "" }
        let tail = data.count > maxBytes ? data.suffix(maxBytes) : data
        return String(decoding: tail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

private struct ChildOutcome: Sendable {
    var status: Int32
    var bySignal: Bool
}

/// Shared between the waiting task, the timer and the cancellation handler: knows the child's
/// pid while it runs and kills it at most once, never after it was reaped.
private final class ChildControl: Sendable {
    enum KillReason { case timeout, cancelled }

    private struct State {
        var pid: Int32 = 0
        var isFinished = false
        var reason: KillReason?
    }

    // The kill is sent inside the lock, so it never follows `finished()`.
    private let state = Mutex(State())

    var killReason: KillReason? {
        state.withLock { $0.reason }
    }

    func started(pid: Int32) {
        state.withLock { state in
            guard !state.isFinished else { return }
            state.pid = pid
            if state.reason != nil, pid > 0 { _ = Self.sendKill(pid) }
        }
    }

    func finished() {
        state.withLock { state in
            state.isFinished = true
            state.pid = 0
        }
    }

    func kill(because why: KillReason) {
        state.withLock { state in
            guard !state.isFinished, state.reason == nil else { return }
            state.reason = why
            if state.pid > 0 { _ = Self.sendKill(state.pid) }
        }
    }

    private static func sendKill(_ pid: Int32) -> Int32 {
        #if canImport(Glibc)
        return Glibc.kill(pid, SIGKILL)
        #elseif canImport(Musl)
        return Musl.kill(pid, SIGKILL)
        #elseif canImport(Darwin)
        return Darwin.kill(pid, SIGKILL)
        #else
        return -1
        #endif
    }
}
