import Crypto
import Foundation
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore

/// Fetches one committee paper (a report, an appendix, minutes), keeps a copy under
/// `<state>/papers/<sha256>.<pdf|html|txt>` with its text beside it (`<sha256>.text.json`), and
/// reads it: a PDF with the bounded `pdftotext` child (reading order, at most `maxPages`
/// pages), HTML and plain text as they are. Anything else is kept unread. Whatever goes wrong
/// is the document's `error`, and the paper is then matched by its title only.
struct ModernGovPaperReader: Sendable {
    var maxPages: Int
    var maxBytes: Int

    /// Prefixes of `StoredDocument.error`.
    static let notFetchedPrefix = "not fetched: "
    static let notReadPrefix = "not read: "

    /// How long a paper whose fetch failed for a passing reason (a timeout, a 5xx) is tried
    /// again, check after check, before it is recorded as not fetched.
    static let retryFor: TimeInterval = 24 * 3600

    /// A paper as read: its stored record and, when it could be read, its text.
    struct Paper: Sendable {
        var document: StoredDocument
        var text: PaperText?
        /// The fetch failed for a reason that may pass: try again at the next check.
        var mayRetry = false
    }

    /// Whether a stored paper's fetch failed for a passing reason less than `retryFor` ago
    /// (since its first attempt, kept in `fetchedAt`).
    static func shouldRetry(_ document: StoredDocument, at date: Date) -> Bool {
        guard let error = document.error, error.hasPrefix(notFetchedPrefix + passingPrefix) else { return false }
        return date.timeIntervalSince(document.fetchedAt) < retryFor
    }

    /// Marks a failure that may pass, after `notFetchedPrefix`.
    static let passingPrefix = "(will try again) "

    static func papersDirectory(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("papers")
    }

    static func textPath(forCopyAt path: String) -> String {
        ((path as NSString).deletingPathExtension as NSString).appendingPathExtension("text.json") ?? path + ".text.json"
    }

    /// The text kept for a document read on an earlier pass (a check cut short after reading it).
    static func storedText(_ document: StoredDocument) -> PaperText? {
        guard document.error == nil, let path = document.path,
              let data = FileManager.default.contents(atPath: textPath(forCopyAt: path)) else { return nil }
        return try? JSONDecoder().decode(PaperText.self, from: data)
    }

    func read(key: String, url: String, context: SourceContext) async -> Paper {
        var document = StoredDocument(key: key, url: url, fetchedAt: context.now)
        let response: HTTPResponse
        do {
            response = try await context.fetch(url, maxBodyBytes: maxBytes)
        } catch let error as FetchError where error.kind == .tooLarge {
            document.error = Self.notReadPrefix + "larger than the \(Self.megabytes(maxBytes)) limit (papers.max_bytes)"
            return Paper(document: document)
        } catch let error as FetchError {
            let passing = [.timeout, .dns, .connect, .connectionDropped, .other].contains(error.kind)
            document.error = Self.notFetchedPrefix + (passing ? Self.passingPrefix : "") + "\(error.kind.rawValue): \(error.message)"
            return Paper(document: document, mayRetry: passing)
        } catch {
            // robots.txt forbids it: that does not pass by itself.
            document.error = Self.notFetchedPrefix + "\(error)"
            return Paper(document: document)
        }
        guard response.isSuccess else {
            let passing = response.status >= 500 || response.status == 429 || response.status == 408
            document.error = Self.notFetchedPrefix + (passing ? Self.passingPrefix : "") + "HTTP \(response.status)"
            return Paper(document: document, mayRetry: passing)
        }
        return await read(bytes: response.body, contentType: response.header("Content-Type"), into: document,
                          stateDirectory: context.stateDirectory)
    }

    func read(bytes: [UInt8], contentType: String?, into document: StoredDocument, stateDirectory: String) async -> Paper {
        var document = document
        let form = Self.form(of: bytes, contentType: contentType)
        let hash = SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        document.sha256 = hash
        let directory = Self.papersDirectory(stateDirectory: stateDirectory)
        let path = (directory as NSString).appendingPathComponent("\(hash).\(form.map(Self.fileExtension) ?? "bin")")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) {
                // Atomic: a crash never leaves a half-written copy under the final name.
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            }
            document.path = path
        } catch {
            document.error = Self.notReadPrefix + "the paper could not be kept at \(path): \(error)"
            return Paper(document: document)
        }
        let text: PaperText
        switch form {
        case .pdf:
            // One page more than the limit: its presence says the limit cut the text short.
            let extractor = PDFTextExtractor(lastPage: maxPages + 1, layout: false)
            do {
                text = PaperText.pdf(try await extractor.text(ofPDFAt: path), maxPages: maxPages)
            } catch let error as PDFTextError {
                document.error = Self.notReadPrefix + error.description
                return Paper(document: document)
            } catch {
                document.error = Self.notReadPrefix + "\(error)"
                return Paper(document: document)
            }
        case .html:
            do {
                text = try PaperText.html(bytes, url: document.url, charset: Page.charset(ofContentType: contentType))
            } catch {
                document.error = Self.notReadPrefix + "the HTML could not be parsed: \(error.description)"
                return Paper(document: document)
            }
        case .text:
            text = PaperText.plain(bytes)
        case nil:
            let type = contentType.map { "a \($0) file" } ?? "neither PDF, HTML nor plain text"
            document.error = Self.notReadPrefix + "\(type), not a form that can be read"
            return Paper(document: document)
        }
        do {
            let encoded = try JSONEncoder().encode(text)
            try encoded.write(to: URL(fileURLWithPath: Self.textPath(forCopyAt: path)), options: .atomic)
        } catch {
            document.error = Self.notReadPrefix + "its text could not be kept: \(error)"
            return Paper(document: document, text: text)
        }
        return Paper(document: document, text: text)
    }

    /// What the bytes are: the content's own signature first (servers label papers loosely),
    /// then the declared type.
    static func form(of bytes: [UInt8], contentType: String?) -> PaperText.Form? {
        if looksLikePDF(bytes) { return .pdf }
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch type {
        case "text/html", "application/xhtml+xml": return .html
        case "text/plain": return .text
        case "application/pdf": return nil  // labelled PDF, but it is not one
        default: break
        }
        let start = String(decoding: bytes.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if start.hasPrefix("<!doctype html") || start.hasPrefix("<html") { return .html }
        return nil
    }

    /// PDF files start with `%PDF-`, which readers accept within the first kilobyte.
    static func looksLikePDF(_ bytes: [UInt8]) -> Bool {
        let marker = Array("%PDF-".utf8)
        let window = Array(bytes.prefix(1024))
        guard window.count >= marker.count else { return false }
        return (0...(window.count - marker.count)).contains { window[$0..<($0 + marker.count)].elementsEqual(marker) }
    }

    static func fileExtension(_ form: PaperText.Form) -> String {
        switch form {
        case .pdf: "pdf"
        case .html: "html"
        case .text: "txt"
        }
    }

    static func megabytes(_ bytes: Int) -> String {
        bytes % 1_000_000 == 0 ? "\(bytes / 1_000_000) MB" : "\(bytes) bytes"
    }
}
