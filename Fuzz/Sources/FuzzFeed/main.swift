import FuzzSupport
import Glibc
import ReportWatchCore
import ReportWatchExtract

// RSS and Atom feeds (strict XML without external entities), and the date formats they carry.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let page = Page(url: "https://www.gov.uk/government/organisations/department-for-education.atom",
                    contentType: "application/atom+xml; charset=utf-8", body: body)
    if let feed = try? FeedParser.parse(page) {
        for item in feed.items { precondition(!item.key.isEmpty, "a feed item without a key") }
    }
    _ = FeedParser.parseDate(String(decoding: body.prefix(100), as: UTF8.self))
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
