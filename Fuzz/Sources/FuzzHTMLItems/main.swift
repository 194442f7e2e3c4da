import FuzzSupport
import Glibc
import ReportWatchCore
import ReportWatchExtract

// The html kind on hostile pages: the first byte picks one of the extractors configs use, the
// second the declared charset (the charset path converts bytes before libxml2 sees them); the
// rest is the page.

/// Extractors as configs write them; compiled once (a compile failure is a bug in this list).
let extractors: [HTMLItemExtractor] = [
    (items: "//li[@class='report']",
     fields: [("key", "a/@href"), ("title", "a"), ("link", "a/@href"), ("date", "time/@datetime")]),
    (items: "//table[@id='mgItemTable']//tr",
     fields: [("key", "normalize-space(td[1])"), ("title", "string(.//p[@class='mgAiTitleTxt'])"), ("link", ".//a/@href")]),
    (items: "//a[@href]", fields: [("key", "@href"), ("title", "."), ("report_url", "@href")]),
    (items: "//*[contains(@class, 'search-result')]",
     fields: [("key", "substring-after(.//a/@href, '/provider/')"), ("title", "normalize-space(.//h3)"), ("count", "count(.//li)")]),
].compactMap { try? HTMLItemExtractor(items: $0.items, fields: $0.fields) }

let contentTypes: [String?] = [
    nil, "text/html", "text/html; charset=utf-8", "text/html; charset=iso-8859-1", "text/html; charset=windows-1252",
    "text/html; charset=shift_jis", "text/html; charset=utf-16", "text/html; charset=\"bogus\"", "application/xhtml+xml",
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard bytes.count >= 2, !extractors.isEmpty else { return 0 }
    let extractor = extractors[Int(bytes[0]) % extractors.count]
    let contentType = contentTypes[Int(bytes[1]) % contentTypes.count]
    let page = Page(url: "https://example.org/news/index.html?x=1", contentType: contentType, body: Array(bytes.dropFirst(2)))
    if let extracted = try? extractor.extract(from: page) {
        // What the pipeline relies on: unique, non-empty keys.
        var keys = Set<String>()
        for item in extracted.items {
            precondition(!item.key.isEmpty && keys.insert(item.key).inserted, "empty or repeated key \(item.key)")
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
