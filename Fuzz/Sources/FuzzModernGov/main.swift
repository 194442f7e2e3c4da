import Foundation
import FuzzSupport
import Glibc
import ReportWatchCore
import ReportWatchExtract

// ModernGov committee pages: the same bytes as a meeting list and as a meeting page, and the
// id and date helpers on every link and date text found.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    let page = Page(url: "https://moderngov.example.org/ieListMeetings.aspx?CommitteeId=249", contentType: "text/html", body: body)
    if let list = try? ModernGovParser.meetingList(from: page) {
        for meeting in list.meetings {
            _ = ModernGovParser.meetingID(fromLink: meeting.link)
            _ = ModernGovParser.date(from: meeting.dateText, timeZone: TimeZone(identifier: "Europe/London") ?? .current)
            _ = ModernGovParser.dayText(meeting.dateText)
        }
    }
    if let meeting = try? ModernGovParser.meetingPage(from: page) {
        for item in meeting.agendaItems {
            for document in item.documents { _ = ModernGovParser.documentID(fromLink: document.link) }
        }
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOne))
