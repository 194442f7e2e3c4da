import CMalloc

/// glibc gives every thread that allocates its own malloc arena (up to eight per core), and
/// each arena keeps what was freed in it. A watcher's memory is mostly short-lived page buffers
/// and libxml2 trees freed on other threads, so two arenas hold its footprint down at no
/// measurable cost in speed.
public enum MemoryTuning {
    public static func apply() {
        _ = rw_malloc_arena_max(2)
    }

    /// Hands memory freed after a pass back to the system.
    public static func trim() {
        _ = rw_malloc_trim()
    }
}
