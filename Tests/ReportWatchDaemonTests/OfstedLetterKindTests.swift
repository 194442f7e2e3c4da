import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchAlerts
import ReportWatchCore
import ReportWatchStore
import ReportWatchTestSupport

// Provider pages built in the markup DESIGN.md records (no real saved copy exists; see
// OfstedKindTests), served by the real loopback test server with REAL letters from
// ../shared/fixtures/ofsted/letters/ and a real graded report, under made-up file ids.

private struct Served {
    var file: String
    var fileID: String
    var type: String
    var published: String
    var event: (String, String)

    static let harrow2020 = Served(file: "harrow_ilacs_2020-03-16_file50149055.pdf", fileID: "50149055",
                                   type: "Children's services inspection", published: "16 March 2020", event: ("2020-02-14", "14 February 2020"))
    static let wakefield2018 = Served(file: "letters/wakefield_focused-visit_2018-03-22_urn80451.pdf", fileID: "90000101",
                                      type: "Children's services focused visit", published: "22 March 2018", event: ("2018-02-28", "28 February 2018"))
    static let dorset2023 = Served(file: "letters/dorset_focused-visit_2023-06-22_urn2532283.pdf", fileID: "90000102",
                                   type: "Children's services focused visit", published: "22 June 2023", event: ("2023-05-18", "18 May 2023"))
    static let bolton2025 = Served(file: "letters/bolton_focused-visit_2025-06-27_urn80432.pdf", fileID: "90000103",
                                   type: "Children's services focused visit", published: "27 June 2025", event: ("2025-05-29", "29 May 2025"))
}

private func page(_ name: String, base: String, _ reports: [Served]) -> String {
    let items = reports.map { report in
        """
        <li class="timeline__day"><p class="timeline__date"><time datetime="\(report.event.0)">\(report.event.1)</time></p>
        <ul class="timeline__events"><li class="timeline__event"><span class="event__title heading--sub">\(report.type)</span>
        <a class="publication-link" href="\(base)/v1/file/\(report.fileID)" target="_blank">\(report.type)
        <span class="nonvisual">\(report.type), PDF - \(report.published)</span></a></li></ul></li>
        """
    }.joined(separator: "\n")
    return """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
        <title>\(name) - Open - Find an inspection report - Ofsted</title></head><body>
        <main><h1 class="heading--title">\(name)</h1>
        <div class="timeline"><ul class="timeline__list">\(items)</ul></div></main></body></html>
        """
}

private func source(_ council: String) -> String {
    """
      - id: ofsted-council
        name: Ofsted reports for \(council) children's services
        kind: ofsted-provider
        url: {{base}}/provider/44/80451
        council: \(council)
    """
}

private func serve(_ harness: Harness, _ reports: [Served]) throws {
    for report in reports {
        harness.server.set("/v1/file/\(report.fileID)",
                           response: .ok(bytes: Array(try Fixtures.data("ofsted/\(report.file)")), contentType: "application/pdf"))
    }
}

@Suite(.serialized) struct OfstedLetterKindTests {
    @Test func wakefieldsLetterAlertNamesItsThreeAreasForPriorityAction() async throws {
        let harness = try Harness(sources: source("Wakefield"))
        try serve(harness, [.harrow2020, .wakefield2018])
        // Baseline: an earlier graded report (a real one, under this provider), then the letter.
        harness.server.set("/provider/44/80451", body: page("Wakefield", base: harness.server.baseURL, [.harrow2020]))
        await harness.check()
        #expect(try harness.deliveredAlerts().isEmpty)
        harness.server.set("/provider/44/80451", body: page("Wakefield", base: harness.server.baseURL, [.wakefield2018, .harrow2020]))
        await harness.check()

        let alerts = try harness.deliveredAlerts().filter { !$0.event.isHealth }
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.title == "Ofsted focused visit to Wakefield: 3 areas for priority action")
        let summary = try #require(alert.summary)
        #expect(summary.hasPrefix("New Ofsted letter for Wakefield: Children's services focused visit, published 22 March 2018 (visit of 27–28 February 2018). Inspectors looked at the local authority's arrangements for the 'front door'"))
        #expect(summary.contains("Areas for priority action (3): delays in case allocation, assessment and seeing children at risk of harm; management oversight and decision-making in relation to safeguarding practice, including supervision of staff; social work recording, performance management and quality assurance arrangements."))
        #expect(summary.contains("Headline findings: There are significant weaknesses in the quality of children's services in Wakefield"))
        #expect(summary.contains("What needs to improve: Audits need to recognise good practice"))
        #expect(summary.hasSuffix("Report: \(harness.server.baseURL)/v1/file/90000101"))
        // A letter is never graded, and the graded report before it is not a letter to compare with.
        #expect(!summary.contains("(was ") && !summary.contains("previous letter"))
        for grade in Grade.allCases where grade != .good {
            #expect(!summary.contains(grade.rawValue) && !alert.title.contains(grade.rawValue))
        }
        let findings = try #require(alert.findings)
        #expect(findings.letterType == .focusedVisit)
        #expect(findings.overall == nil && findings.judgements.isEmpty)
        #expect(findings.areasForPriorityAction.count == 3)

        // Every channel's message says the same: its subject is the title, the actions are listed.
        let text = AlertText(alert, context: DeliveryContext(sourceNames: [:], timeZone: TimeZone(identifier: "UTC")!))
        #expect(text.subject == "Ofsted focused visit to Wakefield: 3 areas for priority action")
        // The plain part wraps its lines for a terminal.
        let plain = text.plainText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(plain.contains("Areas for priority action"))
        #expect(plain.contains("social work recording, performance management and quality assurance arrangements."))
        #expect(plain.contains("Focus: Inspectors looked at the local authority's arrangements for the 'front door'"))
    }

    @Test func aLettersPointsAreSetBesideThePreviousLettersAndTheTimelineShowsNoGrade() async throws {
        let harness = try Harness(sources: source("Bolton"))
        try serve(harness, [.dorset2023, .bolton2025])
        harness.server.set("/provider/44/80451", body: page("Bolton", base: harness.server.baseURL, [.dorset2023]))
        await harness.check()
        harness.server.set("/provider/44/80451", body: page("Bolton", base: harness.server.baseURL, [.bolton2025, .dorset2023]))
        await harness.check()

        let alert = try #require(try harness.deliveredAlerts().first { !$0.event.isHealth })
        #expect(alert.title == "Ofsted focused visit to Bolton: 2 points to improve")
        let summary = try #require(alert.summary)
        // The sentence recalling the last inspection's grade is a finding, not a grade.
        #expect(summary.contains("Headline findings: This was the first focused visit since the full inspection of children's services in 2023"))
        #expect(summary.contains("What needs to improve, new since the previous letter (June 2023): The quality of child-in-need and child protection assessments and plans; The quality and impact of recorded supervision and management decision-making."))
        #expect(alert.findings?.overall == nil)

        let run = try ReportWatchBinary.run(["findings", "--config", harness.configFile, "--source", "ofsted-council"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("letter (no grades): focused visit"))
        #expect(run.stdout.contains("focus: Inspectors looked at the local authority's arrangements for children in need and child protection planning."))
        #expect(run.stdout.contains("what needs to improve (1):\n    - The quality and timeliness of supervision."))
        #expect(!run.stdout.contains("overall effectiveness"))
    }
}

@Suite struct InspectLetterCommandTests {
    @Test func printsTheLettersPartsAndTheirJSON() throws {
        let path = Fixtures.url("ofsted/letters/wakefield_focused-visit_2018-03-22_urn80451.pdf").path
        let run = try ReportWatchBinary.run(["inspect-report", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Letter: focused visit"))
        #expect(run.stdout.contains("Grades: none (a letter is not graded)"))
        #expect(!run.stdout.contains("Overall effectiveness") && !run.stdout.contains("Judgements:"))
        #expect(run.stdout.contains("Focus: Inspectors looked at the local authority's arrangements for the 'front door'"))
        #expect(run.stdout.contains("Areas for priority action (3):\n  - delays in case allocation, assessment and seeing children at risk of harm"))
        #expect(run.stdout.contains("Headline findings:\n  - There are significant weaknesses"))

        let json = try ReportWatchBinary.run(["inspect-report", path, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [String: Any])
        #expect(findings["letterType"] as? String == "focusedVisit")
        #expect((findings["areasForPriorityAction"] as? [String])?.count == 3)
        #expect((findings["focus"] as? String)?.hasPrefix("Inspectors looked at") == true)
        #expect(findings["inspectionStart"] as? String == "2018-02-27")

        let norfolk = try ReportWatchBinary.run(["inspect-report", Fixtures.url("ofsted/letters/norfolk_jtai_2025-02-27_urn80418.pdf").path])
        #expect(norfolk.stdout.contains("Letter: joint targeted area inspection (JTAI)"))
        #expect(norfolk.stdout.contains("Partnership: Norfolk Safeguarding Children Partnership"))
        #expect(norfolk.stdout.contains("Theme: the multi-agency response to children who are victims of domestic abuse"))
        #expect(norfolk.stdout.contains("Local authority: Norfolk"))
    }
}
