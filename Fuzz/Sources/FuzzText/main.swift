import Foundation
import FuzzSupport
import Glibc
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchExtract

// Page text on its way to people: the sanitiser every page text passes (Text.normalise), the
// escapers of each place it goes (HTML, XML, Slack, Discord, Teams, terminals, log lines) and
// the Atom feed built from it, which must stay well-formed XML.

func isControlOrBidi(_ scalar: Unicode.Scalar) -> Bool {
    ControlCharacters.isControl(scalar) || ControlCharacters.isBidiControl(scalar)
}

/// Every `&` starts one of `entities` and no scalar of `forbidden` appears, compared by scalars.
func entitiesOnly(_ output: String, forbidden: Set<Unicode.Scalar>, entities: [String]) -> Bool {
    let scalars = Array(output.unicodeScalars)
    for (index, scalar) in scalars.enumerated() {
        if forbidden.contains(scalar) { return false }
        if scalar == "&", !entities.contains(where: { scalars[(index + 1)...].starts(with: $0.unicodeScalars) }) { return false }
    }
    return true
}

/// Every scalar of `specials` comes right after an escaping backslash.
func backslashed(_ output: String, _ specials: Set<Unicode.Scalar>) -> Bool {
    var escaped = false
    for scalar in output.unicodeScalars {
        if escaped { escaped = false; continue }
        if scalar == "\\" { escaped = true; continue }
        if specials.contains(scalar) { return false }
    }
    return true
}

let context = DeliveryContext(sourceNames: ["fuzz": "Fuzz source"])
let detected = Date(timeIntervalSince1970: 1_795_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    let normalised = Text.normalise(text)
    precondition(!normalised.unicodeScalars.contains(where: isControlOrBidi), "a control or bidi character survived Text")
    precondition(Text.normalise(normalised) == normalised, "Text.normalise is not idempotent")
    precondition(!normalised.hasPrefix(" ") && !normalised.hasSuffix(" ") && !normalised.contains("  "), "unfolded spaces")

    for output in [TextEscaping.html(text), TextEscaping.xml(text)] {
        precondition(entitiesOnly(output, forbidden: ["<", ">", "\"", "'"], entities: ["amp;", "lt;", "gt;", "quot;", "#39;"]),
                     "html/xml left markup unescaped")
    }
    precondition(entitiesOnly(WebhookPayloads.slackEscape(text), forbidden: ["<", ">"], entities: ["amp;", "lt;", "gt;"]),
                 "Slack text can ping")
    let discord = WebhookPayloads.discordEscape(text)
    precondition(backslashed(discord, ["*", "_", "~", "`", "|", ">", "<", "#", "-", "[", "]", "(", ")", ":"]), "Discord markdown")
    let discordScalars = Array(discord.unicodeScalars)
    for (index, scalar) in discordScalars.enumerated() where scalar == "@" {
        precondition(index + 1 < discordScalars.count && discordScalars[index + 1] == "\u{200B}", "Discord mention")
    }
    precondition(entitiesOnly(WebhookPayloads.teamsEscape(text), forbidden: ["<", ">"], entities: ["amp;", "lt;", "gt;"]),
                 "Teams markup")

    let oneLine = TextEscaping.oneLine(text)
    precondition(!oneLine.unicodeScalars.contains { isControlOrBidi($0) || $0 == "\u{2028}" || $0 == "\u{2029}" }, "oneLine")
    let terminal = ControlCharacters.escapedForTerminal(text)
    precondition(!terminal.unicodeScalars.contains { isControlOrBidi($0) && $0 != "\n" && $0 != "\t" }, "terminal escape")

    // JSON for a terminal means what the encoder's JSON meant.
    if let json = try? JSONEncoder().encode([text]) {
        let escaped = ControlCharacters.escapedJSONForTerminal(String(decoding: json, as: UTF8.self))
        precondition(!escaped.unicodeScalars.contains(where: isControlOrBidi), "raw control in terminal JSON")
        let decoded = try? JSONDecoder().decode([String].self, from: Data(escaped.utf8))
        precondition(decoded.map { Array($0[0].unicodeScalars) } == Array(text.unicodeScalars), "terminal JSON changed meaning")
    }

    // The Atom feed with this text as title, summary and link stays well-formed.
    let alert = Alert(id: "00000000-0000-4000-8000-000000000000", source: "fuzz", event: .added, title: text,
                      url: text, detectedAt: detected, key: "k", summary: text)
    let feed = AtomFeed(id: "urn:uuid:00000000-0000-4000-8000-000000000001", title: text,
                        entries: [AtomFeed.Entry(alert: alert, context: context)])
    do {
        _ = try XMLDocument(bytes: Array(feed.xml.utf8), url: "file:///fuzz.xml")
    } catch {
        preconditionFailure("the Atom feed is not well-formed: \(error)")
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
