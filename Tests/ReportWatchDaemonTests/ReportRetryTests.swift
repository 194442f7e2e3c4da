import Foundation
import Glibc
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore
import ReportWatchTestSupport

/// A report that could not be read for a reason of the moment (its copy could not be kept, a
/// pdftotext timeout under load, pdftotext not installed, an error page where the PDF should
/// be) is read again on a later check; only a PDF pdftotext really cannot parse is final.
@Suite("Temporary report failures are retried", .serialized)
struct ReportRetryTests {
    static let real = "ofsted/harrow_ilacs_2025-03-04_file50270419.pdf"
    // Computed at each use, after the document was read: a loaded machine starts a suite late.
    static var later: Date { Date().addingTimeInterval(OfstedReportReader.refetchAfter + 60) }

    func read(_ bytes: [UInt8], extractor: PDFTextExtractor = PDFTextExtractor(), stateDirectory: String) async -> StoredDocument {
        let reader = OfstedReportReader(extractor: extractor)
        let document = StoredDocument(key: "50270419", url: "https://files.ofsted.gov.uk/v1/file/50270419", fetchedAt: Date())
        return await reader.read(bytes: bytes, into: document, contentType: "application/pdf", stateDirectory: stateDirectory)
    }

    @Test func aReportWhoseCopyCouldNotBeKeptIsRetried() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // `reports` is a file, so the directory for the copies cannot be made (as on a full disk).
        try "".write(to: directory.appendingPathComponent("reports"), atomically: true, encoding: .utf8)
        let document = await read(Array(try Fixtures.data(Self.real)), stateDirectory: directory.path)
        #expect(document.error?.contains("could not be kept") == true, "\(document.error ?? "no error")")
        #expect(OfstedReportReader.shouldRefetch(document, at: Self.later), "\(document.error ?? "")")
    }

    @Test func aPdftotextTimeoutIsRetried() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("pdftotext").path
        let descriptor = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        _ = "#!/bin/sh\nexec sleep 30\n".withCString { write(descriptor, $0, strlen($0)) }
        close(descriptor)
        let extractor = PDFTextExtractor(executable: script, timeout: .milliseconds(300))
        let document = await read(Array(try Fixtures.data(Self.real)), extractor: extractor, stateDirectory: directory.path)
        #expect(document.error?.contains("timed out") == true, "\(document.error ?? "no error")")
        #expect(OfstedReportReader.shouldRefetch(document, at: Self.later))
    }

    @Test func aMissingPdftotextIsRetried() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let extractor = PDFTextExtractor(executable: directory.appendingPathComponent("no-pdftotext").path)
        let document = await read(Array(try Fixtures.data(Self.real)), extractor: extractor, stateDirectory: directory.path)
        #expect(document.error?.contains("not found") == true, "\(document.error ?? "no error")")
        #expect(OfstedReportReader.shouldRefetch(document, at: Self.later))
        // Not sooner than the wait.
        #expect(!OfstedReportReader.shouldRefetch(document, at: Date()))
    }

    @Test func anErrorPageWhereThePDFShouldBeIsRetried() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = await read(Array("<html><body>Service unavailable</body></html>".utf8), stateDirectory: directory.path)
        #expect(document.error?.contains("not a PDF") == true)
        #expect(OfstedReportReader.shouldRefetch(document, at: Self.later))
    }

    @Test func aPDFPdftotextCannotParseIsFinal() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var corrupt = Array("%PDF-1.7\n".utf8)
        var state: UInt64 = 42
        for _ in 0..<4096 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            corrupt.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        let document = await read(corrupt, stateDirectory: directory.path)
        #expect(document.error?.contains("could not be read") == true, "\(document.error ?? "no error")")
        #expect(!OfstedReportReader.shouldRefetch(document, at: Self.later))
    }
}
