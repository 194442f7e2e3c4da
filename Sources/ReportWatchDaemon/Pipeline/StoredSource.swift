import Foundation
import ReportWatchCore
import ReportWatchStore

/// What a kind may read of its source's stored state while it shapes an alert, for comparisons
/// with what was there before. Read-only, so shaping an alert cannot change what the check
/// commits; valid only during the ``SourceKind/alert(for:source:date:stored:)`` call that gets it.
public struct StoredSource {
    /// The source's items as stored before this check: those its changes were found against.
    public let items: [String: Item]
    let sourceID: String
    /// Reached only through ``documents()``: a kind never holds the transaction itself.
    private let transaction: StoreTransaction

    init(items: [String: Item], sourceID: String, transaction: StoreTransaction) {
        self.items = items
        self.sourceID = sourceID
        self.transaction = transaction
    }

    /// The documents stored for the source by item key, this check's included. Read from the
    /// store on each call, since few alerts need them.
    public func documents() throws -> [String: StoredDocument] {
        try transaction.documents(sourceID)
    }
}
