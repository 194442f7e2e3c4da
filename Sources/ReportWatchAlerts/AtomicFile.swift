import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file so that a reader, or a crash, sees either the old contents or the new, never
/// a mix: write a temporary file beside it, fsync it, rename it over the old one, fsync the folder.
///
/// The temporary name is new each time and created with `O_EXCL | O_NOFOLLOW`, so two writers of
/// the same file (`check` from cron and the service) never write into each other's, and a
/// symlink planted beside the file is never followed. A failed write leaves the old file whole.
public enum AtomicFile {
    /// `mode` is the file's mode exactly, whatever the umask: the unit's `UMask=0077` would
    /// otherwise leave an Atom feed or a metrics file that its readers (a web server,
    /// node_exporter) cannot open. `durable: false` skips the fsyncs, for a file rewritten often
    /// from data kept elsewhere.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, durable: Bool = true) throws(DeliveryError) {
        let directory = (path as NSString).deletingLastPathComponent
        let folder = directory.isEmpty ? "." : directory
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = (folder as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw DeliveryError.system("cannot create \(temporary)") }
        guard fchmod(fd, mode) == 0 else {
            let failure = DeliveryError.system("cannot set the mode of \(temporary)")
            close(fd)
            unlink(temporary)
            throw failure
        }
        var closed = false
        defer {
            if !closed { close(fd) }
        }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, base + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let failure = DeliveryError.system("cannot write \(temporary)")
                unlink(temporary)
                throw failure
            }
            written += result
        }
        guard !durable || fsync(fd) == 0 else {
            let failure = DeliveryError.system("cannot fsync \(temporary)")
            unlink(temporary)
            throw failure
        }
        close(fd)
        closed = true
        guard rename(temporary, path) == 0 else {
            let failure = DeliveryError.system("cannot rename \(temporary) to \(path)")
            unlink(temporary)
            throw failure
        }
        guard durable else { return }
        // The rename is durable only once the folder itself is on disk.
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }
}
