import Foundation

/// What reportwatch remembers about one source between passes.
public struct SourceState: Sendable, Hashable {
    public enum Health: String, Sendable, Hashable {
        case ok
        /// A `source_failing` alert is out; the next success sends `source_recovered`.
        case failing
        /// A `structure_changed` alert is out; the next success sends `source_recovered`.
        case structureChanged = "structure_changed"
    }

    public var sourceID: String
    /// Validators of the last response whose extraction succeeded.
    public var etag: String?
    public var lastModified: String?
    /// When the first successful pass stored items; `nil` until then.
    public var baselineAt: Date?
    public var lastCheckAt: Date?
    public var lastSuccessAt: Date?
    public var lastChangeAt: Date?
    public var nextCheckAt: Date?
    public var consecutiveFailures: Int
    public var health: Health
    public var lastError: String?
    /// Items the last good pass had.
    public var itemCount: Int
    /// What robots.txt said of the source's URL at the last check: "allowed" or why not.
    public var robots: String?
    /// How many items the last check found missing whose removal it held, because the list
    /// looked cut short; `nil` when nothing is held. The next check records them only if it agrees.
    public var heldRemovals: Int?

    /// Healthy, baselined and allowed by robots: a 304 for such a source moves only its times
    /// (the state ``StoreTransaction/recordQuietCheck(_:at:next:)`` requires).
    public var isSettled: Bool {
        health == .ok && consecutiveFailures == 0 && lastError == nil && robots == "allowed" && baselineAt != nil
            && heldRemovals == nil
    }

    public init(
        sourceID: String,
        etag: String? = nil,
        lastModified: String? = nil,
        baselineAt: Date? = nil,
        lastCheckAt: Date? = nil,
        lastSuccessAt: Date? = nil,
        lastChangeAt: Date? = nil,
        nextCheckAt: Date? = nil,
        consecutiveFailures: Int = 0,
        health: Health = .ok,
        lastError: String? = nil,
        itemCount: Int = 0,
        robots: String? = nil,
        heldRemovals: Int? = nil
    ) {
        self.sourceID = sourceID
        self.etag = etag
        self.lastModified = lastModified
        self.baselineAt = baselineAt
        self.lastCheckAt = lastCheckAt
        self.lastSuccessAt = lastSuccessAt
        self.lastChangeAt = lastChangeAt
        self.nextCheckAt = nextCheckAt
        self.consecutiveFailures = consecutiveFailures
        self.health = health
        self.lastError = lastError
        self.itemCount = itemCount
        self.robots = robots
        self.heldRemovals = heldRemovals
    }
}
