import FuzzSupport
import Glibc
import ReportWatchCore
import ReportWatchExtract

// GOV.UK Search API and Content API answers: the same JSON bytes through both parsers.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let search = Page(url: "https://www.gov.uk/api/search.json?filter_organisations=department-for-education",
                      contentType: "application/json", body: body)
    _ = try? GovUKSearchParser.parse(search)
    let content = Page(url: "https://www.gov.uk/api/content/government/collections/improvement-notices",
                       contentType: "application/json", body: body)
    _ = try? GovUKContentParser.parse(content)
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
