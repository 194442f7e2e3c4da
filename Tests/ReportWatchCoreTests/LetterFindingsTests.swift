import Foundation
import Testing
@testable import ReportWatchCore

@Suite("Letter findings")
struct LetterFindingsTests {
    /// Dorset's letter as the previous version stored it (JSONEncoder, sorted keys, dates as
    /// seconds since 2001): no letter type, focus, priority actions or partnership.
    static let storedByTheOldVersion = """
        {"framework":"ungraded","inspectionDatesText":"17–18 May 2023","inspectionEnd":706060800,"inspectionStart":705974400,\
        "judgements":[],"localAuthority":"Dorset","mainConclusions":["Leaders have significantly strengthened support."],\
        "summary":"Leaders have significantly strengthened support.","title":"Focused visit to Dorset children's services",\
        "warnings":[],"whatNeedsToImprove":[]}
        """

    @Test func findingsStoredByTheOldVersionStillDecode() throws {
        let f = try JSONDecoder().decode(ReportFindings.self, from: Data(Self.storedByTheOldVersion.utf8))
        #expect(f.framework == .ungraded)
        #expect(f.localAuthority == "Dorset")
        #expect(f.inspectionStart == CalendarDay.date(year: 2023, month: 5, day: 17))
        #expect(f.inspectionEnd == CalendarDay.date(year: 2023, month: 5, day: 18))
        #expect(f.mainConclusions == ["Leaders have significantly strengthened support."])
        #expect(f.letterType == nil && f.focus == nil && f.partnership == nil)
        #expect(f.areasForPriorityAction.isEmpty)
        // Even an object with none of the lists decodes, with empty ones.
        let bare = try JSONDecoder().decode(ReportFindings.self, from: Data(#"{"framework":"sif2013"}"#.utf8))
        #expect(bare == ReportFindings(framework: .sif2013))
    }

    @Test func newFindingsRoundTripAndAnUnknownLetterTypeReadsAsOther() throws {
        let f = ReportFindings(framework: .ungraded, localAuthority: "Norfolk", letterType: .jtai,
                               focus: "the multi-agency response to children who are victims of domestic abuse",
                               areasForPriorityAction: ["A"], partnership: "Norfolk Safeguarding Children Partnership")
        let data = try JSONEncoder().encode(f)
        #expect(try JSONDecoder().decode(ReportFindings.self, from: data) == f)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""letterType":"jtai""#))
        let future = text.replacingOccurrences(of: #""letterType":"jtai""#, with: #""letterType":"areaSENDVisit""#)
        #expect(try JSONDecoder().decode(ReportFindings.self, from: Data(future.utf8)).letterType == .other)
        // A graded report writes no letter keys.
        let graded = String(decoding: try JSONEncoder().encode(ReportFindings(framework: .ilacs2023)), as: UTF8.self)
        #expect(!graded.contains("letterType") && !graded.contains("focus") && !graded.contains("partnership"))
    }

    @Test func pointsAreNewOrRemainBesideThePreviousLetter() {
        let previous = ["The quality and timeliness of supervision.", "Management oversight, including the supervision of staff. (enabler 2, national framework)"]
        let points = LetterPoints.compare([
            "The quality and timeliness of supervision",  // same words, no full stop
            "Management oversight, including the supervision of staff.",  // without the cross-reference
            "The consistency of planning for care leavers.",
        ], with: previous)
        #expect(points.map(\.remains) == [true, true, false])
        #expect(LetterPoints.compare(["A point."], with: nil).map(\.remains) == [nil])
        #expect(LetterPoints.compare(["A point."], with: []).map(\.remains) == [false])
    }

    @Test func aLetterAlertLeadsWithPriorityActionsAndNeverAGrade() throws {
        let f = ReportFindings(
            framework: .ungraded, localAuthority: "Wakefield",
            inspectionStart: CalendarDay.date(year: 2018, month: 2, day: 27), inspectionEnd: CalendarDay.date(year: 2018, month: 2, day: 28),
            inspectionDatesText: "27–28 February 2018",
            whatNeedsToImprove: ["Audits need to improve.", "Supervision."],
            mainConclusions: ["There are significant weaknesses.", "Leaders are aware of the issues."],
            letterType: .focusedVisit, focus: "Inspectors looked at the front door.",
            areasForPriorityAction: ["delays in case allocation", "management oversight", "social work recording."])
        #expect(OfstedLetterHeadline.title(type: .focusedVisit, itemType: "Children's services focused visit", council: "Wakefield", findings: f)
            == "Ofsted focused visit to Wakefield: 3 areas for priority action")
        var one = f
        one.areasForPriorityAction = []
        #expect(OfstedLetterHeadline.title(type: .jtai, itemType: "JTAI", council: "Norfolk", findings: one)
            == "Ofsted joint targeted area inspection of Norfolk: 2 points to improve")

        let text = OfstedLetterHeadline.text(council: "Wakefield", reportType: "Focused visit", published: CalendarDay.date(year: 2018, month: 3, day: 22),
                                             findings: f, previous: nil, previousPublished: nil, link: "L")
        #expect(text == "New Ofsted letter for Wakefield: Focused visit, published 22 March 2018 (visit of 27–28 February 2018). Inspectors looked at the front door. Areas for priority action (3): delays in case allocation; management oversight; social work recording. Headline findings: There are significant weaknesses. Leaders are aware of the issues. What needs to improve: Audits need to improve; Supervision. Report: L")

        var previous = ReportFindings(framework: .ungraded, whatNeedsToImprove: ["Supervision."], letterType: .focusedVisit)
        previous.areasForPriorityAction = ["Delays in case allocation."]
        let beside = OfstedLetterHeadline.text(council: "Wakefield", reportType: "Focused visit", published: nil, findings: f,
                                               previous: previous, previousPublished: CalendarDay.date(year: 2017, month: 6, day: 1), link: "L")
        #expect(beside.contains("Areas for priority action (3), new since the previous letter (June 2017): management oversight; social work recording. Still from the previous letter (June 2017): delays in case allocation."))
        #expect(beside.contains("What needs to improve, new since the previous letter (June 2017): Audits need to improve. Still from the previous letter (June 2017): Supervision."))
        for grade in Grade.allCases {
            #expect(!text.contains(grade.rawValue) && !beside.contains(grade.rawValue))
        }
    }
}
