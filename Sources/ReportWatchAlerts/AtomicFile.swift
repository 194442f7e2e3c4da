import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file so that a reader, or a crash, sees either the old contents or the new, never
/// a mix: write a temporary file beside it, fsync it, rename it over the old one, fsync the folder.
public enum AtomicFile {
    /// `exactMode`: the file gets `mode` whatever the umask (a site a web server must read).
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, exactMode: Bool = false) throws(DeliveryError) {
        let directory = (path as NSString).deletingLastPathComponent
        let folder = directory.isEmpty ? "." : directory
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = (folder as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw DeliveryError("cannot create \(temporary): \(lastError())") }
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
                let message = lastError()
                unlink(temporary)
                throw DeliveryError("cannot write \(temporary): \(message)")
            }
            written += result
        }
        guard fsync(fd) == 0 else {
            let message = lastError()
            unlink(temporary)
            throw DeliveryError("cannot fsync \(temporary): \(message)")
        }
        if exactMode, fchmod(fd, mode) != 0 {
            let message = lastError()
            unlink(temporary)
            throw DeliveryError("cannot set the mode of \(temporary): \(message)")
        }
        close(fd)
        closed = true
        guard rename(temporary, path) == 0 else {
            let message = lastError()
            unlink(temporary)
            throw DeliveryError("cannot rename \(temporary) to \(path): \(message)")
        }
        // The rename is durable only once the folder itself is on disk.
        let folderFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderFD >= 0 {
            _ = fsync(folderFD)
            close(folderFD)
        }
    }

    static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
