import Foundation
import ReportWatchCore

// Visit dates as letters print them: "on 27 and 28 February 2018", "17 and 18 May 2023",
// "28 to 29 May 2025", "between 21 and 25 January 2019", "from 9 to 13 December 2024",
// "29 and 30 September, and 1 October 2020", "3, 4 and 5 March 2020", "30 December 2019 to
// 2 January 2020", "13 October 2020".

struct LetterDateRange: Equatable {
    var start: Date
    var end: Date
}

private enum DateToken: Equatable {
    case day(Int)
    case month(Int)
    case year(Int)
    case separator
    case other
}

private func dateTokens(_ text: Substring) -> [DateToken] {
    var tokens: [DateToken] = []
    var word = ""
    func flush() {
        guard !word.isEmpty else { return }
        defer { word = "" }
        let lower = word.lowercased()
        // "on Tuesday 5 and Wednesday 6 March 2024": the weekdays add nothing.
        if ["and", "to", "until", "till", "through", "&", "monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday"].contains(lower) {
            tokens.append(.separator)
            return
        }
        var digits = Substring(lower)
        for suffix in ["st", "nd", "rd", "th"] where digits.hasSuffix(suffix) && digits.count > 2 {
            digits = digits.dropLast(2)
        }
        if !digits.isEmpty, digits.allSatisfy(\.isASCIIDigitCharacter), let value = Int(digits) {
            if digits.count <= 2, (1...31).contains(value) { tokens.append(.day(value)); return }
            if digits.count == 4, (1990...2099).contains(value), digits.count == lower.count {
                tokens.append(.year(value))
                return
            }
            tokens.append(.other)
            return
        }
        if lower.count >= 3, lower.allSatisfy(\.isLetter), let month = CalendarDay.month(named: lower) {
            tokens.append(.month(month))
            return
        }
        tokens.append(.other)
    }
    for character in text {
        if character.isWhitespace {
            flush()
        } else if character == "," || character == "-" || character == "–" || character == "—" {
            flush()
            tokens.append(.separator)
        } else if ".;:()".contains(character) {
            // "Sept." is a month: a dot right after a month's abbreviation is not an end.
            if character == ".", !word.isEmpty, CalendarDay.month(named: word) != nil, word.count <= 4 {
                flush()
                continue
            }
            flush()
            tokens.append(.other)
        } else {
            word.append(character)
        }
        if tokens.count > 24 { break }
    }
    flush()
    return tokens
}

/// The range a date expression at the start of `text` names, or nil when it is not one.
func parseLetterDateExpression(_ text: Substring) -> LetterDateRange? {
    let tokens = dateTokens(text.prefix(160))
    guard case .day = tokens.first else { return nil }
    var entries: [(day: Int, month: Int?, year: Int?, yearGiven: Bool)] = []
    var sawYear = false
    var index = 0
    while index < tokens.count {
        switch tokens[index] {
        case .day(let day):
            // After a year only "to 2 January 2020" carries on, never a stray number.
            if sawYear, entries.allSatisfy({ $0.year != nil }), index == 0 || tokens[index - 1] != .separator {
                index = tokens.count
                continue
            }
            entries.append((day, nil, nil, false))
        case .month(let month):
            guard entries.contains(where: { $0.month == nil }) else { index = tokens.count; continue }
            for k in entries.indices where entries[k].month == nil { entries[k].month = month }
        case .year(let year):
            guard entries.contains(where: { $0.year == nil }) else { index = tokens.count; continue }
            for k in entries.indices where entries[k].year == nil {
                entries[k].year = year
                entries[k].yearGiven = k == entries.count - 1
            }
            sawYear = true
        case .separator:
            break
        case .other:
            index = tokens.count
            continue
        }
        index += 1
    }
    // Only the entries up to the last one with a year count ("… 2018. The inspectors were").
    guard let lastComplete = entries.lastIndex(where: { $0.year != nil }) else { return nil }
    let complete = entries[...lastComplete]
    guard complete.allSatisfy({ $0.month != nil && $0.year != nil }) else { return nil }
    var dates: [Date] = []
    for entry in complete {
        guard let month = entry.month, let year = entry.year,
              let date = CalendarDay.date(year: year, month: month, day: entry.day) else { return nil }
        dates.append(date)
    }
    // "30 December to 3 January 2025": a day that took its year from a later one and falls
    // after the day that follows it belongs to the year before.
    for k in stride(from: dates.count - 2, through: 0, by: -1) where dates[k] > dates[k + 1] {
        let entry = complete[complete.startIndex + k]
        guard !entry.yearGiven, let month = entry.month, let year = entry.year,
              let earlier = CalendarDay.date(year: year - 1, month: month, day: entry.day), earlier <= dates[k + 1]
        else { return nil }
        dates[k] = earlier
    }
    guard let start = dates.first, let end = dates.last, start <= end,
          end.timeIntervalSince(start) <= 62 * 86_400 else { return nil }
    return LetterDateRange(start: start, end: end)
}

/// The visit's dates: the first date expression after "on", "between", "from" or "dates:" in a
/// sentence about the visit or inspection.
func readLetterDates(_ text: String) -> LetterDateRange? {
    let pattern = /(?i)\b(?:on|between|from|dates?(?: of (?:the )?(?:visit|inspection))?\s*:)\s*(?:(?:mon|tues|wednes|thurs|fri)day,?\s+)?(?=\d)/
    for match in text.matches(of: pattern).prefix(40) {
        let sentenceStart = text[..<match.range.lowerBound].lastIndex(where: { ".!?".contains($0) })
            .map { text.index(after: $0) } ?? text.startIndex
        let after = text[match.range.upperBound...]
        let sentenceEnd = after.firstIndex(where: { "!?".contains($0) }) ?? text.endIndex
        let sentence = text[sentenceStart..<min(sentenceEnd, text.index(match.range.upperBound, offsetBy: min(240, after.count)))]
            .lowercased()
        guard ["visit", "inspect", "took place", "carried out"].contains(where: { sentence.contains($0) }) else { continue }
        if let range = parseLetterDateExpression(after) { return range }
    }
    // "… the monitoring visit to X children's services, 5–6 March 2024.": the first date in a
    // sentence about the visit, without a word before it.
    for sentence in text.split(separator: ".", omittingEmptySubsequences: true).prefix(40) {
        let lower = sentence.lowercased()
        guard lower.contains("visit") || lower.contains("inspection took place") else { continue }
        for match in sentence.matches(of: /\b\d{1,2}(?:st|nd|rd|th)?\b/).prefix(6) {
            let before = sentence[..<match.range.lowerBound]
            if let last = before.last, "£$%.-–".contains(last) { continue }
            // Only where an expression starts: not "30 June" of "1 January to 30 June".
            let previousWord = before.split(whereSeparator: { $0.isWhitespace }).last.map { $0.lowercased() } ?? ""
            let bare = previousWord.trimmingCharacters(in: CharacterSet(charactersIn: ","))
            if ["to", "and", "until", "&", "-", "–"].contains(bare) || (!bare.isEmpty && bare.allSatisfy(\.isNumber)) { continue }
            if let range = parseLetterDateExpression(sentence[match.range.lowerBound...]) { return range }
        }
    }
    return nil
}
