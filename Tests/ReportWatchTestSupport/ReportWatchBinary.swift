import Foundation

/// The built `reportwatch` command, for tests that run the real process (signals, crashes).
public enum ReportWatchBinary {
    /// The executable next to the running test bundle (`swift build --build-tests` builds both
    /// into the same products directory).
    public static var url: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for directory in candidates {
            let binary = directory.appendingPathComponent("reportwatch")
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/reportwatch")
    }

    /// Runs the command to its end and returns its exit status and output.
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = try start(arguments, environment: environment)
        let out = process.stdout.fileHandleForReading.readDataToEndOfFile()
        let err = process.stderr.fileHandleForReading.readDataToEndOfFile()
        process.process.waitUntilExit()
        return (process.process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    public struct Running {
        public let process: Process
        public let stdout: Pipe
        public let stderr: Pipe
    }

    /// Starts the command and returns at once.
    public static func start(_ arguments: [String], environment: [String: String]? = nil) throws -> Running {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        return Running(process: process, stdout: stdout, stderr: stderr)
    }
}
