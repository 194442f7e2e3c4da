import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore

/// Makes the site's files from a ``SiteSnapshot``: `index.html` (the latest alerts by day, then
/// every source's health), one page per `ofsted-provider` and `moderngov-committee` source under
/// `pages/`, `style.css`, and `feed.xml` unless an Atom channel already writes its feed into the
/// site. Plain HTML5 without scripts; every text from a page or a report is escaped with
/// ``TextEscaping/html(_:)``, and only http(s) links become links.
struct SiteBuilder: Sendable {
    let channelID: String
    let directory: String
    let title: String
    let baseURL: String?
    let configuration: Configuration

    static let pagesFolder = "pages"

    static func hasPage(_ source: SourceConfiguration) -> Bool {
        source.kindName == "ofsted-provider" || source.kindName == "moderngov-committee"
    }

    var timeZone: TimeZone {
        TimeZone(identifier: configuration.timezone) ?? TimeZone(secondsFromGMT: 0) ?? .gmt
    }

    var deliveryContext: DeliveryContext {
        DeliveryContext(
            sourceNames: Dictionary(configuration.sources.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first }),
            timeZone: timeZone)
    }

    /// A page's file name: the source id where it is safe in a path (ids are `[A-Za-z0-9._-]`),
    /// else a hash of it.
    static func pageName(_ sourceID: String) -> String {
        let safe = !sourceID.isEmpty && !sourceID.hasPrefix(".")
            && sourceID.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
        return (safe ? sourceID : "source-" + StableUUID.make(from: sourceID)) + ".html"
    }

    /// The feed the pages link to, relative to the site's folder, and whether the site writes it.
    var feed: (path: String, writtenBySite: Bool) {
        let root = Self.absolute(directory)
        for channel in configuration.channels {
            guard let atom = channel.settings as? AtomSettings else { continue }
            let file = Self.absolute(atom.path)
            if file.hasPrefix(root + "/") { return (String(file.dropFirst(root.count + 1)), false) }
        }
        return ("feed.xml", true)
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    // MARK: Files

    func files(_ snapshot: SiteSnapshot, now: Date) -> [String: [UInt8]] {
        var files: [String: String] = [:]
        let feed = self.feed
        files["style.css"] = SiteStyle.css
        files["index.html"] = indexPage(snapshot, now: now, feed: feed.path)
        for source in configuration.sources where Self.hasPage(source) {
            let body: String
            if source.kindName == "ofsted-provider" {
                body = SiteProviderPage(source: source, items: snapshot.items[source.id] ?? [:],
                                        documents: snapshot.documents[source.id] ?? [:]).html
            } else {
                body = SiteCommitteePage(source: source, items: snapshot.items[source.id] ?? [:], now: now,
                                         timeZone: timeZone).html
            }
            let state = Self.healthText(snapshot.states[source.id], failingSince: snapshot.failingSince[source.id], timeZone: timeZone)
            let intro = "<p class=\"meta\">Watching <a href=\"\(e(TextEscaping.safeLink(source.url) ?? ""))\">\(e(source.url))</a>. "
                + "Health: \(e(state.text)).</p>\n"
            files["\(Self.pagesFolder)/\(Self.pageName(source.id))"] = document(
                title: source.name, heading: source.name, body: intro + body, prefix: "../", feed: feed.path,
                canonical: "\(Self.pagesFolder)/\(Self.pageName(source.id))", now: now)
        }
        if feed.writtenBySite {
            let entries = snapshot.alerts.map { AtomFeed.Entry(alert: $0, context: deliveryContext) }
            files["feed.xml"] = AtomFeed(id: "urn:uuid:" + StableUUID.make(from: "site\u{0}\(channelID)"), title: title, entries: entries).xml
        }
        return files.mapValues { Array($0.utf8) }
    }

    private func e(_ text: String) -> String { TextEscaping.html(text) }

    /// A whole page: `prefix` leads from the page's folder to the site's root.
    func document(title pageTitle: String, heading: String, body: String, prefix: String, feed: String, canonical: String,
                  now: Date) -> String {
        let fullTitle = pageTitle == title ? title : "\(pageTitle) — \(title)"
        var head = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(TextEscaping.oneLine(fullTitle)))</title>
            <link rel="stylesheet" href="\(prefix)style.css">
            <link rel="alternate" type="application/atom+xml" title="\(e(TextEscaping.oneLine(title))) (Atom)" href="\(e(prefix + feed))">

            """
        if let baseURL {
            let root = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
            head += "<link rel=\"canonical\" href=\"\(e(root + (canonical == "index.html" ? "" : canonical)))\">\n"
        }
        return head + """
            </head>
            <body>
            <header><p class="site"><a href="\(prefix)index.html">\(e(TextEscaping.oneLine(title)))</a></p></header>
            <main>
            <h1>\(e(TextEscaping.oneLine(heading)))</h1>
            \(body)
            </main>
            <footer><p>Written by reportwatch on \(e(Self.dateTime(now, in: timeZone))) from what it had stored.
            <a href="\(e(prefix + feed))">Atom feed</a></p></footer>
            </body>
            </html>

            """
    }

    // MARK: Index

    func indexPage(_ snapshot: SiteSnapshot, now: Date, feed: String) -> String {
        var body = "<section aria-labelledby=\"alerts\">\n<h2 id=\"alerts\">Latest alerts</h2>\n"
        if snapshot.alerts.isEmpty {
            body += "<p>No alerts yet.</p>\n"
        }
        var day: String?
        for alert in snapshot.alerts {
            let dayText = Self.day(alert.detectedAt, in: timeZone)
            if dayText != day {
                if day != nil { body += "</ul>\n" }
                body += "<h3>\(e(dayText))</h3>\n<ul class=\"alerts\">\n"
                day = dayText
            }
            body += alertEntry(alert)
        }
        if day != nil { body += "</ul>\n" }
        body += "</section>\n"
        body += healthTable(snapshot)
        return document(title: title, heading: title, body: body, prefix: "", feed: feed, canonical: "index.html", now: now)
    }

    func alertEntry(_ alert: Alert) -> String {
        let text = AlertText(alert, context: deliveryContext)
        let source = configuration.source(alert.source)
        let titleHTML = text.link.map { "<a href=\"\(e($0))\">\(e(text.title))</a>" } ?? e(text.title)
        var sourceHTML = e(text.sourceName)
        if let source, Self.hasPage(source) {
            sourceHTML = "<a href=\"\(Self.pagesFolder)/\(e(Self.pageName(source.id)))\">\(sourceHTML)</a>"
        }
        var out = "<li class=\"alert event-\(e(alert.event.rawValue))\"><article>\n<h4>\(titleHTML)</h4>\n"
        out += "<p class=\"meta\">\(sourceHTML) · \(e(Self.time(alert.detectedAt, in: timeZone))) · \(e(Self.eventWords(alert.event)))</p>\n"
        // The findings' headline, or the alert's own account (the matching sentences).
        if let view = text.findingsView {
            out += "<blockquote><p>\(e(view.headline))</p></blockquote>\n"
        } else if let summary = text.summary {
            out += "<blockquote><p>\(e(TextEscaping.truncate(summary, to: 1200)).replacingOccurrences(of: "\n", with: "<br>\n"))</p></blockquote>\n"
        }
        if !text.changes.isEmpty {
            out += "<ul class=\"changes\">" + text.changes.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        return out + "</article></li>\n"
    }

    func healthTable(_ snapshot: SiteSnapshot) -> String {
        var out = """
            <section aria-labelledby="sources">
            <h2 id="sources">Sources</h2>
            <table class="health">
            <thead><tr><th scope="col">Source</th><th scope="col">Health</th><th scope="col">Last check</th><th scope="col">Last success</th></tr></thead>
            <tbody>

            """
        for source in configuration.sources {
            let state = snapshot.states[source.id]
            let health = Self.healthText(state, failingSince: snapshot.failingSince[source.id], timeZone: timeZone)
            let name = Self.hasPage(source)
                ? "<a href=\"\(Self.pagesFolder)/\(e(Self.pageName(source.id)))\">\(e(source.name))</a>"
                : (TextEscaping.safeLink(source.url).map { "<a href=\"\(e($0))\">\(e(source.name))</a>" } ?? e(source.name))
            out += "<tr><th scope=\"row\">\(name)</th><td class=\"health-\(health.level)\">\(e(health.text))</td>"
                + "<td>\(e(state?.lastCheckAt.map { Self.dateTime($0, in: timeZone) } ?? "not yet"))</td>"
                + "<td>\(e(state?.lastSuccessAt.map { Self.dateTime($0, in: timeZone) } ?? "never"))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    /// The health in words, and a class: `ok`, `degraded`, `failing`, `structure` or `new`.
    static func healthText(_ state: SourceState?, failingSince: Date?, timeZone: TimeZone) -> (text: String, level: String) {
        guard let state, state.lastCheckAt != nil else { return ("Not checked yet", "new") }
        let error = state.lastError.map { ": " + TextEscaping.truncate(TextEscaping.oneLine($0), to: 200) } ?? ""
        let failures = state.consecutiveFailures == 1 ? "1 failed check" : "\(state.consecutiveFailures) failed checks in a row"
        switch state.health {
        case .failing:
            let since = failingSince.map { " since \(dateTime($0, in: timeZone))" } ?? ""
            return ("Failing\(since) (\(failures))\(error)", "failing")
        case .structureChanged:
            return ("Structure changed\(error)", "structure")
        case .ok:
            if state.consecutiveFailures > 0 { return ("Degraded (\(failures))\(error)", "degraded") }
            return ("OK", "ok")
        }
    }

    static func eventWords(_ event: AlertEvent) -> String {
        switch event {
        case .added: "new"
        case .changed: "changed"
        case .removed: "removed"
        case .sourceFailing: "source failing"
        case .sourceRecovered: "source recovered"
        case .structureChanged: "page structure changed"
        case .deliveryFailed: "delivery failed"
        }
    }

    // MARK: Dates, as people write them

    static func formatted(_ date: Date, _ format: String, in timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = timeZone
        formatter.dateFormat = format
        return formatter.string(from: date)
    }

    /// "4 March 2025"
    static func day(_ date: Date, in timeZone: TimeZone) -> String { formatted(date, "d MMMM yyyy", in: timeZone) }

    /// "09:14"
    static func time(_ date: Date, in timeZone: TimeZone) -> String { formatted(date, "HH:mm", in: timeZone) }

    /// "4 March 2025, 09:14"
    static func dateTime(_ date: Date, in timeZone: TimeZone) -> String { formatted(date, "d MMMM yyyy, HH:mm", in: timeZone) }
}
