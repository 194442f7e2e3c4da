/// Compares items by key.
public enum ItemDiff {
    /// The changes that turn `old` into `new`: additions in page order, then field changes
    /// in page order, then removals in key order. Reordering alone yields nothing.
    ///
    /// Fields listed in `ignoring` never produce a `changed` (for volatile values a source
    /// wants to keep but not alert on).
    public static func changes(
        from old: [String: Item],
        to new: [Item],
        ignoring ignoredFields: Set<String> = []
    ) -> [Change] {
        var added: [Change] = []
        var changed: [Change] = []
        var seen = Set<String>()
        for item in new where seen.insert(item.key).inserted {
            guard let previous = old[item.key] else {
                added.append(.added(item))
                continue
            }
            let fieldChanges = fieldChanges(from: previous, to: item, ignoring: ignoredFields)
            if !fieldChanges.isEmpty {
                changed.append(.changed(old: previous, new: item, fields: fieldChanges))
            }
        }
        let removed = old.keys.filter { !seen.contains($0) }.sorted().compactMap { key in
            old[key].map(Change.removed)
        }
        return added + changed + removed
    }

    static func fieldChanges(from old: Item, to new: Item, ignoring ignoredFields: Set<String>) -> [FieldChange] {
        let names = Set(old.fields.keys).union(new.fields.keys).subtracting(ignoredFields).sorted()
        return names.compactMap { name in
            let before = old.fields[name]
            let after = new.fields[name]
            return before == after ? nil : FieldChange(name: name, old: before, new: after)
        }
    }
}
