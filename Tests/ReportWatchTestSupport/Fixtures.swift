import Foundation

/// The real captured pages in `<repo>/../shared/fixtures` (see its README.md).
public enum Fixtures {
    /// `<repo>/../shared/fixtures`, found from this source file's path; the environment variable
    /// `REPORTWATCH_FIXTURES` overrides it.
    public static var sharedDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["REPORTWATCH_FIXTURES"],
            !override.isEmpty
        {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        // This file is <repo>/Tests/ReportWatchTestSupport/Fixtures.swift.
        let repo = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
        return repo
            .deletingLastPathComponent()
            .appendingPathComponent("shared/fixtures", isDirectory: true)
            .standardizedFileURL
    }

    /// A fixture by its path under `sharedDirectory`, e.g. `moderngov/kingston_Agenda_151.html`.
    public static func url(_ relativePath: String) -> URL {
        sharedDirectory.appendingPathComponent(relativePath)
    }

    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }

    /// The fixture as UTF-8, or as Latin-1 when it is not valid UTF-8.
    public static func string(_ relativePath: String) throws -> String {
        let bytes = try data(relativePath)
        if let text = String(data: bytes, encoding: .utf8) { return text }
        // Latin-1 maps each byte to the scalar of the same value, so this cannot fail.
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// A new, empty directory under `NSTemporaryDirectory()`; the caller removes it.
    public static func temporaryDirectory() throws -> URL {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory(), isDirectory: true)
            .appendingPathComponent("reportwatch-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }
}
