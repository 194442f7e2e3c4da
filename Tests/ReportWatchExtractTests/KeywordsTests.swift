import Testing
import ReportWatchCore
@testable import ReportWatchExtract

@Suite("Keywords: whole words and phrases, capitals kept")
struct KeywordsTests {
    @Test(arguments: [
        // Written in capitals: only in capitals.
        ("SEND", "the Special Educational Needs (SEND) service", true),
        ("SEND", "The director should send the written statement of action", false),
        ("SEND", "Send it today", false),
        ("SEND", "SENDING", false),
        ("SEN", "SEND and SEN/D support", true),
        ("SEN", "the SEND service", false),
        ("CAMHS", "referrals to CAMHS rose", true),
        ("CAMHS", "Camhs referrals", false),
        // Otherwise case is ignored, as users mean it.
        ("send", "the SEND service", true),
        ("Ofsted", "OFSTED inspection", true),
        ("Ofsted", "Ofsted's letter", true),
        ("ofsted", "Ofstedish", false),
        // Whole phrases, across line breaks and runs of spaces.
        ("care leavers", "The Care Leavers Service", true),
        ("care leavers", "support for care\nleavers aged 18", true),
        ("care leavers", "care  \n  leavers", true),
        ("care leavers", "childcare leavers", false),
        ("care leavers", "care leaversfoo", false),
        ("care leavers", "care, leavers", false),
        // Apostrophes and dashes as PDFs spell them.
        ("children's services", "Director of Children’s Services", true),
        ("18-25", "the 18–25 section", true),
        ("S251", "the s251 return", true),
    ])
    func matches(_ keyword: String, _ text: String, _ expected: Bool) {
        #expect(Keywords.matches([keyword], in: text) == expected, "\(keyword) in \(text)")
    }

    @Test func itemsMatchOnTheirKeyAndFields() {
        let item = Item(key: "a", fields: ["title": "Cabinet report", "summary": "Children’s services improvement notice"])
        #expect(Keywords.matches(["improvement notice"], in: item))
        #expect(Keywords.matches(["Children's Services"], in: item))
        #expect(!Keywords.matches(["SEND"], in: item))
        #expect(!Keywords.matches([], in: item))
    }

    @Test func everyOccurrenceInOrder() {
        let text = "SEND, send and SEND again"
        #expect(Keywords.ranges(of: "SEND", in: text).map { text.distance(from: text.startIndex, to: $0.lowerBound) } == [0, 15])
        #expect(Keywords.ranges(of: "send", in: text).count == 3)
        #expect(Keywords.matched(["care leavers", "SEND", "send"], in: text) == ["SEND", "send"])
    }

    @Test func capitalsAreTwoLettersOrMoreWithNoLowerCase() {
        #expect(Keywords.isCapitals("SEND"))
        #expect(Keywords.isCapitals("SEN/D"))
        #expect(!Keywords.isCapitals("S251"))
        #expect(!Keywords.isCapitals("Ofsted"))
        #expect(!Keywords.isCapitals("care leavers"))
    }
}
