import Foundation
import ReportWatchCore
import Synchronization

/// Keyword matching, the one place every kind matches `keywords`: by whole word or phrase,
/// ignoring case, except that a keyword written in capitals (`SEND`, `CAMHS`) matches only in
/// capitals, so "SEND" never matches the verb "send". The words of a phrase match across any run
/// of white space, line breaks included; an apostrophe matches either form (' or ’) and a hyphen
/// any dash, as PDFs and web pages spell them differently.
public enum Keywords {
    /// Whether any keyword occurs in the item's key or fields.
    public static func matches(_ keywords: [String], in item: Item) -> Bool {
        matches(keywords, in: ([item.key] + item.fields.values.sorted()).joined(separator: " "))
    }

    public static func matches(_ keywords: [String], in text: String) -> Bool {
        keywords.contains { firstRange(of: $0, in: text) != nil }
    }

    /// The keywords that occur in `text`, in the order given.
    public static func matched(_ keywords: [String], in text: String) -> [String] {
        keywords.filter { firstRange(of: $0, in: text) != nil }
    }

    /// Whether a keyword matches only in capitals: it has two letters or more and none in
    /// lower case ("SEND", "CAMHS", "SEN"; not "S251", "Ofsted").
    public static func isCapitals(_ keyword: String) -> Bool {
        let letters = keyword.filter(\.isLetter)
        return letters.count >= 2 && !letters.contains(where: \.isLowercase)
    }

    public static func firstRange(of keyword: String, in text: String) -> Range<String.Index>? {
        var found: Range<String.Index>?
        forEachRange(of: keyword, in: text) { range in
            found = range
            return false
        }
        return found
    }

    /// Every place the keyword occurs, in text order.
    public static func ranges(of keyword: String, in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        forEachRange(of: keyword, in: text) { range in
            ranges.append(range)
            return true
        }
        return ranges
    }

    /// Calls `body` with each whole-word occurrence until it returns false. The keyword's first
    /// run of letters and digits is found with Foundation's search (fast over a 60-page paper);
    /// the rest is compared character by character from there.
    /// A keyword made ready to search for: its first run of letters and digits (the anchor)
    /// and what comes before and after it.
    private struct Pattern: Sendable {
        var before: [Character]
        var anchor: String
        var after: [Character]
        var exact: Bool

        init?(_ keyword: String) {
            let characters = Array(Text.normalise(keyword))
            guard let anchorStart = characters.firstIndex(where: Keywords.isWordCharacter) else { return nil }
            let anchorEnd = characters[anchorStart...].firstIndex { !Keywords.isWordCharacter($0) } ?? characters.endIndex
            before = Array(characters[..<anchorStart])
            anchor = String(characters[anchorStart..<anchorEnd])
            after = Array(characters[anchorEnd...])
            exact = Keywords.isCapitals(keyword)
        }
    }

    /// Patterns by keyword: the same few keywords are matched against every item of every check.
    private static let patterns = Mutex<[String: Pattern?]>([:])

    private static func pattern(_ keyword: String) -> Pattern? {
        if let cached = patterns.withLock({ $0[keyword] }) { return cached }
        let pattern = Pattern(keyword)
        patterns.withLock { patterns in
            if patterns.count >= 1024 { patterns.removeAll(keepingCapacity: true) }
            patterns[keyword] = .some(pattern)
        }
        return pattern
    }

    private static func forEachRange(of keyword: String, in text: String, _ body: (Range<String.Index>) -> Bool) {
        guard let pattern = pattern(keyword) else { return }
        let exact = pattern.exact
        let options: String.CompareOptions = exact ? [] : [.caseInsensitive]
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: pattern.anchor, options: options, range: searchRange) {
            searchRange = found.upperBound..<text.endIndex
            // The anchor must start a word and the keyword must start at the anchor (a keyword
            // starting with punctuation is compared from there too).
            guard let start = matchBackwards(pattern.before[...], in: text, before: found.lowerBound, exact: exact),
                  let end = matchForwards(pattern.after[...], in: text, from: found.upperBound, exact: exact)
            else { continue }
            if start > text.startIndex, isWordCharacter(text[text.index(before: start)]) { continue }
            if end < text.endIndex, isWordCharacter(text[end]) { continue }
            if !body(start..<end) { return }
        }
    }

    private static func matchForwards(_ pattern: ArraySlice<Character>, in text: String, from start: String.Index, exact: Bool) -> String.Index? {
        var index = start
        var patternIndex = pattern.startIndex
        while patternIndex < pattern.endIndex {
            let wanted = pattern[patternIndex]
            if wanted == " " {
                // One space in the keyword stands for any run of white space in the text.
                guard index < text.endIndex, text[index].isWhitespace else { return nil }
                while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            } else {
                guard index < text.endIndex, same(wanted, text[index], exact: exact) else { return nil }
                index = text.index(after: index)
            }
            patternIndex += 1
        }
        return index
    }

    private static func matchBackwards(_ pattern: ArraySlice<Character>, in text: String, before end: String.Index, exact: Bool) -> String.Index? {
        var index = end
        for wanted in pattern.reversed() {
            guard index > text.startIndex else { return nil }
            let previous = text.index(before: index)
            guard same(wanted, text[previous], exact: exact) else { return nil }
            index = previous
        }
        return index
    }

    private static let apostrophes: Set<Character> = ["'", "’", "‘", "ʼ"]
    private static let dashes: Set<Character> = ["-", "‐", "‑", "–", "—"]

    private static func same(_ wanted: Character, _ found: Character, exact: Bool) -> Bool {
        if wanted == found { return true }
        if apostrophes.contains(wanted) { return apostrophes.contains(found) }
        if dashes.contains(wanted) { return dashes.contains(found) }
        return !exact && wanted.lowercased() == found.lowercased()
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }
}
