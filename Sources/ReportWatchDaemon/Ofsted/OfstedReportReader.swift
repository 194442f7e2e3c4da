import Crypto
import Foundation
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore

/// Fetches one Ofsted report PDF, keeps a copy under `<state>/reports/<sha256>.pdf`, and reads
/// its findings. Whatever goes wrong is the document's `error`: grades are only ever what the
/// report's own text says.
struct OfstedReportReader: Sendable {
    /// Prefix of `StoredDocument.error` when the PDF could not be fetched (as opposed to read):
    /// such documents are tried again later, so the next report can still be compared with it.
    static let fetchErrorPrefix = "fetch failed: "
    /// Prefix of `StoredDocument.error` when the PDF was fetched but not read for a reason of
    /// the moment (no room to keep it, pdftotext missing or timed out, an error page served
    /// instead): tried again later too.
    static let temporaryErrorPrefix = "not read yet: "
    /// How long to wait before fetching a report again whose fetch or reading failed for now.
    static let refetchAfter: TimeInterval = 6 * 3600

    var extractor = PDFTextExtractor(lastPage: OfstedReportParser.pagesNeeded)

    /// The directory the kept copies go in.
    static func reportsDirectory(stateDirectory: String) -> String {
        (stateDirectory as NSString).appendingPathComponent("reports")
    }

    /// True when a stored document should be fetched again: a failed fetch or a temporary
    /// failure to read it, and not sooner than `refetchAfter`. A PDF that pdftotext cannot parse
    /// is never fetched again (its bytes are kept; `inspect-report` reads them).
    static func shouldRefetch(_ document: StoredDocument, at date: Date) -> Bool {
        guard let error = document.error, error.hasPrefix(fetchErrorPrefix) || error.hasPrefix(temporaryErrorPrefix) else { return false }
        return date.timeIntervalSince(document.fetchedAt) >= refetchAfter
    }

    /// Fetches through the source's politeness and reads the report at `url`, and keeps what it
    /// found at once (``SourceContext/keep(_:)``): a pass over many reports that is cut short
    /// resumes where it stopped.
    func read(key: String, url: String, published: Date?, context: SourceContext) async -> StoredDocument {
        let document = await fetchAndRead(key: key, url: url, published: published, context: context)
        context.keep(document)
        return document
    }

    private func fetchAndRead(key: String, url: String, published: Date?, context: SourceContext) async -> StoredDocument {
        var document = StoredDocument(key: key, url: url, published: published, fetchedAt: context.now)
        let response: HTTPResponse
        do {
            response = try await context.fetch(url)
        } catch let error as FetchError {
            document.error = Self.fetchErrorPrefix + "\(error.kind.rawValue): \(error.message)"
            return document
        } catch {
            document.error = Self.fetchErrorPrefix + "\(error)"
            return document
        }
        guard response.isSuccess else {
            document.error = Self.fetchErrorPrefix + "HTTP \(response.status)"
            return document
        }
        return await read(bytes: response.body, into: document, contentType: response.header("Content-Type"),
                          stateDirectory: context.stateDirectory)
    }

    /// Keeps the bytes and reads them: used for fetched reports and by tests.
    func read(bytes: [UInt8], into document: StoredDocument, contentType: String?, stateDirectory: String) async -> StoredDocument {
        var document = document
        // An HTML error or login page served with 200 is not a report; it is not kept either.
        guard Self.looksLikePDF(bytes) else {
            let type = contentType.map { " (Content-Type \($0))" } ?? ""
            document.error = Self.temporaryErrorPrefix + "the response is not a PDF\(type): the report could not be read"
            return document
        }
        let hash = SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        document.sha256 = hash
        let directory = Self.reportsDirectory(stateDirectory: stateDirectory)
        let path = (directory as NSString).appendingPathComponent("\(hash).pdf")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) {
                // Atomic: a crash never leaves a half-written copy under the final name.
                try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
            }
            document.path = path
        } catch {
            document.error = Self.temporaryErrorPrefix + "the report could not be kept at \(path): \(error)"
            return document
        }
        do {
            document.findings = try await OfstedReportParser.findings(ofPDFAt: path, extractor: extractor)
        } catch let error as PDFTextError {
            document.error = (error.isFinal ? "" : Self.temporaryErrorPrefix) + "the report could not be read: \(error.description)"
        } catch {
            document.error = Self.temporaryErrorPrefix + "the report could not be read: \(error)"
        }
        return document
    }

    /// PDF files start with `%PDF-`, which readers accept within the first kilobyte.
    static func looksLikePDF(_ bytes: [UInt8]) -> Bool {
        let marker = Array("%PDF-".utf8)
        let window = bytes.prefix(1024)
        guard window.count >= marker.count else { return false }
        for start in window.startIndex...(window.endIndex - marker.count)
        where window[start..<(start + marker.count)].elementsEqual(marker) {
            return true
        }
        return false
    }
}
