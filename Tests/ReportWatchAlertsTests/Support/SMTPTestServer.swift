import Foundation
import ReportWatchTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The aiosmtpd server of `peers/smtp_server.py`, on 127.0.0.1 and a free port, saving what it
/// receives. Stopped (stdin closed) when the value goes away.
final class SMTPTestServer: @unchecked Sendable {
    struct Options {
        var certificates: TestCertificates?
        var requireStartTLS = false
        var implicitTLS = false
        var auth: (user: String, password: String)?
        var reject = 0
        /// An IPv4 address of this machine to listen on instead of 127.0.0.1.
        var host = "127.0.0.1"
    }

    /// One received message as Python's `email` package reads it.
    struct Received: Decodable {
        struct Part: Decodable {
            var content_type: String
            var charset: String?
            var transfer_encoding: String?
            var content: String
        }

        var subject: String?
        var headers: [[String]]
        var raw_headers: [[String]]
        var content_type: String
        var parts: [Part]
        var defects: [String]
        var mail_from: String
        var rcpt_tos: [String]
        var tls: Bool
        var auth: String?

        func header(_ name: String) -> String? {
            headers.first { $0.first?.lowercased() == name.lowercased() }?.last
        }

        func rawHeader(_ name: String) -> String? {
            raw_headers.first { $0.first?.lowercased() == name.lowercased() }?.last
        }

        func part(_ type: String) -> String? {
            parts.first { $0.content_type == type }?.content
        }
    }

    let port: Int
    let host: String
    let directory: URL
    private let process: Process
    private let stdin: Pipe

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("peers/smtp_server.py").path
    }

    init(_ options: Options = Options()) throws {
        directory = try Fixtures.temporaryDirectory()
        var arguments = [Self.script, "--dir", directory.path]
        if let certificates = options.certificates {
            arguments += ["--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey]
        }
        if options.requireStartTLS { arguments.append("--require-starttls") }
        if options.implicitTLS { arguments.append("--smtps") }
        if let auth = options.auth { arguments += ["--auth", "\(auth.user):\(auth.password)"] }
        if options.reject > 0 { arguments += ["--reject", String(options.reject)] }
        arguments += ["--host", options.host]
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line is {"port": N}, printed once the server accepts connections.
        var line = Data()
        while true {
            let byte = stdout.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any], let port = object["port"] as? Int else {
            process.terminate()
            throw SMTPTestServerError.didNotStart(String(decoding: line, as: UTF8.self))
        }
        self.port = port
        host = options.host
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    var smtpURL: String { "smtp://\(host):\(port)" }
    var smtpsURL: String { "smtps://\(host):\(port)" }

    /// An IPv4 address of this machine other than loopback (nil when it has none): a peer there is
    /// "not localhost" for the client, though the test never leaves the machine.
    static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                  entry.pointee.ifa_flags & UInt32(IFF_UP) != 0, entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK) == 0 else { continue }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            var inet = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            guard inet_ntop(AF_INET, &inet, &text, socklen_t(text.count)) != nil else { continue }
            return String(cString: text)
        }
        return nil
    }

    /// The messages received so far, in order.
    func received() throws -> [Received] {
        var result: [Received] = []
        var number = 1
        while FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(number).json").path) {
            let data = try Data(contentsOf: directory.appendingPathComponent("\(number).json"))
            result.append(try JSONDecoder().decode(Received.self, from: data))
            number += 1
        }
        return result
    }

    /// The raw bytes of message `number` (1-based).
    func raw(_ number: Int) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("\(number).eml"), encoding: .utf8)
    }
}

enum SMTPTestServerError: Error {
    case didNotStart(String)
}
