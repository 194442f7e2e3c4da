import Foundation
import ReportWatchCore

/// A committee paper's text as keywords are matched against it and quoted from: page by page,
/// with the pages' running headers and footers and their page numbers left out, and words
/// hyphenated at line ends joined again.
public struct PaperText: Codable, Sendable, Equatable {
    public enum Form: String, Codable, Sendable {
        case pdf, html, text
    }

    public var form: Form
    /// The pages' text, lines kept. HTML and plain text are one page.
    public var pages: [String]
    /// Why not all of the paper was read ("only its first 60 pages were read"), when a limit cut it short.
    public var cutShort: String?

    public init(form: Form, pages: [String], cutShort: String? = nil) {
        self.form = form
        self.pages = pages
        self.cutShort = cutShort
    }

    /// One sentence quoted for a keyword.
    public struct Quote: Sendable, Equatable {
        /// The PDF page it starts on (1-based); `nil` for HTML and plain text.
        public var page: Int?
        public var sentence: String
        public var keyword: String
    }

    // MARK: Reading

    /// From `pdftotext` output (pages end with a form feed). `maxPages`: the pages that count;
    /// pdftotext is asked for one more, so a page beyond the limit says the paper was cut short.
    public static func pdf(_ raw: String, maxPages: Int) -> PaperText {
        var pages = raw.split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
        // The text after the last form feed is empty (pdftotext ends every page with one).
        if pages.count > 1, pages.last?.allSatisfy(\.isWhitespace) == true { pages.removeLast() }
        var cutShort: String?
        if pages.count > maxPages {
            pages.removeLast(pages.count - maxPages)
            cutShort = "only its first \(maxPages) pages were read"
        }
        return PaperText(form: .pdf, pages: cleaned(pages.map { $0.components(separatedBy: "\n") }), cutShort: cutShort)
    }

    /// A web page's visible text, block by block: scripts, styles and a site's navigation,
    /// header and footer (a menu naming "Children's services" on every page) left out.
    public static func html(_ bytes: [UInt8], url: String, charset: String?) throws(ExtractError) -> PaperText {
        let document = try HTMLDocument(bytes: bytes, url: url, charset: charset)
        let blocks: [String]
        do {
            // Each text node on its own line: a paragraph's inline parts join again in the
            // sentence reader, and block boundaries are not lost.
            blocks = try document.nodes(XPathExpression(
                "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::nav or ancestor::header or ancestor::footer)]")).map(\.text)
        } catch {
            throw .xpath(error)
        }
        let text = blocks.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.joined(separator: "\n")
        return PaperText(form: .html, pages: [text])
    }

    public static func plain(_ bytes: [UInt8]) -> PaperText {
        let text = String(decoding: bytes, as: UTF8.self)
        return PaperText(form: .text, pages: [dehyphenated(text.components(separatedBy: .newlines)).joined(separator: "\n")])
    }

    /// Headers and footers out, hyphenation repaired.
    static func cleaned(_ pages: [[String]]) -> [String] {
        let repeated = runningLines(pages)
        return pages.map { lines in
            let edges = edgeLineIndices(lines)
            let kept = lines.indices.compactMap { index -> String? in
                let line = lines[index]
                if edges.contains(index), repeated.contains(signature(line)) || isPageNumber(line) { return nil }
                return line
            }
            // Blank lines at a page's ends are not paragraph breaks: sentences run on over pages.
            var text = dehyphenated(kept)
            while text.first?.allSatisfy(\.isWhitespace) == true { text.removeFirst() }
            while text.last?.allSatisfy(\.isWhitespace) == true { text.removeLast() }
            return text.joined(separator: "\n")
        }
    }

    /// The first and last two non-empty lines of a page, where headers and footers sit.
    static func edgeLineIndices(_ lines: [String]) -> Set<Int> {
        let filled = lines.indices.filter { !lines[$0].allSatisfy(\.isWhitespace) }
        return Set(filled.prefix(2) + filled.suffix(2))
    }

    /// Lines at a page's edge that recur (numbers aside) on most pages: running headers and
    /// footers ("Page 3 of 9", "Kent County Council — Cabinet, 30 January 2025").
    static func runningLines(_ pages: [[String]]) -> Set<String> {
        guard pages.count >= 2 else { return [] }
        var counts: [String: Int] = [:]
        for lines in pages {
            let signatures = Set(edgeLineIndices(lines).map { signature(lines[$0]) })
            for signature in signatures where !signature.isEmpty { counts[signature, default: 0] += 1 }
        }
        let needed = max(2, (pages.count + 1) / 2)
        return Set(counts.filter { $0.value >= needed }.map(\.key))
    }

    /// A line with its digits and spacing made uniform, so "Page 3" and "Page 4" are one line.
    static func signature(_ line: String) -> String {
        Text.normalise(String(line.lowercased().map { $0.isNumber ? "#" : $0 }))
    }

    static func isPageNumber(_ line: String) -> Bool {
        let words = Text.normalise(line.lowercased()).trimmingCharacters(in: CharacterSet(charactersIn: "-–— "))
            .split(separator: " ")
        guard !words.isEmpty, words.count <= 4 else { return false }
        return words.allSatisfy { word in
            word == "page" || word == "of" || word == "/" || word.allSatisfy(\.isNumber)
                || word.split(separator: "/").allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
        } && words.contains { $0.contains(where: \.isNumber) }
    }

    /// "Strengthen-" at a line's end and "ing" at the next line's start read "Strengthening";
    /// "18-" then "25" stays as it is (not a word broken in two).
    static func dehyphenated(_ lines: [String]) -> [String] {
        var result: [String] = []
        var carry = ""
        for line in lines {
            var current = line
            if !carry.isEmpty {
                let trimmed = current.drop { $0 == " " || $0 == "\t" }
                if let first = trimmed.first, first.isLowercase {
                    current = carry + trimmed
                    carry = ""
                } else {
                    result.append(carry + "-")
                    carry = ""
                }
            }
            let end = current.trimmingCharacters(in: .whitespaces)
            if end.hasSuffix("-"), !end.hasSuffix("--"), end.count >= 3,
               let before = end.dropLast().last, before.isLetter, before.isLowercase {
                carry = String(end.dropLast())
                // Keep the line's leading indentation out of the join.
                if let start = current.firstIndex(where: { !$0.isWhitespace }) {
                    carry = String(current[current.startIndex..<start]) + carry
                }
                continue
            }
            result.append(current)
        }
        if !carry.isEmpty { result.append(carry + "-") }
        return result
    }

    // MARK: Matching and quoting

    /// The keywords found in the text, and up to `limit` whole sentences quoting them (each
    /// matched keyword quoted once before any is quoted twice), in text order.
    public func quotes(for keywords: [String], limit: Int = 3) -> (matched: [String], quotes: [Quote]) {
        guard !keywords.isEmpty else { return ([], []) }
        let full = pages.joined(separator: "\u{0C}")
        var pageStarts: [String.Index] = []
        var index = full.startIndex
        for page in pages {
            pageStarts.append(index)
            index = full.utf8.index(index, offsetBy: page.utf8.count)
            if index < full.endIndex { index = full.index(after: index) }
        }
        var found: [(keyword: String, range: Range<String.Index>)] = []
        var matched: [String] = []
        for keyword in keywords {
            let ranges = Keywords.ranges(of: keyword, in: full)
            guard !ranges.isEmpty else { continue }
            matched.append(keyword)
            found += ranges.map { (keyword, $0) }
        }
        guard !found.isEmpty else { return ([], []) }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        let sentences = Self.sentences(in: full)

        func sentenceIndex(_ position: String.Index) -> Int? {
            var low = 0
            var high = sentences.count - 1
            while low <= high {
                let middle = (low + high) / 2
                if sentences[middle].upperBound <= position { low = middle + 1 } else if sentences[middle].lowerBound > position { high = middle - 1 } else { return middle }
            }
            return nil
        }

        // One per keyword first, then the rest in text order, each sentence once.
        var chosen: [(sentence: Int, keyword: String, at: String.Index)] = []
        var usedSentences = Set<Int>()
        var quotedKeywords = Set<String>()
        for pass in 0..<2 {
            for hit in found where chosen.count < limit {
                if pass == 0, quotedKeywords.contains(hit.keyword) { continue }
                guard let sentence = sentenceIndex(hit.range.lowerBound), !usedSentences.contains(sentence) else { continue }
                usedSentences.insert(sentence)
                quotedKeywords.insert(hit.keyword)
                chosen.append((sentence, hit.keyword, hit.range.lowerBound))
            }
        }
        chosen.sort { $0.sentence < $1.sentence }
        let quotes = chosen.map { choice -> Quote in
            let range = sentences[choice.sentence]
            let page = form == .pdf ? (pageStarts.lastIndex { $0 <= choice.at } ?? 0) + 1 : nil
            return Quote(page: page, sentence: Self.quotable(String(full[range]), keyword: choice.keyword), keyword: choice.keyword)
        }
        return (matched, quotes)
    }

    /// A sentence as quoted: one line, its list marker ("1.4", "•", "A.") left out, and at most
    /// about 400 characters (a table or a heading run without full stops is cut around the
    /// keyword, and says so with "…").
    static func quotable(_ raw: String, keyword: String) -> String {
        var sentence = Text.normalise(raw.replacingOccurrences(of: "\u{0C}", with: " "))
        sentence = strippingListMarker(sentence)
        let maximum = 400
        guard sentence.count > maximum else { return sentence }
        let hit = Keywords.firstRange(of: keyword, in: sentence) ?? sentence.startIndex..<sentence.startIndex
        let before = sentence.distance(from: sentence.startIndex, to: hit.lowerBound)
        let startOffset = max(0, min(before - maximum / 3, sentence.count - maximum))
        var start = sentence.index(sentence.startIndex, offsetBy: startOffset)
        var end = sentence.index(start, offsetBy: maximum, limitedBy: sentence.endIndex) ?? sentence.endIndex
        // Whole words only.
        if start > sentence.startIndex, let space = sentence[start...].firstIndex(of: " ") { start = sentence.index(after: space) }
        if end < sentence.endIndex, let space = sentence[start..<end].lastIndex(of: " ") { end = space }
        return (start > sentence.startIndex ? "…" : "") + sentence[start..<end] + (end < sentence.endIndex ? " …" : "")
    }

    static func strippingListMarker(_ sentence: String) -> String {
        var words = sentence.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard words.count == 2 else { return sentence }
        let first = words[0]
        let isBullet = first.count == 1 && "•●▪◦‣-–o*".contains(first)
        let isNumber = first.first?.isNumber == true && first.allSatisfy { $0.isNumber || $0 == "." } && first.count <= 8
        let isLetterMarker = (first.count == 2 && first.first?.isLetter == true && first.last == ".")
            || (first.hasPrefix("(") && first.hasSuffix(")") && first.count <= 5)
        guard isBullet || isNumber || isLetterMarker else { return sentence }
        words.removeFirst()
        return String(words[0])
    }

    /// The text's sentences, in order, as ranges: a sentence ends at ".", "!" or "?" followed
    /// by white space and a capital, digit, quote or bullet (not after "e.g.", "Mr." or an
    /// initial), at a blank line, or before a line that starts a list entry or a numbered
    /// paragraph. A page break alone ends nothing: sentences run on over pages.
    static func sentences(in text: String) -> [Range<String.Index>] {
        var result: [Range<String.Index>] = []
        var start = text.startIndex
        var index = text.startIndex
        var lineStart = text.startIndex
        let shortLine = shortLineLength(text)

        func close(at end: String.Index) {
            let range = start..<end
            if !text[range].allSatisfy({ $0.isWhitespace }) { result.append(range) }
            start = end
        }

        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "\n" || character == "\u{0C}" {
                let line = text[lineStart..<index].trimmingCharacters(in: .whitespaces)
                if startsNewBlock(text, lineStart: next) || endsParagraph(line, before: text, at: next, shortLine: shortLine) {
                    close(at: next)
                }
                lineStart = next
            } else if ".!?".contains(character), endsSentence(text, stopAt: index) {
                var end = next
                while end < text.endIndex, "\")’”]".contains(text[end]) { end = text.index(after: end) }
                close(at: end)
                index = end
                continue
            }
            index = next
        }
        close(at: text.endIndex)
        return result
    }

    /// A line that ends a paragraph or a heading, though no full stop says so: a lead-in or a
    /// heading ending with ":" before a capital, a heading line before one, or a line well short
    /// of the text's usual width before a capital (pdftotext breaks a paragraph's lines near
    /// full width, so a short one is its last).
    static func endsParagraph(_ line: String, before text: String, at nextStart: String.Index, shortLine: Int) -> Bool {
        guard let last = line.last else { return false }
        let rest = text[nextStart...]
        let nextLineEnd = rest.firstIndex { $0 == "\n" || $0 == "\u{0C}" } ?? rest.endIndex
        let next = rest[..<nextLineEnd].trimmingCharacters(in: .whitespaces)
        guard let first = next.first, first.isUppercase || first.isNumber else { return false }
        if last == ":" { return true }
        if next.hasSuffix(":"), next.count <= 60 { return true }
        return line.count < shortLine && !",;-–(&/".contains(last)
    }

    /// Two thirds of the length of the text's longer lines (the 75th percentile), the length
    /// under which a line before a capital ends its paragraph; 0 (never) for a text of few lines.
    static func shortLineLength(_ text: String) -> Int {
        let lengths = text.split(whereSeparator: { $0 == "\n" || $0 == "\u{0C}" })
            .map { $0.trimmingCharacters(in: .whitespaces).count }.filter { $0 >= 20 }.sorted()
        guard lengths.count >= 8 else { return 0 }
        return lengths[lengths.count * 3 / 4] * 2 / 3
    }

    /// After a line break: a blank line, a bullet, or a numbered paragraph ("1.4 ", "2.", "(a)").
    static func startsNewBlock(_ text: String, lineStart: String.Index) -> Bool {
        var index = lineStart
        while index < text.endIndex, text[index] == " " || text[index] == "\t" { index = text.index(after: index) }
        guard index < text.endIndex else { return true }
        let first = text[index]
        if first == "\n" || first == "\u{0C}" { return first == "\n" }
        if "•●▪◦‣".contains(first) { return true }
        // A lettered list entry: "A. Agree …", "b) …", "(c) …".
        let head = Array(text[index...].prefix(4))
        if head.count >= 3, head[0].isLetter, ".)".contains(head[1]), head[2] == " " { return true }
        if head.count >= 4, head[0] == "(", head[1].isLetter, head[2] == ")", head[3] == " " { return true }
        if first.isNumber {
            var end = index
            while end < text.endIndex, text[end].isNumber || text[end] == "." { end = text.index(after: end) }
            let marker = text[index..<end]
            return marker.contains(".") && (end == text.endIndex || text[end].isWhitespace)
        }
        return false
    }

    private static let abbreviations: Set<String> = [
        "e.g", "i.e", "eg", "ie", "mr", "mrs", "ms", "dr", "cllr", "no", "nos", "st", "para", "paras", "approx", "vs", "cf",
        "etc", "incl", "ref", "fig", "sec", "p", "pp", "vol", "ltd", "co",
    ]

    static func endsSentence(_ text: String, stopAt stop: String.Index) -> Bool {
        var after = text.index(after: stop)
        while after < text.endIndex, "\")’”]".contains(text[after]) { after = text.index(after: after) }
        guard after < text.endIndex else { return true }
        guard text[after].isWhitespace else { return false }
        while after < text.endIndex, text[after].isWhitespace { after = text.index(after: after) }
        guard after < text.endIndex else { return true }
        let next = text[after]
        guard next.isUppercase || next.isNumber || "\"“‘'(•●▪".contains(next) else { return false }
        guard text[stop] == "." else { return true }
        // The word before the full stop.
        var wordStart = stop
        while wordStart > text.startIndex, !text[text.index(before: wordStart)].isWhitespace { wordStart = text.index(before: wordStart) }
        let word = text[wordStart..<stop].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "(\"“‘"))
        if abbreviations.contains(word) { return false }
        // An initial or a list letter ("J. Smith", "A. Agree to"), a section number ("1.").
        if word.count == 1, word.first?.isLetter == true { return false }
        let atLineStart = wordStart == text.startIndex || text[text.index(before: wordStart)].isNewline
            || text[text.index(before: wordStart)] == "\u{0C}"
        if atLineStart, !word.isEmpty, word.allSatisfy({ $0.isNumber || $0 == "." }) { return false }
        return true
    }
}
