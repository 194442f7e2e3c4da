import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore
import ReportWatchTestSupport

// The pages are the Royal Borough of Kingston's real ModernGov pages (../shared/fixtures/moderngov,
// see its README.md), read unchanged. The expected values were read from the files.

private let site = "https://moderngov.kingston.gov.uk"

private func page(_ fixture: String, url: String) throws -> Page {
    Page(url: url, contentType: "text/html; charset=utf-8", body: Array(try Fixtures.data("moderngov/\(fixture)")))
}

private func london(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) throws -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = try #require(TimeZone(identifier: "Europe/London"))
    return try #require(calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)))
}

@Suite("ModernGov committee pages")
struct ModernGovParserTests {
    @Test func readsTheMeetingList() throws {
        let list = try ModernGovParser.meetingList(from: page("kingston_BrowseMeetings.html", url: "\(site)/ieListMeetings.aspx?CommitteeId=711"))
        #expect(list.meetings.count == 15)
        #expect(list.linksWithoutID == 0)
        #expect(list.meetings.map(\.id) == [
            "10337", "10163", "10162", "10221", "10161", "10220", "10160", "10159", "10219", "10158", "9957", "9956",
            "9955", "9954", "9983",
        ])
        let first = try #require(list.meetings.first)
        #expect(first.dateText == "15 Jun 2026 7:30 pm")
        #expect(first.link == "\(site)/ieListDocuments.aspx?CId=711&MId=10337&Ver=4")
        #expect(first.status == nil)
        #expect(!first.cancelled)
        #expect(first.committee == "Kingston and North Kingston Neighbourhood Committee")

        let minuted = try #require(list.meetings.first { $0.id == "10221" })
        #expect(minuted.status == "Agenda, Decisions, Minutes")
        #expect(!minuted.cancelled)
        let cancelled = try #require(list.meetings.first { $0.id == "10161" })
        #expect(cancelled.status == "CANCELLED")
        #expect(cancelled.cancelled)
        #expect(cancelled.dateText == "4 Dec 2025 7:30 pm")
        #expect(list.meetings.filter(\.cancelled).map(\.id) == ["10161"])
    }

    @Test func readsAMeetingWithAgendaDecisionsAndMinutes() throws {
        let meeting = try ModernGovParser.meetingPage(from: page("kingston_Agenda_151.html", url: "\(site)/ieListDocuments.aspx?CId=711&MId=10221&Ver=4"))
        #expect(meeting.published == "Agenda, decisions and minutes")
        #expect(meeting.subtitle == "Kingston and North Kingston Neighbourhood Committee - Thursday 15 January 2026 7:30 pm")
        #expect(!meeting.cancelled)
        #expect(meeting.modified == "2026-02-05")

        // Twelve items, 54 to 65: the rows of the "Recorded Vote" tables nested in items are not items.
        #expect(meeting.agendaItems.map(\.number) == (54...65).map { "\($0)" })
        #expect(meeting.agendaItems.first?.anchor == "AI51890")
        #expect(meeting.agendaItems.first?.identifier == "AI51890")
        #expect(meeting.agendaItems.first?.title == "Public Question Time")
        let questions = try #require(meeting.agendaItems.first)
        #expect(questions.text.hasPrefix("A period of up to 30 minutes during which any resident"))
        #expect(!questions.text.contains("There were no public questions"), "the minutes are not the item's description")
        #expect(questions.documents.isEmpty)
        #expect(questions.link == nil)

        // A linked title without its file-size badge.
        let minutes = meeting.agendaItems[4]
        #expect(minutes.title == "Minutes")
        #expect(minutes.link == "\(site)/documents/s111920/Minutes%20of%20Previous%20Meeting.pdf")
        #expect(minutes.documents.map(\.id) == ["111920"])

        let petition = meeting.agendaItems[5]
        #expect(petition.anchor == "AI51902")
        #expect(petition.title == "Petition Regarding the Introduction of Traffic Management Measures On Manorgate Road")
        #expect(petition.documents.map(\.id) == ["112217", "112218", "112219", "112374", "112380"])
        // Without the screen-reader suffix ", item 59." and the size.
        #expect(petition.documents.map(\.title).last == "Annex 4 - Survey summary")
        #expect(petition.documents.last?.link == "\(site)/documents/s112380/Annex%204%20-%20Survey%20summary.pdf")

        let zebra = meeting.agendaItems[6]
        #expect(zebra.title == "Coombe Lane West Zebra Crossing - Local Consultation Results")
        #expect(zebra.text == "To consider the results of a public consultation on the Introduction of Zebra Crossing on Coombe Lane West and seek a way forward.")

        let allDocuments = meeting.agendaItems.flatMap(\.documents) + meeting.otherDocuments
        #expect(allDocuments.count == 20)
        #expect(Set(allDocuments.map(\.id)).count == 20)
        // The meeting's own papers (documents/g10230/...?T=n): front sheet, decisions, minutes.
        #expect(meeting.otherDocuments.map(\.id) == ["g10230T0", "g10230T2", "g10230T1"])
        #expect(meeting.otherDocuments.last?.title == "Printed minutes")
    }

    @Test func readsACancelledMeeting() throws {
        let meeting = try ModernGovParser.meetingPage(from: page("kingston_Agenda_412.html", url: "\(site)/ieListDocuments.aspx?CId=711&MId=10161&Ver=4"))
        #expect(meeting.published == "Meeting")
        #expect(meeting.cancelled)
        #expect(meeting.subtitle?.hasSuffix(", CANCELLED") == true)
        #expect(meeting.agendaItems.isEmpty)
        #expect(meeting.modified == nil)
    }

    /// The saver edited this page (its committee link names another committee): only the markup
    /// counts, so it reads like any other meeting.
    @Test func readsThePartlyEditedPageByItsMarkup() throws {
        let meeting = try ModernGovParser.meetingPage(from: page("kingston_Agenda_Irrelevant.html", url: "\(site)/ieListDocuments.aspx?CId=711&MId=10220&Ver=4"))
        #expect(meeting.published == "Agenda, decisions and minutes")
        #expect(meeting.modified == "2025-11-19")
        #expect(meeting.agendaItems.map(\.number) == (29...38).map { "\($0)" })
        let grants = try #require(meeting.agendaItems.first { $0.anchor == "AI51593" })
        #expect(grants.title == "Community Grants Programme")
        #expect(grants.text == "To consider applications for Neighbourhood Community Grants (NCGs)")
        #expect(grants.documents.map(\.id) == ["111161", "111162"])
        #expect(grants.documents.last?.title == "9_Annex 1 - NCG and BCG Guidelines (updated May 2023)")
        #expect(meeting.agendaItems.flatMap(\.documents).count == 4)
    }

    @Test func aPageThatIsNotAMeetingPageIsAnError() throws {
        let maintenance = Page(url: "\(site)/ieListDocuments.aspx?MId=1", body: Array("<html><body><h1>Site maintenance</h1><p>Back soon.</p></body></html>".utf8))
        #expect(throws: ExtractError.self) { try ModernGovParser.meetingPage(from: maintenance) }
        let empty = try ModernGovParser.meetingList(from: maintenance)
        #expect(empty.meetings.isEmpty)
    }

    @Test(arguments: [
        ("ieListDocuments.aspx?CId=711&MId=10221&Ver=4", "10221"),
        ("ieListDocuments.aspx?CId=711&MID=10221", "10221"),
        ("ieListDocuments.aspx?CId=711&mid=10221&Ver=5", "10221"),
        ("ieListDocuments.aspx?MeetingId=10221&CId=711", "10221"),
        ("mgMeetingDetails.aspx?meetingid=10221#top", "10221"),
        ("ieListDocuments.aspx?CId=711&amp;MId=10221&amp;Ver=4", "10221"),
        ("https://moderngov.harrow.gov.uk/ieListDocuments.aspx?CId=249&MId=12345", "12345"),
    ])
    func meetingIDInEverySpelling(_ link: String, _ id: String) {
        #expect(ModernGovParser.meetingID(fromLink: link) == id)
    }

    @Test(arguments: ["mgMeetingAttendance.aspx?ID=10221", "ieListMeetings.aspx?CId=711", "ieListDocuments.aspx", "x.aspx?MId="])
    func noMeetingID(_ link: String) {
        #expect(ModernGovParser.meetingID(fromLink: link) == nil)
    }

    @Test func documentIDs() {
        #expect(ModernGovParser.documentID(fromLink: "documents/s112217/Petition TMO Manorgate Rd Report.pdf") == "112217")
        #expect(ModernGovParser.documentID(fromLink: "https://x.gov.uk/documents/s5/a.pdf") == "5")
        #expect(ModernGovParser.documentID(fromLink: "documents/g10230/Agenda frontsheet.pdf?T=0") == nil)
        #expect(ModernGovParser.meetingDocumentID(fromLink: "documents/g10230/Agenda frontsheet.pdf?T=0") == "g10230T0")
        #expect(ModernGovParser.meetingDocumentID(fromLink: "documents/g10230/Printed minutes 15-Jan-2026.pdf?T=1") == "g10230T1")
        #expect(ModernGovParser.meetingDocumentID(fromLink: "documents/g7/Printed%20minutes.pdf") == "g7:printed minutes.pdf")
        #expect(ModernGovParser.meetingDocumentID(fromLink: "documents/g10223/Public reports pack Wednesday 18-Nov-2025.pdf?T=10") == nil)
        #expect(ModernGovParser.meetingDocumentID(fromLink: "documents/s112217/x.pdf") == nil)
        #expect(ModernGovParser.documentID(fromLink: "documents/sabc/x.pdf") == nil)
        #expect(ModernGovParser.documentID(fromLink: "mgAi.aspx?ID=51902") == nil)
    }

    @Test func datesAsModernGovWritesThem() throws {
        let zone = try #require(TimeZone(identifier: "Europe/London"))
        #expect(ModernGovParser.date(from: "15 Jan 2026 7:30 pm", timeZone: zone) == (try london(2026, 1, 15, 19, 30)))
        #expect(ModernGovParser.date(from: "15 Jan 2026\u{00A0}7:30 pm", timeZone: zone) == (try london(2026, 1, 15, 19, 30)))
        // British Summer Time: 7 pm in London is 18:00 UTC.
        let summer = try #require(ModernGovParser.date(from: "18 Jun 2025 7:00 pm", timeZone: zone))
        #expect(summer == Date(timeIntervalSince1970: 1_750_269_600))
        #expect(ModernGovParser.date(from: "Thursday 15 January 2026 7:30 pm", timeZone: zone) == (try london(2026, 1, 15, 19, 30)))
        #expect(ModernGovParser.date(from: "3 Mar 2026 10.00 am", timeZone: zone) == (try london(2026, 3, 3, 10)))
        #expect(ModernGovParser.date(from: "3 Sept 2025 12:00 pm", timeZone: zone) == (try london(2025, 9, 3, 12)))
        #expect(ModernGovParser.date(from: "3 Sep 2025 12:30am", timeZone: zone) == (try london(2025, 9, 3, 0, 30)))
        #expect(ModernGovParser.date(from: "3 Sep 2025 14:00", timeZone: zone) == (try london(2025, 9, 3, 14)))
        #expect(ModernGovParser.date(from: "4 Dec 2025", timeZone: zone) == (try london(2025, 12, 4)))
        #expect(ModernGovParser.date(from: "31 Feb 2026 7:30 pm", timeZone: zone) == nil)
        #expect(ModernGovParser.date(from: "Earlier meetings", timeZone: zone) == nil)
        #expect(ModernGovParser.dayText("15 Jan 2026 7:30 pm") == "15 Jan 2026")
        #expect(ModernGovParser.dayText("soon") == "soon")
    }

    @Test func cancellationInsideTheLinkIsNotPartOfTheDate() throws {
        let html = """
            <html><body><h2 class="mgSubTitleTxt">Cabinet</h2><ul>
            <li><a class="mgMeetingTableLnk extra" href="ieListDocuments.aspx?CId=249&amp;MID=1">15 Jan 2026 7:30 pm, CANCELLED</a></li>
            <li><a class="mgMeetingTableLnk" href="ieListDocuments.aspx?CId=249&amp;MeetingId=2">22 Jan 2026 7:30 pm</a> - Agenda</li>
            <li><a class="mgMeetingTableLnk" href="ieListDocuments.aspx?CId=249">no id</a></li>
            </ul></body></html>
            """
        let list = try ModernGovParser.meetingList(from: Page(url: "https://moderngov.harrow.gov.uk/ieListMeetings.aspx?CommitteeId=249", body: Array(html.utf8)))
        #expect(list.meetings.map(\.id) == ["1", "2"])
        #expect(list.meetings.map(\.cancelled) == [true, false])
        #expect(list.meetings.first?.dateText == "15 Jan 2026 7:30 pm")
        #expect(list.meetings.last?.status == "Agenda")
        #expect(list.meetings.first?.committee == "Cabinet")
        #expect(list.linksWithoutID == 1)
    }
}
