import Foundation

extension HTMLDocument {
    /// Chooses the encoding to hand libxml2 and repairs invalid UTF-8.
    static func prepare(_ bytes: [UInt8], charset: String?) -> (bytes: [UInt8], encoding: String?) {
        let declared = (charset ?? sniffMetaCharset(bytes))?.lowercased()
        let hasUTF8BOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hasUTF8BOM || declared == nil || declared == "utf-8" || declared == "utf8" {
            var body = hasUTF8BOM ? Array(bytes.dropFirst(3)) : bytes
            if String(validating: body, as: UTF8.self) == nil {
                if declared == nil && !hasUTF8BOM {
                    // Undeclared and not UTF-8: the web's de facto default for such pages.
                    return (bytes, "windows-1252")
                }
                body = Array(String(decoding: body, as: UTF8.self).utf8)
            }
            return (body, "UTF-8")
        }
        // ISO-8859-1 as labelled on the web means windows-1252 (WHATWG Encoding Standard).
        if declared == "iso-8859-1" || declared == "latin1" || declared == "us-ascii" || declared == "ascii" {
            return (bytes, "windows-1252")
        }
        return (bytes, declared)
    }

    /// The charset a `<meta charset>` or `<meta http-equiv="Content-Type">` declares within the
    /// first 2 KB, as the HTML standard's prescan looks for it.
    static func sniffMetaCharset(_ bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(2048), as: UTF8.self).lowercased()
        var searchStart = head.startIndex
        while let metaRange = head.range(of: "<meta", range: searchStart..<head.endIndex) {
            let tagEnd = head[metaRange.upperBound...].firstIndex(of: ">") ?? head.endIndex
            let tag = head[metaRange.upperBound..<tagEnd]
            if let charsetRange = tag.range(of: "charset=") {
                let value = tag[charsetRange.upperBound...]
                    .drop { $0 == "\"" || $0 == "'" || $0 == " " }
                    .prefix { !"\"' ;/>".contains($0) }
                if !value.isEmpty { return String(value) }
            }
            searchStart = tagEnd
        }
        return nil
    }
}
