import Foundation
import ReportWatchTestSupport

/// A throwaway CA and a server certificate for 127.0.0.1 signed by it, made with `openssl` at
/// test time so no key is ever committed.
struct TestCertificates: Sendable {
    let directory: URL
    var caCertificate: String { directory.appendingPathComponent("ca.pem").path }
    var serverCertificate: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }

    static func make() throws -> TestCertificates {
        let directory = try Fixtures.temporaryDirectory()
        let d = directory.path
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: "\(d)/server.ext", atomically: true, encoding: .utf8)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + curve + ["-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem", "-days", "2",
                     "-subj", "/CN=reportwatch test CA",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try openssl(["req"] + curve + ["-keyout", "\(d)/server.key", "-out", "\(d)/server.csr", "-subj", "/CN=127.0.0.1"])
        try openssl(["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key",
                     "-CAcreateserial", "-out", "\(d)/server.pem", "-days", "2", "-extfile", "\(d)/server.ext"])
        return TestCertificates(directory: directory)
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CertificateError.openssl(arguments.first ?? "", String(decoding: output, as: UTF8.self))
        }
    }

    enum CertificateError: Error {
        case openssl(String, String)
    }
}
