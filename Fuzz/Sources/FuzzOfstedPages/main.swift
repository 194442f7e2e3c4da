import FuzzSupport
import Glibc
import ReportWatchCore
import ReportWatchExtract

// Ofsted provider pages and search results pages, and the label and link helpers on what they
// find.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let provider = Page(url: "https://reports.ofsted.gov.uk/provider/44/80499", contentType: "text/html; charset=utf-8", body: body)
    if let listing = try? OfstedProviderPage.listing(from: provider) {
        for report in listing.reports {
            precondition(!report.fileID.isEmpty, "a report without a file id")
            _ = OfstedProviderPage.fileID(fromLink: report.link)
        }
    }
    let search = Page(url: "https://reports.ofsted.gov.uk/search?q=&level_1_types=3&rows=100", contentType: "text/html", body: body)
    _ = try? OfstedSearchPage.results(from: search)
    let text = String(decoding: body.prefix(300), as: UTF8.self)
    _ = OfstedProviderPage.describe(text)
    _ = OfstedProviderPage.day(fromText: text)
    _ = OfstedSearchPage.urn(fromLink: text)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
