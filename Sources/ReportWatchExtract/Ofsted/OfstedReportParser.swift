import Foundation
import ReportWatchCore

/// Reads an Ofsted local authority children's services report from the text that poppler's
/// `pdftotext -layout` produces, and returns what it finds. It never guesses: a grade is only
/// reported when its words were read next to its judgement label, and whatever could not be read
/// is named in `warnings`. Any input is accepted without trapping.
///
/// Layouts understood:
/// - ILACS (2018–22, 2023–26, from April 2026): a "Judgement  Grade" table on page 1 whose labels
///   and grades wrap across lines (the grade may sit on the first line of a row or, vertically
///   centred, between its label lines).
/// - SIF (2013–18): the overall grade in a sentence ("Children's services in Birmingham are
///   inadequate", "The overall judgement is that children's services require improvement"),
///   then numbered judgements ("1.", "2.1") with sub-judgements.
/// - Ungraded letters (monitoring visits, focused visits, joint targeted area inspections): the
///   "Headline findings" (or similar) sentences become `mainConclusions`.
public enum OfstedReportParser {
    /// The pages a report's findings come from. Dates, judgements, the summary and "What needs
    /// to improve" (the single inspection framework's recommendations included) are on the first
    /// ten pages of every framework's report; monitoring and focused-visit letters are shorter.
    /// Reading no further keeps a 40-page report to about a quarter of the CPU.
    public static let pagesNeeded = 16

    public static func parse(text: String) -> ReportFindings {
        if let letter = OfstedLetterReader.read(text: text) { return letter }
        let document = LayoutDocument(text: text)
        var findings = ReportFindings()
        var warnings: [String] = []

        guard let firstPage = document.firstPageIndex,
              let pageLines = document.pages.indices.contains(firstPage) ? document.pages[firstPage] : nil
        else {
            findings.warnings = ["The report text is empty: nothing could be read."]
            return findings
        }

        // Title, local authority and whether this is a letter.
        let heading = readHeading(pageLines)
        findings.title = heading.title
        let isLetter = heading.isLetter || looksLikeLetter(pageLines)

        // Inspection dates.
        let pageText = String(collapseWhitespace(pageLines.prefix(80).joined(separator: " ")).prefix(20_000))
        if let range = readInspectionDates(pageText: pageText, letterText: document.bodyText(maxCharacters: 6000)) {
            if let start = range.start, let end = range.end, start > end {
                warnings.append("The inspection dates \"\(range.source)\" end before they start; they were not used.")
            } else {
                findings.inspectionStart = range.start
                findings.inspectionEnd = range.end
                if let start = range.start, let end = range.end {
                    findings.inspectionDatesText = CalendarDay.rangeText(start: start, end: end)
                } else if let one = range.end ?? range.start {
                    findings.inspectionDatesText = CalendarDay.longText(one)
                }
            }
            if !range.problems.isEmpty { warnings.append(contentsOf: range.problems) }
        } else if !isLetter {
            warnings.append("No inspection dates were found.")
        }

        // The grade table (and the SIF overall sentence).
        let headerIndex = pageLines.prefix(120).firstIndex { isTableHeader($0) }
        var sifOverall: (grade: Grade, localAuthority: String?, endLine: Int)?
        if headerIndex == nil {
            sifOverall = readSIFOverallSentence(pageLines, searchLimit: 60)
        }
        var table: TableResult?
        if let headerIndex {
            table = parseTable(pageLines, from: headerIndex + 1, mode: .header,
                               gradeColumn: gradeColumn(ofHeader: pageLines[headerIndex]))
        } else if let sifOverall {
            if let start = findTableStart(pageLines, from: sifOverall.endLine + 1) {
                table = parseTable(pageLines, from: start, mode: .sif)
            }
        } else if !isLetter, let start = findTableStart(pageLines, from: heading.endLine) {
            table = parseTable(pageLines, from: start, mode: .generic)
        }
        if let table { warnings.append(contentsOf: table.warnings) }

        var overall: Judgement?
        var judgements: [Judgement] = []
        for row in table?.rows ?? [] {
            let topics = JudgementTopic.topics(ofLabel: row.label)
            if topics.contains(.overall) && row.depth <= 1 {
                if overall == nil {
                    overall = Judgement(label: row.label, grade: row.grade)
                } else {
                    warnings.append("A second overall judgement \"\(row.label): \(row.grade.rawValue)\" was ignored.")
                }
            } else if row.depth >= 2, let parentIndex = judgements.indices.last {
                judgements[parentIndex].subJudgements.append(Judgement(label: row.label, grade: row.grade))
            } else {
                judgements.append(Judgement(label: row.label, grade: row.grade))
            }
        }
        if let sifOverall {
            if let overall, overall.grade != sifOverall.grade {
                warnings.append("The overall grade in the table (\(overall.grade.rawValue)) differs from the sentence (\(sifOverall.grade.rawValue)); the sentence was used.")
            }
            overall = Judgement(label: "Overall effectiveness", grade: sifOverall.grade)
        }
        findings.overall = overall
        findings.judgements = judgements

        // Local authority.
        findings.localAuthority = heading.localAuthorityFromTitle
            ?? sifOverall?.localAuthority
            ?? heading.localAuthorityLine
        if findings.localAuthority == nil {
            warnings.append("The local authority's name was not found.")
        }

        // Framework.
        let labels = findings.allJudgements.map { $0.label.lowercased() }
        let graded = overall != nil || !judgements.isEmpty
        let isSIF = sifOverall != nil || labels.contains {
            $0.contains("leadership, management and governance") || $0.contains("achieving permanence")
                || $0.contains("adoption performance")
        }
        if isSIF {
            findings.framework = .sif2013
        } else if graded {
            let combined = findings.allJudgements.contains {
                JudgementTopic.topics(ofLabel: $0.label).isSuperset(of: [.childrenInCare, .careLeavers])
            }
            if combined {
                findings.framework = .ilacs2018
            } else if overall != nil {
                findings.framework = .ilacs2023
            } else if let start = findings.inspectionStart,
                      let april2026 = CalendarDay.date(year: 2026, month: 4, day: 1), start < april2026 {
                findings.framework = .ilacs2023
                warnings.append("No overall effectiveness judgement was read, although the inspection predates April 2026.")
            } else {
                findings.framework = .ilacs2026
            }
        } else if isLetter {
            findings.framework = .ungraded
        } else {
            findings.framework = .unknown
            if table == nil {
                warnings.append("No judgement table was found: no grades were read.")
            } else {
                warnings.append("The judgement table was found but no grade could be read.")
            }
        }

        // Summary, improvements, conclusions.
        let bodyStart: Int?
        if let table, let start = document.bodyIndex(page: firstPage, line: table.endLine) {
            bodyStart = start
        } else {
            bodyStart = nil
        }
        findings.summary = readSummary(document, from: bodyStart, isLetter: isLetter)
        findings.whatNeedsToImprove = readImprovements(document)
        if findings.framework == .ungraded {
            findings.mainConclusions = readMainConclusions(document)
            if findings.mainConclusions.isEmpty {
                warnings.append("No main conclusions were found in the letter.")
            }
        } else if graded && findings.whatNeedsToImprove.isEmpty {
            warnings.append("No \"What needs to improve\" section was found.")
        }

        // Each distinct warning once, and not without end on hostile input.
        var seen: Set<String> = []
        var distinct: [String] = []
        for warning in warnings where seen.insert(warning).inserted {
            distinct.append(warning)
        }
        if distinct.count > 30 {
            let dropped = distinct.count - 29
            distinct = Array(distinct.prefix(29)) + ["… and \(dropped) more warnings."]
        }
        findings.warnings = distinct
        return findings
    }
}

// MARK: - Heading

private struct Heading {
    var title: String?
    var localAuthorityFromTitle: String?
    var localAuthorityLine: String?
    var isLetter = false
    /// The page line after the heading block.
    var endLine = 0
}

private func isLetterTitle(_ trimmed: String) -> Bool {
    startsWithWords(trimmed, anyOf: ["monitoring visit", "focused visit", "joint targeted area inspection",
                                     "joint area child protection inspection", "area send"])
}

private func looksLikeLetter(_ lines: [String]) -> Bool {
    for line in lines.prefix(60) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if isLetterTitle(trimmed) { return true }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("dear ") || lower.contains("this letter summarises") { return true }
    }
    return false
}

private func readHeading(_ lines: [String]) -> Heading {
    var heading = Heading()
    // A letter: the "Monitoring visit to …" line is the title.
    for (index, line) in lines.prefix(60).enumerated() {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard isLetterTitle(trimmed), trimmed.count <= 160 else { continue }
        var title = trimmed
        if index + 1 < lines.count {
            let next = lines[index + 1].trimmingCharacters(in: .whitespaces)
            if let first = next.first, first.isLowercase, next.count <= 80 { title += " " + next }
        }
        heading.title = collapseWhitespace(title)
        heading.isLetter = true
        heading.endLine = index + 1
        if let match = heading.title?.firstMatch(of: /(?i)(?:visit|inspection) (?:to|of|in) (.+?) (?:local authority |council )?children's (?:social care )?services/) {
            heading.localAuthorityFromTitle = cleanAuthority(String(match.1))
        }
        return heading
    }

    // A report: the first block of non-blank lines before "Inspection dates" (a page number
    // printed above it skipped).
    guard let first = lines.firstIndex(where: { line in
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return !trimmed.isEmpty && !isPageNumber(trimmed)
    }) else { return heading }
    var block: [String] = []
    var index = first
    while index < lines.count, block.count < 6 {
        let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if trimmed.isEmpty || lower.hasPrefix("inspection date") || lower.hasPrefix("report published")
            || lower.hasPrefix("lead inspector") || isTableHeader(trimmed)
        {
            break
        }
        block.append(trimmed)
        index += 1
    }
    heading.endLine = index
    guard let firstLine = block.first else { return heading }
    var titleLines = block
    let firstLower = firstLine.lowercased()
    let startsLikeTitle = firstLower.hasPrefix("inspection") || firstLower.hasPrefix("re-inspection")
        || firstLower.hasPrefix("review") || firstLower.hasPrefix("joint")
    if block.count > 1, !startsLikeTitle, firstLine.count <= 60, !firstLower.contains("inspection") {
        // "Harrow" / "Birmingham" above "Inspection of children's social care services".
        heading.localAuthorityLine = cleanAuthority(firstLine)
        titleLines = Array(block.dropFirst())
    }
    let title = joinLines(titleLines)
    heading.title = title.isEmpty ? nil : title
    if let title = heading.title,
       let match = title.firstMatch(of: /(?i)^(?:re-)?inspection of (.+?) (?:local authority |council )?children's (?:social care )?services/)
    {
        heading.localAuthorityFromTitle = cleanAuthority(String(match.1))
    }
    return heading
}

private func cleanAuthority(_ raw: String) -> String? {
    var name = collapseWhitespace(raw)
    for suffix in [" local authority", " Local Authority"] where name.hasSuffix(suffix) {
        name = String(name.dropLast(suffix.count))
    }
    name = name.trimmingCharacters(in: CharacterSet(charactersIn: " ,.:;'\""))
    guard !name.isEmpty, name.count <= 80, name.first?.isLetter == true else { return nil }
    return name
}

// MARK: - Dates

private struct DateRange {
    var start: Date?
    var end: Date?
    var source: String
    var problems: [String] = []
}

private func readInspectionDates(pageText: String, letterText: String) -> DateRange? {
    if let label = pageText.firstMatch(of: /(?i)inspection dates?\s*:?\s*/) {
        let rest = String(pageText[label.range.upperBound...].prefix(120))
        if let range = parseDateRange(atStartOf: rest) { return range }
        return DateRange(start: nil, end: nil, source: rest,
                         problems: ["The inspection dates \"\(rest.prefix(60))\" could not be read."])
    }
    // Letters: "… the monitoring visit to Harrow children's services on 5 and 6 March 2024."
    for text in [String(pageText.prefix(5000)), String(letterText.prefix(6000))] {
        var searchStart = text.startIndex
        var attempts = 0
        while searchStart < text.endIndex, attempts < 25,
              let match = text[searchStart...].firstMatch(of: /(?i)\b(?:visit|visited|inspection|inspected|inspectors)\b[^.]{0,160}?\b(?:on|between|from)\s+/)
        {
            attempts += 1
            let rest = String(text[match.range.upperBound...].prefix(120))
            if let range = parseDateRange(atStartOf: rest) { return range }
            searchStart = match.range.upperBound
        }
    }
    return nil
}

/// "20 to 24 January 2025", "27 April to 1 May 2026", "12 September 2016 to 6 October 2016",
/// "3 March 2015 – 25 March 2015", "5 and 6 March 2024", "30 December 2024 to 3 January 2025",
/// or one day "5 March 2024".
private func parseDateRange(atStartOf text: String) -> DateRange? {
    if let m = text.prefixMatch(of: /(?i)(\d{1,2})(?:st|nd|rd|th)?(?:\s+([a-z]{3,9})\.?)?(?:,?\s+(\d{4}))?\s*(?:to|and|until|-|–|—)\s*(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})/) {
        let source = String(m.0)
        var range = DateRange(start: nil, end: nil, source: source)
        guard let endDay = Int(m.4), let endMonth = CalendarDay.month(named: String(m.5)),
              let endYear = Int(m.6)
        else { return nil }
        guard let end = CalendarDay.date(year: endYear, month: endMonth, day: endDay) else {
            range.problems.append("The inspection end date \"\(source)\" is not a calendar day.")
            return range
        }
        range.end = end
        var startMonth = endMonth
        if let name = m.2 {
            guard let month = CalendarDay.month(named: String(name)) else { return nil }
            startMonth = month
        }
        var startYear = endYear
        if let year = m.3.flatMap({ Int($0) }) {
            startYear = year
        } else if startMonth > endMonth {
            startYear = endYear - 1  // "30 December to 3 January 2025"
        }
        if let startDay = Int(m.1), let start = CalendarDay.date(year: startYear, month: startMonth, day: startDay) {
            range.start = start
        } else {
            range.problems.append("The inspection start date in \"\(source)\" is not a calendar day.")
        }
        return range
    }
    if let m = text.prefixMatch(of: /(?i)(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})/) {
        guard let day = Int(m.1), let month = CalendarDay.month(named: String(m.2)), let year = Int(m.3) else {
            return nil
        }
        let source = String(m.0)
        guard let date = CalendarDay.date(year: year, month: month, day: day) else {
            return DateRange(start: nil, end: nil, source: source,
                             problems: ["The inspection date \"\(source)\" is not a calendar day."])
        }
        return DateRange(start: date, end: date, source: source)
    }
    return nil
}

// MARK: - Grade table

private enum TableMode { case header, sif, generic }

private struct TableRow {
    var label: String
    var grade: Grade
    /// 1 for a judgement, 2 for a numbered sub-judgement ("2.1").
    var depth: Int
}

private struct TableResult {
    var rows: [TableRow]
    /// The page line where the table ended (the first line after it).
    var endLine: Int
    var warnings: [String]
}

/// True when `text` starts with one of the phrases (case-insensitive) followed by a word boundary.
func startsWithWords(_ text: String, anyOf phrases: [String]) -> Bool {
    let lower = text.lowercased()
    for phrase in phrases where lower.hasPrefix(phrase) {
        let next = lower.dropFirst(phrase.count).first
        if next.map({ !$0.isLetter && !$0.isNumber }) ?? true { return true }
    }
    return false
}

/// The columns of a layout line: text separated by runs of two or more spaces.
private func layoutColumns(_ trimmed: String) -> [String] {
    var columns: [String] = []
    var current = ""
    var spaces = 0
    for character in trimmed {
        if character == " " {
            spaces += 1
            continue
        }
        if spaces >= 2, !current.isEmpty {
            columns.append(current)
            current = ""
        } else if spaces == 1, !current.isEmpty {
            current.append(" ")
        }
        spaces = 0
        current.append(character)
    }
    if !current.isEmpty { columns.append(current) }
    return columns
}

private func isTableHeader(_ line: String) -> Bool {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    let words = trimmed.lowercased().split(whereSeparator: \.isWhitespace)
    return words.count == 2 && (words.first == "judgement" || words.first == "judgements")
        && (words.last == "grade" || words.last == "grades")
}

private let gradePhrases: [[String]] = [
    ["requires", "improvement", "to", "be", "good"],
    ["require", "improvement", "to", "be", "good"],
    ["outstanding"], ["good"], ["inadequate"],
]

/// True when the text is a grade or a piece of a wrapped grade ("Requires improvement to",
/// "be good"): its words are a contiguous run of one grade phrase.
private func isGradeFragment(_ text: String) -> Bool {
    let words = text.lowercased()
        .split(whereSeparator: { !$0.isLetter })
        .map(String.init)
    guard !words.isEmpty, words.count <= 5 else { return false }
    // Letters only, apart from punctuation or a footnote digit.
    guard text.allSatisfy({ $0.isLetter || $0.isWhitespace || $0.isASCIIDigitCharacter || ".,;:*()".contains($0) })
    else { return false }
    for phrase in gradePhrases where words.count <= phrase.count {
        for offset in 0...(phrase.count - words.count) where Array(phrase[offset..<(offset + words.count)]) == words {
            return true
        }
    }
    return false
}

/// Splits a layout line into its label part and its grade column (when the text right of a wide
/// gap is a grade or a piece of one). A line holding only a grade is all grade. Without a gap,
/// only "Overall effectiveness <grade>" and numbered rows ("1. … Inadequate") are split.
private func splitRow(_ line: String) -> (left: String, right: String?) {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    guard !trimmed.isEmpty else { return ("", nil) }
    let columns = layoutColumns(trimmed)
    if columns.count >= 2 {
        for k in columns.indices.dropFirst() {
            let right = columns[k...].joined(separator: " ")
            if isGradeFragment(right) {
                return (columns[..<k].joined(separator: " "), right)
            }
        }
    }
    if isGradeFragment(trimmed), leadingSpaces(line) >= 8 || Grade(text: trimmed) != nil {
        return ("", trimmed)
    }
    let overallPrefix = "overall effectiveness"
    if trimmed.lowercased().hasPrefix(overallPrefix) {
        let rest = String(trimmed.dropFirst(overallPrefix.count))
            .trimmingCharacters(in: CharacterSet(charactersIn: ": "))
        if !rest.isEmpty, Grade(text: rest) != nil { return ("Overall effectiveness", rest) }
    }
    if splitNumbering(trimmed) != nil {
        let words = trimmed.split(separator: " ").map(String.init)
        for count in stride(from: min(5, words.count - 2), through: 1, by: -1) where count >= 1 {
            let tail = words.suffix(count).joined(separator: " ")
            if Grade(text: tail) != nil, tail.first?.isUppercase == true {
                return (words.dropLast(count).joined(separator: " "), tail)
            }
        }
    }
    return (trimmed, nil)
}

/// "2.1 Adoption performance" → (2, "Adoption performance"); "1. Children …" → (1, "Children …").
private func splitNumbering(_ label: String) -> (depth: Int, label: String)? {
    // Parts of one or two digits separated by dots, an optional final dot, then whitespace.
    var parts = 0
    var digitsInPart = 0
    var trailingDot = false
    var rest = Substring(label)
    while let character = rest.first {
        if character.isASCIIDigitCharacter {
            guard digitsInPart < 2 else { return nil }
            if digitsInPart == 0 { parts += 1 }
            digitsInPart += 1
            trailingDot = false
        } else if character == "." {
            guard digitsInPart > 0 else { return nil }
            digitsInPart = 0
            trailingDot = true
        } else {
            break
        }
        rest = rest.dropFirst()
    }
    guard parts >= 1, let next = rest.first, next.isWhitespace else { return nil }
    // "1. X" and "2.1 X" are numbering; "16 and 17" is not.
    guard parts >= 2 || trailingDot else { return nil }
    let text = rest.trimmingCharacters(in: .whitespaces)
    guard !text.isEmpty else { return nil }
    return (parts, text)
}

private func looksLikeJudgementLabel(_ label: String) -> Bool {
    let lower = label.lowercased()
    if !JudgementTopic.topics(ofLabel: label).isEmpty { return true }
    return ["experiences and progress", "impact of", "effectiveness", "judgement"].contains { lower.contains($0) }
}

private func endsSentence(_ s: String) -> Bool {
    guard let last = s.last else { return false }
    return ".!?:;".contains(last)
}

/// Without a header row: the first line (after `from`) with a grade column, and the label lines
/// just above it.
private func findTableStart(_ lines: [String], from: Int) -> Int? {
    guard from >= 0, from < lines.count else { return nil }
    let limit = min(lines.count, from + 60)
    guard let first = (from..<limit).first(where: { splitRow(lines[$0]).right != nil }) else { return nil }
    var start = first
    while start - 1 >= from {
        let previous = lines[start - 1].trimmingCharacters(in: .whitespaces)
        if previous.isEmpty || previous.count > 70 || endsSentence(previous) || isTableHeader(previous) { break }
        start -= 1
    }
    return start
}

/// Where the header's "Grade" starts, in characters.
private func gradeColumn(ofHeader line: String) -> Int? {
    guard let range = line.range(of: "grade", options: .caseInsensitive) else { return nil }
    return line.distance(from: line.startIndex, to: range.lowerBound)
}

/// In a table with a header, text in the grade column that is not a grade ("Strong standard",
/// "[illegible]"): the last column of a line, starting at about the header's "Grade".
private func unreadableGradeCell(_ line: String, gradeColumn: Int?) -> (left: String, cell: String)? {
    guard let gradeColumn else { return nil }
    var columns: [(offset: Int, text: String)] = []
    var current = ""
    var currentStart = 0
    var spaces = 0
    var offset = 0
    for character in line {
        defer { offset += 1 }
        if character == " " {
            spaces += 1
            continue
        }
        if current.isEmpty {
            currentStart = offset
        } else if spaces >= 2 {
            columns.append((currentStart, current))
            current = ""
            currentStart = offset
        } else if spaces == 1 {
            current.append(" ")
        }
        spaces = 0
        current.append(character)
    }
    if !current.isEmpty { columns.append((currentStart, current)) }
    guard let last = columns.last, last.offset >= gradeColumn - 4 else { return nil }
    return (columns.dropLast().map(\.text).joined(separator: " "), last.text)
}

private func parseTable(_ lines: [String], from start: Int, mode: TableMode, gradeColumn: Int? = nil) -> TableResult {
    var result = TableResult(rows: [], endLine: start, warnings: [])
    guard start >= 0, start <= lines.count else { return result }

    struct Cell {
        let index: Int
        let left: String
        let right: String?
        let indent: Int
        /// Text in the grade column that is not a grade.
        var unreadable: String? = nil
        var numbered: Bool { !left.isEmpty && splitNumbering(left) != nil }
        /// This line begins a new grade (not the wrapped rest of one above it).
        var startsGrade = false
        var continuesGrade = false
    }

    func finish(labelParts: [String], gradeParts: [String]) {
        let rawLabel = joinLines(labelParts)
        var depth = 1
        var label = rawLabel
        if let numbered = splitNumbering(rawLabel) {
            depth = numbered.depth
            label = numbered.label
        }
        label = stripFootnoteMarkers(label)
        guard !gradeParts.isEmpty else {
            if !label.isEmpty { result.warnings.append("Could not read the grade for the judgement \"\(label)\".") }
            return
        }
        let gradeText = collapseWhitespace(gradeParts.joined(separator: " "))
        guard let grade = Grade(text: gradeText) else {
            result.warnings.append("Could not read the grade \"\(gradeText)\" for the judgement \"\(label)\".")
            return
        }
        guard !label.isEmpty else {
            result.warnings.append("Found the grade \"\(gradeText)\" without a judgement label; it was ignored.")
            return
        }
        if mode == .generic && !looksLikeJudgementLabel(label) {
            result.warnings.append("\"\(label)\" next to \"\(gradeText)\" does not look like a judgement; it was ignored.")
            return
        }
        if result.rows.count >= 20 {
            result.warnings.append("More than 20 judgement rows; the rest were ignored.")
            return
        }
        result.rows.append(TableRow(label: label, grade: grade, depth: depth))
    }

    /// Prose straight after a table row (no blank line between them).
    func isProse(_ text: String) -> Bool {
        text.count > 75 || (endsSentence(text) && text.count > 40)
    }

    // A judgement table is a few dozen lines at most.
    let limit = min(lines.count, start + 150)
    var index = start
    scan: while index < limit {
        if isBlank(lines[index]) { index += 1; continue }
        var group: [Cell] = []
        while index < limit, !isBlank(lines[index]) {
            let split = splitRow(lines[index])
            var cell = Cell(index: index, left: split.left, right: split.right, indent: leadingSpaces(lines[index]))
            if split.right == nil, let unreadable = unreadableGradeCell(lines[index], gradeColumn: gradeColumn) {
                cell = Cell(index: index, left: unreadable.left, right: nil, indent: cell.indent, unreadable: unreadable.cell)
            }
            group.append(cell)
            index += 1
        }

        // Which grade lines begin a grade and which continue a wrapped one.
        var pending = ""
        for position in group.indices {
            guard let right = group[position].right else { continue }
            let joined = pending.isEmpty ? right : pending + " " + right
            let pendingComplete = Grade(text: pending) != nil
            if !pending.isEmpty, !pendingComplete, isGradeFragment(joined) {
                group[position].continuesGrade = true
            } else if !pending.isEmpty, pendingComplete, group[position].left.isEmpty, Grade(text: joined) != nil {
                group[position].continuesGrade = true  // "Requires improvement" / "to be good"
            } else {
                group[position].startsGrade = true
                pending = right
                continue
            }
            pending = joined
        }
        let starts = group.filter(\.startsGrade)

        if starts.isEmpty {
            let texts = group.map(\.left)
            if texts.allSatisfy(isPageNumber) { result.endLine = index; continue }
            let label = joinLines(texts)
            let strippedLabel = splitNumbering(label)?.label ?? label
            if isTableHeader(label) { result.endLine = index; continue }
            let shortLines = texts.allSatisfy { $0.count <= 75 } && texts.count <= 4
            let unreadable = group.compactMap(\.unreadable).joined(separator: " ")
            if shortLines, looksLikeJudgementLabel(strippedLabel), mode != .generic, result.rows.count < 12 {
                let label = stripFootnoteMarkers(strippedLabel)
                result.warnings.append(unreadable.isEmpty
                    ? "Could not read the grade for the judgement \"\(label)\"."
                    : "Could not read the grade \"\(unreadable)\" for the judgement \"\(label)\".")
                result.endLine = index
                continue
            }
            result.endLine = group.first?.index ?? index
            break scan
        }

        // Split the group into rows. One grade: the whole group is one row, whatever line the
        // grade sits on. Several grades without blank lines between the rows: only when the
        // layout says unambiguously where each row starts.
        var segments: [[Cell]] = []
        if starts.count == 1 {
            segments = [group]
        } else if group.first?.numbered == true,
                  case let numberedSegments = split(group, before: { $0.numbered }),
                  numberedSegments.allSatisfy({ $0.filter(\.startsGrade).count <= 1 })
        {
            segments = numberedSegments  // SIF: "1. …", "2. …", "2.1 …"
        } else if starts.allSatisfy({ $0.left.isEmpty ? $0.indent < 8 : true }),
                  starts.contains(where: { $0.left.isEmpty })
        {
            // Grade after its label, each on its own line (text extracted without -layout).
            var current: [Cell] = []
            for (position, cell) in group.enumerated() {
                current.append(cell)
                let isGradeLine = cell.startsGrade || cell.continuesGrade
                let nextContinues = group.indices.contains(position + 1) && group[position + 1].continuesGrade
                if isGradeLine && !nextContinues {
                    segments.append(current)
                    current = []
                }
            }
            if !current.isEmpty { segments.append(current) }
        } else if starts.allSatisfy({ !$0.left.isEmpty }), group.first?.startsGrade == true {
            segments = split(group, before: { $0.startsGrade })  // grade on each row's first line
        } else {
            let label = joinLines(group.map(\.left))
            result.warnings.append("Could not tell which grade belongs to which judgement in \"\(label)\"; these grades were not read.")
            result.endLine = index
            continue
        }

        for segment in segments {
            var labelParts: [String] = []
            var gradeParts: [String] = []
            for cell in segment {
                let complete = Grade(text: gradeParts.joined(separator: " ")) != nil
                if cell.right == nil, complete, isProse(cell.left) {
                    finish(labelParts: labelParts, gradeParts: gradeParts)
                    result.endLine = cell.index
                    return result
                }
                if gradeParts.isEmpty, cell.right == nil, labelParts.isEmpty, segment.count > 1,
                   !segment.contains(where: { $0.right != nil }), !looksLikeJudgementLabel(cell.left)
                {
                    // Lines after the last row that are not a judgement: the table is over.
                    result.endLine = cell.index
                    return result
                }
                if !cell.left.isEmpty { labelParts.append(cell.left) }
                if let right = cell.right { gradeParts.append(right) }
                if let unreadable = cell.unreadable { gradeParts.append(unreadable) }
            }
            if gradeParts.isEmpty {
                let label = joinLines(labelParts)
                if !looksLikeJudgementLabel(label) || isProse(label) {
                    result.endLine = segment.first?.index ?? index
                    return result
                }
            }
            finish(labelParts: labelParts, gradeParts: gradeParts)
        }
        result.endLine = index
    }
    return result
}

/// Splits `cells` into runs, starting a new run before every cell matching `isStart`.
private func split<T>(_ cells: [T], before isStart: (T) -> Bool) -> [[T]] {
    var runs: [[T]] = []
    var current: [T] = []
    for cell in cells {
        if isStart(cell), !current.isEmpty {
            runs.append(current)
            current = []
        }
        current.append(cell)
    }
    if !current.isEmpty { runs.append(current) }
    return runs
}

// MARK: - SIF overall sentence

/// "Children's services in Birmingham are inadequate", "Children's services in Manchester require
/// improvement to be good", "The overall judgement is that children's services require improvement".
private func readSIFOverallSentence(_ lines: [String], searchLimit: Int) -> (grade: Grade, localAuthority: String?, endLine: Int)? {
    let limit = min(lines.count, searchLimit)
    for index in 0..<limit {
        let lower = lines[index].lowercased()
        guard lower.contains("children's services") || lower.contains("overall judgement")
            || lower.contains("overall effectiveness")
        else { continue }
        // Join the sentence's lines (it may wrap: "… require improvement to be" / "good"), match,
        // then find the line where the match ends.
        var block: [String] = []
        var k = index
        while k < lines.count, k < index + 4, !isBlank(lines[k]) {
            block.append(lines[k])
            k += 1
        }
        let joined = collapseWhitespace(block.joined(separator: " "))
        var found: (grade: Grade, localAuthority: String?, text: String)?
        if let m = joined.firstMatch(of: /(?i)children's services in (.{1,80}?) (are|is|require|requires) (improvement to be good|improvement|outstanding|good|inadequate)\b/),
           let grade = sifGrade(verb: String(m.2), words: String(m.3))
        {
            found = (grade, cleanAuthority(String(m.1)), String(m.0))
        } else if let m = joined.firstMatch(of: /(?i)overall (?:judgement|effectiveness) is that (?:the )?(?:local authority's )?children's services (?:are |is )?(?:judged to )?(?:be )?(are|is|require|requires|)\s*(improvement to be good|improvement|outstanding|good|inadequate)\b/),
                  let grade = sifGrade(verb: String(m.1), words: String(m.2))
        {
            found = (grade, nil, String(m.0))
        }
        guard let found else { continue }
        var end = index
        for (offset, _) in block.enumerated() {
            end = index + offset
            if collapseWhitespace(block[0...offset].joined(separator: " ")).contains(found.text) { break }
        }
        return (found.grade, found.localAuthority, end)
    }
    return nil
}

private func sifGrade(verb: String, words: String) -> Grade? {
    let v = verb.lowercased()
    let w = words.lowercased()
    if w.hasPrefix("improvement") {
        return v.hasPrefix("require") ? .requiresImprovement : nil
    }
    guard !v.hasPrefix("require") else { return nil }
    return Grade(text: w)
}

