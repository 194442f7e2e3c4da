import ReportWatchCore

/// Text as items carry it: runs of white space (no-break spaces included) folded to one
/// space, trimmed, and without control characters or bidi overrides (see ``ControlCharacters``).
/// Every text taken from a page passes here once, so nothing downstream (logs, terminals,
/// messages) meets a NUL, an ESC or a reordering mark that came from a page.
public enum Text {
    public static func normalise(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            // Work on UTF-8 bytes: ASCII needs no Unicode property lookups, which cost more than
            // parsing the page did. Non-ASCII scalars are decoded only to ask whether they are
            // white space.
            var out = [UInt8]()
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x80 {
                    if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                        pendingSpace = !out.isEmpty
                    } else if byte < 0x20 || byte == 0x7F {
                        // Other C0 controls and DEL are dropped.
                    } else {
                        if pendingSpace { out.append(0x20); pendingSpace = false }
                        out.append(byte)
                    }
                    index += 1
                    continue
                }
                let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                let end = min(index + length, bytes.count)
                let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self).unicodeScalars.first
                if let scalar, scalar.properties.isWhitespace || scalar == "\u{00A0}" || scalar == "\u{200B}" {
                    pendingSpace = !out.isEmpty
                } else if let scalar, ControlCharacters.isControl(scalar) || ControlCharacters.isBidiControl(scalar) {
                    // C1 (NEL, white space, was folded above) and bidi controls are dropped.
                } else {
                    if pendingSpace { out.append(0x20); pendingSpace = false }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<end]))
                }
                index = end
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
