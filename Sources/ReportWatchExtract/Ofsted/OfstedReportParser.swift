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
    /// The pages a report's findings come from: dates, judgements, the summary and what needs to
    /// improve are on the first ten pages of every framework's report, and most letters are
    /// shorter. Reading no further keeps a 40-page report to about a quarter of the CPU.
    public static let pagesNeeded = 16

    /// The pages read when the first ones are not enough: a single inspection framework report
    /// that reviewed its local safeguarding children board states that judgement in its last
    /// section, near page 40, and a long letter's lists may run past page 16.
    public static let pagesAtMost = 80

    /// Reads a report PDF with `extractor` (its limits and executable): the first
    /// ``pagesNeeded`` pages, and up to ``pagesAtMost`` only for a report that reviewed its
    /// safeguarding board without stating that judgement in them, or a letter that goes on.
    public static func findings(ofPDFAt path: String, extractor: PDFTextExtractor) async throws -> ReportFindings {
        var first = extractor
        first.lastPage = pagesNeeded
        let text = try await first.text(ofPDFAt: path)
        let findings = parse(text: text)
        let boardNotRead = findings.framework == .sif2013
            && findings.title?.lowercased().contains("safeguarding children board") == true
            && !findings.judgements.contains { $0.label == JudgementLabel.sifSafeguardingBoard.label }
        // pdftotext ends every page with a form feed: as many as were asked for means more may follow.
        let letterGoesOn = findings.letterType != nil
            && text.utf8.lazy.filter({ $0 == 0x0C }).count >= pagesNeeded
        guard boardNotRead || letterGoesOn else { return findings }
        var whole = extractor
        whole.lastPage = pagesAtMost
        return parse(text: try await whole.text(ofPDFAt: path))
    }

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
        let sifOverall = headerIndex == nil ? readSIFOverallSentence(pageLines, searchLimit: 60) : nil
        var table: OfstedJudgementTable?
        if let headerIndex {
            table = OfstedJudgementTable(lines: pageLines, from: headerIndex + 1,
                                         gradeColumn: gradeColumn(ofHeader: pageLines[headerIndex]))
        } else if let start = firstTableRow(pageLines, from: sifOverall.map { $0.endLine + 1 } ?? heading.endLine) {
            table = OfstedJudgementTable(lines: pageLines, from: start, gradeColumn: nil)
        }
        if let table { warnings.append(contentsOf: table.warnings) }

        var overall: Judgement?
        var judgements: [Judgement] = []
        for row in table?.rows ?? [] {
            let judgement = Judgement(label: row.label.label, grade: row.grade)
            if row.label.isOverall {
                if overall == nil {
                    overall = judgement
                } else {
                    warnings.append("A second overall judgement \"\(row.grade.rawValue)\" was ignored.")
                }
            } else if row.label.depth >= 2, let parentIndex = judgements.indices.last {
                judgements[parentIndex].subJudgements.append(judgement)
            } else if judgements.contains(where: { $0.label == judgement.label }) {
                warnings.append("A second \"\(judgement.label)\" row was ignored.")
            } else {
                judgements.append(judgement)
            }
        }
        if let sifOverall {
            if let overall, overall.grade != sifOverall.grade {
                warnings.append("The overall grade in the table (\(overall.grade.rawValue)) differs from the sentence (\(sifOverall.grade.rawValue)); the sentence was used.")
            }
            overall = Judgement(label: JudgementLabel.overall.label, grade: sifOverall.grade)
        }
        let isSIFTable = sifOverall != nil || (table?.rows.contains { $0.label.isSIF } ?? false)
        if isSIFTable, !judgements.contains(where: { $0.label == JudgementLabel.sifSafeguardingBoard.label }),
           let board = readSafeguardingBoardSentence(document) {
            judgements.append(Judgement(label: JudgementLabel.sifSafeguardingBoard.label, grade: board))
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

        // Framework: from what the table holds, never one that began after the inspection.
        let graded = overall != nil || !judgements.isEmpty
        let rows = table?.rows.map(\.label) ?? []
        let inspected = findings.inspectionStart ?? findings.inspectionEnd
        if isLegacyInspection(heading: heading, inspected: inspected) {
            findings.framework = .legacy2009
            findings.overall = nil
            findings.judgements = []
            warnings.append("This inspection predates the single inspection framework (November 2013) and grades on another scale; its grades are not read.")
        } else if graded {
            var framework: InspectionFramework
            if isSIFTable {
                framework = .sif2013
            } else if rows.contains(where: \.isCombinedCareJudgement) {
                framework = .ilacs2018
            } else if rows.contains(.childrenInCare) || rows.contains(.careLeavers) {
                framework = overall != nil ? .ilacs2023 : .ilacs2026
            } else {
                framework = InspectionFramework.latest(inspectedOn: inspected) ?? (overall != nil ? .ilacs2023 : .ilacs2026)
            }
            if framework == .ilacs2026, let inspected, let april2026 = InspectionFramework.ilacs2026.startDate,
               inspected < april2026 {
                framework = .ilacs2023
                warnings.append("No overall effectiveness judgement was read, although the inspection predates April 2026.")
            }
            if let inspected, let start = framework.startDate, inspected < start,
               let began = InspectionFramework.latest(inspectedOn: inspected) {
                warnings.append("The table reads as the \(framework.rawValue) framework, which began after this inspection; it is named \(began.rawValue).")
                framework = began
            }
            findings.framework = framework
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
    if titleLines.count > 1, let last = titleLines.last, last.hasSuffix(" Council"), last.count <= 60,
       last.first?.isUppercase == true {
        // "Inspection of looked after children services" / "Kent County Council".
        heading.localAuthorityLine = heading.localAuthorityLine ?? cleanAuthority(last)
        titleLines.removeLast()
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
    // "12/09/2016 to 06/10/2016": day first, as British reports write them.
    if let m = text.prefixMatch(of: /(\d{1,2})\/(\d{1,2})\/(\d{4})\s*(?:to|until|-|–|—)\s*(\d{1,2})\/(\d{1,2})\/(\d{4})/) {
        let source = String(m.0)
        guard let start = CalendarDay.date(year: Int(m.3)!, month: Int(m.2)!, day: Int(m.1)!),
              let end = CalendarDay.date(year: Int(m.6)!, month: Int(m.5)!, day: Int(m.4)!)
        else {
            return DateRange(start: nil, end: nil, source: source,
                             problems: ["The inspection dates \"\(source)\" are not calendar days."])
        }
        return DateRange(start: start, end: end, source: source)
    }
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

/// True when `text` starts with one of the phrases (case-insensitive) followed by a word boundary.
func startsWithWords(_ text: String, anyOf phrases: [String]) -> Bool {
    let lower = text.lowercased()
    for phrase in phrases where lower.hasPrefix(phrase) {
        let next = lower.dropFirst(phrase.count).first
        if next.map({ !$0.isLetter && !$0.isNumber }) ?? true { return true }
    }
    return false
}

private func isTableHeader(_ line: String) -> Bool {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    let words = trimmed.lowercased().split(whereSeparator: \.isWhitespace)
    return words.count == 2 && (words.first == "judgement" || words.first == "judgements")
        && (words.last == "grade" || words.last == "grades")
}

/// Where the header's "Grade" starts, in characters.
private func gradeColumn(ofHeader line: String) -> Int? {
    guard let range = line.range(of: "grade", options: .caseInsensitive) else { return nil }
    return line.distance(from: line.startIndex, to: range.lowerBound)
}

/// Without a header row (SIF reports): the first line that begins a judgement's label, or the
/// grade standing alone on the line above it.
private func firstTableRow(_ lines: [String], from: Int) -> Int? {
    guard from >= 0, from < lines.count else { return nil }
    let limit = min(lines.count, from + 80)
    for index in from..<limit {
        let columns = layoutColumnsWithOffsets(lines[index])
        guard let first = columns.first, JudgementLabel.startsRow(first.text) else { continue }
        // A row needs a grade: on its line or within the next two.
        let near = lines[index..<min(lines.count, index + 3)]
        let hasGrade = near.contains { line in
            let parts = layoutColumnsWithOffsets(line)
            return parts.count >= 2 && isGradeFragment(parts.last!.text)
                || (parts.count == 1 && parts[0].offset >= 30 && isGradeFragment(parts[0].text))
        }
        guard hasGrade else { continue }
        var start = index
        while start - 1 >= from {
            let above = layoutColumnsWithOffsets(lines[start - 1])
            guard above.count == 1, above[0].offset >= 30, isGradeFragment(above[0].text) else { break }
            start -= 1
        }
        return start
    }
    return nil
}

/// "The effectiveness of the Local Safeguarding Children Board (LSCB) is good" (or "requires
/// improvement"), in the report's first pages.
private func readSafeguardingBoardSentence(_ document: LayoutDocument) -> Grade? {
    let text = document.bodyText(maxCharacters: 400_000)
    guard let m = text.firstMatch(of: /(?i)\bthe (?:local safeguarding children board|lscb)(?: \(lscb\))?\s+(is|are|requires|require)\s+(improvement to be good|improvement|outstanding|good|inadequate)\b/)
    else { return nil }
    return sifGrade(verb: String(m.1), words: String(m.2))
}

/// Inspections of safeguarding and looked after children services before the single inspection
/// framework (November 2013).
private func isLegacyInspection(heading: Heading, inspected: Date?) -> Bool {
    guard let inspected, let sif = InspectionFramework.sif2013.startDate, inspected < sif else { return false }
    return !heading.isLetter
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
        if let m = joined.firstMatch(of: /(?i)children's services(?: in (.{1,80}?))? (are|is|require|requires) (improvement to be good|improvement|outstanding|good|inadequate)\b/),
           let grade = sifGrade(verb: String(m.2), words: String(m.3))
        {
            found = (grade, m.1.flatMap { cleanAuthority(String($0)) }, String(m.0))
        } else if let m = joined.firstMatch(of: /(?i)overall (?:judgement|effectiveness) is (?:that )?(?:the )?(?:local authority's )?(?:children's services )?(?:are |is )?(?:judged to )?(?:be )?(are|is|require|requires|)\s*(improvement to be good|improvement|outstanding|good|inadequate)\b/),
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

