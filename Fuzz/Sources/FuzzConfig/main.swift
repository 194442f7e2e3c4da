import FuzzSupport
import Glibc
import ReportWatchDaemon

// The config loader on any YAML: it must report errors, never crash, whatever an operator (or
// a broken deployment) puts in the file. Environment references resolve against a fixed map.

let environment = ["STATE_DIRECTORY": "/var/lib/reportwatch", "SMTP_PASSWORD": "secret"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let configuration = try Configuration.parse(yaml: yaml, file: "fuzz.yaml", environment: environment)
        precondition(!configuration.contact.isEmpty, "a config without a contact was accepted")
    } catch {
        precondition(!error.errors.isEmpty, "a rejected config without any error")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
