import Foundation
import Glibc
import ReportWatchTestSupport

/// The real `reportwatch` command as a child process, started with `posix_spawn`, so a test gets
/// what Foundation's `Process` does not give: the child's peak resident memory. Output goes to
/// files (no pipe can fill up and stall the child).
///
/// The peak is the largest `VmHWM` read from /proc/PID/status while the child runs (polled every
/// 2 ms; a high-water mark, so a spike between two reads is still seen by the next). `wait4`'s
/// `ru_maxrss` would not do: posix_spawn's vfork-style child starts in the test process's address
/// space, and the kernel carries that space's high-water mark across exec into `ru_maxrss`.
final class ChildProcess: @unchecked Sendable {
    struct Outcome: Sendable, CustomStringConvertible {
        /// The exit status, when the child exited.
        var status: Int32?
        /// The signal that ended it, when one did.
        var signal: Int32?
        var wall: Duration
        /// Peak resident set size of the command's own address space (`VmHWM`), in bytes.
        var maxRSSBytes: Int
        var stdout: String
        var stderr: String

        var maxRSSMegabytes: Int { maxRSSBytes >> 20 }
        var seconds: Double { Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18 }

        var description: String {
            let end = status.map { "exit \($0)" } ?? "signal \(signal ?? 0)"
            return "\(end) after \(String(format: "%.2f", seconds)) s, peak RSS \(maxRSSMegabytes) MB"
        }
    }

    let pid: pid_t
    private let started = ContinuousClock.now
    private let outputDirectory: URL
    private var reaped: Outcome?
    private var peakKilobytes = 0

    /// Starts `reportwatch arguments...` with the test's environment plus `environment`.
    init(_ arguments: [String], environment: [String: String] = [:], executable: String = ReportWatchBinary.url.path) throws {
        outputDirectory = try Fixtures.temporaryDirectory()
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputDirectory.appendingPathComponent("stdout").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, outputDirectory.appendingPathComponent("stderr").path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, envp)
        guard result == 0 else {
            throw ChildProcessError("posix_spawn \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    deinit {
        if reaped == nil {
            Glibc.kill(pid, SIGKILL)
            _ = waitUntilExit(timeout: .seconds(10))
        }
        try? FileManager.default.removeItem(at: outputDirectory)
    }

    /// Runs the command to its end, or kills it after `timeout` (the outcome then says SIGKILL).
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)) throws -> Outcome {
        let child = try ChildProcess(arguments, environment: environment)
        if let outcome = child.waitUntilExit(timeout: timeout) { return outcome }
        return child.kill()
    }

    /// The outcome if the child has ended, without waiting.
    func poll() -> Outcome? {
        if let reaped { return reaped }
        samplePeak()
        return reap(options: WNOHANG)
    }

    /// Waits for the child to end, at most `timeout`; nil if it is still running.
    func waitUntilExit(timeout: Duration) -> Outcome? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let outcome = poll() { return outcome }
            usleep(2_000)
        }
        return poll()
    }

    /// SIGKILL, then reap. A child that already ended is reaped as it ended.
    @discardableResult
    func kill() -> Outcome {
        if let outcome = poll() { return outcome }
        samplePeak()
        Glibc.kill(pid, SIGKILL)
        // A killed process is reaped within milliseconds; the bound only guards the test.
        return reap(options: 0) ?? Outcome(status: nil, signal: SIGKILL, wall: ContinuousClock.now - started,
                                           maxRSSBytes: 0, stdout: "", stderr: "")
    }

    /// Whether the child is alive and not yet reaped.
    var isRunning: Bool { poll() == nil }

    /// Reads `VmHWM: 12345 kB`; absent once the child has exited (its memory is gone).
    private func samplePeak() {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return }
        peakKilobytes = max(peakKilobytes, kilobytes)
    }

    private func reap(options: Int32) -> Outcome? {
        var status: Int32 = 0
        var usage = rusage()
        let result = wait4(pid, &status, options, &usage)
        guard result == pid else { return nil }
        // WIFEXITED / WTERMSIG are macros Swift does not import; these are their definitions.
        let signal = status & 0x7f
        let outcome = Outcome(
            status: signal == 0 ? (status >> 8) & 0xff : nil,
            signal: signal == 0 ? nil : signal,
            wall: ContinuousClock.now - started,
            maxRSSBytes: peakKilobytes * 1024,
            stdout: (try? String(contentsOf: outputDirectory.appendingPathComponent("stdout"), encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: outputDirectory.appendingPathComponent("stderr"), encoding: .utf8)) ?? "")
        reaped = outcome
        return outcome
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
