import Foundation
import ReportWatchCore
#if canImport(Glibc)
import Glibc
#endif

/// The `jsonl` channel: one JSON object per alert, appended to a file and fsynced before the
/// alert counts as delivered.
public struct JSONLinesChannel: AlertChannel {
    public let id: String
    public let path: String

    public init(id: String, path: String) {
        self.id = id
        self.path = path
    }

    public func deliver(_ alert: Alert) async throws(DeliveryError) -> String {
        try await deliver(batch: [alert], context: DeliveryContext())
    }

    /// A pass that found 100 changes appends 100 lines with one write and one fsync, instead
    /// of opening, syncing and closing the file for each.
    public var deliversInBatches: Bool { true }

    public func deliver(batch alerts: [Alert], context: DeliveryContext) async throws(DeliveryError) -> String {
        var lines: [UInt8] = []
        let encoder = Alert.jsonEncoder()
        for alert in alerts {
            do {
                lines += try encoder.encode(alert)
            } catch {
                throw DeliveryError("could not encode alert \(alert.id): \(error)")
            }
            lines.append(UInt8(ascii: "\n"))
        }
        try append(lines)
        return "appended \(lines.count) bytes to \(path)"
    }

    private func append(_ bytes: [UInt8]) throws(DeliveryError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw DeliveryError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw DeliveryError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += result
        }
        guard fsync(fd) == 0 else { throw DeliveryError("cannot fsync \(path): \(String(cString: strerror(errno)))") }
    }
}
