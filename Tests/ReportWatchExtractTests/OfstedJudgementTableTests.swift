import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore

/// The judgement table read as a table. Each layout here is one that `pdftotext -layout` prints
/// for real reports (the real PDFs are checked whole by ExpectedFindingsTests); these pin down one
/// trap each, including ones no fixture holds. A table's header says where its grade column is.
@Suite struct OfstedJudgementTableTests {
    static func report(table: String, inspected: String = "4 to 15 March 2024", gradeColumn: Int = 44) -> String {
        """
        Inspection of Somewhere local authority
        children’s services
        Inspection dates: \(inspected)

        Lead inspector: A Person, His Majesty’s Inspector


         Judgement\(String(repeating: " ", count: gradeColumn - 10))Grade

        \(table)

        The last inspection of children’s services in Somewhere judged services to be good.
        Leaders have an accurate self-assessment and have created strong foundations.
        """
    }

    @Test func aGradeOnTheLineAboveItsLabel() {
        // Cambridgeshire 2024: the overall grade sits higher in its cell than its label.
        let f = OfstedReportParser.parse(text: Self.report(table: """
         The impact of leaders on social work       Requires improvement to be good
         practice with children and families

         The experiences and progress of            Good
         children who need help and protection

         The experiences and progress of            Good
         children in care

         The experiences and progress of care       Inadequate
         leavers
                                                    Requires improvement to be good
         Overall effectiveness
        """))
        #expect(f.warnings.filter { !$0.contains("What needs to improve") } == [])
        #expect(f.framework == .ilacs2023)
        #expect(f.overall?.grade == .requiresImprovement)
        #expect(f.judgements.map(\.label) == [
            "The impact of leaders on social work practice with children and families",
            "The experiences and progress of children who need help and protection",
            "The experiences and progress of children in care",
            "The experiences and progress of care leavers",
        ])
        #expect(f.judgements.map(\.grade) == [.requiresImprovement, .good, .good, .inadequate])
    }

    @Test func wrappedGradesAndAGradeSplitAroundItsLabel() {
        // Bristol 2018: "Requires improvement / to be good" beside wrapped labels, and the overall
        // grade's two lines above and below "Overall effectiveness".
        let f = OfstedReportParser.parse(text: Self.report(table: """
         The impact of leaders on social work practice with children
                                                                       Good
         and families

         The experiences and progress of children who need help and    Requires improvement
         protection                                                    to be good

         The experiences and progress of children in care and care     Requires improvement
         leavers                                                       to be good

                                                                       Requires improvement
         Overall effectiveness
                                                                       to be good
        """, inspected: "10 September 2018 to 21 September 2018", gradeColumn: 63))
        #expect(f.warnings.filter { !$0.contains("What needs to improve") } == [])
        #expect(f.framework == .ilacs2018)
        #expect(f.overall?.grade == .requiresImprovement)
        #expect(f.judgements.map(\.label) == [
            "The impact of leaders on social work practice with children and families",
            "The experiences and progress of children who need help and protection",
            "The experiences and progress of children in care and care leavers",
        ])
        #expect(f.judgements.map(\.grade) == [.good, .requiresImprovement, .requiresImprovement])
    }

    @Test func theFrameworksCareLeaversLabelWhateverTheTablePrints() {
        // 2025–26 tables print "The experiences and progress of / children care leavers".
        let f = OfstedReportParser.parse(text: Self.report(table: """
         The experiences and progress of            Good
         children care leavers

         Overall effectiveness                      Good
        """, inspected: "10 to 21 November 2025"))
        #expect(f.judgements.map(\.label) == ["The experiences and progress of care leavers"])
    }

    @Test func aLabelThatIsNotAJudgementIsAWarningAndItsGradeIsNotReported() {
        let f = OfstedReportParser.parse(text: Self.report(table: """
         The impact of leaders on social work       Good
         practice with children and families

         The quality of something else entirely     Inadequate

         Overall effectiveness                      Good
        """))
        #expect(f.judgements.map(\.grade) == [.good])
        #expect(f.overall?.grade == .good)
        #expect(f.warnings.contains { $0.contains("\"The quality of something else entirely\" is not a judgement") })
        #expect(!f.allJudgements.contains { $0.grade == .inadequate })
    }

    @Test func aCutLabelIsNeverPrinted() {
        // The label's second line lost: the row is not a whole judgement, so no grade for it.
        let f = OfstedReportParser.parse(text: Self.report(table: """
         The experiences and progress of            Good
         children who need help and

         Overall effectiveness                      Good
        """))
        #expect(f.judgements.isEmpty)
        #expect(f.warnings.contains { $0.contains("children who need help and\" is not a judgement") })
    }

    @Test func noFrameworkNewerThanTheInspection() {
        // Four judgements but inspected in 2021: the 2023 framework had not begun.
        let f = OfstedReportParser.parse(text: Self.report(table: """
         The experiences and progress of            Good
         children in care

         Overall effectiveness                      Good
        """, inspected: "1 to 12 March 2021"))
        #expect(f.framework == .ilacs2018)
        #expect(f.warnings.contains { $0.contains("began after this inspection") })
    }

    @Test func theSIFOverallSentenceWithoutAPlace() {
        let text = """
        Somewhere Borough Council
        Inspection of services for children in need of help and
        protection, children looked after and care leavers
        Inspection date: 11 January 2016–4 February 2016

        Children’s services require improvement to be good
        1. Children who need help and protection                               Requires improvement

        2. Children looked after and achieving
                                                                               Requires improvement
           permanence

                  2.1 Adoption performance                                     Requires improvement

                  2.2 Experiences and progress of care leavers                 Good

        3. Leadership, management and governance                               Requires improvement

        The Local Safeguarding Children Board is good
        """
        let f = OfstedReportParser.parse(text: text)
        #expect(f.framework == .sif2013)
        #expect(f.overall?.grade == .requiresImprovement)
        #expect(f.judgements.map(\.label) == [
            "Children who need help and protection", "Children looked after and achieving permanence",
            "Leadership, management and governance", "The effectiveness of the Local Safeguarding Children Board",
        ])
        #expect(f.judgements[1].subJudgements.map(\.grade) == [.requiresImprovement, .good])
        #expect(f.judgements.last?.grade == .good)
    }

    @Test func aLongLabelLineThatRunsUnderTheGradeHeader() {
        // A header whose "Grade" stands left of where long label lines end.
        let f = OfstedReportParser.parse(text: Self.report(table: """
         The impact of leaders on social work practice with children and   Good
         families

         The experiences and progress of children who need help and         Good
         protection

         Overall effectiveness                                              Good
        """, gradeColumn: 60))
        #expect(f.judgements.map(\.label) == [
            "The impact of leaders on social work practice with children and families",
            "The experiences and progress of children who need help and protection",
        ])
        #expect(f.overall?.grade == .good)
    }

    @Test func recognisedLabels() {
        #expect(JudgementLabel.recognise("2.2 Experiences and progress of care leavers") == .sifCareLeavers)
        #expect(JudgementLabel.recognise("Overall effectiveness1") == .overall)
        #expect(JudgementLabel.recognise("Children’s services require improvement to be good 1. Children who need help and protection") == nil)
        #expect(JudgementLabel.recognise("The experiences and progress of children in care and care") == nil)
    }
}
