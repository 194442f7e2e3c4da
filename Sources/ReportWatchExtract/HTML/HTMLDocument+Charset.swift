import Foundation

extension HTMLDocument {
    /// Chooses the encoding to hand libxml2 and repairs invalid UTF-8.
    static func prepare(_ bytes: [UInt8], charset: String?) -> (bytes: [UInt8], encoding: String?) {
        let declared = (charset ?? sniffMetaCharset(bytes))?.lowercased()
        let hasUTF8BOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        if hasUTF8BOM || declared == nil || declared == "utf-8" || declared == "utf8" {
            var body = hasUTF8BOM ? Array(bytes.dropFirst(3)) : bytes
            if !isValidUTF8(body) {
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

    /// Validates without building a String: pages are mostly ASCII, checked 32 bytes at a time.
    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            let count = raw.count
            var index = 0
            while index < count {
                if index + 32 <= count {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                        | raw.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 == 0 {
                        index += 32
                        continue
                    }
                }
                if index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
                let byte = raw[index]
                if byte < 0x80 { index += 1; continue }
                let length: Int
                var scalar: UInt32
                switch byte {
                case 0xC2...0xDF: length = 2; scalar = UInt32(byte & 0x1F)
                case 0xE0...0xEF: length = 3; scalar = UInt32(byte & 0x0F)
                case 0xF0...0xF4: length = 4; scalar = UInt32(byte & 0x07)
                default: return false
                }
                guard index + length <= count else { return false }
                for offset in 1..<length {
                    let next = raw[index + offset]
                    guard next & 0xC0 == 0x80 else { return false }
                    scalar = scalar << 6 | UInt32(next & 0x3F)
                }
                // Overlong forms, surrogates and values past U+10FFFF are invalid.
                if (length == 3 && (scalar < 0x800 || (0xD800...0xDFFF).contains(scalar))) || (length == 4 && (scalar < 0x10000 || scalar > 0x10FFFF)) {
                    return false
                }
                index += length
            }
            return true
        }
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
