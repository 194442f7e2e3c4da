import Foundation

/// Tells a PDF from what servers send under a PDF's name: an HTML error or login page, a JSON or
/// XML answer, an empty body.
public enum PDFFileSniffer {
    /// nil for a PDF (the "%PDF-" header within the first kilobyte, as readers allow); otherwise
    /// what the file is, for a person ("an HTML page", "an empty file").
    public static func whatItIs(ofFileAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1024)) ?? Data()
        return whatItIs(head: head)
    }

    public static func whatItIs(head: Data) -> String? {
        if head.isEmpty { return "an empty file" }
        if head.range(of: Data("%PDF-".utf8)) != nil { return nil }
        let text = String(decoding: head.prefix(512), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\u{FEFF}")))
            .lowercased()
        if text.hasPrefix("<!doctype html") || text.hasPrefix("<html") || text.contains("<html") || text.contains("<head") {
            return "an HTML page"
        }
        if text.hasPrefix("<?xml") || text.hasPrefix("<") { return "an XML document" }
        if text.hasPrefix("{") || text.hasPrefix("[") { return "JSON" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a ZIP archive (perhaps a Word or Excel file)" }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return "an old Office document" }
        if head.starts(with: [0x1F, 0x8B]) { return "gzip-compressed data" }
        let printable = head.prefix(256).allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || (32..<127).contains($0) || $0 >= 0x80 }
        return printable ? "plain text" : "binary data of an unknown kind"
    }
}
