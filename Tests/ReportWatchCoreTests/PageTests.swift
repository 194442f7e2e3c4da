import Testing
@testable import ReportWatchCore

@Suite("A page's declared charset")
struct PageTests {
    @Test(arguments: [
        ("text/html; charset=utf-8", "utf-8"),
        ("text/html;charset=ISO-8859-1", "ISO-8859-1"),
        ("text/html; CHARSET = \"windows-1252\" ", "windows-1252"),
        ("text/html; boundary=x; Charset='utf-8'", "utf-8"),
        ("text/html; foo=bar", nil),
        ("text/html", nil),
        ("text/html; charset=", nil),
        ("text/html; charset=\"\"", nil),
        ("charset=utf-8", nil),
        ("text/html; xcharset=utf-8", nil),
        ("text/html; charset", nil),
    ] as [(String, String?)])
    func readsTheCharsetParameter(contentType: String, expected: String?) {
        #expect(Page(url: "http://127.0.0.1/", contentType: contentType, body: []).declaredCharset == expected)
    }

    @Test func noHeaderMeansNoCharset() {
        #expect(Page(url: "http://127.0.0.1/", body: []).declaredCharset == nil)
    }
}
