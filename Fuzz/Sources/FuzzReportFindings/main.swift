import FuzzSupport
import Glibc
import ReportWatchCore
import ReportWatchExtract

// The findings parser on hostile report text (what pdftotext makes of any PDF someone puts at
// a report's link). Seeds are pdftotext's output for the real reports.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let findings = OfstedReportParser.parse(text: text)
    // Every judgement read is labelled: an unlabelled grade could not be shown to anyone.
    for judgement in findings.allJudgements {
        precondition(!judgement.label.isEmpty, "a judgement without a label")
    }
    _ = findings.compared(with: findings, previousPublished: nil)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
