import Foundation
import ReportWatchCore

/// Reads a report's judgement table from `pdftotext -layout` lines as a table: a label column and
/// a grade column, each read top to bottom on its own, then paired.
///
/// Labels and grades both wrap, and a row's grade may sit on its label's first line, its last
/// line, between them or on the line above, so a grade is never paired with the text beside it.
/// Rows are cut from the label column where a framework's label begins (or at a blank line), wrapped
/// grades are joined from the grade column, and the two lists are paired in order when they are
/// as long as each other (the order of rows is the one thing every layout keeps); otherwise each
/// grade goes to the label whose lines are nearest.
struct OfstedJudgementTable {
    struct Row: Equatable {
        let label: JudgementLabel
        let grade: Grade
    }

    var rows: [Row] = []
    var warnings: [String] = []
    /// The page line after the table.
    var endLine: Int

    /// - Parameters:
    ///   - lines: the page's layout lines.
    ///   - start: the first line after the header row (or, without one, the first row).
    ///   - gradeColumn: where the header's "Grade" starts, when there is a header.
    init(lines: [String], from start: Int, gradeColumn: Int?) {
        endLine = start
        let cells = Self.cells(lines, from: start, gradeColumn: gradeColumn)
        endLine = cells.endLine

        let labels = Self.labelBlocks(cells.lines)
        let grades = Self.gradeBlocks(cells.lines, warnings: &warnings)
        let pairs = Self.pair(labels: labels, grades: grades)

        for (text, grade) in pairs {
            switch (JudgementLabel.recognise(text), grade) {
            case let (recognised?, grade?):
                if rows.count < 20 { rows.append(Row(label: recognised, grade: grade.grade)) }
            case (nil, _?):
                warnings.append("\"\(String(text.prefix(160)))\" is not a judgement this reader knows; its grade was not reported.")
            case let (recognised?, nil):
                warnings.append("Could not read the grade for the judgement \"\(recognised.label)\".")
            case (nil, nil):
                break  // text under the table that is not part of it
            }
        }
        let paired = Set(pairs.compactMap { $0.grade?.first })
        for grade in grades where !paired.contains(grade.first) {
            warnings.append("Found the grade \"\(grade.grade.rawValue)\" without a judgement label; it was ignored.")
        }
    }

    // MARK: Cells

    struct Cell {
        let line: Int
        /// Text in the label column ("" when the line holds only a grade).
        let left: String
        /// Text in the grade column.
        let right: String
        var isBlank: Bool { left.isEmpty && right.isEmpty }
    }

    /// The table's lines split into the two columns, up to the first line of prose under it.
    static func cells(_ lines: [String], from start: Int, gradeColumn: Int?) -> (lines: [Cell], endLine: Int) {
        var cells: [Cell] = []
        var column = gradeColumn
        var index = max(0, start)
        let limit = min(lines.count, start + 60)
        var sawGrade = false
        while index < limit {
            let line = lines[index]
            let columns = layoutColumnsWithOffsets(line)
            if columns.isEmpty {
                cells.append(Cell(line: index, left: "", right: ""))
                index += 1
                continue
            }
            // Without a header, the grade column is where the first grade stands apart.
            if column == nil, let last = columns.last, columns.count >= 2 || last.offset >= 30,
               isGradeFragment(last.text) {
                column = last.offset
            }
            var left: [String] = []
            var right: [String] = []
            var prose = false
            for (position, part) in columns.enumerated() {
                let end = part.offset + part.text.count
                if let column, part.offset >= column - 4 {
                    right.append(part.text)
                } else if position > 0, isGradeFragment(part.text) {
                    right.append(part.text)  // a long grade set left of a centred header
                } else if let column, columns.count == 1, part.offset >= column / 2, isGradeFragment(part.text) {
                    right.append(part.text)
                } else if let column, end > column + 1, !Self.continuesLabel(part.text, after: cells) {
                    prose = true  // one run of text across both columns
                } else {
                    left.append(part.text)
                }
            }
            let leftText = left.joined(separator: " ")
            let rightText = right.joined(separator: " ")
            if prose || (right.isEmpty && leftText.count > 80) { break }
            // Prose after the last row: a line that starts no label after a blank line, once
            // every label so far has its grade.
            if sawGrade, right.isEmpty, let previous = cells.last, previous.isBlank,
               !JudgementLabel.startsRow(leftText), endsTable(cells) {
                break
            }
            if !rightText.isEmpty { sawGrade = true }
            cells.append(Cell(line: index, left: leftText, right: rightText))
            index += 1
        }
        while let last = cells.last, last.isBlank { cells.removeLast() }
        return (cells, (cells.last?.line ?? start - 1) + 1)
    }

    /// A label line that runs into the grade column (a long label under a narrow header) rather
    /// than prose: it begins a row, or finishes a label that is not yet whole.
    private static func continuesLabel(_ text: String, after cells: [Cell]) -> Bool {
        guard text.count <= 75 else { return false }
        if JudgementLabel.startsRow(text) { return true }
        var open: [String] = []
        for cell in cells.reversed() {
            if cell.isBlank { break }
            if !cell.left.isEmpty { open.insert(cell.left, at: 0) }
        }
        guard !open.isEmpty else { return false }
        let block = joinLines(open)
        return JudgementLabel.startsRow(block) && JudgementLabel.recognise(block) == nil
            && JudgementLabel.recognise(block + " " + text) != nil
    }

    /// Whether the rows read so far are complete: as many grades as labels.
    private static func endsTable(_ cells: [Cell]) -> Bool {
        var ignored: [String] = []
        return labelBlocks(cells).count <= gradeBlocks(cells, warnings: &ignored).count
    }

    // MARK: Label column

    struct LabelBlock {
        var parts: [String]
        var first: Int
        var last: Int
        var text: String { joinLines(parts) }
        var centre: Double { Double(first + last) / 2 }
    }

    /// The label column cut into rows: at a blank line, or where a label begins.
    static func labelBlocks(_ cells: [Cell]) -> [LabelBlock] {
        var blocks: [LabelBlock] = []
        var current: LabelBlock?
        for cell in cells {
            if cell.isBlank {
                if let block = current { blocks.append(block) }
                current = nil
                continue
            }
            guard !cell.left.isEmpty else { continue }
            if var block = current {
                // A label's first words on a new line start a new row, unless what came before
                // is not yet a label (a number on its own, a cut first line).
                if JudgementLabel.startsRow(cell.left), JudgementLabel.recognise(block.text) != nil {
                    blocks.append(block)
                    current = LabelBlock(parts: [cell.left], first: cell.line, last: cell.line)
                } else {
                    block.parts.append(cell.left)
                    block.last = cell.line
                    current = block
                }
            } else {
                current = LabelBlock(parts: [cell.left], first: cell.line, last: cell.line)
            }
        }
        if let block = current { blocks.append(block) }
        return blocks
    }

    // MARK: Grade column

    struct GradeBlock {
        let grade: Grade
        let first: Int
        let last: Int
        var centre: Double { Double(first + last) / 2 }
    }

    /// The grade column's pieces joined into whole grades ("Requires improvement" / "to be good").
    static func gradeBlocks(_ cells: [Cell], warnings: inout [String]) -> [GradeBlock] {
        var blocks: [GradeBlock] = []
        var pending: (text: String, first: Int, last: Int)?
        func flush() {
            guard let p = pending else { return }
            if let grade = Grade(text: p.text) {
                blocks.append(GradeBlock(grade: grade, first: p.first, last: p.last))
            } else {
                warnings.append("Could not read the grade \"\(String(p.text.prefix(80)))\".")
            }
            pending = nil
        }
        for cell in cells where !cell.right.isEmpty {
            if let p = pending, cell.line - p.last <= 2, isGradeStart(p.text + " " + cell.right),
               !(Grade(text: p.text) != nil && isGradeStart(cell.right) && Grade(text: cell.right) != nil) {
                pending = (p.text + " " + cell.right, p.first, cell.line)
            } else {
                flush()
                pending = (cell.right, cell.line, cell.line)
            }
        }
        flush()
        return blocks
    }

    // MARK: Pairing

    /// Each label with its grade. In order when the columns hold as many rows as each other and
    /// each grade is within a row's reach; otherwise by nearest lines, in order, each grade once.
    static func pair(labels: [LabelBlock], grades: [GradeBlock]) -> [(text: String, grade: GradeBlock?)] {
        let graded = labels
        if graded.count == grades.count,
           zip(graded, grades).allSatisfy({ $1.first <= $0.last + 2 && $1.last >= $0.first - 2 }) {
            return zip(graded, grades).map { ($0.text, Optional($1)) }
        }
        var result: [(text: String, grade: GradeBlock?)] = []
        var next = 0
        for (position, label) in graded.enumerated() {
            var chosen: GradeBlock?
            while next < grades.count {
                let grade = grades[next]
                let distance = abs(grade.centre - label.centre)
                let nextLabelDistance = position + 1 < graded.count
                    ? abs(grade.centre - graded[position + 1].centre) : .infinity
                if grade.last < label.first - 2 {
                    next += 1  // a grade above every remaining label: nobody's
                    continue
                }
                if distance <= 2.5, distance <= nextLabelDistance {
                    chosen = grade
                    next += 1
                }
                break
            }
            result.append((label.text, chosen))
        }
        return result
    }
}

// MARK: - Grade words

private let gradePhrases: [[String]] = [
    ["requires", "improvement", "to", "be", "good"],
    ["require", "improvement", "to", "be", "good"],
    ["outstanding"], ["good"], ["inadequate"],
]

private func gradeWords(_ text: String) -> [String]? {
    guard text.allSatisfy({ $0.isLetter || $0.isWhitespace || $0.isASCIIDigitCharacter || ".,;:*()".contains($0) })
    else { return nil }
    let words = text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
    return words.isEmpty || words.count > 5 ? nil : words
}

/// A grade or any piece of a wrapped one ("Requires improvement to", "be good").
func isGradeFragment(_ text: String) -> Bool {
    guard let words = gradeWords(text) else { return false }
    for phrase in gradePhrases where words.count <= phrase.count {
        for offset in 0...(phrase.count - words.count) where Array(phrase[offset..<(offset + words.count)]) == words {
            return true
        }
    }
    return false
}

/// A grade or the first words of one, so that more lines may complete it.
private func isGradeStart(_ text: String) -> Bool {
    guard let words = gradeWords(text) else { return false }
    return gradePhrases.contains { phrase in words.count <= phrase.count && Array(phrase.prefix(words.count)) == words }
}

/// The columns of a layout line: runs of text separated by two or more spaces, with the character
/// offset each starts at.
func layoutColumnsWithOffsets(_ line: String) -> [(offset: Int, text: String)] {
    var columns: [(offset: Int, text: String)] = []
    var current = ""
    var start = 0
    var spaces = 0
    for (offset, character) in line.enumerated() {
        if character == " " {
            spaces += 1
            continue
        }
        if current.isEmpty {
            start = offset
        } else if spaces >= 2 {
            columns.append((start, current))
            current = ""
            start = offset
        } else if spaces == 1 {
            current.append(" ")
        }
        spaces = 0
        current.append(character)
    }
    if !current.isEmpty { columns.append((start, current)) }
    return columns
}
