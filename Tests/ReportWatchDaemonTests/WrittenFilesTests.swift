import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

/// Files other programs read: the metrics file (node_exporter) and the Atom feed (a web server).
@Suite("Files written for other readers", .serialized)
struct WrittenFilesTests {
    /// `check` from cron and the service write the same metrics file: a fixed temporary name made
    /// them overwrite each other's, and a symlink planted there was followed.
    @Test func theMetricsFilesTemporaryNameIsUniqueAndNeverFollowsASymlink() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let metrics = directory.appendingPathComponent("metrics.prom").path
        let victim = directory.appendingPathComponent("victim").path
        try "precious\n".write(toFile: victim, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: metrics + ".tmp", withDestinationPath: victim)
        let harness = try Harness(sources: newsSource, extra: "metrics_file: \(metrics)")
        harness.server.set("/news", body: newsPage(twoReports))
        await harness.check()

        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n", "the symlink was followed")
        let attributes = try FileManager.default.attributesOfItem(atPath: metrics)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular)
        #expect(try String(contentsOfFile: metrics, encoding: .utf8).contains("reportwatch_checks_total{source=\"news\""))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names.filter { $0.hasSuffix(".tmp") } == ["metrics.prom.tmp"], "only the planted link: \(names)")

        // Two writers at once (cron's check and the service) each leave a whole file.
        let runtime = harness.runtime
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { await runtime.writeMetrics() } }
        }
        #expect(try String(contentsOfFile: metrics, encoding: .utf8).hasSuffix("\n"))
        #expect(harness.logs.all.allSatisfy { !$0.contains("cannot write the metrics file") }, "\(harness.logs.all)")
    }

    /// The unit runs with `UMask=0077`: the feed and the metrics file must still be readable by
    /// the web server and node_exporter (0644), whatever the umask.
    @Test func theFeedAndMetricsAreWorldReadableUnderUMask077() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        let config = directory.appendingPathComponent("reportwatch.yaml").path
        try """
            state_directory: \(directory.path)/state
            contact: tests@example.org
            politeness: {min_gap: 0s, max_per_host: 4}
            metrics_file: \(directory.path)/metrics.prom
            sources:
            \(newsSource.replacingOccurrences(of: "{{base}}", with: server.baseURL))
            channels:
              - id: feed
                kind: atom
                path: \(directory.path)/public/alerts.xml
            """.write(toFile: config, atomically: true, encoding: .utf8)
        func check() throws {
            let binary = ReportWatchBinary.url.path
            let result = try Self.shell("umask 077; exec '\(binary)' check --config '\(config)'")
            #expect(result == 0)
        }
        server.set("/news", body: newsPage(twoReports))
        try check()
        server.set("/news", body: newsPage(twoReports + [("/r/3", "New report", "2026-11-03")]))
        try check()
        for file in ["public/alerts.xml", "metrics.prom"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(file).path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            #expect(mode == 0o644, "\(file): \(String(mode, radix: 8))")
        }
    }

    /// Every absolute `path:` or `metrics_file:` the documentation shows is one the unit can write:
    /// under its state directory, or in a directory the README's drop-in adds with `ReadWritePaths=`.
    @Test func documentedPathsAreWritableUnderTheUnit() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let reader = try String(contentsOf: root.appendingPathComponent(
            "Sources/ReportWatchDaemon/Configuration/Configuration+Reader.swift"), encoding: .utf8)
        let writable = ["/var/lib/reportwatch"] + readme.split(separator: "\n").filter { $0.hasPrefix("ReadWritePaths=") }
            .flatMap { $0.dropFirst("ReadWritePaths=".count).split(separator: " ").map(String.init) }
        var documented: [String] = []
        for text in [readme, reader] {
            for match in text.matches(of: /(?m)^(?:\/\/\/)?\s*-?\s*(?:path|metrics_file):\s*(\/\S+)/) {
                documented.append(String(match.output.1))
            }
        }
        #expect(!documented.isEmpty)
        for path in documented {
            #expect(writable.contains { path.hasPrefix($0 + "/") }, "\(path) is read-only under ProtectSystem=strict (writable: \(writable))")
        }
    }

    static func shell(_ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
