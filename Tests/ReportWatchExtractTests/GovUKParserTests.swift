import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore
import ReportWatchTestSupport

// The content items are real GOV.UK Content API answers from ../shared/fixtures/govuk (see its
// README.md). No real Search API answer was available: the search tests build small ones in the
// documented shape ({"results": [...], "total": N}, with the fields the query asks for).

private func page(_ fixture: String, url: String) throws -> Page {
    Page(url: url, contentType: "application/json", body: Array(try Fixtures.data("govuk/\(fixture)")))
}

private let collectionFixture = "content-api_document_collection_frontend_best-practice-document-collection.json"
private let statisticsFixture = "content-api_publication_frontend_best-practice-official-statistics.json"
private let noticeFixture = "content-api_publication_frontend_best-practice-notice.json"

/// A Search API answer in the shape GOV.UK documents, built for the test.
private func searchJSON(_ results: [[String: String]], total: Int? = nil) -> String {
    let object: [String: Any] = ["results": results, "total": total ?? results.count, "start": 0]
    let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}

private func decision(_ council: String, _ month: String, slug: String, timestamp: String) -> [String: String] {
    [
        "title": "Improvement notice issued to \(council): \(month)",
        "link": "/government/publications/\(slug)",
        "public_timestamp": timestamp,
        "description": "The Department for Education has issued an improvement notice to \(council) in relation to children's social care.",
        "content_store_document_type": "decision",
    ]
}

@Suite("GOV.UK Search and Content API parsing")
struct GovUKParserTests {
    @Test func searchResultsAreKeyedByLinkWithAbsoluteLinks() throws {
        let body = searchJSON([
            decision("Harrow", "November 2026", slug: "improvement-notice-issued-to-harrow-november-2026", timestamp: "2026-11-20T09:30:00.000+00:00"),
            decision("Camden", "October 2026", slug: "improvement-notice-issued-to-camden-october-2026", timestamp: "2026-10-02T10:00:00.000+01:00"),
        ], total: 2)
        let results = try GovUKSearchParser.parse(Page(url: "https://www.gov.uk/api/search.json?count=50", body: Array(body.utf8)))
        #expect(results.items.count == 2)
        #expect(results.total == 2)
        #expect(!results.isWindow)
        let harrow = try #require(results.items.first)
        #expect(harrow.key == "/government/publications/improvement-notice-issued-to-harrow-november-2026")
        #expect(harrow.link == "https://www.gov.uk/government/publications/improvement-notice-issued-to-harrow-november-2026")
        #expect(harrow.title == "Improvement notice issued to Harrow: November 2026")
        #expect(harrow.fields["document_type"] == "decision")
        #expect(harrow.fields["public_timestamp"] == "2026-11-20T09:30:00.000+00:00")
        #expect(harrow.fields["description"]?.hasPrefix("The Department for Education") == true)
    }

    @Test func aFullPageIsAWindow() throws {
        let body = searchJSON([decision("Harrow", "November 2026", slug: "h", timestamp: "2026-11-20T09:30:00Z")], total: 120)
        #expect(try GovUKSearchParser.parse(Page(url: "https://www.gov.uk/api/search.json", body: Array(body.utf8))).isWindow)
    }

    @Test(arguments: [
        "<!DOCTYPE html><html><body><h1>Sorry, we're experiencing technical difficulties</h1></body></html>",
        #"{"error": "\"filter_organisation\" is not a valid filter field"}"#,
        #"{"total": 0}"#,
        "[]",
    ])
    func aBodyWithoutResultsIsAnError(_ body: String) {
        #expect(throws: ExtractError.self) {
            try GovUKSearchParser.parse(Page(url: "https://www.gov.uk/api/search.json", body: Array(body.utf8)))
        }
    }

    @Test func aPublicationIsOneItemWithItsNewestChangeNote() throws {
        let url = "https://www.gov.uk/api/content/government/statistics/fostering-in-england-1-april-2013-to-31-march-2014"
        let content = try GovUKContentParser.parse(try page(statisticsFixture, url: url))
        #expect(!content.isCollection)
        #expect(content.items.count == 1)
        let item = try #require(content.items.first)
        #expect(item.key == "/government/statistics/fostering-in-england-1-april-2013-to-31-march-2014")
        #expect(item.title == "Fostering in England 1 April 2013 to 31 March 2014")
        #expect(item.link == "https://www.gov.uk/government/statistics/fostering-in-england-1-april-2013-to-31-march-2014")
        #expect(item.fields["public_updated_at"] == "2015-05-14T08:30:16.000+00:00")
        #expect(item.fields["document_type"] == "official_statistics")
        #expect(item.fields["change_note"] == "Quality report uploaded.")
    }

    @Test func theNewestChangeNoteIsChosenByTimestampNotPosition() {
        // GOV.UK lists newest first; a list in another order must still yield the newest note.
        let history: [Any] = [
            ["public_timestamp": "2015-01-14T09:30:00.000+00:00", "note": "First published."],
            ["public_timestamp": "2015-05-14T09:30:16.000+01:00", "note": "Notice lifted."],
            ["public_timestamp": "2015-03-26T09:31:22.000+00:00", "note": "Supplementary data."],
        ]
        #expect(GovUKContentParser.latestChangeNote(history) == "Notice lifted.")
    }

    @Test func aNoticePublicationHasItsFields() throws {
        let url = "https://www.gov.uk/api/content/government/publications/walton-farms-limited-application-made-to-abstract-take-water"
        let item = try #require(try GovUKContentParser.parse(try page(noticeFixture, url: url)).items.first)
        #expect(item.fields["change_note"] == "First published.")
        #expect(item.fields["document_type"] == "notice")
        #expect(item.fields["withdrawn_at"] == nil)
    }

    @Test func aCollectionHasOneItemPerGroupedDocument() throws {
        let url = "https://www.gov.uk/api/content/government/collections/national-driving-and-riding-standards"
        let content = try GovUKContentParser.parse(try page(collectionFixture, url: url))
        #expect(content.isCollection)
        #expect(content.title == "National standards for driving and riding")
        #expect(content.items.first?.key == "/government/collections/national-driving-and-riding-standards")
        // Five groups list seven documents, each resolved through links.documents.
        let documents = content.items.dropFirst()
        #expect(documents.count == 7)
        let framework = try #require(documents.first { $0.key == "5e5dd324-7631-11e4-a3cb-005056011aef" })
        #expect(framework.title == "Car and light van driver competence framework")
        #expect(framework.link == "https://www.gov.uk/government/publications/car-and-light-van-driver-competence-framework")
        #expect(framework.fields["group"] == "Car and light van")
        #expect(framework.fields["document_type"] == "guidance")
        #expect(documents.allSatisfy { $0.title != nil && $0.link != nil && $0.fields["group"] != nil })
        #expect(Set(documents.compactMap { $0.fields["group"] }) == [
            "Car and light van", "Moped and motorcycle", "Lorry", "Bus and coach", "Driver and rider trainer",
        ])
    }

    @Test(arguments: [
        "<html><body>Bad gateway</body></html>",
        #"{"error": "not found"}"#,
        #"{"base_path": "/government/collections/x", "title": "X", "document_type": "document_collection", "details": {}}"#,
    ])
    func aBodyThatIsNotAContentItemIsAnError(_ body: String) {
        #expect(throws: ExtractError.self) {
            try GovUKContentParser.parse(Page(url: "https://www.gov.uk/api/content/x", body: Array(body.utf8)))
        }
    }
}
