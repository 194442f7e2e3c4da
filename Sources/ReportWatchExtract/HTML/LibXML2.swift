import CLibXML2

/// Process-wide libxml2 set-up: `xmlInitParser` once, before any thread parses, and no error
/// printing to stderr (errors are read back and reported as typed Swift errors).
enum LibXML2 {
    private static let initialised: Bool = {
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
}
