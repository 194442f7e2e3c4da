import Foundation
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchTestSupport
import Testing

/// A special character followed by a combining mark is another Swift `Character` ("<" + U+0338
/// is "≮"), yet a parser reads the "<" on its own: escapers work on scalars.
@Suite("Escapers see every scalar, combining marks or not")
struct EscapingTests {
    static let hostile = [
        "a <\u{338}script>x</\u{338}script> b", "&\u{301}amp", "\"\u{301} onmouseover=x \"\u{301}", "'\u{301}",
        ">\u{338}", "<\u{20D2}!channel>\u{20D2}", "@\u{301}everyone", "*\u{301}bold*\u{301} _\u{301}x_ [\u{301}l](\u{301}u)",
        "\\\u{301}", "#\u{301} -\u{301}", "<\u{338}", "&\u{338}#60;",
    ]

    /// Every `&` in the output starts one of `entities`, and none of `forbidden` appears.
    func entitiesOnly(_ output: String, forbidden: Set<Unicode.Scalar>, entities: [String]) -> Bool {
        let scalars = Array(output.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if forbidden.contains(scalar) { return false }
            // Compared by scalars too: String's hasPrefix compares Characters, and ";" followed
            // by a combining mark is not the Character ";".
            if scalar == "&" {
                let rest = scalars[(index + 1)...]
                if !entities.contains(where: { rest.starts(with: $0.unicodeScalars) }) { return false }
            }
        }
        return true
    }

    /// Every scalar of `specials` in the output comes right after a backslash.
    func backslashed(_ output: String, _ specials: Set<Unicode.Scalar>) -> Bool {
        var escaped = false
        for scalar in output.unicodeScalars {
            if escaped { escaped = false; continue }
            if scalar == "\\" { escaped = true; continue }
            if specials.contains(scalar) { return false }
        }
        return true
    }

    @Test(arguments: hostile)
    func htmlAndXML(_ text: String) {
        for output in [TextEscaping.html(text), TextEscaping.xml(text)] {
            #expect(entitiesOnly(output, forbidden: ["<", ">", "\"", "'"], entities: ["amp;", "lt;", "gt;", "quot;", "#39;"]),
                    "\(output.debugDescription)")
        }
    }

    @Test(arguments: hostile)
    func slack(_ text: String) {
        let output = WebhookPayloads.slackEscape(text)
        #expect(entitiesOnly(output, forbidden: ["<", ">"], entities: ["amp;", "lt;", "gt;"]), "\(output.debugDescription)")
    }

    @Test(arguments: hostile)
    func discord(_ text: String) {
        let output = WebhookPayloads.discordEscape(text)
        #expect(backslashed(output, ["*", "_", "~", "`", "|", ">", "<", "#", "-", "[", "]", "(", ")", ":"]), "\(output.debugDescription)")
        let scalars = Array(output.unicodeScalars)
        for (index, scalar) in scalars.enumerated() where scalar == "@" {
            #expect(index + 1 < scalars.count && scalars[index + 1] == "\u{200B}", "\(output.debugDescription)")
        }
    }

    @Test(arguments: hostile)
    func teams(_ text: String) {
        let output = WebhookPayloads.teamsEscape(text)
        #expect(entitiesOnly(output, forbidden: ["<", ">"], entities: ["amp;", "lt;", "gt;"]), "\(output.debugDescription)")
        // The entities' own characters are not markdown: dropped (by scalars) before that check.
        var withoutEntities = String.UnicodeScalarView()
        var scalars = output.unicodeScalars[...]
        while let scalar = scalars.first {
            if let entity = ["&amp;", "&lt;", "&gt;"].first(where: { scalars.starts(with: $0.unicodeScalars) }) {
                scalars = scalars.dropFirst(entity.unicodeScalars.count)
            } else {
                withoutEntities.append(scalar)
                scalars = scalars.dropFirst()
            }
        }
        #expect(backslashed(String(withoutEntities), ["*", "_", "~", "`", "[", "]", "(", ")", "#", "-", "+", "!", "|"]), "\(output.debugDescription)")
    }

    /// The feed stays well-formed XML for a strict parser (Python's expat) with those titles.
    @Test func theAtomFeedStaysWellFormed() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let feedPath = directory.appendingPathComponent("alerts.xml").path
        let atom = AtomChannel(id: "feed", path: feedPath, maxEntries: 20, statePath: directory.appendingPathComponent("atom.json").path)
        var alert = HostileAlerts.headerInjection()
        alert.title = Self.hostile.joined(separator: " ")
        alert.summary = Self.hostile.joined(separator: "\n")
        alert.url = "https://example.org/a?b=1&\u{301}c=\"\u{301}"
        _ = try await atom.deliver(alert, context: DeliveryContext(sourceNames: HostileAlerts.sourceNames))
        let output = try Python.run("""
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            ns = {"a": "http://www.w3.org/2005/Atom"}
            print(root.find("a:entry/a:title", ns).text)
            """, arguments: [feedPath])
        #expect(output.contains("a <\u{338}script>x</\u{338}script> b"), "\(output)")
    }
}
