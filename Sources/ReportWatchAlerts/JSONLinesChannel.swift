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
        let appended = try append(alerts)
        let skipped = alerts.count - appended.alerts
        return "appended \(appended.bytes) bytes to \(path)" + (skipped > 0 ? " (\(skipped) already there)" : "")
    }

    private static func encode(_ alerts: [Alert]) throws(DeliveryError) -> [UInt8] {
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
        return lines
    }

    /// Appends whole lines or nothing. A write that stops part-way (a full disk) is cut back to
    /// where it began, so the retry starts on a line of its own and no alert of the batch is
    /// both kept and retried; a torn last line left by a process that died mid-write is cut
    /// first. An alert already among the file's last lines is not written again: a process
    /// killed after its write and before the store marked the batch delivered sends the batch
    /// again, and the file still holds each alert once. The lock keeps two processes (`check`
    /// from cron and the service) off each other.
    private func append(_ alerts: [Alert]) throws(DeliveryError) -> (alerts: Int, bytes: Int) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw DeliveryError.system("cannot open \(path)") }
        defer { close(fd) }
        var status = stat()
        // Only a regular file can be cut back; a FIFO or a device gets the bytes as they come.
        let regular = fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
        if regular {
            while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        }
        let start = regular ? try Self.endOfLastWholeLine(fd, path: path) : -1
        let present = start > 0 ? try Self.alertIDs(endingAt: start, path: path) : []
        let fresh = alerts.filter { !present.contains($0.id) }
        let bytes = try Self.encode(fresh)
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let failure = DeliveryError.system("cannot write \(path)")
                if start >= 0 { _ = ftruncate(fd, start) }
                throw failure
            }
            written += result
        }
        guard fsync(fd) == 0 else {
            let failure = DeliveryError.system("cannot fsync \(path)")
            if start >= 0 { _ = ftruncate(fd, start) }
            throw failure
        }
        return (fresh.count, bytes.count)
    }

    /// How many of the file's last lines ``alertIDs(endingAt:path:)`` reads: more than the
    /// largest batch the deliverer sends (50), so a whole batch written before a kill is found.
    static let recentLines = 64

    /// The ids of the alerts on the last ``recentLines`` lines before `end` (a line's end).
    private static func alertIDs(endingAt end: off_t, path: String) throws(DeliveryError) -> Set<String> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DeliveryError.system("cannot read \(path)") }
        defer { close(fd) }
        var tail: [UInt8] = []
        var from = end
        var newlines = 0
        // Read backwards until the line before the last `recentLines` begins (or the file does).
        while from > 0, newlines <= recentLines {
            let start = max(0, from - 65_536)
            var chunk = [UInt8](repeating: 0, count: Int(from - start))
            let read = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, start) }
            guard read == chunk.count else { throw DeliveryError.system("cannot read \(path)") }
            newlines += chunk.lazy.filter { $0 == UInt8(ascii: "\n") }.count
            tail = chunk + tail
            from = start
        }
        struct Identified: Decodable { let id: String }
        let decoder = JSONDecoder()
        return Set(tail.split(separator: UInt8(ascii: "\n")).suffix(recentLines).compactMap {
            try? decoder.decode(Identified.self, from: Data($0)).id
        })
    }

    /// The file's length once any torn last line is cut off: just after its last newline.
    /// `writer` is open for appending only, so the tail is read through a second descriptor.
    private static func endOfLastWholeLine(_ writer: Int32, path: String) throws(DeliveryError) -> off_t {
        let end = lseek(writer, 0, SEEK_END)
        guard end > 0 else { return max(end, 0) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DeliveryError.system("cannot read \(path)") }
        defer { close(fd) }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, end - 1) == 1 else { throw DeliveryError.system("cannot read \(path)") }
        if last == UInt8(ascii: "\n") { return end }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var position = end
        var cut: off_t = 0
        search: while position > 0 {
            let from = max(0, position - off_t(chunk.count))
            let count = Int(position - from)
            let read = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, from) }
            guard read == count else { throw DeliveryError.system("cannot read \(path)") }
            for index in stride(from: count - 1, through: 0, by: -1) where chunk[index] == UInt8(ascii: "\n") {
                cut = from + off_t(index) + 1
                break search
            }
            position = from
        }
        guard ftruncate(writer, cut) == 0 else { throw DeliveryError.system("cannot cut the torn last line of \(path)") }
        return cut
    }
}
