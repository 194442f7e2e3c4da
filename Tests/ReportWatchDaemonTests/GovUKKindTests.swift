import Foundation
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchTestSupport

// govuk-content tests serve the real Content API answers of ../shared/fixtures/govuk. A later
// state (an update with a change note, a document moved to another group) is made from a copy of
// the real answer by changing only the fields GOV.UK changes then; the JSON's shape is untouched.
//
// No real Search API answer was available (see the fixtures README): govuk-search tests build
// small answers in the documented shape, {"results": [...], "total": N}, with the fields that the
// DfE decisions query asks for.

private enum GovUKSearch {
    static let path = "/api/search.json"

    static func source(keywords: [String]? = nil, extra: String = "") -> String {
        var yaml = """
              - id: dfe-decisions
                name: DfE decisions
                kind: govuk-search
                url: "{{base}}/api/search.json?filter_organisations=department-for-education&filter_content_store_document_type=decision&order=-public_timestamp&count=50&fields=title,link,public_timestamp,description,content_store_document_type"
            """
        if let keywords { yaml += "\n    keywords: [\(keywords.joined(separator: ", "))]" }
        return yaml + extra
    }

    static func notice(_ council: String, _ month: String, timestamp: String) -> [String: String] {
        let slug = "improvement-notice-issued-to-\(council.lowercased().replacingOccurrences(of: " ", with: "-"))"
        return [
            "title": "Improvement notice issued to \(council): \(month)",
            "link": "/government/publications/\(slug)",
            "public_timestamp": timestamp,
            "description": "The Department for Education has issued an improvement notice to \(council) council.",
            "content_store_document_type": "decision",
        ]
    }

    static func body(_ results: [[String: String]], total: Int? = nil) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: ["results": results, "total": total ?? results.count, "start": 0])
        return String(decoding: data, as: UTF8.self)
    }

    static func serve(_ results: [[String: String]], total: Int? = nil, on server: TestHTTPServer) throws {
        server.set(path, response: .ok(try body(results, total: total), contentType: "application/json; charset=utf-8"))
    }

    static let camden = notice("Camden", "October 2026", timestamp: "2026-10-02T10:00:00.000+01:00")
    static let leeds = notice("Leeds", "September 2026", timestamp: "2026-09-15T09:30:00.000+01:00")
    static let harrow = notice("Harrow", "November 2026", timestamp: "2026-11-20T09:30:00.000+00:00")
    static let croydon = notice("Croydon", "November 2026", timestamp: "2026-11-19T11:00:00.000+00:00")
}

/// A real content item, as JSON to edit.
private struct ContentItem {
    static let collectionFixture = "govuk/content-api_document_collection_frontend_best-practice-document-collection.json"
    static let publicationFixture = "govuk/content-api_publication_frontend_best-practice-official-statistics.json"

    var object: [String: Any]

    init(fixture: String) throws {
        object = try JSONSerialization.jsonObject(with: try Fixtures.data(fixture)) as? [String: Any] ?? [:]
    }

    var details: [String: Any] {
        get { object["details"] as? [String: Any] ?? [:] }
        set { object["details"] = newValue }
    }

    var json: String {
        get throws { String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) }
    }

    func serve(at path: String, on server: TestHTTPServer) throws {
        server.set(path, response: .ok(try json, contentType: "application/json"))
    }

    /// As GOV.UK publishes an update: a new `public_updated_at` and a change note on top.
    mutating func update(at timestamp: String, note: String) {
        object["public_updated_at"] = timestamp
        var history = details["change_history"] as? [Any] ?? []
        history.insert(["public_timestamp": timestamp, "note": note], at: 0)
        details["change_history"] = history
    }

    /// The collection's groups as (title, content ids).
    var groups: [(title: String, documents: [String])] {
        get {
            (details["collection_groups"] as? [[String: Any]] ?? []).map {
                ($0["title"] as? String ?? "", $0["documents"] as? [String] ?? [])
            }
        }
        set {
            var groups = details["collection_groups"] as? [[String: Any]] ?? []
            for (index, group) in newValue.enumerated() {
                if index < groups.count {
                    groups[index]["title"] = group.title
                    groups[index]["documents"] = group.documents
                } else {
                    groups.append(["title": group.title, "body": "", "documents": group.documents])
                }
            }
            details["collection_groups"] = Array(groups.prefix(newValue.count))
        }
    }
}

private let collectionPath = "/api/content/government/collections/national-driving-and-riding-standards"
private let publicationPath = "/api/content/government/statistics/fostering-in-england-1-april-2013-to-31-march-2014"

private func contentSource(_ id: String, path: String, keywords: [String]? = nil) -> String {
    var yaml = """
          - id: \(id)
            kind: govuk-content
            url: {{base}}\(path)
        """
    if let keywords { yaml += "\n    keywords: [\(keywords.joined(separator: ", "))]" }
    return yaml
}

@Suite("GOV.UK search and content sources")
struct GovUKKindTests {
    // MARK: govuk-search

    @Test func aNewDecisionMentioningTheCouncilAlertsAndOtherCouncilsDoNot() async throws {
        let harness = try Harness(sources: GovUKSearch.source(keywords: ["Harrow"]))
        try GovUKSearch.serve([GovUKSearch.camden, GovUKSearch.leeds], on: harness.server)
        await harness.check()
        try GovUKSearch.serve([GovUKSearch.harrow, GovUKSearch.croydon, GovUKSearch.camden, GovUKSearch.leeds], on: harness.server)
        await harness.check()
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.event == .added)
        #expect(alert.title == "Improvement notice issued to Harrow: November 2026")
        #expect(alert.key == "/government/publications/improvement-notice-issued-to-harrow")
        // The API's path resolves against the API's own origin.
        #expect(alert.url == "\(harness.server.baseURL)/government/publications/improvement-notice-issued-to-harrow")
        #expect(alert.summary?.contains("New on GOV.UK (decision): Improvement notice issued to Harrow: November 2026, published 20 November 2026.") == true)
        #expect(alert.item?["document_type"] == "decision")
        // Croydon's notice is stored, so it will not alert later either.
        #expect(try harness.items("dfe-decisions").count == 4)
        let request = try #require(harness.server.requests(forPath: GovUKSearch.path).first)
        #expect(request.query?.contains("filter_content_store_document_type=decision") == true)
    }

    @Test func aNewTimestampOnAMatchingDecisionIsOneChangedAlert() async throws {
        let harness = try Harness(sources: GovUKSearch.source(keywords: ["Harrow"]))
        try GovUKSearch.serve([GovUKSearch.harrow, GovUKSearch.camden], on: harness.server)
        await harness.check()
        var harrow = GovUKSearch.harrow
        harrow["public_timestamp"] = "2027-03-04T10:00:00.000+00:00"
        var camden = GovUKSearch.camden
        camden["public_timestamp"] = "2027-03-05T10:00:00.000+00:00"
        try GovUKSearch.serve([camden, harrow], on: harness.server)
        await harness.check()
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.changed])
        let alert = try #require(alerts.first)
        #expect(alert.key == "/government/publications/improvement-notice-issued-to-harrow")
        #expect(alert.fields == [FieldChange(name: "public_timestamp", old: "2026-11-20T09:30:00.000+00:00", new: "2027-03-04T10:00:00.000+00:00")])
        #expect(alert.summary?.contains("20 November 2026 → 4 March 2027") == true)
    }

    @Test func reorderedResultsChangeNothing() async throws {
        let harness = try Harness(sources: GovUKSearch.source())
        try GovUKSearch.serve([GovUKSearch.harrow, GovUKSearch.croydon, GovUKSearch.camden], on: harness.server)
        await harness.check()
        try GovUKSearch.serve([GovUKSearch.camden, GovUKSearch.harrow, GovUKSearch.croydon], on: harness.server)
        let results = await harness.check()
        guard case .unchanged(notModified: false) = harness.result("dfe-decisions", results)?.outcome else {
            Issue.record("expected unchanged, got \(String(describing: harness.result("dfe-decisions", results)?.outcome))")
            return
        }
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test func aDecisionMovingPastTheEndOfAFullPageIsNotRemoved() async throws {
        // count=3 of 120 matching: the page is a window, newest first.
        let harness = try Harness(sources: GovUKSearch.source())
        try GovUKSearch.serve([GovUKSearch.croydon, GovUKSearch.camden, GovUKSearch.leeds], total: 120, on: harness.server)
        await harness.check()
        try GovUKSearch.serve([GovUKSearch.harrow, GovUKSearch.croydon, GovUKSearch.camden], total: 121, on: harness.server)
        await harness.check()
        // Leeds comes back (the page was briefly short): still not new.
        try GovUKSearch.serve([GovUKSearch.harrow, GovUKSearch.croydon, GovUKSearch.camden, GovUKSearch.leeds], total: 121, on: harness.server)
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.added])
        #expect(alerts.first?.title == "Improvement notice issued to Harrow: November 2026")
        #expect(try harness.items("dfe-decisions").count == 4)
    }

    @Test func aDecisionGoneFromWithinTheListIsRemovedWhenItMatches() async throws {
        let harness = try Harness(sources: GovUKSearch.source(keywords: ["Harrow"]))
        try GovUKSearch.serve([GovUKSearch.harrow, GovUKSearch.croydon, GovUKSearch.camden], on: harness.server)
        await harness.check()
        // Both withdrawn; only the council watched is news.
        try GovUKSearch.serve([GovUKSearch.camden], on: harness.server)
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.removed])
        #expect(alerts.first?.key == "/government/publications/improvement-notice-issued-to-harrow")
    }

    static let searchFaults: [(name: String, response: TestHTTPResponse, expected: AlertEvent)] = [
        ("an HTML error page", .ok("<!DOCTYPE html><html><body><h1>Sorry, there is a problem with the service</h1></body></html>"), .structureChanged),
        ("a 422 answer", TestHTTPResponse(status: 422, headers: ["Content-Type": "application/json"],
                                          body: #"{"error": "\"filter_organisation\" is not a valid filter field"}"#), .sourceFailing),
        ("a 422 body served with 200", .ok(#"{"error": "\"count\" must be a number"}"#, contentType: "application/json"), .structureChanged),
        ("JSON without results", .ok(#"{"total": 0, "start": 0}"#, contentType: "application/json"), .structureChanged),
    ]

    @Test(arguments: 0..<searchFaults.count)
    func aSearchFaultIsAHealthEventNotRemovals(_ index: Int) async throws {
        let fault = Self.searchFaults[index]
        let harness = try Harness(sources: GovUKSearch.source(extra: "\n    failures_before_alert: 2"))
        try GovUKSearch.serve([GovUKSearch.harrow, GovUKSearch.camden], on: harness.server)
        await harness.check()
        harness.server.set(GovUKSearch.path, response: fault.response)
        for _ in 0..<3 { await harness.check() }
        #expect(try harness.items("dfe-decisions").count == 2, "\(fault.name) touched the stored items")
        try GovUKSearch.serve([GovUKSearch.harrow, GovUKSearch.camden], on: harness.server)
        await harness.check()
        let events = try harness.deliveredAlerts().map(\.event)
        #expect(events == [fault.expected, .sourceRecovered], "\(fault.name): \(events)")
    }

    @Test func aSearchPageURLIsAConfigError() throws {
        let yaml = """
            contact: tests@example.org
            sources:
              - id: search
                kind: govuk-search
                url: https://www.gov.uk/search/all?organisations=department-for-education
              - id: content
                kind: govuk-content
                url: https://www.gov.uk/government/collections/improvement-notices
            """
        do {
            _ = try Configuration.parse(yaml: yaml, file: "test.yaml")
            Issue.record("expected config errors")
        } catch {
            #expect(error.errors.count == 2)
            #expect(error.errors.contains { $0.key == "sources[0].url" && $0.message.contains("/api/search.json") })
            #expect(error.errors.contains { $0.key == "sources[1].url" && ($0.suggestion ?? "").contains("/api/content/government/collections/improvement-notices") })
        }
    }

    // MARK: govuk-content

    @Test func aChangeNoteOnAWatchedPublicationAlertsOnce() async throws {
        let harness = try Harness(sources: contentSource("notice", path: publicationPath))
        var item = try ContentItem(fixture: ContentItem.publicationFixture)
        try item.serve(at: publicationPath, on: harness.server)
        await harness.check()
        item.update(at: "2027-03-04T10:00:00.000+00:00", note: "Improvement notice lifted following sustained improvement.")
        try item.serve(at: publicationPath, on: harness.server)
        await harness.check()
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.event == .changed)
        #expect(alert.title == "Fostering in England 1 April 2013 to 31 March 2014")
        #expect(alert.key == "/government/statistics/fostering-in-england-1-april-2013-to-31-march-2014")
        #expect(alert.summary == "Fostering in England 1 April 2013 to 31 March 2014 was updated on GOV.UK on 4 March 2027: "
            + "Improvement notice lifted following sustained improvement.")
        #expect(Set(alert.fields?.map(\.name) ?? []) == ["public_updated_at", "change_note"])
        #expect(alert.fields?.first { $0.name == "change_note" }?.old == "Quality report uploaded.")
    }

    @Test func aNoticeMovingBetweenCollectionGroupsAlertsOnce() async throws {
        // The real collection, with its groups titled as "Improvement notices and directions"
        // titles them; the documents and their links are the real ones.
        let harness = try Harness(sources: contentSource("notices", path: collectionPath))
        var item = try ContentItem(fixture: ContentItem.collectionFixture)
        let ids = item.groups.flatMap(\.documents)
        #expect(ids.count == 7)
        item.groups = [("Open notices", Array(ids.prefix(5))), ("Closed notices", Array(ids.dropFirst(5)))]
        try item.serve(at: collectionPath, on: harness.server)
        await harness.check()
        #expect(try harness.items("notices").count == 8)

        let lifted = ids[0]
        item.groups = [("Open notices", Array(ids[1..<5])), ("Closed notices", [lifted] + Array(ids.dropFirst(5)))]
        try item.serve(at: collectionPath, on: harness.server)
        await harness.check()
        await harness.check()

        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.event == .changed)
        #expect(alert.key == lifted)
        #expect(alert.fields == [FieldChange(name: "group", old: "Open notices", new: "Closed notices")])
        #expect(alert.title == "Learning to drive a car syllabus")
        #expect(alert.summary == "Learning to drive a car syllabus moved from Open notices to Closed notices "
            + "in National standards for driving and riding.")
        #expect(alert.url == "\(harness.server.baseURL)/government/publications/car-and-small-van-driving-syllabus")
    }

    @Test func reorderedCollectionGroupsChangeNothing() async throws {
        let harness = try Harness(sources: contentSource("collection", path: collectionPath))
        var item = try ContentItem(fixture: ContentItem.collectionFixture)
        try item.serve(at: collectionPath, on: harness.server)
        await harness.check()
        item.groups = item.groups.reversed().map { ($0.title, $0.documents.reversed()) }
        var links = item.object["links"] as? [String: Any] ?? [:]
        links["documents"] = Array((links["documents"] as? [Any] ?? []).reversed())
        item.object["links"] = links
        try item.serve(at: collectionPath, on: harness.server)
        let results = await harness.check()
        guard case .unchanged(notModified: false) = harness.result("collection", results)?.outcome else {
            Issue.record("expected unchanged, got \(String(describing: harness.result("collection", results)?.outcome))")
            return
        }
        #expect(try harness.deliveredAlerts().isEmpty)
    }

    @Test func aDocumentAddedToACollectionAlertsWithItsGroup() async throws {
        let harness = try Harness(sources: contentSource("collection", path: collectionPath))
        var item = try ContentItem(fixture: ContentItem.collectionFixture)
        let full = item.groups
        // Before: the "Lorry" group did not list its document yet.
        item.groups = full.map { ($0.title, $0.title == "Lorry" ? [] : $0.documents) }
        try item.serve(at: collectionPath, on: harness.server)
        await harness.check()
        item.groups = full
        try item.serve(at: collectionPath, on: harness.server)
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.map(\.event) == [.added])
        #expect(alerts.first?.summary == "Added to National standards for driving and riding under \"Lorry\": National standard for driving lorries.")
    }

    @Test func keywordsSelectWhichCollectionChangesAlert() async throws {
        let harness = try Harness(sources: contentSource("notices", path: collectionPath, keywords: ["motorcycle", "motorcycles"]))
        var item = try ContentItem(fixture: ContentItem.collectionFixture)
        let ids = item.groups.flatMap(\.documents)
        item.groups = [("Open notices", ids), ("Closed notices", [])]
        try item.serve(at: collectionPath, on: harness.server)
        await harness.check()
        // Every document moves; only those mentioning the keyword alert.
        item.groups = [("Open notices", []), ("Closed notices", ids)]
        try item.serve(at: collectionPath, on: harness.server)
        await harness.check()
        let alerts = try harness.deliveredAlerts()
        #expect(alerts.count == 2)
        #expect(alerts.allSatisfy { ($0.title.lowercased()).contains("motorcycle") || ($0.item?.values.joined().lowercased().contains("motorcycle") ?? false) })
        #expect(alerts.allSatisfy { $0.summary?.contains("moved from Open notices to Closed notices") == true })
    }

    @Test(arguments: [
        ("an HTML error page", TestHTTPResponse.ok("<html><head><title>GOV.UK - 502</title></head><body>Bad gateway</body></html>")),
        ("a not-found object", TestHTTPResponse.ok(#"{"error": {"code": "not_found"}}"#, contentType: "application/json")),
    ])
    func aContentFaultIsAHealthEventNotRemovals(_ name: String, _ response: TestHTTPResponse) async throws {
        let harness = try Harness(sources: contentSource("collection", path: collectionPath) + "\n    failures_before_alert: 1")
        let item = try ContentItem(fixture: ContentItem.collectionFixture)
        try item.serve(at: collectionPath, on: harness.server)
        await harness.check()
        harness.server.set(collectionPath, response: response)
        await harness.check()
        await harness.check()
        #expect(try harness.items("collection").count == 8, "\(name) touched the stored items")
        #expect(try harness.deliveredAlerts().map(\.event) == [.structureChanged], "\(name)")
        #expect(try harness.state("collection")?.lastError?.hasPrefix("structure:") == true)
    }
}
