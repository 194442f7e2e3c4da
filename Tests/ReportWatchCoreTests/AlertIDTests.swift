import Foundation
import Testing
import ReportWatchCore

@Suite("Alert ids")
struct AlertIDTests {
    @Test("a new id is a lower-case random (version 4, RFC 4122 variant) UUID, never repeated")
    func newIDsAreVersion4UUIDs() {
        let ids = (0..<2_000).map { _ in Alert.newID() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let characters = Array(id)
            #expect(characters.count == 36)
            #expect(UUID(uuidString: id) != nil, "\(id)")
            #expect(id == id.lowercased())
            #expect(characters[14] == "4", "\(id)")
            #expect("89ab".contains(characters[19]), "\(id)")
        }
    }
}
