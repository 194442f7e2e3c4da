import Foundation
import Glibc
import ReportWatchTestSupport

/// `openssl s_server -www` on 127.0.0.1 with a self-signed certificate made at test time by
/// `openssl req -x509`: a real TLS peer whose certificate no trust store vouches for. The
/// certificate names 127.0.0.1, so the only fault is the untrusted issuer.
final class TLSTestServer: @unchecked Sendable {
    let port: UInt16
    private let process: Process
    private let directory: URL

    var baseURL: String { "https://127.0.0.1:\(port)" }

    init() throws {
        directory = try Fixtures.temporaryDirectory()
        let key = directory.appendingPathComponent("key.pem").path
        let cert = directory.appendingPathComponent("cert.pem").path
        try Self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                          "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                          "-addext", "subjectAltName=IP:127.0.0.1"])
        port = try Self.freePort()
        process = Process()
        process.executableURL = try Self.opensslURL()
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www", "-quiet"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready when it accepts a connection: at most 10 s.
        for _ in 0..<200 {
            if Self.accepts(port) { return }
            usleep(50_000)
        }
        process.terminate()
        throw ChildProcessError("openssl s_server did not start listening on 127.0.0.1:\(port)")
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    static func opensslURL() throws -> URL {
        for path in ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"] where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        throw ChildProcessError("openssl not found: scripts/setup.sh --test installs it")
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = try opensslURL()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ChildProcessError("openssl \(arguments.first ?? "") exited \(process.terminationStatus)")
        }
    }

    /// A port the kernel just handed out on 127.0.0.1 (free unless another process grabs it in
    /// the moment before openssl binds it).
    private static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ChildProcessError("socket: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw ChildProcessError("bind: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func accepts(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
