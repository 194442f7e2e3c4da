import Foundation
import Testing
@testable import ReportWatchStore
import GRDB
import ReportWatchCore
import ReportWatchTestSupport

@Suite("Findings kept in the store")
struct StoredFindingsTests {
    @Test func aLetterStoredByTheOldVersionReadsWithTheNewFieldsEmpty() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store.open(stateDirectory: directory.path)
        // The row exactly as the previous version wrote it: its findings lack the letter keys.
        let old = """
            {"framework":"ungraded","inspectionDatesText":"17–18 May 2023","inspectionEnd":706060800,\
            "inspectionStart":705974400,"judgements":[],"localAuthority":"Dorset",\
            "mainConclusions":["Leaders have significantly strengthened support."],"title":"Focused visit to Dorset children's services",\
            "warnings":[],"whatNeedsToImprove":[]}
            """
        try store.write { transaction in
            try transaction.db.execute(
                sql: "INSERT INTO documents (source_id, key, url, published, findings, fetched_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: ["ofsted-dorset", "50220000", "https://files.ofsted.gov.uk/v1/file/50220000", 1_687_392_000.0, old, 1_687_400_000.0])
        }
        let documents = try store.read { try $0.documents("ofsted-dorset") }
        let findings = try #require(documents["50220000"]?.findings)
        #expect(findings.localAuthority == "Dorset")
        #expect(findings.inspectionStart == CalendarDay.date(year: 2023, month: 5, day: 17))
        #expect(findings.letterType == nil && findings.focus == nil && findings.partnership == nil)
        #expect(findings.areasForPriorityAction.isEmpty)

        // Written back by this version, the new fields are kept.
        var document = try #require(documents["50220000"])
        document.findings?.letterType = .focusedVisit
        document.findings?.areasForPriorityAction = ["The quality and timeliness of supervision."]
        try store.write { try $0.save(document, for: "ofsted-dorset") }
        let again = try #require(try store.read { try $0.documents("ofsted-dorset") }["50220000"]?.findings)
        #expect(again.letterType == .focusedVisit)
        #expect(again.areasForPriorityAction == ["The quality and timeliness of supervision."])
    }
}
