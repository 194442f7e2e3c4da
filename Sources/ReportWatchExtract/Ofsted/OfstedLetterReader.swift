import Foundation
import ReportWatchCore

/// Reads Ofsted's ungraded letters (monitoring visits, focused visits, joint targeted area
/// inspections) by their parts. A letter never has a grade.
///
/// A letter is recognised by its title ("Focused visit to Wakefield Council children's
/// services", "Monitoring visit to …", "Joint targeted area inspection of …") near a salutation
/// or a "This letter …" sentence; graded reports and single inspection framework reports have
/// neither. The parts are found by their headings ("Headline findings", "Overview", "Areas for
/// priority action", "What needs to improve …", "Areas for improvement"), whatever bullets the
/// lists carry, or none.
public enum OfstedLetterReader {
    /// The findings of a letter, or nil when the text is not a letter (a graded report).
    public static func read(text: String) -> ReportFindings? {
        let document = LayoutDocument(text: text)
        let body = document.body
        guard let found = findLetterTitle(body) else { return nil }

        var findings = ReportFindings(framework: .ungraded)
        var warnings: [String] = []
        findings.letterType = found.type
        findings.title = found.title

        let sections = LetterSections(body: body, from: found.endIndex)

        // Council, partnership, theme.
        let partnership = readPartnership(body, before: found.startIndex)
        findings.partnership = found.type == .jtai ? partnership : nil
        var council = found.title.flatMap { councilFromTitle($0, type: found.type) }
        if found.type == .jtai, let title = found.title, let theme = jtaiTheme(title) {
            findings.focus = theme
        }
        let introText = collapseWhitespace(sections.intro.map(\.trimmed).joined(separator: " "))
        if council == nil, found.type == .jtai, let partnership { council = councilFromPartnership(partnership) }
        if council == nil { council = councilFromSentence(introText) }
        findings.localAuthority = council
        if council == nil { warnings.append("The council's name was not found in the letter.") }

        // Visit dates.
        let dateText = introText.isEmpty ? document.bodyText(maxCharacters: 6000) : introText
        if let range = readLetterDates(dateText) ?? readLetterDates(document.bodyText(maxCharacters: 6000)) {
            findings.inspectionStart = range.start
            findings.inspectionEnd = range.end
            findings.inspectionDatesText = CalendarDay.rangeText(start: range.start, end: range.end)
        } else {
            warnings.append("The visit dates were not found in the letter.")
        }

        // Focus.
        let introSentences = paragraphTexts(sections.intro).flatMap(sentences(of:))
        if findings.focus == nil, found.type == .jtai {
            findings.focus = jtaiTheme(introText) ?? introSentences.first(where: isFocusSentence)
        }
        if findings.focus == nil {
            let covered = sections.first(where: isAreasCoveredHeading).map { paragraphTexts($0.lines) } ?? []
            findings.focus = (introSentences + covered.flatMap(sentences(of:))).first(where: isFocusSentence)
                ?? covered.first
            // "Inspectors reviewed the progress made in the following areas:" and a list.
            if let focus = findings.focus, focus.hasSuffix(":"),
               let section = sections.first(where: isAreasCoveredHeading) {
                let areas = listPoints(section.lines).filter { $0 != focus && !$0.hasSuffix(":") }
                if !areas.isEmpty { findings.focus = focus + " " + areas.map(OfstedLetterHeadline.trimmedEnd).joined(separator: "; ") + "." }
            }
        }

        // Headline findings.
        var headline: [String] = []
        for name in headlineSectionNames {
            if let section = sections.first(where: { normalisedHeading($0.heading) == name }) {
                headline = paragraphTexts(section.lines)
                if !headline.isEmpty { break }
            }
        }
        if headline.isEmpty {
            headline = paragraphTexts(sections.intro).filter { !isMethodParagraph($0) }
                .map { paragraph in
                    sentences(of: paragraph).filter { $0 != findings.focus && !isFocusSentence($0) }.joined(separator: " ")
                }
                .filter { !$0.isEmpty }
        }
        if headline.isEmpty, let section = sections.first(where: { fallbackSectionNames.contains(normalisedHeading($0.heading)) }) {
            headline = Array(paragraphTexts(section.lines).prefix(1))
        }
        findings.mainConclusions = Array(headline.flatMap(sentences(of:)).prefix(60))
        findings.summary = headline.isEmpty ? nil : headline.joined(separator: "\n\n")
        if findings.mainConclusions.isEmpty { warnings.append("No headline findings were found in the letter.") }

        // Areas for priority action and what needs to improve.
        // A letter about several areas can have a list for each.
        findings.areasForPriorityAction = sections.sections.filter { isPriorityHeading($0.heading) }
            .flatMap { listPoints($0.lines) }.filter { !isNoPriorityAction($0) }
        findings.whatNeedsToImprove = sections.sections.filter { isImproveListHeading($0.heading) }
            .flatMap { listPoints($0.lines) }
        // A heading with nothing read under it is said, not passed over.
        if let section = sections.first(where: { isImproveListHeading($0.heading) }), findings.whatNeedsToImprove.isEmpty {
            warnings.append("No point could be read under \"\(section.heading)\".")
        }
        if let section = sections.first(where: { isPriorityHeading($0.heading) }), findings.areasForPriorityAction.isEmpty,
           !listPoints(section.lines).contains(where: isNoPriorityAction) {
            warnings.append("No area for priority action could be read under \"\(section.heading)\".")
        }

        findings.warnings = warnings
        return findings
    }
}

// MARK: - Title

private struct LetterTitle {
    var title: String?
    var type: LetterType
    /// Index in the body of the title's first line, and of the line after it.
    var startIndex: Int
    var endIndex: Int
}

private let titleStarts: [(String, LetterType)] = [
    ("monitoring visit", .monitoringVisit),
    ("focused visit", .focusedVisit),
    ("focussed visit", .focusedVisit),
    ("joint targeted area inspection", .jtai),
    ("joint inspection", .other),
    ("joint area child protection inspection", .other),
    ("assurance visit", .other),
    ("inspection of services for children looked after", .other),
]

private func letterType(ofTitle trimmed: String) -> LetterType? {
    let lower = trimmed.lowercased()
    for (start, type) in titleStarts where lower.hasPrefix(start) {
        let rest = lower.dropFirst(start.count)
        guard rest.first.map({ !$0.isLetter }) ?? true else { continue }
        // A title names what was visited ("… to Wakefield Council …"); prose goes on ("Focused
        // visit findings show …").
        if rest.isEmpty || rest.hasPrefix(" to ") || rest.hasPrefix(" of ") || rest.hasPrefix(" in ")
            || rest.hasPrefix(" on ") || rest.hasPrefix(":") || rest.hasPrefix(" –") || rest.hasPrefix(" -")
        {
            return type
        }
    }
    return nil
}

private func isSalutation(_ trimmed: String) -> Bool {
    trimmed.hasPrefix("Dear ") && trimmed.count <= 120
}

private func isGradeTableHeader(_ trimmed: String) -> Bool {
    let words = trimmed.lowercased().split(whereSeparator: \.isWhitespace)
    return words.count == 2 && words[0].hasPrefix("judgement") && words[1].hasPrefix("grade")
}

private func findLetterTitle(_ body: [BodyLine]) -> LetterTitle? {
    // The title is on the first page or two (a JTAI's list of addressees can be long).
    let firstPage = body.first(where: { !$0.isBlank })?.page ?? 0
    let limit = body.firstIndex(where: { $0.page > firstPage + 1 }) ?? body.count
    var salutation: Int?
    for index in 0..<limit {
        let line = body[index]
        if line.isBlank { continue }
        if isGradeTableHeader(line.trimmed) { return nil }
        if salutation == nil, isSalutation(line.trimmed) { salutation = index }
        guard line.trimmed.count <= 200, let type = letterType(ofTitle: line.trimmed) else { continue }
        // Lines that carry on the title: "Joint targeted area inspection of the multi-agency
        // response to sexual" / "abuse in the family in Bracknell Forest".
        var parts = [line.trimmed]
        var end = index + 1
        while end < body.count, parts.count < 3, !body[end].isBlank {
            let next = body[end].trimmed
            let joined = joinLines(parts)
            if endsSentence(joined) || endsSentence(next) || next.count > 90 || isLetterHeading(next)
                || startsWithWords(next, anyOf: ["this", "between", "from", "on", "her majesty's", "his majesty's", "ofsted", "dear"])
                || next.contains(/\b(?:19|20)\d\d\b/)
            {
                break
            }
            if next.first?.isLowercase != true, joined.lowercased().hasSuffix("services") { break }
            parts.append(next)
            end += 1
        }
        let title = joinLines(parts)
        guard !endsSentence(title) else { continue }
        let lettered = salutation != nil || followingText(body, from: end, lines: 40).contains("this letter")
        guard lettered else { continue }
        return LetterTitle(title: title, type: type, startIndex: index, endIndex: end)
    }
    // No title line: a salutation followed by "This letter summarises the findings of a
    // monitoring visit …".
    if let salutation {
        let text = followingText(body, from: salutation + 1, lines: 25)
        guard let sentence = text.firstMatch(of: /this letter (?:summarises|sets out|outlines)[^.]*/) else { return nil }
        let words = String(sentence.0)
        let type: LetterType = words.contains("monitoring visit") ? .monitoringVisit
            : words.contains("focused visit") ? .focusedVisit
            : words.contains("joint targeted area inspection") ? .jtai : .other
        return LetterTitle(title: nil, type: type, startIndex: salutation, endIndex: salutation + 1)
    }
    return nil
}

private func followingText(_ body: [BodyLine], from start: Int, lines: Int) -> String {
    guard start < body.count else { return "" }
    return collapseWhitespace(body[start..<min(body.count, start + lines)].map(\.trimmed).joined(separator: " ")).lowercased()
}

private func endsSentence(_ text: String) -> Bool {
    guard let last = text.last else { return false }
    return ".!?;".contains(last)
}

// MARK: - Council, partnership, theme

/// "Wakefield Council" → "Wakefield", "the London Borough of Croydon" → "Croydon", "Slough
/// Borough Council" → "Slough", "City of York Council" → "York".
func cleanCouncilName(_ raw: String) -> String? {
    var name = collapseWhitespace(raw).trimmingCharacters(in: CharacterSet(charactersIn: " ,.:;'\"’"))
    let prefixes = ["the ", "The ", "London Borough of ", "Royal Borough of ", "Metropolitan Borough of ",
                    "Borough of ", "Council of the ", "County of "]
    let suffixes = ["'s", " Children's Services Trust", " Children's Trust", " local authority", " Local Authority", " Metropolitan Borough Council",
                    " Metropolitan District Council", " Borough Council", " City Council", " County Council",
                    " District Council", " Council", " council", " Corporation", " area", " local area"]
    var changed = true
    while changed {
        changed = false
        for prefix in prefixes where name.hasPrefix(prefix) && name.count > prefix.count + 2 {
            name = String(name.dropFirst(prefix.count))
            changed = true
        }
        for suffix in suffixes where name.hasSuffix(suffix) && name.count > suffix.count + 2 {
            name = String(name.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            changed = true
        }
    }
    if name.hasPrefix("City of "), name != "City of London" { name = String(name.dropFirst("City of ".count)) }
    guard name.count >= 2, name.count <= 80, name.first?.isUppercase == true,
          !name.lowercased().hasPrefix("children") else { return nil }
    return name
}

private func councilFromTitle(_ title: String, type: LetterType) -> String? {
    if type == .jtai {
        guard let match = title.firstMatch(of: /(?i)^joint targeted area inspection (?:of|in) (.+)$/) else { return nil }
        let rest = String(match.1)
        if rest.lowercased().contains("response to") || rest.lowercased().hasPrefix("the ") {
            // "… of the multi-agency response to sexual abuse in the family in Bracknell Forest"
            guard let last = rest.ranges(of: " in ").last else { return nil }
            return cleanCouncilName(String(rest[last.upperBound...]))
        }
        return cleanCouncilName(rest)
    }
    if let match = title.firstMatch(of: /(?i)\b(?:visit|inspection) (?:to|of|in|on) (.+?)(?:'s)? (?:local authority )?children(?:'s|s) (?:social care )?services/) {
        return cleanCouncilName(String(match.1))
    }
    if let match = title.firstMatch(of: /(?i)\b(?:visit|inspection) (?:to|of|in|on) (.+)$/) {
        return cleanCouncilName(String(match.1))
    }
    return nil
}

/// "This letter summarises the findings of the focused visit to Dorset children's services …"
private func councilFromSentence(_ text: String) -> String? {
    guard let match = text.firstMatch(of: /(?i)\b(?:visit|inspection)s? (?:to|of|in) (.{2,80}?)(?:'s)? (?:local authority )?children(?:'s|s) (?:social care )?services/) else { return nil }
    return cleanCouncilName(String(match.1))
}

/// "Dear Norfolk Safeguarding Children Partnership" → "Norfolk Safeguarding Children Partnership".
private func readPartnership(_ body: [BodyLine], before index: Int) -> String? {
    for line in body[..<min(index, body.count)] where isSalutation(line.trimmed) {
        let name = String(line.trimmed.dropFirst("Dear ".count)).trimmingCharacters(in: CharacterSet(charactersIn: " ,:"))
        let lower = name.lowercased()
        guard lower.contains("partnership") || lower.contains("board") || lower.contains("safeguarding"),
              !["local partnership", "partnership", "partners", "local partners"].contains(lower),
              name.first?.isUppercase == true else { continue }
        return name
    }
    return nil
}

private func councilFromPartnership(_ partnership: String) -> String? {
    var name = partnership
    for suffix in ["Local Safeguarding Children Board", "Safeguarding Children Board", "Safeguarding Children Partnership",
                   "Safeguarding Children's Partnership", "Children's Safeguarding Partnership", "Safeguarding Partnership",
                   "Safeguarding Children Partners", "Safeguarding Partners", "Partnership"]
    where name.lowercased().hasSuffix(suffix.lowercased()) {
        name = String(name.dropLast(suffix.count))
        break
    }
    return cleanCouncilName(name)
}

/// "the multi-agency response to sexual abuse in the family", from a title or "… (JTAI) of the
/// multi-agency response to children who are victims of domestic abuse in Norfolk".
private func jtaiTheme(_ text: String) -> String? {
    guard let match = text.firstMatch(of: /(?i)\b(?:inspection|JTAI\)?) of (the (?:multi-agency |joint |partnership )?response to [^.]+)/) else { return nil }
    var theme = String(match.1)
    if let last = theme.ranges(of: " in ").last {
        let place = theme[last.upperBound...]
        let name = place.hasPrefix("the ") ? place.dropFirst(4) : place
        if name.first?.isUppercase == true { theme = String(theme[..<last.lowerBound]) }
    }
    theme = theme.trimmingCharacters(in: CharacterSet(charactersIn: " ,;:"))
    return theme.count >= 10 ? collapseWhitespace(theme) : nil
}

private func isFocusSentence(_ sentence: String) -> Bool {
    let lower = sentence.lowercased()
    guard lower.count <= 600 else { return false }
    if lower.contains("range of evidence") || lower.contains("looked at evidence") { return false }
    if lower.hasPrefix("the focus of this visit was") || lower.hasPrefix("the focus of the visit was") { return true }
    return lower.firstMatch(of: /^(?:during (?:this|the) (?:visit|inspection),? )?(?:the )?(?:inspectors|this (?:monitoring |focused )?visit|the visit|the focus of (?:this|the) (?:visit|inspection)|this inspection)\b[^.]{0,40}?\b(?:looked at|reviewed|focused on|focussed on|considered|evaluated|examined|was on)\b/) != nil
}

private func isMethodParagraph(_ paragraph: String) -> Bool {
    let lower = paragraph.lowercased()
    return ["this letter", "the inspectors were", "inspectors for this visit", "methodology", "carried out a joint",
            "carried out by", "was carried out", "chief inspector", "included an evaluation", "video calls",
            "in line with the inspection of local authority", "this joint targeted area inspection",
            "this inspection included", "inspectors undertook", "section 20 of the children act"]
        .contains { lower.contains($0) }
}

// MARK: - Sections

private let headlineSectionNames = [
    "headline findings", "overview", "summary of findings", "key findings", "overall summary", "overall findings",
    "main conclusions", "conclusions", "summary", "executive summary", "overall",
]
private let fallbackSectionNames = ["main findings", "findings", "findings and evaluation of progress", "evaluation of progress"]

/// Known headings of letters, lower case, footnote markers and final "?" or ":" dropped.
private let knownHeadings: Set<String> = Set(headlineSectionNames + fallbackSectionNames + [
    "areas covered by the visit", "areas covered", "context", "key strengths", "strengths", "multi-agency strengths",
    "next steps", "areas for improvement", "area for improvement", "areas for development", "recommendations",
    "areas for priority action", "area for priority action", "priority actions", "priority action",
    "main findings and evaluation of progress", "findings and evaluation of progress made",
])

private func normalisedHeading(_ text: String) -> String {
    var lower = collapseWhitespace(text).lowercased()
    while let last = lower.last, last.isNumber || "?:. ".contains(last) { lower.removeLast() }
    return lower
}

private func isPriorityHeading(_ text: String) -> Bool {
    let name = normalisedHeading(text)
    return name.count <= 70 && (name.hasPrefix("area for priority action") || name.hasPrefix("areas for priority action")
        || name == "priority action" || name == "priority actions")
}

private func isImproveListHeading(_ text: String) -> Bool {
    let name = normalisedHeading(text)
    guard name.count <= 110 else { return false }
    return name.firstMatch(of: /^(?:what (?:needs|need|does .{1,40}? need|the local authority needs?|the partnership needs?) to (?:do to )?(?:improve|be improved)|what needs improving|areas? for (?:improvement|development)|recommendations)\b/) != nil
}

private func isAreasCoveredHeading(_ section: LetterSection) -> Bool {
    normalisedHeading(section.heading).hasPrefix("areas covered")
}

private func isLetterHeading(_ text: String) -> Bool {
    let name = normalisedHeading(text)
    return knownHeadings.contains(name) || isPriorityHeading(text) || isImproveListHeading(text)
        || name.hasPrefix("practice study") || name.hasPrefix("case study")
}

/// "There are no areas for priority action", "No areas for priority action were identified", "None."
private func isNoPriorityAction(_ text: String) -> Bool {
    let lower = text.lowercased()
    return lower.prefixMatch(of: /(?:there (?:are|were|is|was) )?no (?:areas?|priority actions?)\b/) != nil
        || lower.hasPrefix("none")
}

struct LetterSection {
    var heading: String
    var lines: [BodyLine]
}

/// The letter after its title: the introduction (up to the first heading) and each heading's
/// lines up to the next. The signature ends the last section.
struct LetterSections {
    var intro: [BodyLine] = []
    var sections: [LetterSection] = []

    init(body: [BodyLine], from start: Int) {
        var previous: BodyLine?  // the last non-blank line
        var previousWasHeading = true
        var sawBlank = true
        var index = max(0, start)
        while index < body.count {
            let line = body[index]
            index += 1
            if line.isBlank {
                sawBlank = true
                continue
            }
            let lower = line.trimmed.lowercased()
            if lower.hasPrefix("yours sincerely") || lower.hasPrefix("yours faithfully") { break }
            let atBoundary = sawBlank || previousWasHeading || (previous.map { endsBlock($0.trimmed) } ?? true)
            let nextBlank = index >= body.count || body[index].isBlank
            // In a list, points without a full stop look like headings: only a known heading, or
            // one standing alone, ends it.
            let inList = sections.last.map { isPriorityHeading($0.heading) || isImproveListHeading($0.heading) } ?? false
            let isHeading = atBoundary && line.trimmed.count <= 110 && (
                isLetterHeading(line.trimmed)
                    || (looksLikeHeading(line.trimmed) && itemMarker(line.trimmed) == nil && (inList ? nextBlank : line.indent <= 2 || nextBlank)
                        && line.trimmed.split(separator: " ").count <= 10)
            )
            if isHeading {
                var heading = line.trimmed
                // "What needs to improve in this area of social work" / "practice?"
                if index < body.count, !body[index].isBlank, body[index].trimmed.count <= 40,
                   body[index].trimmed.first?.isLowercase == true,
                   body[index].trimmed.last.map({ "?:".contains($0) || $0.isLetter || $0.isNumber }) ?? false
                {
                    heading += " " + body[index].trimmed
                    index += 1
                }
                sections.append(LetterSection(heading: stripFootnoteMarkers(heading), lines: []))
                previousWasHeading = true
            } else {
                // A blank line is kept before the line it separates: paragraphs stay apart.
                var added = sawBlank ? [BodyLine(text: "", trimmed: "", indent: 0, page: line.page, line: -1), line] : [line]
                if sections.isEmpty {
                    if intro.isEmpty { added = [line] }
                    intro.append(contentsOf: added)
                } else {
                    sections[sections.count - 1].lines.append(contentsOf: added)
                }
                previousWasHeading = false
            }
            sawBlank = false
            previous = line
        }
    }

    /// A line after which a heading can start without a blank line: it ends a sentence, a list
    /// point's cross-reference ("(enabler 2, national framework)") or a quotation ("… 'baby-sitting.'").
    private func endsBlock(_ trimmed: String) -> Bool {
        guard let last = trimmed.last else { return true }
        if ".:?!)".contains(last) { return true }
        if "'\"".contains(last), let before = trimmed.dropLast().last { return ".?!".contains(before) }
        return false
    }

    func first(where predicate: (LetterSection) -> Bool) -> LetterSection? {
        sections.first(where: predicate)
    }
}

// MARK: - Paragraphs and lists

/// A bullet or number that starts a point, and the text after it: ◼ • - – "1." "1)" "(a)" "a)"
/// and Wingdings or other private-use glyphs (pdftotext prints U+F0xx when a font has no
/// Unicode map). A marker alone on its line gives "".
func itemMarker(_ trimmed: String) -> String? {
    if let content = itemContent(trimmed) { return content }
    guard let first = trimmed.first else { return nil }
    if trimmed.count == 1, bulletCharacters.contains(first) || isPrivateUse(first) { return "" }
    if ["·", "◆", "♦", "❖", "□", "❑", "➤", "→", "✔", "§", "Ø", "ü"].contains(first), trimmed.dropFirst().first == " " {
        return String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)
    }
    // "(a) ", "(ii) ", "(3) ", "a) "
    if let match = trimmed.prefixMatch(of: /^(?:\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)|[a-z]\))\s+(\S.*)$/) {
        return String(match.1)
    }
    return nil
}

private enum MarkerKind: Equatable {
    case glyph
    case number(Int)
    case letter
}

private func markerKind(_ trimmed: String) -> MarkerKind {
    let digits = trimmed.drop(while: { $0 == "(" }).prefix(while: \.isASCIIDigitCharacter)
    if !digits.isEmpty, let value = Int(digits) { return .number(value) }
    if trimmed.first == "(" || (trimmed.first?.isLetter == true && trimmed.dropFirst().first == ")") { return .letter }
    return .glyph
}

private func isPrivateUse(_ character: Character) -> Bool {
    character.unicodeScalars.first.map { (0xE000...0xF8FF).contains($0.value) } ?? false
}

/// Paragraphs of a run of lines: blank lines and bullets start new ones.
private func paragraphTexts(_ lines: [BodyLine]) -> [String] {
    var result: [String] = []
    var current: [String] = []
    func flush() {
        if !current.isEmpty { result.append(stripFootnoteMarkers(joinLetterLines(current))) }
        current = []
    }
    for line in lines {
        if line.isBlank { flush(); continue }
        if let content = itemMarker(line.trimmed) {
            flush()
            if !content.isEmpty { current.append(content) }
            continue
        }
        current.append(line.trimmed)
    }
    flush()
    return result.filter { !$0.isEmpty }
}

/// The points of a list section, each whole however it wraps. With bullets: each bullet starts a
/// point, lines after it carry it on (over a page break too) and text before the first bullet is
/// the list's introduction. Without bullets (pdftotext can drop them): each paragraph is a point,
/// and within one, a line ending a sentence before a capital, or a line well short of the width,
/// ends a point; an introductory sentence ending in ":" is not a point.
private func listPoints(_ lines: [BodyLine]) -> [String] {
    let text = lines.filter { !$0.isBlank }
    guard !text.isEmpty else { return [] }
    var points: [[String]] = []
    // Bulleted: the markers start the list (after at most a short introduction), or there are
    // several; one number starting a wrapped line deep in unmarked points is not a bullet.
    let markers = text.indices.filter { itemMarker(text[$0].trimmed) != nil }
    if let first = markers.first, first < 4 || markers.count >= 2 {
        var bulletIndent = 0
        var listKind: MarkerKind?
        var sawBlank = false
        var previousPage = -1
        var index = 0
        scan: while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isBlank { sawBlank = true; continue }
            defer { sawBlank = false; previousPage = line.page }
            if let content = itemMarker(line.trimmed) {
                // A number or letter that does not follow on from the list's own markers is
                // text that wrapped ("arrangements (MAPPA-" / "2) meetings in …").
                let kind = markerKind(line.trimmed)
                let followsOn: Bool
                switch (listKind, kind) {
                case (nil, _): followsOn = true
                case (.number(let last)?, .number(let next)): followsOn = next == last + 1
                case (.glyph?, .glyph), (.letter?, .letter): followsOn = true
                default: followsOn = false
                }
                if followsOn || points.isEmpty {
                    points.append(content.isEmpty ? [] : [content])
                    bulletIndent = line.indent
                    listKind = kind
                    continue
                }
            }
            guard !points.isEmpty else { continue }  // the introduction
            // Indents are per page: a continuation is indented past the bullets of its page.
            let pageBullet = lines[index...].first(where: { $0.page == line.page && itemMarker($0.trimmed) != nil })?.indent
                ?? (line.page == previousPage ? bulletIndent : nil)
            let continues = !sawBlank
                || line.trimmed.first?.isLowercase == true
                || (pageBullet.map { line.indent > $0 } ?? false)
                || (line.page != previousPage && pageBullet == nil && !endsSentence(joinLines(points[points.count - 1])))
            if continues {
                points[points.count - 1].append(line.trimmed)
            } else {
                break scan
            }
        }
    } else {
        var paragraphs: [[BodyLine]] = [[]]
        for line in lines {
            if line.isBlank {
                if !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
            } else {
                paragraphs[paragraphs.count - 1].append(line)
            }
        }
        paragraphs.removeAll { $0.isEmpty }
        if let first = paragraphs.first, joinLines(first.map(\.trimmed)).hasSuffix(":") { paragraphs.removeFirst() }
        let width = text.map(\.text.count).max() ?? 0
        // Points of several sentences each (older JTAI letters) come apart at blank lines and at
        // a sentence ending a line well short of the width: a sentence can end at a full line's
        // end inside a point.
        let sentenceCounts = paragraphs.map { sentences(of: joinLines($0.map(\.trimmed))).count }
        let longPoints = paragraphs.count >= 3 && sentenceCounts.reduce(0, +) >= 3 * paragraphs.count
        for paragraph in paragraphs {
            var current: [String] = []
            for (position, line) in paragraph.enumerated() {
                current.append(line.trimmed)
                // A point ends where its sentence ends before a capital, or at a line well short
                // of the width: lines of one point wrap at the width.
                let next = position + 1 < paragraph.count ? paragraph[position + 1].trimmed : nil
                let short = line.text.count < width * 4 / 5
                let ends = (endsSentence(line.trimmed) && (short || (!longPoints && next?.first?.isUppercase ?? true)))
                    || (next != nil && line.text.count < width * 13 / 20)
                if ends {
                    points.append(current)
                    current = []
                }
            }
            if !current.isEmpty { points.append(current) }
        }
    }
    return points.prefix(60)
        .map { stripFootnoteMarkers(joinLetterLines($0)) }
        .filter { !$0.isEmpty }
}

/// `joinLines`, and a hyphen ending a line before a number is part of a name: "COVID-" / "19",
/// "(MAPPA-" / "2)".
private func joinLetterLines(_ parts: [String]) -> String {
    var out = ""
    for part in parts {
        let piece = collapseWhitespace(part)
        guard !piece.isEmpty else { continue }
        if out.hasSuffix("-"), out.dropLast().last?.isUppercase == true, piece.first?.isASCIIDigitCharacter == true {
            out += piece
        } else {
            out = joinLines([out, piece])
        }
    }
    return out
}
