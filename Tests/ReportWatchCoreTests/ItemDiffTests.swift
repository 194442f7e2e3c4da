import Testing
@testable import ReportWatchCore

@Suite("Items are compared by key")
struct ItemDiffTests {
    let a = Item(key: "a", fields: ["title": "Alpha", "status": "Agenda"])
    let b = Item(key: "b", fields: ["title": "Beta"])
    let c = Item(key: "c", fields: ["title": "Gamma"])

    @Test func reorderingChangesNothing() {
        let old = ["a": a, "b": b, "c": c]
        #expect(ItemDiff.changes(from: old, to: [c, a, b]).isEmpty)
    }

    @Test func newKeyIsOneAddition() {
        let changes = ItemDiff.changes(from: ["a": a], to: [a, b])
        #expect(changes == [.added(b)])
    }

    @Test func missingKeyIsOneRemoval() {
        let changes = ItemDiff.changes(from: ["a": a, "b": b], to: [a])
        #expect(changes == [.removed(b)])
    }

    @Test func changedFieldCarriesOldAndNewValue() {
        var minutes = a
        minutes.fields["status"] = "Agenda and minutes"
        let changes = ItemDiff.changes(from: ["a": a], to: [minutes])
        #expect(changes == [.changed(old: a, new: minutes, fields: [FieldChange(name: "status", old: "Agenda", new: "Agenda and minutes")])])
    }

    @Test func ignoredFieldsNeverAlert() {
        var touched = a
        touched.fields["seen"] = "today"
        #expect(ItemDiff.changes(from: ["a": a], to: [touched], ignoring: ["seen"]).isEmpty)
    }

    @Test func repeatedKeyCountsOnce() {
        #expect(ItemDiff.changes(from: [:], to: [a, a]) == [.added(a)])
    }
}
