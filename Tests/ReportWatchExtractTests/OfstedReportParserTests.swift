import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore

// The four PDFs are real Ofsted reports (see ../shared/fixtures/README.md), read from the shared
// fixtures directory next to the repository: <repo>/../shared/fixtures/ofsted/. Each test runs the
// real pdftotext through PDFTextExtractor. The expected grades and dates were read from the PDFs.

private enum Fixture: String, CaseIterable {
    case harrow2025 = "harrow_ilacs_2025-03-04_file50270419.pdf"
    case harrow2020 = "harrow_ilacs_2020-03-16_file50149055.pdf"
    case brent2026 = "brent_ilacs_2026-06-17_file50304386_post_reform.pdf"
    case birmingham2016 = "birmingham_sif_2016-11-25.pdf"

    static var directory: URL {
        // <repo>/Tests/ReportWatchExtractTests/<this file> → <repo>/../shared/fixtures/ofsted
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // ReportWatchExtractTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // <repo>
            .deletingLastPathComponent()  // parent of <repo>
            .appendingPathComponent("shared/fixtures/ofsted")
    }

    var path: String { Self.directory.appendingPathComponent(rawValue).path }

    func text() async throws -> String {
        try await PDFTextExtractor().text(ofPDFAt: path)
    }

    func findings() async throws -> ReportFindings {
        OfstedReportParser.parse(text: try await text())
    }
}

private func day(_ year: Int, _ month: Int, _ day: Int) throws -> Date {
    try #require(CalendarDay.date(year: year, month: month, day: day))
}

private func grades(_ findings: ReportFindings) -> [String] {
    findings.allJudgements.map { "\($0.label): \($0.grade.rawValue)" }
}

// MARK: - Real reports

@Suite struct OfstedFixtureReports {
    @Test func harrow2025() async throws {
        let f = try await Fixture.harrow2025.findings()
        #expect(f.framework == .ilacs2023)
        #expect(f.localAuthority == "Harrow")
        #expect(f.title == "Inspection of Harrow local authority children's services")
        #expect(f.inspectionStart == (try day(2025, 1, 20)))
        #expect(f.inspectionEnd == (try day(2025, 1, 24)))
        #expect(f.inspectionDatesText == "20–24 January 2025")
        #expect(f.overall == Judgement(label: "Overall effectiveness", grade: .inadequate))
        #expect(f.hasOverallJudgement)
        #expect(f.judgements == [
            Judgement(label: "The impact of leaders on social work practice with children and families", grade: .requiresImprovement),
            Judgement(label: "The experiences and progress of children who need help and protection", grade: .good),
            Judgement(label: "The experiences and progress of children in care", grade: .good),
            Judgement(label: "The experiences and progress of care leavers", grade: .inadequate),
        ])
        #expect(f.whatNeedsToImprove.count == 8)
        #expect(f.whatNeedsToImprove.first == "Leadership stability and capacity to lead the improvements required, including oversight of performance to ensure that there is a coherent and consistent response to the need for continuous improvement (Enabler two).")
        #expect(f.whatNeedsToImprove.last == "The quality of supervision and management oversight of social workers and PAs, so that children and care leavers receive a timely and consistent service that is responsive to their needs (Enabler two).")
        #expect(f.whatNeedsToImprove.allSatisfy { !$0.contains("\n") && !$0.contains("◼") && !$0.contains("  ") })
        let summary = try #require(f.summary)
        #expect(summary.hasPrefix("Since the last inspection of Harrow in February 2020, when services for children were judged to be good, improvements have been made to some areas of practice."))
        #expect(summary.hasSuffix("There is not currently sufficient leadership stability or focus to lead the level of change required."))
        #expect(!summary.contains("What needs to improve"))
        #expect(f.mainConclusions.isEmpty)
        #expect(f.warnings.isEmpty)
    }

    @Test func harrow2020() async throws {
        let f = try await Fixture.harrow2020.findings()
        #expect(f.framework == .ilacs2018)
        #expect(f.localAuthority == "Harrow")
        #expect(f.title == "Inspection of children's social care services")
        #expect(f.inspectionStart == (try day(2020, 2, 10)))
        #expect(f.inspectionEnd == (try day(2020, 2, 14)))
        #expect(f.inspectionDatesText == "10–14 February 2020")
        #expect(f.overall == Judgement(label: "Overall effectiveness", grade: .good))
        #expect(f.judgements == [
            Judgement(label: "The impact of leaders on social work practice with children and families", grade: .good),
            Judgement(label: "The experiences and progress of children who need help and protection", grade: .good),
            Judgement(label: "The experiences and progress of children in care and care leavers", grade: .good),
        ])
        #expect(f.whatNeedsToImprove == [
            "The quality and impact of supervision so that child in need and protection plans address the specific needs of individual children.",
            "Care leavers need to have access to their (emotional and physical) health histories and pathway plans, which should be of consistently good quality.",
            "Quality assurance practice evaluation audits across all teams.",
            "Meeting the needs of pupils with complex needs who are not in mainstream school and who remain on reduced timetables for too long.",
        ])
        let summary = try #require(f.summary)
        #expect(summary.hasPrefix("Services for children and young people in Harrow are good."))
        // A paragraph running over the page break (and its page number) is re-joined.
        #expect(summary.contains("strengthen practice evaluation audits so that they measure the impact"))
        #expect(f.warnings.isEmpty)
    }

    @Test func brent2026HasNoOverallJudgement() async throws {
        let f = try await Fixture.brent2026.findings()
        #expect(f.framework == .ilacs2026)
        #expect(f.localAuthority == "Brent")
        #expect(f.inspectionStart == (try day(2026, 4, 27)))
        #expect(f.inspectionEnd == (try day(2026, 5, 1)))
        #expect(f.inspectionDatesText == "27 April – 1 May 2026")
        #expect(f.overall == nil)
        #expect(!f.hasOverallJudgement)
        #expect(f.judgements == [
            Judgement(label: "The impact of leaders on social work practice with children and families", grade: .good),
            Judgement(label: "The experiences and progress of children who need help and protection", grade: .good),
            Judgement(label: "The experiences and progress of children in care", grade: .good),
            Judgement(label: "The experiences and progress of care leavers", grade: .good),
        ])
        #expect(f.whatNeedsToImprove.count == 4)
        #expect(f.whatNeedsToImprove.first?.hasSuffix("management oversight and decision making of this work. (Outcome 2, national framework)") == true)
        #expect(f.summary?.hasPrefix("Children in Brent benefit from responsive, compassionate social work") == true)
        #expect(f.warnings.isEmpty)
    }

    @Test func birmingham2016SingleInspectionFramework() async throws {
        let f = try await Fixture.birmingham2016.findings()
        #expect(f.framework == .sif2013)
        #expect(f.localAuthority == "Birmingham")
        #expect(f.title == "Re-inspection of services for children in need of help and protection, children looked after and care leavers")
        #expect(f.inspectionStart == (try day(2016, 9, 12)))
        #expect(f.inspectionEnd == (try day(2016, 10, 6)))
        #expect(f.inspectionDatesText == "12 September – 6 October 2016")
        #expect(f.overall == Judgement(label: "Overall effectiveness", grade: .inadequate))
        #expect(f.judgements == [
            Judgement(label: "Children who need help and protection", grade: .inadequate),
            Judgement(label: "Children looked after and achieving permanence", grade: .requiresImprovement, subJudgements: [
                Judgement(label: "Adoption performance", grade: .requiresImprovement),
                Judgement(label: "Experiences and progress of care leavers", grade: .requiresImprovement),
            ]),
            Judgement(label: "Leadership, management and governance", grade: .inadequate),
        ])
        // The SIF's numbered recommendations stand for "What needs to improve".
        #expect(f.whatNeedsToImprove.count == 17)
        #expect(f.whatNeedsToImprove.first == "Strengthen the management oversight, systems and processes in the MASH to ensure appropriate application of the thresholds, effective decision-making and a consistent response.")
        #expect(f.whatNeedsToImprove.last == "Strengthen assessments and plans to ensure that they fully reflect and respond to all children's and young people's diverse needs.")
        let summary = try #require(f.summary)
        #expect(summary.hasPrefix("This re-inspection has identified that serious and widespread failings"))
        #expect(summary.contains("a more stable workforce. There is an increasing and improved focus"))
        #expect(!summary.contains("Contents"))
        #expect(f.warnings.isEmpty)
    }

    @Test func harrow2025ComparedWith2020() async throws {
        let current = try await Fixture.harrow2025.findings()
        let previous = try await Fixture.harrow2020.findings()
        let published2020 = try day(2020, 3, 16)
        let rows = current.compared(with: previous, previousPublished: published2020)
        let byLabel = Dictionary(rows.map { ($0.label, $0) }, uniquingKeysWith: { first, _ in first })

        let overall = try #require(rows.first)
        #expect(overall.isOverall)
        #expect(overall.label == "Overall effectiveness")
        #expect(overall.grade == .inadequate)
        #expect(overall.previousGrade == .good)
        #expect(overall.previousReportDate == published2020)
        // 2020's combined "children in care and care leavers" judgement is the previous grade of
        // both of 2025's separate judgements.
        #expect(byLabel["The experiences and progress of care leavers"]?.previousGrade == .good)
        #expect(byLabel["The experiences and progress of children in care"]?.previousGrade == .good)
        #expect(byLabel["The experiences and progress of children who need help and protection"]?.previousGrade == .good)
        #expect(byLabel["The impact of leaders on social work practice with children and families"]?.previousGrade == .good)
        #expect(rows.count == 5)

        let headline = OfstedHeadline.text(
            council: "Harrow", reportType: "Children's services inspection", published: try day(2025, 3, 4),
            findings: current, comparisons: rows, link: "https://files.ofsted.gov.uk/v1/file/50270419")
        #expect(headline.hasPrefix("New Ofsted report for Harrow: Children's services inspection, published 4 March 2025 (inspected 20–24 January 2025). Overall effectiveness: Inadequate (was Good in March 2020). The experiences and progress of care leavers: Inadequate (was Good)."))
        #expect(headline.contains(" The impact of leaders on social work practice with children and families: Requires improvement to be good (was Good)."))
        #expect(headline.contains(" The experiences and progress of children in care: Good (was Good)."))
        #expect(headline.contains(" What needs to improve: Leadership stability and capacity to lead the improvements required"))
        #expect(headline.contains("(Enabler two); The quality of support, advice and guidance for care leavers"))
        #expect(headline.hasSuffix("responsive to their needs (Enabler two). Report: https://files.ofsted.gov.uk/v1/file/50270419"))
        #expect(!headline.contains("No overall effectiveness judgement"))
    }

    @Test func brentHeadlineNeverInventsAnOverallJudgement() async throws {
        let f = try await Fixture.brent2026.findings()
        let headline = OfstedHeadline.text(
            council: "Brent", reportType: "Children's services inspection", published: try day(2026, 6, 17),
            findings: f, comparisons: f.compared(with: nil, previousPublished: nil),
            link: "https://files.ofsted.gov.uk/v1/file/50304386")
        #expect(headline.hasPrefix("New Ofsted report for Brent: Children's services inspection, published 17 June 2026 (inspected 27 April – 1 May 2026). No overall effectiveness judgement (framework from April 2026). The impact of leaders on social work practice with children and families: Good."))
        #expect(!headline.contains("Overall effectiveness:"))
        #expect(!headline.contains("(was "))
    }

    @Test func extractedTextHasPagesAndCurlyApostrophes() async throws {
        let text = try await Fixture.harrow2025.text()
        #expect(text.contains("\u{0C}"))
        #expect(text.contains("children\u{2019}s services"))
    }
}

// MARK: - Extraction failures

@Suite struct PDFTextExtractorFailures {
    private func temporaryFile(_ name: String, contents: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("reportwatch-test-\(UUID().uuidString)-\(name)")
        try contents.write(to: url)
        return url
    }

    @Test func corruptPDFGivesTypedErrorNotGrades() async throws {
        var generator = SplitMix64(seed: 42)
        let bytes = Data((0..<4096).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        let url = try temporaryFile("corrupt.pdf", contents: Data("%PDF-1.7\n".utf8) + bytes)
        defer { try? FileManager.default.removeItem(at: url) }

        do {
            let text = try await PDFTextExtractor().text(ofPDFAt: url.path)
            Issue.record("expected an error, got \(text.count) characters")
        } catch let error as PDFTextError {
            guard case .failed(let path, let status, let stderr) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == url.path)
            #expect(status == 1)
            #expect(!stderr.isEmpty)  // pdftotext's own message, e.g. "Couldn't read xref table"
            #expect(error.description.contains("status 1"))
        }

        // What the pipeline then says: no grades, the link.
        let headline = OfstedHeadline.text(council: "Harrow", reportType: "Children's services inspection",
                                           published: nil, findings: nil, comparisons: [], link: "https://example.invalid/1")
        #expect(headline == "New Ofsted report for Harrow: Children's services inspection. The report could not be read; see the link. Report: https://example.invalid/1")
        #expect(Grade.allCases.allSatisfy { !headline.contains($0.rawValue) })
    }

    @Test func missingInputAndMissingExecutable() async throws {
        await #expect(throws: PDFTextError.inputNotFound(path: "/nonexistent/report.pdf")) {
            _ = try await PDFTextExtractor().text(ofPDFAt: "/nonexistent/report.pdf")
        }
        await #expect(throws: PDFTextError.notFound(executable: "pdftotext-does-not-exist")) {
            _ = try await PDFTextExtractor(executable: "pdftotext-does-not-exist").text(ofPDFAt: Fixture.harrow2025.path)
        }
    }

    @Test func hungChildIsKilledAtTheTimeout() async throws {
        let script = try temporaryFile("hang.sh", contents: Data("#!/bin/sh\nexec sleep 60\n".utf8))
        defer { try? FileManager.default.removeItem(at: script) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)

        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try await PDFTextExtractor(executable: script.path, timeout: .milliseconds(300))
                .text(ofPDFAt: Fixture.harrow2025.path)
            Issue.record("expected a timeout")
        } catch let error as PDFTextError {
            guard case .timedOut(_, let after) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(after == .milliseconds(300))
        }
        // Killed, not left to its 60 s sleep; the whole suite's load on two cores has delayed the
        // kill by several seconds.
        #expect(clock.now - started < .seconds(30))
    }

    @Test func memoryLimitIsApplied() async throws {
        // 4 MiB of address space is too little even to load poppler's libraries.
        await #expect(throws: PDFTextError.self) {
            _ = try await PDFTextExtractor(memoryLimitBytes: 4 << 20).text(ofPDFAt: Fixture.harrow2025.path)
        }
    }
}

// MARK: - Parser on made-up and hostile text

@Suite struct OfstedParserRobustness {
    @Test func gradeWording() {
        #expect(Grade(text: "Requires improvement\n   to be good") == .requiresImprovement)
        #expect(Grade(text: "REQUIRES IMPROVEMENT") == .requiresImprovement)
        #expect(Grade(text: "Requires\nImprovement") == .requiresImprovement)
        #expect(Grade(text: " inadequate. ") == .inadequate)
        #expect(Grade(text: "Good1") == .good)
        #expect(Grade(text: "Outstanding") == .outstanding)
        #expect(Grade(text: "good practice") == nil)
        #expect(Grade(text: "Not good") == nil)
        #expect(Grade(text: "") == nil)
    }

    @Test func emptyAndGarbageTextGiveNoGrades() {
        for text in ["", "\u{0C}\u{0C}\u{0C}", "   \n\n  ", "%PDF-1.4 \u{FFFD}\u{FFFD} xref trailer <<>> stream endstream",
                     String(repeating: "lorem ipsum dolor sit amet ", count: 2000)] {
            let f = OfstedReportParser.parse(text: text)
            #expect(f.overall == nil)
            #expect(f.judgements.isEmpty)
            #expect(!f.warnings.isEmpty)
        }
    }

    @Test func fuzzedTextNeverCrashesOrInventsGrades() {
        let tokens = [
            "Good", "good", "Inadequate", "Outstanding", "Requires improvement to", "be good", "Requires",
            "Overall effectiveness", "The experiences and progress of", "care leavers", "children in care",
            " Judgement          Grade", "Inspection dates: ", "31 February 2025", "20 to 24 January 2025",
            "28 November to 2 December 2022", "99 to 5 Smarch 99999", "1.", "2.1", "12.", "◼", "\u{F06E}", "•",
            "What needs to improve?1", "Recommendations", "Executive summary", "Children's services in X are",
            "’", "“", "\u{0C}", "\u{0C}\u{0301}", "\r\n", "\r", "\n", "\n\n", "\t", "          ", "  ", " ", "-", "co-",
            "1", "[1]", "______", "Dear Sir", "Monitoring visit to Y children's services", "Headline findings",
            "\u{0}", "\u{7F}", "\u{200B}", "\u{FEFF}", "é", "👩‍👧", "\u{10FFFF}", ".", "?", ")", "(",
        ]
        var generator = SplitMix64(seed: 2024)
        for _ in 0..<1000 {
            let count = Int(generator.next() % 120)
            var text = ""
            for _ in 0..<count {
                text += tokens[Int(generator.next() % UInt64(tokens.count))]
            }
            let f = OfstedReportParser.parse(text: text)
            let lower = text.lowercased()
            for judgement in f.allJudgements + (f.overall.map { [$0] } ?? []) {
                // Every grade reported was written in the text.
                let word = judgement.grade == .requiresImprovement ? "improvement" : judgement.grade.rawValue.lowercased()
                #expect(lower.contains(word))
                #expect(!judgement.label.isEmpty)
            }
            _ = OfstedHeadline.text(council: "X", reportType: "Y", published: nil, findings: f,
                                    comparisons: f.compared(with: f, previousPublished: nil), link: "L")
        }
        // Pathological shapes.
        let long = String(repeating: " ", count: 100_000) + "Good"
        _ = OfstedReportParser.parse(text: " Judgement   Grade\n\n The experiences and progress of care" + long)
        _ = OfstedReportParser.parse(text: String(repeating: "\u{0C}", count: 10_000))
        _ = OfstedReportParser.parse(text: String(repeating: "1.\n", count: 10_000))
        _ = OfstedReportParser.parse(text: String(repeating: " Overall effectiveness    Good\n", count: 5_000))
        var bytes = SplitMix64(seed: 7)
        let random = String(decoding: (0..<200_000).map { _ in UInt8(truncatingIfNeeded: bytes.next()) }, as: UTF8.self)
        _ = OfstedReportParser.parse(text: random)
    }

    @Test func unreadableGradeIsAWarningNotAGuess() {
        let text = """
        Inspection of Somewhere local authority
        children’s services
        Inspection dates: 20 to 24 January 2025


         Judgement                                   Grade

         The impact of leaders on social work        Good
         practice with children and families

         The experiences and progress of             Requires improvement to
         children who need help and protection       be good

         The experiences and progress of             Good
         children in care

         The experiences and progress of care        Inadequate
         leavers

         Overall effectiveness                       [illegible]

        Leaders have improved services since the last inspection in 2021, when services were
        judged to be good.
        """
        let f = OfstedReportParser.parse(text: text)
        #expect(f.localAuthority == "Somewhere")
        #expect(f.overall == nil)
        #expect(f.judgements.map(\.grade) == [.good, .requiresImprovement, .good, .inadequate])
        #expect(f.judgements[1].label == "The experiences and progress of children who need help and protection")
        #expect(f.warnings.contains { $0.contains("Overall effectiveness") })
        #expect(f.framework == .ilacs2023)  // inspected before April 2026: the missing row is a warning
        #expect(f.summary == "Leaders have improved services since the last inspection in 2021, when services were judged to be good.")
        let headline = OfstedHeadline.text(council: "Somewhere", reportType: "Children's services inspection",
                                           published: nil, findings: f, comparisons: [], link: "L")
        #expect(headline.contains("No overall effectiveness judgement could be read from the report."))
        #expect(!headline.contains("framework from April 2026"))
    }

    @Test func unknownGradeScaleIsNotRead() {
        // Made-up: a grade word outside Ofsted's four-point scale is never mapped onto it.
        let text = """
        Inspection of Elsewhere local authority children’s services
        Inspection dates: 1 to 5 June 2026

         Judgement                                   Grade

         The impact of leaders on social work        Strong standard
         practice with children and families

         The experiences and progress of care        Needs attention
         leavers

        Children in Elsewhere are helped well by committed practitioners who know them.
        """
        let f = OfstedReportParser.parse(text: text)
        #expect(f.overall == nil)
        #expect(f.judgements.isEmpty)
        #expect(f.framework == .unknown)
        #expect(f.warnings.contains { $0.contains("The impact of leaders on social work practice with children and families") })
        #expect(f.warnings.contains { $0.contains("The experiences and progress of care leavers") })
        let headline = OfstedHeadline.text(council: "Elsewhere", reportType: "Children's services inspection",
                                           published: nil, findings: f, comparisons: [], link: "L")
        #expect(headline == "New Ofsted report for Elsewhere: Children's services inspection (inspected 1–5 June 2026). The grades could not be read from the report; see the link. Report: L")
    }

    @Test func sifSentenceWrappedAcrossLines() throws {
        // Made-up text in the layout of a 2017 SIF re-inspection report's first page.
        let text = """
        Manchester City Council
        Re-inspection of services for children in need of help and
        protection, children looked after and care leavers

        Inspection dates: 9 October to 2 November 2017
        Report published: 21 December 2017

        Children’s services in Manchester require improvement to be
        good
        1. Children who need help and protection               Requires improvement

        2. Children looked after and achieving
                                                               Requires improvement
           permanence

                2.1 Adoption performance                       Good

                2.2 Experiences and progress of care leavers   Requires improvement

        3. Leadership, management and governance               Good
        \u{0C}Executive summary
        This is a re-inspection of children’s services in Manchester.
        """
        let f = OfstedReportParser.parse(text: text)
        #expect(f.framework == .sif2013)
        #expect(f.localAuthority == "Manchester")
        #expect(f.overall?.grade == .requiresImprovement)
        #expect(f.inspectionStart == (try day(2017, 10, 9)))
        #expect(f.inspectionEnd == (try day(2017, 11, 2)))
        #expect(grades(f) == [
            "Children who need help and protection: Requires improvement to be good",
            "Children looked after and achieving permanence: Requires improvement to be good",
            "Adoption performance: Good",
            "Experiences and progress of care leavers: Requires improvement to be good",
            "Leadership, management and governance: Good",
        ])
        #expect(f.summary == "This is a re-inspection of children's services in Manchester.")
        #expect(f.warnings == ["No \"What needs to improve\" section was found."])
    }

    @Test func dateRangesAcrossMonthsAndYears() throws {
        let cases: [(String, Date, Date, String)] = [
            ("28 November to 2 December 2022", try day(2022, 11, 28), try day(2022, 12, 2), "28 November – 2 December 2022"),
            ("30 December 2024 to 3 January 2025", try day(2024, 12, 30), try day(2025, 1, 3), "30 December 2024 – 3 January 2025"),
            ("30 December to 3 January 2025", try day(2024, 12, 30), try day(2025, 1, 3), "30 December 2024 – 3 January 2025"),
            ("3 March 2015 – 25 March 2015", try day(2015, 3, 3), try day(2015, 3, 25), "3–25 March 2015"),
            ("29 February 2024", try day(2024, 2, 29), try day(2024, 2, 29), "29 February 2024"),
        ]
        for (written, start, end, text) in cases {
            let f = OfstedReportParser.parse(text: "Inspection of X local authority children’s services\nInspection dates: \(written)\n")
            #expect(f.inspectionStart == start, "\(written)")
            #expect(f.inspectionEnd == end, "\(written)")
            #expect(f.inspectionDatesText == text, "\(written)")
        }
        let impossible = OfstedReportParser.parse(text: "Inspection dates: 30 to 31 February 2023\n")
        #expect(impossible.inspectionStart == nil && impossible.inspectionEnd == nil)
        #expect(impossible.warnings.contains { $0.contains("not a calendar day") })
        // Stored as 00:00 UTC of the calendar day.
        #expect(try day(2025, 1, 20).timeIntervalSince1970 == 1_737_331_200)
    }

    @Test func monitoringVisitLetterGivesMainConclusions() throws {
        // Made-up letter in the shape of Ofsted's monitoring-visit letters.
        let text = """
        4 April 2025

        Jane Doe
        Director of Children’s Services
        Somewhere Council

        Dear Ms Doe

        Monitoring visit to Somewhere children’s services

        This letter summarises the findings of the monitoring visit to Somewhere children’s
        services on 5 and 6 March 2025. This was the first monitoring visit since the local
        authority was judged inadequate in January 2025.

        Areas covered by the visit

        Inspectors reviewed the progress made in the quality of practice for care leavers.

        Headline findings

        Leaders have made steady progress in improving services for care leavers since the
        inspection. The quality of pathway plans has improved for most young people, e.g. those
        in education. However, the response to care leavers who go missing is not yet
        consistently effective.

        Findings and evaluation of progress

        Care leavers are now allocated a personal adviser promptly.

        Yours sincerely
        """
        let f = OfstedReportParser.parse(text: text)
        #expect(f.framework == .ungraded)
        #expect(f.overall == nil && f.judgements.isEmpty)
        #expect(f.title == "Monitoring visit to Somewhere children's services")
        #expect(f.localAuthority == "Somewhere")
        #expect(f.inspectionStart == (try day(2025, 3, 5)))
        #expect(f.inspectionEnd == (try day(2025, 3, 6)))
        #expect(f.mainConclusions == [
            "Leaders have made steady progress in improving services for care leavers since the inspection.",
            "The quality of pathway plans has improved for most young people, e.g. those in education.",
            "However, the response to care leavers who go missing is not yet consistently effective.",
        ])
        let headline = OfstedHeadline.text(council: "Somewhere", reportType: "Monitoring visit", published: try day(2025, 4, 4),
                                           findings: f, comparisons: [], link: "L")
        #expect(headline == "New Ofsted report for Somewhere: Monitoring visit, published 4 April 2025 (inspected 5–6 March 2025). Main conclusions: Leaders have made steady progress in improving services for care leavers since the inspection. The quality of pathway plans has improved for most young people, e.g. those in education. However, the response to care leavers who go missing is not yet consistently effective. Report: L")
    }

    @Test func comparisonAcrossFrameworks() {
        let sif = ReportFindings(framework: .sif2013, overall: Judgement(label: "Overall effectiveness", grade: .inadequate), judgements: [
            Judgement(label: "Children who need help and protection", grade: .inadequate),
            Judgement(label: "Children looked after and achieving permanence", grade: .requiresImprovement, subJudgements: [
                Judgement(label: "Adoption performance", grade: .good),
                Judgement(label: "Experiences and progress of care leavers", grade: .requiresImprovement),
            ]),
            Judgement(label: "Leadership, management and governance", grade: .inadequate),
        ])
        let ilacs2018 = ReportFindings(framework: .ilacs2018, overall: Judgement(label: "Overall effectiveness", grade: .requiresImprovement), judgements: [
            Judgement(label: "The impact of leaders on social work practice with children and families", grade: .good),
            Judgement(label: "The experiences and progress of children who need help and protection", grade: .requiresImprovement),
            Judgement(label: "The experiences and progress of children in care and care leavers", grade: .good),
        ])
        let rows = ilacs2018.compared(with: sif, previousPublished: nil)
        #expect(rows.map(\.previousGrade) == [.inadequate, .inadequate, .inadequate, .requiresImprovement])
        #expect(rows.allSatisfy { $0.previousReportDate == nil })
        let first = ilacs2018.compared(with: nil, previousPublished: nil)
        #expect(first.allSatisfy { $0.previousGrade == nil })
    }
}

/// Deterministic pseudo-random numbers for the fuzz tests.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
