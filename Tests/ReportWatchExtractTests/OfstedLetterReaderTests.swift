import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore
import ReportWatchTestSupport

// The eight PDFs are real Ofsted letters (see ../shared/fixtures/README.md), read in place from
// ../shared/fixtures/ofsted/letters/ through the real pdftotext, as the service reads them. Every
// expected part was read from the PDF by eye.

private enum Letter: String, CaseIterable {
    case wakefield2018 = "wakefield_focused-visit_2018-03-22_urn80451.pdf"
    case bcp2020 = "bournemouth-christchurch-and-poole_focused-visit_2020-11-27_urn2532287.pdf"
    case bury2020 = "bury_focused-visit_2020-11-13_urn80443.pdf"
    case dorset2023 = "dorset_focused-visit_2023-06-22_urn2532283.pdf"
    case bolton2025 = "bolton_focused-visit_2025-06-27_urn80432.pdf"
    case slough2026 = "slough_focused-visit_2026-01-12_urn80553.pdf"
    case bracknellForest2019 = "bracknell-forest_jtai_2019-03-08_urn80436.pdf"
    case norfolk2025 = "norfolk_jtai_2025-02-27_urn80418.pdf"

    func text() async throws -> String {
        try await PDFTextExtractor(lastPage: OfstedReportParser.pagesNeeded)
            .text(ofPDFAt: Fixtures.url("ofsted/letters/\(rawValue)").path)
    }

    /// Through the report parser's seam, exactly as the service reads a PDF.
    func findings() async throws -> ReportFindings {
        OfstedReportParser.parse(text: try await text())
    }
}

private func day(_ year: Int, _ month: Int, _ day: Int) throws -> Date {
    try #require(CalendarDay.date(year: year, month: month, day: day))
}

/// Headings letters print; none may be read as a finding or a point.
private let headingWords = ["headline findings", "overview", "what needs to improve", "areas for priority action",
                            "main findings", "findings", "areas for improvement", "key strengths", "strengths", "context",
                            "next steps"]

private func expectNoHeadings(_ f: ReportFindings, _ comment: Comment) {
    for text in f.mainConclusions + f.whatNeedsToImprove + f.areasForPriorityAction {
        let lower = text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "?:. "))
        #expect(!headingWords.contains(lower), comment)
        #expect(!lower.hasPrefix("what needs to improve"), comment)
        #expect(!text.contains("◼") && !text.contains("\u{F06E}") && !text.contains("  "), comment)
    }
}

/// What every letter is: ungraded, without a grade anywhere, read without warnings.
private func expectLetter(_ f: ReportFindings, _ type: LetterType, _ comment: Comment) {
    #expect(f.letterType == type, comment)
    #expect(f.framework == .ungraded, comment)
    #expect(f.overall == nil && f.judgements.isEmpty && !f.isGraded, comment)
    #expect(f.warnings.isEmpty, comment)
    expectNoHeadings(f, comment)
}

@Suite struct OfstedRealLetters {
    @Test func wakefield2018ThreeAreasForPriorityActionUnderAnIntroductionWithWingdingsBullets() async throws {
        let f = try await Letter.wakefield2018.findings()
        expectLetter(f, .focusedVisit, "Wakefield")
        #expect(f.title == "Focused visit to Wakefield Council children's services")
        #expect(f.localAuthority == "Wakefield")
        // "on 27 and" / "28 February 2018": across a line break.
        #expect(f.inspectionStart == (try day(2018, 2, 27)))
        #expect(f.inspectionEnd == (try day(2018, 2, 28)))
        #expect(f.inspectionDatesText == "27–28 February 2018")
        #expect(f.focus == "Inspectors looked at the local authority's arrangements for the 'front door', the service that receives both single and multi-agency contacts and referrals.")
        #expect(f.areasForPriorityAction == [
            "delays in case allocation, assessment and seeing children at risk of harm",
            "management oversight and decision-making in relation to safeguarding practice, including supervision of staff",
            "social work recording, performance management and quality assurance arrangements.",
        ])
        #expect(f.whatNeedsToImprove == [
            "Audits need to recognise good practice and consistently challenge weak practice, and identified concerns need to be immediately addressed.",
            "There needs to be a sufficient number of experienced social workers, managers and senior managers, who in turn need to be suitably deployed to ensure a robust social work response to children and families.",
            "The relationships between the local authority and partners through the LSCB need to be strengthened in order to better support understanding of thresholds and their application, including the attendance by partner agencies at strategy meetings.",
        ])
        // The Overview, over a page break, as sentences; nothing of the lists or the findings.
        #expect(f.mainConclusions.count == 7)
        #expect(f.mainConclusions.first == "There are significant weaknesses in the quality of children's services in Wakefield, resulting in some children not being appropriately safeguarded or having their needs met.")
        #expect(f.mainConclusions.contains("The chair of the Local Safeguarding Children Board (LSCB) has significant concerns about the quality of the local authority children's services."))
        #expect(f.mainConclusions.last == "However, at the time of the focused visit there was insufficient capacity at all levels of the service, and the issues of poor practice were so widespread that it will be a significant challenge for these plans to result in children being sufficiently safeguarded in the immediate future.")
    }

    @Test func bcp2020PandemicVisitWithPriorityActionsAndTenPoints() async throws {
        let f = try await Letter.bcp2020.findings()
        expectLetter(f, .focusedVisit, "BCP")
        #expect(f.localAuthority == "Bournemouth, Christchurch and Poole")
        #expect(f.inspectionStart == (try day(2020, 10, 13)))
        #expect(f.inspectionEnd == (try day(2020, 10, 13)))
        #expect(f.inspectionDatesText == "13 October 2020")
        #expect(f.focus == "This visit looked at the quality and impact of key decision-making across help and protection, children in care and care leavers services, together with the impact of leadership.")
        #expect(f.areasForPriorityAction == [
            "the arrangements for management oversight and quality assurance of social work practice",
            "the quality of practice, including the application of thresholds, the quality of assessments, the actions taken at the pre-proceedings stage of the Public Law Outline and the decision-making for permanence.",
        ])
        #expect(f.whatNeedsToImprove.count == 10)
        #expect(f.whatNeedsToImprove.first == "Social work supervision.")
        #expect(f.whatNeedsToImprove.contains("Support given to children in care, and care leavers, during the COVID-19 pandemic."))
        #expect(f.whatNeedsToImprove.last == "The response to electively home-educated children.")
        // The Overview heading follows the focus sentence without a blank line.
        #expect(f.mainConclusions.first == "There are serious and widespread weaknesses in the quality of children's services in Bournemouth, Christchurch and Poole (BCP).")
        #expect(f.mainConclusions.last == "The council has identified improving children's services as a priority, and additional finances have been secured in order to transform services.")
        #expect(!f.mainConclusions.contains { $0.contains("In the Multi-Agency Safeguarding Hub") })
    }

    @Test func bury2020DatesAcrossMonthsAndALineBreak() async throws {
        let f = try await Letter.bury2020.findings()
        expectLetter(f, .focusedVisit, "Bury")
        #expect(f.localAuthority == "Bury")
        // "on" / "29 and 30 September, and 1 October 2020"
        #expect(f.inspectionStart == (try day(2020, 9, 29)))
        #expect(f.inspectionEnd == (try day(2020, 10, 1)))
        #expect(f.inspectionDatesText == "29 September – 1 October 2020")
        #expect(f.focus == nil)  // the letter names no focus
        #expect(f.areasForPriorityAction.isEmpty)
        #expect(f.whatNeedsToImprove == [
            "Management direction and decision-making in the MASH in order to support timelier assessments of children's needs.",
            "The quality of strategy meetings to clearly define multi-agency actions to keep children protected during the investigation period and define how investigations should be undertaken.",
            "The assessment of parental ability to sustain change before a decision is made to move children between different tiers of social care support.",
            "The quality of child protection and child in need plans, and planning, with focus on children's experiences, and on the timeliness of taking swift authoritative action when children's circumstances are not improving.",
        ])
        #expect(f.mainConclusions.count == 24)
        #expect(f.mainConclusions.first == "At the time of this visit, increasing COVID-19 numbers mean that the local authority has moved from recovery and back into emergency response mode.")
        #expect(f.mainConclusions.last == "More recent practice is showing early signs of improvement in the quality of plans, and in planning, for children in need of help and protection.")
    }

    @Test func dorset2023OnePointUnderAQuestionHeading() async throws {
        let f = try await Letter.dorset2023.findings()
        expectLetter(f, .focusedVisit, "Dorset")
        #expect(f.localAuthority == "Dorset")
        #expect(f.inspectionStart == (try day(2023, 5, 17)))
        #expect(f.inspectionEnd == (try day(2023, 5, 18)))
        #expect(f.focus == "Inspectors looked at the local authority's arrangements for 16- and 17-year-old care leavers.")
        #expect(f.whatNeedsToImprove == ["The quality and timeliness of supervision."])
        #expect(f.areasForPriorityAction.isEmpty)
        #expect(f.mainConclusions == [
            "Leaders have significantly strengthened support and services for care leavers and have made notable improvements in the quality and standard of their accommodation.",
            "This was an area for development at the last inspection.",
        ])
    }

    @Test func bolton2025RecallsTheLastGradeButHasNone() async throws {
        let f = try await Letter.bolton2025.findings()
        expectLetter(f, .focusedVisit, "Bolton")
        #expect(f.localAuthority == "Bolton")
        #expect(f.inspectionStart == (try day(2025, 5, 28)))
        #expect(f.inspectionEnd == (try day(2025, 5, 29)))
        #expect(f.focus == "Inspectors looked at the local authority's arrangements for children in need and child protection planning.")
        #expect(f.whatNeedsToImprove == [
            "The quality of child-in-need and child protection assessments and plans.",
            "The quality and impact of recorded supervision and management decision-making.",
        ])
        // The heading follows the last paragraph without a blank line: it is not a finding.
        #expect(f.mainConclusions.count == 5)
        #expect(f.mainConclusions.first == "This was the first focused visit since the full inspection of children's services in 2023, which judged services to children in need of help and protection to require improvement to be good.")
        #expect(f.mainConclusions.last == "Mature and robust arrangements are embedded with key safeguarding partners, which provides a secure platform for leaders in Bolton to transform services and improve practice.")
    }

    @Test func slough2026PriorityActionAndCrossReferencedPoints() async throws {
        let f = try await Letter.slough2026.findings()
        expectLetter(f, .focusedVisit, "Slough")
        #expect(f.localAuthority == "Slough")
        #expect(f.inspectionStart == (try day(2025, 11, 19)))
        #expect(f.inspectionEnd == (try day(2025, 11, 20)))
        #expect(f.areasForPriorityAction == [
            "Keeping in touch with and supporting care leavers over the age of 18 to ensure their welfare is safeguarded and promoted in line with statutory duties and care leaver entitlements. (outcome 4, national framework)",
        ])
        // The heading carries a footnote marker ("…practice?1") and follows the action directly.
        #expect(f.whatNeedsToImprove == [
            "Management oversight, including the supervision of staff. (enabler 2, national framework)",
            "Performance management and quality assurance arrangements. (enabler 2, national framework)",
            "The consistency of planning for care leavers. (enabler 3, national framework)",
            "How manageable workers' caseloads are, so that they have sufficient time to enable stronger and more consistent practice with care leavers. (enabler 2, national framework)",
        ])
        #expect(f.mainConclusions.count == 5)
        #expect(f.mainConclusions.first == "Care leavers in Slough are receiving an inconsistent level of support.")
    }

    @Test func bracknellForest2019JTAIWithoutHeadlineHeading() async throws {
        let f = try await Letter.bracknellForest2019.findings()
        expectLetter(f, .jtai, "Bracknell Forest")
        #expect(f.localAuthority == "Bracknell Forest")
        #expect(f.partnership == nil)  // "Dear local partnership"
        #expect(f.focus == "the multi-agency response to sexual abuse in the family")
        #expect(f.inspectionStart == (try day(2019, 1, 21)))
        #expect(f.inspectionEnd == (try day(2019, 1, 25)))
        // "There are no areas for priority action" is not one.
        #expect(f.areasForPriorityAction.isEmpty)
        // Areas for improvement: 15 points of several sentences, some over page breaks.
        #expect(f.whatNeedsToImprove.count == 15)
        #expect(f.whatNeedsToImprove.contains { $0.hasPrefix("The limited presence of health representation") && $0.hasSuffix("wait to be seen in the accident and emergency department.") })
        #expect(f.whatNeedsToImprove.contains { $0.hasPrefix("Police and NPS co-chair multi-agency public protection arrangements (MAPPA-2) meetings in Bracknell Forest.") })
        #expect(f.whatNeedsToImprove.last?.hasSuffix("inspection plans have been put in place to provide guidance for staff until training can be provided.") == true)
        // The conclusions after the introduction, without its account of the inspection.
        #expect(f.mainConclusions.first == "Bracknell Forest benefits from a senior multi-agency leadership team that offers clear oversight and direction within committed and cooperative working relationships.")
        #expect(f.mainConclusions.contains("Leaders in Bracknell Forest ensure that, as a smaller local authority, they have a voice and influence equal to larger authorities and describe this as successfully 'punching above their weight'."))
        #expect(f.mainConclusions.last == "Partners responded positively and immediately to feedback provided during this inspection any issue that could improve their services.")
        #expect(!f.mainConclusions.contains { $0.contains("This letter") || $0.contains("carried out a joint inspection") })
    }

    @Test func norfolk2025JTAIAddressedToAPartnership() async throws {
        let f = try await Letter.norfolk2025.findings()
        expectLetter(f, .jtai, "Norfolk")
        #expect(f.title == "Joint targeted area inspection of Norfolk")
        #expect(f.localAuthority == "Norfolk")
        #expect(f.partnership == "Norfolk Safeguarding Children Partnership")
        #expect(f.focus == "the multi-agency response to children who are victims of domestic abuse")
        #expect(f.inspectionStart == (try day(2024, 12, 9)))
        #expect(f.inspectionEnd == (try day(2024, 12, 13)))
        #expect(f.whatNeedsToImprove.count == 5)
        #expect(f.whatNeedsToImprove.first == "Partners' understanding and engagement in MARAC and the Partnership's oversight of its operation.")
        #expect(f.whatNeedsToImprove[3] == "The timeliness and consistency of information-sharing, in a small number of practice areas, related to risk management. This includes digital information-sharing of health records.")
        #expect(f.mainConclusions.count == 17)
        #expect(f.mainConclusions.first?.hasPrefix("Strong strategic leadership and collaborative partnership arrangements in Norfolk") == true)
        #expect(f.mainConclusions.last == "For a small number of children at risk of cumulative harm, the risks to them of repeated incidents of domestic abuse are not grasped soon enough.")
    }

    @Test func pointsAreStillReadWhenPdftotextDropsTheBullets() async throws {
        // A font without a Unicode map can lose its bullets: the same letters with every ◼ and
        // Wingdings bullet blanked out give the same points. Bracknell Forest's points of many
        // sentences are told apart by blank lines and short last lines; one point whose last
        // line runs the full width with the next point straight under it is merged.
        for letter in Letter.allCases {
            let text = try await letter.text()
            var blanked = ""
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                var line = String(line)
                if let first = line.firstIndex(where: { !$0.isWhitespace }), "◼\u{F06E}".contains(line[first]) {
                    line.replaceSubrange(first...first, with: " ")
                }
                blanked += line + "\n"
            }
            #expect(!blanked.contains("◼") && !blanked.contains("\u{F06E} "))
            let withBullets = try #require(OfstedLetterReader.read(text: text))
            let without = try #require(OfstedLetterReader.read(text: blanked))
            #expect(without.areasForPriorityAction == withBullets.areasForPriorityAction, "\(letter)")
            #expect(without.mainConclusions == withBullets.mainConclusions, "\(letter)")
            if letter == .bracknellForest2019 {
                #expect(without.whatNeedsToImprove.count == 14)
                #expect(Set(without.whatNeedsToImprove.dropFirst()).isSubset(of: Set(withBullets.whatNeedsToImprove)))
            } else {
                #expect(without.whatNeedsToImprove == withBullets.whatNeedsToImprove, "\(letter)")
            }
        }
    }

    @Test func gradedReportsAreNotLetters() async throws {
        let files = ["harrow_ilacs_2025-03-04_file50270419.pdf", "harrow_ilacs_2020-03-16_file50149055.pdf",
                     "brent_ilacs_2026-06-17_file50304386_post_reform.pdf", "birmingham_sif_2016-11-25.pdf"]
        let corpus = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url("ofsted/corpus").path)) ?? []
        let paths = files.map { Fixtures.url("ofsted/\($0)").path }
            + corpus.filter { $0.hasSuffix(".pdf") }.map { Fixtures.url("ofsted/corpus/\($0)").path }
        #expect(paths.count >= 4)
        for path in paths {
            // Bromley's "PDF" is an HTML page: pdftotext fails, which is not this reader's concern.
            guard let text = try? await PDFTextExtractor(lastPage: OfstedReportParser.pagesNeeded).text(ofPDFAt: path) else { continue }
            #expect(OfstedLetterReader.read(text: text) == nil, "\(path)")
            #expect(OfstedReportParser.parse(text: text).letterType == nil, "\(path)")
        }
    }
}

// MARK: - Shapes the eight letters do not show

@Suite struct OfstedLetterShapes {
    @Test func monitoringVisitWithNumberedPointsAndBulletsOfAnotherKind() throws {
        // Made-up letter in the shape of Ofsted's monitoring-visit letters.
        let text = """
        4 November 2020

        Jane Doe
        Director of Children’s Services
        London Borough of Somewhere

        Dear Ms Doe

        Monitoring visit to the London Borough of Somewhere children’s services

        This letter summarises the findings of the monitoring visit to the London Borough of
        Somewhere children’s services on 30 September to
        2 October 2020. This was the third monitoring visit since the local authority was
        judged inadequate in January 2019.

        Areas covered by the visit

        Inspectors reviewed the progress made in the quality of practice for children in need of
        help and protection.

        Headline findings

        Leaders have made steady progress since the inspection. The quality of assessments has
        improved for most children.
        Areas for priority action
        (a) the timeliness of strategy meetings when children are at risk of
            significant harm
        (b) management oversight of children who go missing.
        What needs to improve
        1. The quality of plans, so that each says what must change and by
           when.
        2. The response to children aged 16 and 17 who are homeless, in
           8 of the 10 cases seen.
        3. Supervision.

        Findings and evaluation of progress

        Children are now seen promptly. The service has 12 social workers.

        Yours sincerely
        """
        let f = try #require(OfstedLetterReader.read(text: text))
        #expect(f.letterType == .monitoringVisit)
        #expect(f.framework == .ungraded && f.overall == nil && f.judgements.isEmpty)
        #expect(f.localAuthority == "Somewhere")
        #expect(f.inspectionStart == (try day(2020, 9, 30)))
        #expect(f.inspectionEnd == (try day(2020, 10, 2)))
        #expect(f.focus == "Inspectors reviewed the progress made in the quality of practice for children in need of help and protection.")
        #expect(f.mainConclusions == [
            "Leaders have made steady progress since the inspection.",
            "The quality of assessments has improved for most children.",
        ])
        #expect(f.areasForPriorityAction == [
            "the timeliness of strategy meetings when children are at risk of significant harm",
            "management oversight of children who go missing.",
        ])
        // A wrapped line starting with a number is not a point.
        #expect(f.whatNeedsToImprove == [
            "The quality of plans, so that each says what must change and by when.",
            "The response to children aged 16 and 17 who are homeless, in 8 of the 10 cases seen.",
            "Supervision.",
        ])
        #expect(f.warnings.isEmpty)
    }

    @Test func pointsWithoutBulletsAfterAnIntroductorySentence() throws {
        // pdftotext can drop a bullet font: each point is then a sentence group of its own.
        let text = """
        Dear Mr Roe

        Focused visit to Anytown City Council children’s services

        This letter summarises the findings of the focused visit to Anytown children’s services
        between 3, 4 and 5 March 2020.

        Headline findings

        Too many children wait too long for help.

        Areas for priority action

        The local authority needs to take swift action to address:

        The response to children at risk of exploitation.

        The capacity of the front door service, which is not yet
        sufficient to meet demand.

        What needs to improve in this area of social work practice?

        The quality of supervision.
        The timeliness of assessments, including those for disabled children when their needs change and the family asks again.
        Recording.

        Main findings

        Children are seen.
        """
        let f = try #require(OfstedLetterReader.read(text: text))
        #expect(f.letterType == .focusedVisit)
        #expect(f.localAuthority == "Anytown")
        #expect(f.inspectionStart == (try day(2020, 3, 3)))
        #expect(f.inspectionEnd == (try day(2020, 3, 5)))
        #expect(f.mainConclusions == ["Too many children wait too long for help."])
        #expect(f.areasForPriorityAction == [
            "The response to children at risk of exploitation.",
            "The capacity of the front door service, which is not yet sufficient to meet demand.",
        ])
        #expect(f.whatNeedsToImprove.count == 3)
        #expect(f.whatNeedsToImprove.first == "The quality of supervision.")
        #expect(f.whatNeedsToImprove.last == "Recording.")
    }

    @Test func olderMonitoringVisitWithAreasCoveredListAndAHeadingOverTwoLines() throws {
        // Made-up, in the shape of 2017–19 monitoring-visit letters: no "Headline findings", the
        // areas covered listed, a heading wrapped over two lines, a trust as the provider.
        let text = """
        Dear Mr Roe

        Monitoring visit to Sometown Children’s Trust

        This letter summarises the findings of the monitoring visit to Sometown Children’s
        Trust, 14–15 November 2018. The visit was the third monitoring visit since the local
        authority was judged inadequate in May 2017.

        Areas covered by the visit

        Inspectors reviewed the progress made in the following areas:

        ◼ the quality of assessments

        ◼ management oversight of children in need.

        Overview

        Progress since the last visit has been slow. Leaders now understand the scale of the task.

        What the local authority needs to do to improve in this area of social
        work practice

        ◼ The timeliness of assessments.

        Areas for priority action

        There were no areas for priority action identified at this visit.

        Findings and evaluation of progress

        Children are seen.

        Yours sincerely
        """
        let f = try #require(OfstedLetterReader.read(text: text))
        #expect(f.letterType == .monitoringVisit)
        #expect(f.localAuthority == "Sometown")
        #expect(f.inspectionStart == (try day(2018, 11, 14)))
        #expect(f.inspectionEnd == (try day(2018, 11, 15)))
        #expect(f.focus == "Inspectors reviewed the progress made in the following areas: the quality of assessments; management oversight of children in need.")
        #expect(f.mainConclusions == ["Progress since the last visit has been slow.", "Leaders now understand the scale of the task."])
        #expect(f.whatNeedsToImprove == ["The timeliness of assessments."])
        #expect(f.areasForPriorityAction.isEmpty)
        #expect(f.warnings.isEmpty)
    }

    @Test func olderJTAITitleOverThreeLines() throws {
        let text = """
        Dear Partners

        Joint targeted area inspection of the multi-agency response to child sexual
        exploitation, children missing from home, care or education in the London
        Borough of Anyborough

        Between 5 and 9 June 2017, Ofsted, the Care Quality Commission, HMI Constabulary and
        HMI Probation carried out a joint inspection of the multi-agency response to abuse and
        neglect in the London Borough of Anyborough.

        This letter to all the service leaders in the area outlines our findings.

        Partners in Anyborough work well together. Children are safer as a result.

        Areas for priority action

        None.

        Areas for improvement

        • Information-sharing at the front door.
        """
        let f = try #require(OfstedLetterReader.read(text: text))
        #expect(f.letterType == .jtai)
        #expect(f.localAuthority == "Anyborough")
        #expect(f.focus == "the multi-agency response to child sexual exploitation, children missing from home, care or education")
        #expect(f.inspectionStart == (try day(2017, 6, 5)))
        #expect(f.inspectionEnd == (try day(2017, 6, 9)))
        #expect(f.mainConclusions == ["Partners in Anyborough work well together.", "Children are safer as a result."])
        #expect(f.areasForPriorityAction.isEmpty)
        #expect(f.whatNeedsToImprove == ["Information-sharing at the front door."])
    }

    @Test func visitDatesInEveryPrintedForm() throws {
        let cases: [(String, Date, Date)] = [
            ("visit to X on 27 and\n28 February 2018.", try day(2018, 2, 27), try day(2018, 2, 28)),
            ("visit to X on 17 and 18 May 2023. His Majesty’s Inspectors", try day(2023, 5, 17), try day(2023, 5, 18)),
            ("visit to X on 28 to 29 May 2025.", try day(2025, 5, 28), try day(2025, 5, 29)),
            ("visit to X on 28–29 May 2025.", try day(2025, 5, 28), try day(2025, 5, 29)),
            ("visit to X on 13 October 2020. The inspectors were", try day(2020, 10, 13), try day(2020, 10, 13)),
            ("Between 21 and 25 January 2019, Ofsted carried out a joint inspection", try day(2019, 1, 21), try day(2019, 1, 25)),
            ("This inspection took place from 9 to 13 December 2024.", try day(2024, 12, 9), try day(2024, 12, 13)),
            ("visit to X on 29 and 30 September, and 1 October 2020.", try day(2020, 9, 29), try day(2020, 10, 1)),
            ("visit to X on 30 September to 2 October 2020.", try day(2020, 9, 30), try day(2020, 10, 2)),
            ("visit to X on 30 December 2019 to 2 January 2020.", try day(2019, 12, 30), try day(2020, 1, 2)),
            ("visit to X on 30 December to 3 January 2025.", try day(2024, 12, 30), try day(2025, 1, 3)),
            ("visit to X on 3, 4 and 5 March 2020.", try day(2020, 3, 3), try day(2020, 3, 5)),
            ("visit to X on 1st and 2nd May 2019.", try day(2019, 5, 1), try day(2019, 5, 2)),
            ("visit to X on 5 Sept. 2019.", try day(2019, 9, 5), try day(2019, 9, 5)),
            ("visit to X on Tuesday 5 and Wednesday 6 March 2024.", try day(2024, 3, 5), try day(2024, 3, 6)),
            ("visit to X on 31 October and 1 November 2023.", try day(2023, 10, 31), try day(2023, 11, 1)),
            ("Date of visit: 14 May 2024", try day(2024, 5, 14), try day(2024, 5, 14)),
            ("the monitoring visit to X children's services, 14–15 November 2018. The visit was", try day(2018, 11, 14), try day(2018, 11, 15)),
        ]
        for (written, start, end) in cases {
            let range = readLetterDates(collapseWhitespace(normalise(written)))
            #expect(range?.start == start, "\(written)")
            #expect(range?.end == end, "\(written)")
        }
        // Not visit dates: no month, not a calendar day, a letter's own date, a long span.
        #expect(readLetterDates("visit to X on 5 and 6 of the month.") == nil)
        #expect(readLetterDates("visit to X on 30 to 31 February 2023.") == nil)
        #expect(readLetterDates("22 March 2018 Dear Ms Smith") == nil)
        #expect(readLetterDates("visit to X on 1 January to 30 June 2020.") == nil)
        #expect(readLetterDates("The council was inspected in 2019 and judged good on 4 criteria.") == nil)
    }

    @Test func councilNamesFromTitles() {
        #expect(cleanCouncilName("Wakefield Council") == "Wakefield")
        #expect(cleanCouncilName("Slough Borough Council") == "Slough")
        #expect(cleanCouncilName("the London Borough of Croydon") == "Croydon")
        #expect(cleanCouncilName("Royal Borough of Kingston upon Thames") == "Kingston upon Thames")
        #expect(cleanCouncilName("City of York Council") == "York")
        #expect(cleanCouncilName("City of London") == "City of London")
        #expect(cleanCouncilName("Bury local authority") == "Bury")
        #expect(cleanCouncilName("Kent County Council") == "Kent")
        #expect(cleanCouncilName("Herefordshire Council's") == "Herefordshire")
        #expect(cleanCouncilName("Bournemouth, Christchurch and Poole") == "Bournemouth, Christchurch and Poole")
    }

    @Test func anythingElseIsNotALetterAndNeverTraps() {
        #expect(OfstedLetterReader.read(text: "") == nil)
        #expect(OfstedLetterReader.read(text: "Inspection of Harrow local authority children’s services\n\nJudgement   Grade\nOverall effectiveness   Good\n") == nil)
        // "Focused visit" in prose is not a title.
        #expect(OfstedLetterReader.read(text: "Dear Sir\n\nFocused visit findings show that leaders are effective.\n") == nil)
        var state: UInt64 = 7
        let pieces = ["Focused visit to X children’s services\n", "Dear Ms Y\n", "◼ ", "\u{F06E} ", "Areas for priority action\n",
                      "What needs to improve?\n", "on 3 and ", "4 May 2020.\n", "\n", "\u{0C}", "1. ", "(a) ", "Overview\n", "text. "]
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<40 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            if let f = OfstedLetterReader.read(text: text) {
                #expect(f.overall == nil && f.judgements.isEmpty)
            }
        }
    }
}
