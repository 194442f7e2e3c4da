import Foundation
import ReportWatchCore

// Text of an Ofsted PDF as `pdftotext -layout` prints it, cleaned of page furniture, and the
// prose readers that reports and letters share.

// MARK: - Layout document

/// One line of the report body after page furniture (page numbers, running footers, footnotes)
/// was removed.
struct BodyLine {
    let text: String
    let trimmed: String
    let indent: Int
    let page: Int
    let line: Int
    var isBlank: Bool { trimmed.isEmpty }
}

struct LayoutDocument {
    /// Cleaned lines of each page (form feeds split pages).
    let pages: [[String]]
    /// All pages' lines in order. A blank line is put between pages only where the last line of
    /// a page ends a sentence, so paragraphs that run over a page break stay whole.
    let body: [BodyLine]

    init(text: String) {
        let normalised = normalise(text)
        let rawPages = normalised.split(separator: "\u{0C}", omittingEmptySubsequences: false)
        var pages: [[String]] = []
        pages.reserveCapacity(rawPages.count)
        for raw in rawPages {
            let lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map { trimTrailing(String($0)) }
            pages.append(cleanPage(lines))
        }
        self.pages = pages

        var body: [BodyLine] = []
        var lastText: BodyLine?
        for (pageNumber, lines) in pages.enumerated() {
            guard let first = lines.firstIndex(where: { !isBlank($0) }) else { continue }
            if let last = lastText, !(body.last?.isBlank ?? true) {
                let ends = last.trimmed.last.map { ".!?:".contains($0) } ?? false
                let next = lines[first].trimmingCharacters(in: .whitespaces)
                if ends || startsItem(next) || next.lowercased().hasPrefix("what needs to improve") {
                    body.append(BodyLine(text: "", trimmed: "", indent: 0, page: pageNumber, line: -1))
                }
            }
            for (lineNumber, text) in lines.enumerated() where lineNumber >= first {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                let line = BodyLine(text: text, trimmed: trimmed, indent: leadingSpaces(text),
                                    page: pageNumber, line: lineNumber)
                body.append(line)
                if !line.isBlank { lastText = line }
            }
        }
        self.body = body
    }

    var firstPageIndex: Int? {
        pages.firstIndex { page in page.contains { !isBlank($0) } }
    }

    /// Index in `body` of the first line at or after (page, line).
    func bodyIndex(page: Int, line: Int) -> Int? {
        body.firstIndex { $0.page > page || ($0.page == page && $0.line >= line) }
    }

    /// The start of the body as one string, whitespace collapsed.
    func bodyText(maxCharacters: Int) -> String {
        var out = ""
        var count = 0
        for line in body where !line.isBlank {
            out += line.trimmed
            out += " "
            count += line.trimmed.count + 1
            if count >= maxCharacters { break }
        }
        return collapseWhitespace(out)
    }
}

/// Quotes, spaces, ligatures and control characters made plain; line ends made "\n".
func normalise(_ text: String) -> String {
    var out = String.UnicodeScalarView()
    var previousWasCR = false
    for scalar in text.unicodeScalars {
        let wasCR = previousWasCR
        previousWasCR = false
        switch scalar.value {
        case 0x0D:
            out.append("\n")
            previousWasCR = true
        case 0x0A:
            if !wasCR { out.append(scalar) }
        case 0x0C:
            out.append(scalar)
        case 0x09:
            out.append(contentsOf: "    ".unicodeScalars)
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x02BC, 0x0060, 0x00B4:
            out.append("'")
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033:
            out.append("\"")
        case 0x2010, 0x2011:
            out.append("-")
        case 0x00A0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
            out.append(" ")
        case 0x00AD, 0x200B...0x200D, 0x2060, 0xFEFF, 0x202A...0x202E, 0x2066...0x2069:
            continue
        case 0xFB00: out.append(contentsOf: "ff".unicodeScalars)
        case 0xFB01: out.append(contentsOf: "fi".unicodeScalars)
        case 0xFB02: out.append(contentsOf: "fl".unicodeScalars)
        case 0xFB03: out.append(contentsOf: "ffi".unicodeScalars)
        case 0xFB04: out.append(contentsOf: "ffl".unicodeScalars)
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029:
            out.append(" ")
        default:
            // Combining marks are kept; they cannot join a form feed or newline because those
            // are emitted as their own scalars and splitting is done on scalars below.
            out.append(scalar)
        }
    }
    return String(out)
}

func trimTrailing(_ s: String) -> String {
    var result = Substring(s)
    while let last = result.last, last.isWhitespace { result = result.dropLast() }
    return String(result)
}

func isBlank(_ s: String) -> Bool { s.allSatisfy(\.isWhitespace) }

func leadingSpaces(_ s: String) -> Int {
    var count = 0
    for character in s {
        guard character == " " else { break }
        count += 1
    }
    return count
}

func collapseWhitespace(_ s: String) -> String {
    s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
}

func isPageNumber(_ trimmed: String) -> Bool {
    !trimmed.isEmpty && trimmed.count <= 3 && trimmed.allSatisfy(\.isASCIIDigitCharacter)
}

extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}

func containsMonthOrYear(_ s: String) -> Bool {
    let words = s.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
    return words.contains { word in
        if word.count == 4, word.allSatisfy(\.isASCIIDigitCharacter) { return true }
        return word.count >= 3 && CalendarDay.month(named: String(word)) != nil
            && word.first?.isUppercase == true
    }
}

/// "20 to 24 January 2025        2" → "20 to 24 January 2025": text, two or more spaces, then a
/// page number of one to three digits.
func splitTrailingPageNumber(_ trimmed: String) -> String? {
    var digits = 0
    var index = trimmed.endIndex
    while index > trimmed.startIndex {
        let previous = trimmed.index(before: index)
        guard trimmed[previous].isASCIIDigitCharacter else { break }
        digits += 1
        index = previous
    }
    guard (1...3).contains(digits) else { return nil }
    let before = trimmed[trimmed.startIndex..<index]
    guard before.hasSuffix("  ") else { return nil }
    let text = before.trimmingCharacters(in: .whitespaces)
    return text.isEmpty ? nil : text
}

/// Removes a page's running footer / page number and a footnote block at its bottom.
func cleanPage(_ input: [String]) -> [String] {
    var lines = input
    func dropTrailingBlank() {
        while let last = lines.last, isBlank(last) { lines.removeLast() }
    }
    dropTrailingBlank()
    // A page number printed above the text.
    if let top = lines.firstIndex(where: { !isBlank($0) }),
       isPageNumber(lines[top].trimmingCharacters(in: .whitespaces)) {
        lines.removeSubrange(0...top)
    }
    if let last = lines.last {
        let trimmed = last.trimmingCharacters(in: .whitespaces)
        if isPageNumber(trimmed) {
            lines.removeLast()
        } else if let footer = splitTrailingPageNumber(trimmed), containsMonthOrYear(footer) {
            // "20 to 24 January 2025        2" under "Inspection of Harrow local authority ..."
            lines.removeLast()
            dropTrailingBlank()
            if let previous = lines.last {
                let p = previous.trimmingCharacters(in: .whitespaces).lowercased()
                if p.hasPrefix("inspection of") || p.contains("visit to") || p.hasPrefix("joint targeted") {
                    lines.removeLast()
                }
            }
        }
    }
    dropTrailingBlank()

    // A footnote block: a line holding only "1", "[1]" or "_____", after a blank line, followed
    // by text, within the last 15 lines of the page.
    var cut: Int?
    let lowest = max(0, lines.count - 15)
    var index = lines.count - 2
    while index >= lowest {
        let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
        let isMarker = (trimmed.count <= 2 && !trimmed.isEmpty && trimmed.allSatisfy(\.isASCIIDigitCharacter))
            || (trimmed.count <= 4 && trimmed.first == "[" && trimmed.last == "]"
                && trimmed.dropFirst().dropLast().count >= 1
                && trimmed.dropFirst().dropLast().allSatisfy(\.isASCIIDigitCharacter))
            || (trimmed.count >= 5 && trimmed.allSatisfy { $0 == "_" })
        // Never the top of a page (a page number there) and never most of it.
        let afterBlank = index >= 5 && isBlank(lines[index - 1])
        if isMarker && afterBlank { cut = index }
        index -= 1
    }
    if let cut { lines.removeSubrange(cut..<lines.count) }
    dropTrailingBlank()
    return lines
}

// MARK: - Prose

/// Re-joins wrapped lines into one: a line ending in "co-" joins "location" without a space.
func joinLines<S: Sequence>(_ parts: S) -> String where S.Element == String {
    var out = ""
    for part in parts {
        let piece = collapseWhitespace(part)
        guard !piece.isEmpty else { continue }
        if out.isEmpty {
            out = piece
        } else if out.hasSuffix("-"), out.dropLast().last?.isLetter == true, piece.first?.isLetter == true {
            out += piece
        } else {
            out += " " + piece
        }
    }
    return out
}

/// Removes footnote markers glued to a word: "improve?1" → "improve?", "leavers.2" → "leavers.",
/// "(Enabler two)3" → "(Enabler two)". Numbers after a space or a digit ("aged 16", "£1.5") stay.
func stripFootnoteMarkers(_ text: String) -> String {
    let characters = Array(text)
    var out = ""
    out.reserveCapacity(text.utf8.count)
    var index = 0
    while index < characters.count {
        let character = characters[index]
        if character.isASCIIDigitCharacter, index > 0 {
            var end = index
            while end < characters.count, characters[end].isASCIIDigitCharacter { end += 1 }
            let length = end - index
            let before = characters[index - 1]
            let beforeBefore: Character? = index >= 2 ? characters[index - 2] : nil
            let gluedToWord = (before.isLetter && before.isLowercase)
                || before == ")"
                || (".?!".contains(before) && (beforeBefore.map { $0.isLetter && $0.isLowercase } ?? false))
            let after: Character? = end < characters.count ? characters[end] : nil
            let endsWord = after.map { $0.isWhitespace || ",;:".contains($0) } ?? true
            if length <= 2, gluedToWord, endsWord {
                index = end
                continue
            }
            out.append(contentsOf: characters[index..<end])
            index = end
            continue
        }
        out.append(character)
        index += 1
    }
    return out
}

let bulletCharacters: Set<Character> = ["◼", "■", "●", "•", "▪", "◾", "‣", "⁃", "◦", "○", "➢", "►", "▶", "✓"]

/// The text of a bullet or numbered item, or nil when the line does not start one.
func itemContent(_ trimmed: String) -> String? {
    guard let first = trimmed.first else { return nil }
    let isPrivateUse = first.unicodeScalars.first.map { (0xE000...0xF8FF).contains($0.value) } ?? false
    if bulletCharacters.contains(first) || isPrivateUse {
        return String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)
    }
    if "-–*".contains(first), trimmed.dropFirst().first == " " {
        return String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)
    }
    let digits = trimmed.prefix(while: \.isASCIIDigitCharacter)
    if (1...2).contains(digits.count) {
        let rest = trimmed.dropFirst(digits.count)
        if let mark = rest.first, mark == "." || mark == ")",
           let space = rest.dropFirst().first, space.isWhitespace
        {
            return rest.dropFirst().trimmingCharacters(in: .whitespaces)
        }
    }
    return nil
}

func startsItem(_ trimmed: String) -> Bool { itemContent(trimmed) != nil }

func isImproveHeading(_ trimmed: String) -> Bool {
    guard trimmed.count <= 60, trimmed.lowercased().hasPrefix("what ") else { return false }
    return trimmed.wholeMatch(of: /(?i)what (?:needs|does the local authority need|does the lscb need) to improve\s*[?:]?\s*\d{0,2}\s*[?:]?/) != nil
}

func isNamedHeading(_ trimmed: String) -> Bool {
    if isImproveHeading(trimmed) { return true }
    guard trimmed.count <= 80 else { return false }
    return startsWithWords(trimmed, anyOf: [
        "recommendations", "contents", "the experiences and progress of", "the impact of leaders",
        "information about", "summary for children", "areas for priority action", "areas for improvement",
        "headline findings", "areas covered", "lead inspector", "inspection date", "inspection dates",
        "next steps", "yours sincerely", "the local authority",
    ])
}

func isSummaryHeading(_ trimmed: String) -> Bool {
    ["executive summary", "summary", "summary of findings", "overview", "overall summary"]
        .contains(collapseWhitespace(trimmed).lowercased())
}

/// A short line that does not end a sentence, starting with a capital: a heading when it starts
/// a paragraph.
func looksLikeHeading(_ trimmed: String) -> Bool {
    guard let first = trimmed.first, first.isUppercase, trimmed.count <= 60 else { return false }
    guard let last = trimmed.last else { return false }
    return !".,;:!?)\"'-".contains(last)
}

/// Paragraphs from `start` until the next heading.
func paragraphs(in document: LayoutDocument, from start: Int, skipLeadingSummaryHeading: Bool,
                maxParagraphs: Int = 25) -> [String] {
    var result: [String] = []
    var current: [String] = []
    var atParagraphStart = true
    var index = max(0, start)
    let body = document.body
    while index < body.count, result.count < maxParagraphs {
        let line = body[index]
        if line.isBlank {
            if !current.isEmpty { result.append(joinLines(current)); current = [] }
            atParagraphStart = true
            index += 1
            continue
        }
        if isImproveHeading(line.trimmed) { break }
        if atParagraphStart {
            if skipLeadingSummaryHeading, result.isEmpty, current.isEmpty, isSummaryHeading(line.trimmed) {
                index += 1
                continue
            }
            if isNamedHeading(line.trimmed) || looksLikeHeading(line.trimmed) || startsItem(line.trimmed) { break }
        }
        current.append(line.trimmed)
        atParagraphStart = false
        index += 1
    }
    if !current.isEmpty, result.count < maxParagraphs { result.append(joinLines(current)) }
    return result.map(stripFootnoteMarkers).filter { !$0.isEmpty }
}

func readSummary(_ document: LayoutDocument, from start: Int?, isLetter: Bool) -> String? {
    var found: [String] = []
    if let start {
        found = paragraphs(in: document, from: start, skipLeadingSummaryHeading: true)
    }
    if found.isEmpty {
        let headingNames: [String] = isLetter
            ? ["headline findings", "overview", "summary of findings", "summary"]
            : ["executive summary", "summary of findings", "overview", "summary"]
        for name in headingNames {
            if let index = document.body.firstIndex(where: { $0.trimmed.lowercased() == name }) {
                found = paragraphs(in: document, from: index + 1, skipLeadingSummaryHeading: false)
                if !found.isEmpty { break }
            }
        }
    }
    // Text not laid out in paragraphs (not from -layout) can run on for pages: keep the opening.
    var kept: [String] = []
    var total = 0
    for paragraph in found {
        if total + paragraph.count > 6000 {
            if kept.isEmpty { kept.append(sentences(of: paragraph).prefix(8).joined(separator: " ")) }
            break
        }
        kept.append(paragraph)
        total += paragraph.count
    }
    return kept.isEmpty ? nil : kept.joined(separator: "\n\n")
}

func readImprovements(_ document: LayoutDocument) -> [String] {
    let body = document.body
    guard let headingIndex = body.firstIndex(where: { isImproveHeading($0.trimmed) })
        ?? body.firstIndex(where: { $0.trimmed.lowercased() == "recommendations" })
    else { return [] }
    var items: [[String]] = []
    var preamble = 0
    var index = headingIndex + 1
    while index < body.count, items.count < 50 {
        let line = body[index]
        index += 1
        if line.isBlank { continue }
        if let content = itemContent(line.trimmed) {
            items.append([content])
        } else if let last = items.indices.last,
                  line.indent > 0 || line.trimmed.first.map({ $0.isLowercase || $0 == "(" }) == true {
            items[last].append(line.trimmed)
        } else if items.isEmpty, preamble < 3 {
            preamble += 1  // "The local authority should:" and the like
        } else {
            break
        }
    }
    return items
        .map { stripFootnoteMarkers(joinLines($0)) }
        .filter { !$0.isEmpty }
}

/// Ungraded letters: the sentences of "Headline findings" (or "Overview", "Summary of findings",
/// "Main findings", "Key findings", "Overall"); without such a section, the sentences after the
/// "This letter summarises …" paragraph that state progress.
func readMainConclusions(_ document: LayoutDocument) -> [String] {
    let names = ["headline findings", "main findings", "key findings", "summary of findings", "overview",
                 "overall", "findings", "summary", "conclusion", "conclusions"]
    for name in names {
        if let index = document.body.firstIndex(where: { $0.trimmed.lowercased() == name }) {
            let found = paragraphs(in: document, from: index + 1, skipLeadingSummaryHeading: false, maxParagraphs: 4)
            let result = found.flatMap(sentences(of:))
            if !result.isEmpty { return Array(result.prefix(12)) }
        }
    }
    guard let introIndex = document.body.firstIndex(where: { $0.trimmed.lowercased().contains("this letter summarises") })
    else { return [] }
    let found = paragraphs(in: document, from: introIndex, skipLeadingSummaryHeading: false, maxParagraphs: 6)
    let keywords = ["progress", "improve", "inadequate", "priority action", "effective", "weak", "strong",
                    "deteriorat", "sustained", "too slow", "remain"]
    let candidates = found.dropFirst().flatMap(sentences(of:)).filter { sentence in
        let lower = sentence.lowercased()
        return keywords.contains { lower.contains($0) }
    }
    return Array(candidates.prefix(6))
}

/// Splits prose into sentences at ". ", "! ", "? " before a capital, not after "e.g.", "Mr." and
/// the like.
func sentences(of text: String) -> [String] {
    let abbreviations: Set<String> = ["e.g.", "i.e.", "mr.", "mrs.", "ms.", "dr.", "st.", "no.", "etc.", "cf.", "vs."]
    var result: [String] = []
    var current = ""
    var previousWord = ""
    var pendingBreak = false
    for character in text {
        if pendingBreak {
            if character == " " { continue }
            if character.isUppercase || character == "'" || character == "\"" || character.isNumber {
                let sentence = current.trimmingCharacters(in: .whitespaces)
                if !sentence.isEmpty { result.append(sentence) }
                current = ""
                previousWord = ""
            } else {
                current.append(" ")
            }
            pendingBreak = false
        }
        if character == " " {
            let word = previousWord.lowercased()
            if let last = word.last, ".!?".contains(last) || (word.count >= 2 && word.hasSuffix(".\"")),
               !abbreviations.contains(word)
            {
                pendingBreak = true
                previousWord = ""
                continue
            }
            previousWord = ""
            current.append(character)
        } else {
            previousWord.append(character)
            current.append(character)
        }
    }
    let tail = current.trimmingCharacters(in: .whitespaces)
    if !tail.isEmpty { result.append(tail) }
    return result
}
