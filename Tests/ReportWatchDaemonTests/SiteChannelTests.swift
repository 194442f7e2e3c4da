import Foundation
import Testing
@testable import ReportWatchAlerts
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

// The site is rendered from a store filled by the real pipeline: Harrow's two real Ofsted reports
// through a provider page in DESIGN.md's markup (as OfstedKindTests builds it), Kingston's real
// ModernGov pages (as ModernGovKindTests serves them), an Atom feed whose new entry's title is
// hostile, and a source that answers 500. The pages are then checked by the real readers people
// and tools use: html5lib's strict HTML5 parser and headless Chromium (Debian's `chromium`, which
// scripts/setup.sh --test installs) with JavaScript switched off in its profile.

private let harrow2020 = (file: "harrow_ilacs_2020-03-16_file50149055.pdf", id: "50149055")
private let harrow2025 = (file: "harrow_ilacs_2025-03-04_file50270419.pdf", id: "50270419")

private func providerPage(base: String, reports: [(id: String, datetime: String, text: String, published: String)],
                          types: [String: String] = [:]) -> String {
    let registration = """
        <li class="timeline__day"><p class="timeline__date"><time datetime="2007-04-01">1 April 2007</time></p>
        <ul class="timeline__events"><li class="timeline__event"><span class="event__title heading--sub">Registration</span></li></ul></li>
        """
    let days = reports.map { report -> String in
        let type = types[report.id] ?? "Children's services inspection"
        return """
        <li class="timeline__day"><p class="timeline__date"><time datetime="\(report.datetime)">\(report.text)</time></p>
        <ul class="timeline__events"><li class="timeline__event"><span class="event__title heading--sub">\(type)</span>
        <a class="publication-link" href="\(base)/v1/file/\(report.id)" target="_blank">\(type)
        <span class="nonvisual">\(type), PDF - \(report.published)</span></a></li></ul></li>
        """
    }.joined(separator: "\n")
    return """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
        <title>Harrow - Open - Find an inspection report - Ofsted</title></head><body>
        <main><h1 class="heading--title">Harrow</h1>
        <div class="timeline"><ul class="timeline__list">\(days)\n\(registration)</ul></div></main></body></html>
        """
}

private let report2020 = (id: harrow2020.id, datetime: "2020-02-14", text: "14 February 2020", published: "16 March 2020")
private let report2025 = (id: harrow2025.id, datetime: "2025-01-24", text: "24 January 2025", published: "04 March 2025")

/// Script, attribute and SVG breakers, each doing something visible if it ever ran.
private let hostile = "<script>document.title='PWNED'</script> \"><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\"> </svg><b>bold?</b>"

private func atomFeed(_ titles: [String]) -> String {
    let entries = titles.enumerated().map { index, title -> String in
        let escaped = title.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
        return """
            <entry><id>tag:example.org,2026:entry-\(index)</id><updated>2026-11-2\(index)T09:00:00Z</updated>
            <link rel="alternate" type="text/html" href="/entries/\(index)"/><title>\(escaped)</title></entry>
            """
    }.joined(separator: "\n")
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><title>Council news</title><updated>2026-11-29T09:00:00Z</updated>
        \(entries)
        </feed>
        """
}

/// A store filled by two real passes, and the site the channel wrote from it.
private struct BuiltSite {
    let harness: Harness
    let site: URL

    static func make() async throws -> BuiltSite {
        let site = try Fixtures.temporaryDirectory().appendingPathComponent("site")
        let harness = try Harness(
            sources: """
                  - id: ofsted-harrow
                    name: 'Ofsted reports for Harrow </svg><script>document.title="PWNED"</script>'
                    kind: ofsted-provider
                    url: {{base}}/provider/44/80499
                    council: Harrow
                  - id: kingston
                    name: Kingston committee
                    kind: moderngov-committee
                    url: {{base}}/ieListMeetings.aspx?CommitteeId=711
                    keywords: [Zebra Crossing]
                    window: {past: 1000d, future: 1000d}
                  - id: news
                    name: 'Council news <i>"quoted"</i>'
                    kind: feed
                    url: {{base}}/news.atom
                  - id: broken
                    name: Broken council page
                    kind: feed
                    url: {{base}}/broken.atom
                """,
            channels: """
                  - id: site
                    kind: site
                    path: \(site.path)
                    title: 'Watch </svg><script>document.title="PWNED"</script>'
                """,
            extra: "failures_before_alert: 1\ntimezone: Europe/London")
        let server = harness.server
        server.set("/v1/file/\(harrow2020.id)", response: .ok(bytes: Array(try Fixtures.data("ofsted/\(harrow2020.file)")), contentType: "application/pdf"))
        server.set("/v1/file/\(harrow2025.id)", response: .ok(bytes: Array(try Fixtures.data("ofsted/\(harrow2025.file)")), contentType: "application/pdf"))
        server.set("/provider/44/80499", body: providerPage(base: server.baseURL, reports: [report2020]))
        let list = try Fixtures.string("moderngov/kingston_BrowseMeetings.html")
        let pages = [
            "10221": try Fixtures.string("moderngov/kingston_Agenda_151.html"),
            "10161": try Fixtures.string("moderngov/kingston_Agenda_412.html"),
            "10220": try Fixtures.string("moderngov/kingston_Agenda_Irrelevant.html"),
        ]
        for (id, body) in pages { server.set("/ieListDocuments.aspx?CId=711&MId=\(id)&Ver=4", body: body) }
        // Meeting 10221 is not listed yet: its arrival is the committee's alert.
        let withoutMeeting = try #require(list.range(of: "MId=10221&amp;")).lowerBound
        let itemStart = try #require(list[..<withoutMeeting].range(of: "<li", options: .backwards)).lowerBound
        let itemEnd = try #require(list[withoutMeeting...].range(of: "</li>")).upperBound
        server.set("/ieListMeetings.aspx", body: list.replacingCharacters(in: itemStart..<itemEnd, with: ""))
        server.set("/news.atom", response: .ok(atomFeed(["Budget consultation opens"]), contentType: "application/atom+xml"))
        server.set("/broken.atom", response: .status(500))

        await harness.check()
        server.set("/provider/44/80499", body: providerPage(base: server.baseURL, reports: [report2025, report2020]))
        server.set("/ieListMeetings.aspx", body: list)
        server.set("/news.atom", response: .ok(atomFeed(["Budget consultation opens", hostile]), contentType: "application/atom+xml"))
        await harness.check()
        await harness.check()
        return BuiltSite(harness: harness, site: site)
    }

    func page(_ path: String) throws -> String {
        try String(contentsOf: site.appendingPathComponent(path), encoding: .utf8)
    }

    var pagePaths: [String] {
        ["index.html", "pages/ofsted-harrow.html", "pages/kingston.html"]
    }
}

// MARK: Real tools

private struct ToolRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program, killing it after `timeout` seconds.
private func runTool(_ arguments: [String], timeout: Double = 90) throws -> ToolRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    killer.cancel()
    return ToolRun(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self),
                   stderr: String(decoding: errorData, as: UTF8.self))
}

private func python(_ program: String, _ arguments: [String] = []) throws -> String {
    let run = try runTool(["python3", "-c", program] + arguments)
    try #require(run.status == 0, "python3 failed: \(run.stderr)")
    return run.stdout
}

/// Headless Chromium with a profile whose content settings block JavaScript (the
/// `--blink-settings=scriptEnabled=false` switch also stops `--dump-dom` from reading the page).
private struct Chromium {
    let profile: URL

    init() throws {
        profile = try Fixtures.temporaryDirectory().appendingPathComponent("chromium-profile")
        let defaults = profile.appendingPathComponent("Default")
        try FileManager.default.createDirectory(at: defaults, withIntermediateDirectories: true)
        try #"{"profile":{"default_content_setting_values":{"javascript":2}}}"#
            .write(to: defaults.appendingPathComponent("Preferences"), atomically: true, encoding: .utf8)
    }

    func run(_ arguments: [String]) throws -> ToolRun {
        let run = try runTool(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)",
                               "--no-first-run"] + arguments)
        return run
    }

    func dumpDOM(_ file: URL) throws -> String {
        let run = try run(["--dump-dom", file.absoluteString])
        try #require(run.status == 0 && !run.stdout.isEmpty,
                     "chromium could not start or load \(file.path) (install it with scripts/setup.sh --test): status \(run.status), \(run.stderr.suffix(600))")
        return run.stdout
    }

    func screenshot(_ file: URL, width: Int, height: Int, to png: URL) throws {
        let run = try run(["--screenshot=\(png.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", file.absoluteString])
        try #require(run.status == 0 && FileManager.default.fileExists(atPath: png.path),
                     "chromium could not take a screenshot of \(file.path): status \(run.status), \(run.stderr.suffix(600))")
    }
}

/// The share of a PNG's pixels that differ from its top-left pixel (the page's background).
private let pngInkProgram = #"""
import sys, zlib, struct
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, width, height, ctype = 8, b'', 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b'IHDR':
        width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + length
bpp = {2: 3, 6: 4}[ctype]
raw = zlib.decompress(idat)
stride = width * bpp
rows, prev, i = [], bytearray(stride), 0
for _ in range(height):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line)); prev = line
background = rows[0][:bpp]
ink = sum(1 for row in rows for x in range(0, stride, bpp) if row[x:x + bpp] != background)
print(width, height, ink / (width * height))
"""#

// MARK: Tests

@Suite(.serialized) struct SiteChannelTests {
    @Test func theSiteShowsAlertsHarrowsHistoryMeetingsAndTheFailingSourceAsValidHTML5ThatChromiumRenders() async throws {
        let built = try await BuiltSite.make()
        let index = try built.page("index.html")
        let harrow = try built.page("pages/ofsted-harrow.html")
        let kingston = try built.page("pages/kingston.html")

        // The index: the latest alerts by day, then every source's health.
        #expect(index.contains("<h2 id=\"alerts\">Latest alerts</h2>"))
        #expect(index.contains("Ofsted: new children&#39;s services inspection report for Harrow — Inadequate"))
        #expect(index.contains("New meeting: Kingston and North Kingston Neighbourhood Committee - 15 Jan 2026 7:30 pm"))
        #expect(index.contains("Children&#39;s services inspection for Harrow, published 4 March 2025 (inspected 20–24 January 2025): overall effectiveness Inadequate, was Good in March 2020"))
        #expect(index.contains("<td class=\"health-failing\">Failing since "))
        #expect(index.contains("HTTP 500"))
        #expect(index.contains("<link rel=\"alternate\" type=\"application/atom+xml\""))
        // Harrow's history: both reports in the chart, grades in words.
        #expect(harrow.contains("<svg"))
        #expect(harrow.contains("March 2020") && harrow.contains("March 2025"))
        #expect(harrow.contains("class=\"grade\">Inadequate</text>"))
        #expect(harrow.contains("class=\"grade\">Good</text>"))
        #expect(harrow.contains("<th scope=\"col\">Previous report (March 2020)</th>"))
        #expect(harrow.contains("<h3>What needs to improve</h3>"))
        #expect(harrow.contains("<td class=\"grade g-inadequate\">Inadequate</td><td>was Good</td><td>declined</td>"))
        // Kingston: the meeting, its papers, the matching agenda item quoted.
        #expect(kingston.contains("15 Jan 2026"))
        #expect(kingston.contains("Coombe Lane West Zebra Crossing - Local Consultation Results"))
        #expect(kingston.contains("<strong class=\"match\">matches</strong><blockquote>"))

        // Hostile text is escaped everywhere it goes: page text, attributes, the title, the feed.
        for path in built.pagePaths {
            let page = try built.page(path)
            #expect(!page.contains("<script"), "\(path) has a script element")
            #expect(!page.contains("<img"), "\(path) has an img element")
            #expect(!page.contains("<b>bold"), "\(path) has the hostile <b>")
            #expect(!page.contains("<i>\"quoted"), "\(path) has the hostile source name unescaped")
        }
        #expect(index.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"))
        #expect(index.contains("&lt;/svg&gt;&lt;script&gt;document.title=&quot;PWNED&quot;&lt;/script&gt;"))
        let feed = try built.page("feed.xml")
        #expect(feed.contains("&lt;img src=x onerror="))

        // Modes a web server can read, whatever the umask the service ran under.
        for path in ["", "pages", "index.html", "style.css", "feed.xml", "pages/ofsted-harrow.html"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: built.site.appendingPathComponent(path).path)
            let mode = (attributes[.posixPermissions] as? Int ?? 0) & 0o777
            #expect(mode == (path.hasSuffix(".html") || path.hasSuffix(".css") || path.hasSuffix(".xml") ? 0o644 : 0o755), "\(path): \(String(mode, radix: 8))")
        }

        // A strict HTML5 parser finds no error in any page.
        let strict = try python("""
            import sys, html5lib
            for path in sys.argv[1:]:
                try:
                    html5lib.HTMLParser(strict=True).parse(open(path, 'rb').read())
                    print('ok', path)
                except Exception as error:
                    print('error', path, repr(error))
            """, built.pagePaths.map { built.site.appendingPathComponent($0).path })
        #expect(!strict.contains("error"), "\(strict)")
        #expect(strict.components(separatedBy: "\n").filter { $0.hasPrefix("ok ") }.count == 3)

        // Chromium, JavaScript off: what a reader sees.
        let chromium = try Chromium()
        let indexDOM = try chromium.dumpDOM(built.site.appendingPathComponent("index.html"))
        #expect(indexDOM.contains("Ofsted: new children's services inspection report for Harrow — Inadequate"))
        #expect(indexDOM.contains("Broken council page"))
        #expect(indexDOM.contains("Failing since"))
        #expect(indexDOM.contains("&lt;script&gt;document.title='PWNED'&lt;/script&gt;"), "the hostile title shows as text")
        #expect(!indexDOM.contains("<img"))
        #expect(!indexDOM.contains("data-pwned=\"1\""), "the onerror handler ran")
        let harrowDOM = try chromium.dumpDOM(built.site.appendingPathComponent("pages/ofsted-harrow.html"))
        for words in ["Inadequate", "Good", "Requires improvement"] where harrow.contains(">\(words)") {
            #expect(harrowDOM.contains("class=\"grade\">\(words)</text>"), "the chart's \(words) cells")
        }
        #expect(harrowDOM.contains("<svg"))
        // The source's name goes into the chart's own title too, where `</svg>` must not end the chart.
        #expect(harrowDOM.contains("<title id=\"chart-title\">Ofsted reports for Harrow &lt;/svg&gt;&lt;script&gt;document.title=\"PWNED\"&lt;/script&gt;: grades of each inspection</title>"))
        #expect(!harrowDOM.contains("<script"))
        // The hostile page title does not run even with JavaScript on.
        let scripted = try runTool(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                                    built.site.appendingPathComponent("index.html").absoluteString])
        #expect(!scripted.stdout.contains("<title>PWNED") && !scripted.stdout.contains("data-pwned=\"1\""))
        #expect(scripted.stdout.contains("Latest alerts"))

        // Screenshots at a phone's width and a desktop's: not blank.
        let shots = try Fixtures.temporaryDirectory()
        for (name, page) in [("index", "index.html"), ("harrow", "pages/ofsted-harrow.html"), ("kingston", "pages/kingston.html")] {
            for (width, height) in [(390, 844), (1280, 900)] {
                let png = shots.appendingPathComponent("\(name)-\(width).png")
                try chromium.screenshot(built.site.appendingPathComponent(page), width: width, height: height, to: png)
                let ink = try python(pngInkProgram, [png.path]).split(separator: " ")
                #expect(ink.count == 3 && ink[0] == "\(width)")
                #expect((Double(ink.last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0) > 0.02, "\(png.path) looks blank: \(ink)")
            }
        }
        if let keep = ProcessInfo.processInfo.environment["REPORTWATCH_KEEP_SITE"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(at: built.site, to: URL(fileURLWithPath: keep))
            try FileManager.default.copyItem(at: shots, to: URL(fileURLWithPath: keep).appendingPathComponent("screenshots"))
        }
    }

    @Test func harrows2025EmailHasTheJudgementTableWithPreviousGradesAndNoParagraphRepeatingTheList() async throws {
        let built = try await BuiltSite.make()
        let alerts = try built.harness.runtime.store.read { try $0.recentAlerts(limit: 100) }
        let alert = try #require(alerts.first { $0.key == harrow2025.id })
        let channel = EmailChannel(id: "mail", smtpURL: "smtp://127.0.0.1:1", from: try #require(EmailChannel.Mailbox("reportwatch@example.org")),
                                   to: [try #require(EmailChannel.Mailbox("team@example.org"))])
        let message = channel.message(for: alert, context: built.harness.runtime.deliverer.context)
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("harrow.eml")
        try Data(message.bytes).write(to: file)
        let parsed = try python("""
            import sys, json, email, html5lib
            from email import policy
            message = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)
            html = message.get_body(('html',)).get_content()
            plain = message.get_body(('plain',)).get_content()
            document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
            text = lambda element: ' '.join(''.join(element.itertext()).split())
            rows = [[text(cell) for cell in row if cell.tag in ('th', 'td')] for row in document.iter('tr')]
            print(json.dumps({'rows': rows, 'paragraphs': [text(p) for p in document.iter('p')],
                              'items': [text(li) for li in document.iter('li')], 'plain': plain}))
            """, [file.path])
        struct Parsed: Decodable {
            var rows: [[String]]
            var paragraphs: [String]
            var items: [String]
            var plain: String
        }
        let email = try JSONDecoder().decode(Parsed.self, from: Data(parsed.utf8))
        let header = try #require(email.rows.first)
        #expect(header == ["Judgement", "Grade", "Previous report (March 2020)", "Change"])
        let rows = email.rows.dropFirst()
        #expect(rows.count == 5, "\(email.rows)")
        for row in rows {
            #expect(row.count == 4 && row[2] == "was Good", "\(row)")
        }
        #expect(rows.first == ["Overall effectiveness", "Inadequate", "was Good", "declined"])
        // The points to improve are a list, said once: no paragraph runs them together.
        let points = alert.findings?.whatNeedsToImprove ?? []
        #expect(points.count >= 2)
        for paragraph in email.paragraphs {
            let named = points.filter { paragraph.contains(String($0.prefix(40))) }
            #expect(named.isEmpty, "a paragraph repeats the list: \(paragraph)")
            #expect(!paragraph.contains("What needs to improve"))
            #expect(!paragraph.contains("(was Good)"), "a paragraph repeats the grades: \(paragraph)")
        }
        #expect(points.allSatisfy { point in email.items.contains { $0 == TextEscaping.oneLine(point) } })
        // The plain part keeps the same order.
        let plain = email.plain
        let order = ["Children's services inspection for Harrow, published 4 March 2025", "Judgements (previous report: March 2020):",
                     "Overall effectiveness: Inadequate (was Good; declined)", "What needs to improve:", "Summary from the report:",
                     "Open the report: "]
        let places = order.map { plain.range(of: $0)?.lowerBound }
        #expect(places.allSatisfy { $0 != nil }, "\(plain)")
        // The findings are wrapped for a terminal (the footer's facts stay one a line).
        let findings = plain.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "Open the report: ")[0]
        let long = findings.split(separator: "\n").filter { $0.count > 76 && !$0.contains("://") && !$0.hasPrefix("===") }
        #expect(long.isEmpty, "\(long)")
        #expect(places.compactMap { $0 }.map { plain.distance(from: plain.startIndex, to: $0) } == places.compactMap { $0 }.map { plain.distance(from: plain.startIndex, to: $0) }.sorted())
    }

    @Test func aSiteForFiftySourcesStaysSmall() async throws {
        let built = try await BuiltSite.make()
        let store = built.harness.runtime.store
        let documents = try store.read { try $0.documents("ofsted-harrow") }
        let providerItems = try store.read { try $0.currentItems("ofsted-harrow") }
        let committeeItems = try store.read { try $0.currentItems("kingston") }
        let alerts = try store.read { try $0.recentAlerts(limit: 100) }
        // 25 councils with Harrow's two reports, 25 committees with Kingston's meetings, 60 alerts.
        var configuration = built.harness.configuration
        let provider = try #require(configuration.source("ofsted-harrow"))
        let committee = try #require(configuration.source("kingston"))
        configuration.sources = []
        var items: [String: [String: Item]] = [:]
        var stored: [String: [String: StoredDocument]] = [:]
        var states: [String: SourceState] = [:]
        for index in 0..<25 {
            var p = provider
            p.id = "ofsted-\(index)"
            p.name = "Ofsted reports for council \(index)"
            configuration.sources.append(p)
            items[p.id] = providerItems
            stored[p.id] = documents
            var c = committee
            c.id = "committee-\(index)"
            c.name = "Committee \(index)"
            configuration.sources.append(c)
            items[c.id] = committeeItems
            for id in [p.id, c.id] {
                states[id] = SourceState(sourceID: id, lastCheckAt: Date(), lastSuccessAt: Date(), itemCount: 10)
            }
        }
        let many = (0..<60).map { alerts[$0 % alerts.count] }
        let snapshot = SiteSnapshot(alerts: many, states: states, items: items, documents: stored)
        let builder = SiteBuilder(channelID: "site", directory: built.site.path, title: "Fifty sources", baseURL: nil,
                                  configuration: configuration)
        let clock = ContinuousClock()
        var files: [String: [UInt8]] = [:]
        let elapsed = clock.measure { files = builder.files(snapshot, now: Date()) }
        let total = files.values.reduce(0) { $0 + $1.count }
        let pages = files.filter { $0.key.hasPrefix("pages/") }
        let providers = pages.filter { $0.key.hasPrefix("pages/ofsted-") }.values.map(\.count)
        let committees = pages.filter { $0.key.hasPrefix("pages/committee-") }.values.map(\.count)
        print("site for 50 sources: \(files.count) files, \(total) bytes; index \(files["index.html"]?.count ?? 0), feed.xml \(files["feed.xml"]?.count ?? 0), "
              + "provider page \(providers.first ?? 0), committee page \(committees.first ?? 0) bytes; built in \(elapsed)")
        #expect(files.count == 53)  // index, style, feed and 50 pages
        #expect(total < 3_000_000)
        #expect((files["index.html"]?.count ?? 0) < 200_000)
    }

    @Test func aBaselinePassWritesTheSiteWithoutAlertsAndAnUnchangedPassLeavesItAlone() async throws {
        let site = try Fixtures.temporaryDirectory().appendingPathComponent("site")
        let harness = try Harness(
            sources: """
                  - id: ofsted-harrow
                    name: Ofsted reports for Harrow children's services
                    kind: ofsted-provider
                    url: {{base}}/provider/44/80499
                    council: Harrow
                """,
            channels: """
                  - id: site
                    kind: site
                    path: \(site.path)
                    title: Harrow
                """)
        harness.server.set("/v1/file/\(harrow2020.id)", response: .ok(bytes: Array(try Fixtures.data("ofsted/\(harrow2020.file)")), contentType: "application/pdf"))
        harness.server.set("/provider/44/80499", body: providerPage(base: harness.server.baseURL, reports: [report2020]))
        await harness.check()
        let index = site.appendingPathComponent("index.html")
        let page = try String(contentsOf: site.appendingPathComponent("pages/ofsted-harrow.html"), encoding: .utf8)
        #expect(try String(contentsOf: index, encoding: .utf8).contains("<p>No alerts yet.</p>"))
        #expect(page.contains("class=\"grade\">Good</text>"))
        #expect(page.contains("10–14 February 2020"))
        #expect(page.contains("<h2 id=\"latest\">Latest report</h2>"))
        // Nothing new: the files are not replaced (a replaced file is a new inode).
        let inode = try FileManager.default.attributesOfItem(atPath: index.path)[.systemFileNumber] as? Int
        await harness.check()
        #expect(try FileManager.default.attributesOfItem(atPath: index.path)[.systemFileNumber] as? Int == inode)
    }

    @Test func theSiteCommandWritesTheSiteFromTheStoreAndSaysWhenThereIsNoSiteChannel() async throws {
        let built = try await BuiltSite.make()
        try FileManager.default.removeItem(at: built.site)
        let result = try ReportWatchBinary.run(["site", "--config", built.harness.configFile])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("site: wrote "))
        let index = try built.page("index.html")
        #expect(index.contains("Ofsted: new children&#39;s services inspection report for Harrow — Inadequate"))
        #expect(try built.page("pages/ofsted-harrow.html").contains("class=\"grade\">Inadequate</text>"))

        let plain = try Fixtures.temporaryDirectory().appendingPathComponent("plain.yaml")
        try """
            state_directory: \(plain.deletingLastPathComponent().path)/state
            contact: tests@example.org
            sources:
              - id: a
                kind: feed
                url: http://127.0.0.1:9/feed
            channels:
              - id: log
                kind: jsonl
                path: \(plain.deletingLastPathComponent().path)/alerts.jsonl
            """.write(to: plain, atomically: true, encoding: .utf8)
        let none = try ReportWatchBinary.run(["site", "--config", plain.path])
        #expect(none.status == 1)
        #expect(none.stderr.contains("has no channel of kind site"))
    }

    @Test func anAtomChannelInsideTheSiteIsTheFeedThePagesLink() async throws {
        let folder = try Fixtures.temporaryDirectory()
        let file = folder.appendingPathComponent("reportwatch.yaml")
        try """
            state_directory: \(folder.path)/state
            contact: tests@example.org
            sources:
              - id: a
                kind: feed
                url: http://127.0.0.1:9/feed
            channels:
              - id: feed
                kind: atom
                path: \(folder.path)/site/alerts.atom
              - id: site
                kind: site
                path: \(folder.path)/site/
                base_url: https://example.org/watch
            """.write(to: file, atomically: true, encoding: .utf8)
        let configuration = try Configuration.load(file: file.path)
        let answers = try SiteWriting.writeAll(configuration: configuration)
        #expect(answers.count == 1)
        let index = try String(contentsOf: folder.appendingPathComponent("site/index.html"), encoding: .utf8)
        #expect(index.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"reportwatch (Atom)\" href=\"alerts.atom\">"))
        #expect(index.contains("<link rel=\"canonical\" href=\"https://example.org/watch/\">"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("site/feed.xml").path))
    }

    @Test func aLetterIsOnTheTimelineWithoutGradesAndWithItsMainConclusions() async throws {
        // Dorset's real focused-visit letter, served as if on Harrow's page between its two inspections.
        let site = try Fixtures.temporaryDirectory().appendingPathComponent("site")
        let harness = try Harness(
            sources: """
                  - id: ofsted-harrow
                    name: Ofsted reports for Harrow children's services
                    kind: ofsted-provider
                    url: {{base}}/provider/44/80499
                    council: Harrow
                """,
            channels: """
                  - id: site
                    kind: site
                    path: \(site.path)
                """)
        let letter = (id: "90000002", datetime: "2023-05-18", text: "18 May 2023", published: "22 June 2023")
        harness.server.set("/v1/file/\(harrow2020.id)", response: .ok(bytes: Array(try Fixtures.data("ofsted/\(harrow2020.file)")), contentType: "application/pdf"))
        harness.server.set("/v1/file/\(harrow2025.id)", response: .ok(bytes: Array(try Fixtures.data("ofsted/\(harrow2025.file)")), contentType: "application/pdf"))
        harness.server.set("/v1/file/\(letter.id)", response: .ok(bytes: Array(try Fixtures.data("ofsted/letters/dorset_focused-visit_2023-06-22_urn2532283.pdf")), contentType: "application/pdf"))
        harness.server.set("/provider/44/80499", body: providerPage(base: harness.server.baseURL, reports: [report2025, letter, report2020],
                                                                     types: [letter.id: "Focused visit"]))
        let results = await harness.check()
        try #require(results.count == 1, "\(results)")
        guard case .baseline = results[0].outcome else {
            Issue.record("expected a baseline: \(results[0].outcome)")
            return
        }
        let page = try String(contentsOf: site.appendingPathComponent("pages/ofsted-harrow.html"), encoding: .utf8)
        let documents = try harness.runtime.store.read { try $0.documents("ofsted-harrow") }
        let conclusions = try #require(documents[letter.id]?.findings?.mainConclusions, "\(documents.mapValues { $0.error ?? "read" })")
        #expect(!conclusions.isEmpty)
        // Three columns, newest first; the letter's says it has no grades, in words.
        #expect(page.contains(">March 2025</text>") && page.contains(">June 2023</text>") && page.contains(">March 2020</text>"))
        #expect(page.contains("class=\"nograde\">Letter: no grades</text>"))
        #expect(page.contains(">Focused visit</text>"))
        #expect(page.contains("No grades. Main conclusions:<ul><li>\(TextEscaping.html(TextEscaping.oneLine(conclusions[0])))</li>"))
        // The latest report shown in full is still the 2025 inspection, against 2020's grades.
        #expect(page.contains("<th scope=\"col\">Previous report (March 2020)</th>"))
    }

    @Test func anEmptyStoreGivesValidPagesThatSaySoPlainly() async throws {
        let folder = try Fixtures.temporaryDirectory()
        let file = folder.appendingPathComponent("reportwatch.yaml")
        try """
            state_directory: \(folder.path)/state
            contact: tests@example.org
            sources:
              - id: ofsted-x
                kind: ofsted-provider
                url: http://127.0.0.1:9/provider/44/1
              - id: committee-x
                kind: moderngov-committee
                url: http://127.0.0.1:9/ieListMeetings.aspx?CommitteeId=1
            channels:
              - id: site
                kind: site
                path: \(folder.path)/site
            """.write(to: file, atomically: true, encoding: .utf8)
        _ = try SiteWriting.writeAll(configuration: try Configuration.load(file: file.path))
        let site = folder.appendingPathComponent("site")
        let paths = ["index.html", "pages/ofsted-x.html", "pages/committee-x.html"].map { site.appendingPathComponent($0).path }
        let strict = try python("""
            import sys, html5lib
            for path in sys.argv[1:]:
                html5lib.HTMLParser(strict=True).parse(open(path, 'rb').read())
                print('ok')
            """, paths)
        #expect(strict == "ok\nok\nok\n")
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8).contains("<td class=\"health-new\">Not checked yet</td>"))
        #expect(try String(contentsOfFile: paths[1], encoding: .utf8).contains("No reports stored yet"))
        #expect(try String(contentsOfFile: paths[2], encoding: .utf8).contains("No meetings in the window yet."))
    }
}
