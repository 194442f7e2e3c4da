import CLibXML2
import CXMLArena

/// Process-wide libxml2 set-up: the allocator and `xmlInitParser` once, before any thread
/// parses, and no error printing to stderr (errors are read back and reported as typed Swift
/// errors).
enum LibXML2 {
    private static let initialised: Bool = {
        _ = rw_xml_arena_install()
        xmlInitParser()
        rw_xml_silence_errors()
        return true
    }()

    static func initialise() {
        _ = initialised
        // libxml2 keeps error handlers per thread; Swift tasks move between threads.
        rw_xml_silence_errors()
    }

    /// Copies a libxml2 string into Swift and frees it.
    static func take(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        defer { rw_xml_free(pointer) }
        return String(cString: pointer)
    }

    /// Runs `body` with libxml2 allocating from a bump arena on this thread (see
    /// `xml_arena.h`): a parse tree is built by bumping a pointer and discarded whole, which
    /// costs a fraction of malloc and free per node. `body` is synchronous, so it stays on one
    /// thread, and every ``HTMLDocument`` it parses must be gone when it returns. One that
    /// escapes keeps its slab for good (a leak, never a dangling tree).
    static func withArena<T, E: Error>(_ body: (ArenaScope?) throws(E) -> T) throws(E) -> T {
        initialise()
        let token = rw_xml_arena_begin()
        guard token != 0 else { return try body(nil) }
        let scope = ArenaScope()
        defer {
            if scope.liveDocuments == 0 {
                rw_xml_arena_end(token)
            } else {
                rw_xml_arena_abandon(token)
            }
        }
        return try body(scope)
    }
}

extension LibXML2 {
    /// Bytes libxml2 has taken from this thread's open arena scope; 0 outside one.
    static var arenaBytesInUse: Int { rw_xml_arena_used() }

    /// Whether parses get an arena at all (not under AddressSanitizer, which must see every
    /// allocation; not where the system refuses the address-space reservation).
    static var arenaIsAvailable: Bool {
        initialise()
        return rw_xml_arena_available() != 0
    }
}

/// The documents parsed in one arena scope, so that the scope knows whether any outlived it.
final class ArenaScope {
    var liveDocuments = 0
}
