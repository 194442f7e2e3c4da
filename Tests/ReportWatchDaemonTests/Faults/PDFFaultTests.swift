import Foundation
import Glibc
import Testing
@testable import ReportWatchDaemon
import ReportWatchCore
import ReportWatchExtract
import ReportWatchStore
import ReportWatchTestSupport

/// Bad report PDFs through the path the `ofsted-provider` kind takes (`OfstedReportReader`:
/// keep the bytes, `PDFTextExtractor` in a child with a timeout and a memory limit, then
/// `OfstedReportParser`), and the alert that follows. Each must end within its bound and invent
/// no grade: a grade is only ever what the report's own text says. The extractor's own tests
/// cover random bytes after a header, a missing file and a sleeping child at 300 ms; these are
/// the damaged real report, encryption, a long image-only document and a hang at the
/// pipeline's level.
@Suite("Fault: bad report PDFs", .serialized)
struct PDFFaultTests {
    static let real = "ofsted/harrow_ilacs_2025-03-04_file50270419.pdf"
    static let timeout: Duration = .seconds(10)

    enum BadPDF: String, CaseIterable, Sendable {
        case cutInHalf = "the real report cut in half"
        case middleOverwritten = "the real report with 64 KiB of its middle overwritten"
        case userPassword = "encrypted with a user password (qpdf, AES-256)"
        case ownerPasswordNoExtract = "encrypted, owner password only, text extraction forbidden (qpdf)"
        case hundredImagePages = "a hundred pages of images, no text"
        case hangingPdftotext = "a pdftotext that hangs (fake executable)"
    }

    @Test(arguments: BadPDF.allCases)
    func badPDFIsBoundedAndInventsNoGrade(_ bad: BadPDF) async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = Array(try Fixtures.data(Self.real))
        var extractor = PDFTextExtractor(timeout: Self.timeout)
        let bytes: [UInt8]
        switch bad {
        case .cutInHalf:
            bytes = Array(original.prefix(original.count / 2))
        case .middleOverwritten:
            var damaged = original
            let start = damaged.count / 2 - 32_768
            var random = SplitMix(seed: 7)
            for index in start..<(start + 65_536) { damaged[index] = UInt8(truncatingIfNeeded: random.next()) }
            bytes = damaged
        case .userPassword:
            bytes = try Self.qpdf(original, ["--encrypt", "secret-user", "secret-owner", "256", "--"], in: directory)
        case .ownerPasswordNoExtract:
            bytes = try Self.qpdf(original, ["--encrypt", "", "secret-owner", "256", "--extract=n", "--"], in: directory)
        case .hundredImagePages:
            bytes = Self.imageOnlyPDF(pages: 100)
        case .hangingPdftotext:
            bytes = original
            let script = directory.appendingPathComponent("pdftotext").path
            // exec: the child the extractor kills is the sleeper itself, so nothing is left behind.
            // Written through a close-on-exec descriptor: a child that another test forks
            // meanwhile must not inherit it open for writing, or running the script fails with
            // ETXTBSY ("text file busy", status 126) instead of hanging.
            let descriptor = open(script, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
            #expect(descriptor >= 0)
            let text = Array("#!/bin/sh\nexec sleep 600\n".utf8)
            #expect(write(descriptor, text, text.count) == text.count)
            close(descriptor)
            extractor = PDFTextExtractor(executable: script, timeout: .seconds(2))
        }

        let reader = OfstedReportReader(extractor: extractor)
        let started = ContinuousClock.now
        let document = await reader.read(
            bytes: bytes, into: StoredDocument(key: "50270419", url: "http://127.0.0.1:1/v1/file/50270419", published: nil, fetchedAt: Date()),
            contentType: "application/pdf", stateDirectory: directory.path)
        let elapsed = ContinuousClock.now - started
        // Ended by the timeout, not by the hung child's 600 s; the whole suite's load on two cores
        // has delayed the kill by several seconds.
        #expect(elapsed < extractor.timeout + .seconds(20), "\(bad.rawValue): \(elapsed), timeout \(extractor.timeout)")

        let kind = OfstedProviderKind(council: "Harrow")
        let source = try #require(try Configuration.parse(yaml: """
            contact: tests@example.org
            sources:
              - id: ofsted-harrow
                kind: ofsted-provider
                url: http://127.0.0.1:1/provider/44/80499
            channels:
              - {id: log, kind: jsonl, path: /dev/null}
            """, file: "faults.yaml").sources.first)
        let item = Item(key: "50270419", fields: ["title": "Children's services inspection", "type": "Children's services inspection",
                                                  "link": document.url])
        let alert = kind.newReportAlert(item, source: source, date: Date(), documents: ["50270419": document])
        let words = "\(alert.title) \(alert.summary ?? "")"

        // Nothing invented: whatever grades were read are the intact report's own.
        let plain = OfstedReportParser.parse(text: try await PDFTextExtractor().text(ofPDFAt: Fixtures.url(Self.real).path))
        let read = document.findings
        let invented = (read?.judgements ?? []).filter { !plain.judgements.contains($0) }
        #expect(invented.isEmpty, "\(bad.rawValue): grades the report does not give: \(invented)")
        #expect(read?.overall == nil || read?.overall == plain.overall, "\(bad.rawValue): overall \(String(describing: read?.overall))")
        let expected: String
        switch bad {
        case .ownerPasswordNoExtract:
            // poppler reads the text of a document that only asks not to be copied: the grades
            // are then the report's own, exactly those of the unencrypted copy.
            #expect(document.error == nil, "\(bad.rawValue): \(document.error ?? "")")
            #expect(read?.judgements == plain.judgements && read?.overall == plain.overall,
                    "\(bad.rawValue): findings differ from the unencrypted report")
            expected = "the report's own grades (\(plain.judgements.count) judgements, as unencrypted)"
        case .middleOverwritten:
            // The grade table is on page 1: a damaged later page may leave it readable. Either
            // way every grade read is the report's own.
            expected = read.map { "\($0.judgements.count) of \(plain.judgements.count) judgements read, each as in the intact report" }
                ?? "could not be read"
        case .hundredImagePages:
            #expect(document.error == nil, "\(bad.rawValue): \(document.error ?? "")")
            let findings = try #require(read)
            #expect(findings.judgements.isEmpty && findings.overall == nil && !findings.isGraded)
            #expect(!findings.warnings.isEmpty, "\(bad.rawValue): an unreadable report must say so")
            #expect(Grade.allCases.allSatisfy { !words.contains($0.rawValue) }, "\(bad.rawValue): \(words)")
            // The generated file is a real PDF of 100 pages, as poppler's own pdfinfo counts them.
            let info = Process()
            let pipe = Pipe()
            info.executableURL = URL(fileURLWithPath: "/usr/bin/pdfinfo")
            info.arguments = [try #require(document.path)]
            info.standardOutput = pipe
            try info.run()
            let infoText = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            info.waitUntilExit()
            let pages = infoText.split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last.flatMap { Int($0) }
            #expect(pages == 100, "pdfinfo: \(infoText)")
            expected = "no grade, \(findings.warnings.count) warning(s): \(findings.warnings.first?.prefix(60) ?? "")"
        case .cutInHalf, .userPassword, .hangingPdftotext:
            #expect(read == nil, "\(bad.rawValue): findings from a PDF that could not be read")
            #expect(document.error?.contains("could not be read") == true, "\(bad.rawValue): \(document.error ?? "no error")")
            #expect(alert.title.hasSuffix("could not be read"), "\(bad.rawValue): \(alert.title)")
            #expect(Grade.allCases.allSatisfy { !words.contains($0.rawValue) }, "\(bad.rawValue): \(words)")
            expected = "no grade, could not be read"
        }
        if bad == .hangingPdftotext {
            #expect(document.error?.contains("timed out") == true, "\(document.error ?? "")")
        }
        faultReport("PDF: \(bad.rawValue)", "\(bytes.count) bytes, read in \(String(format: "%.2f", SourceFaultTests.seconds(elapsed))) s "
            + "(timeout \(extractor.timeout)); \(expected); alert: \(alert.title); \(document.error.map { "error: \($0.prefix(100))" } ?? "")")
    }

    /// `qpdf ARGS in.pdf out.pdf` on the bytes. qpdf comes from scripts/setup.sh --test.
    static func qpdf(_ bytes: [UInt8], _ arguments: [String], in directory: URL) throws -> [UInt8] {
        let input = directory.appendingPathComponent("plain.pdf")
        let output = directory.appendingPathComponent("encrypted.pdf")
        try Data(bytes).write(to: input)
        guard let qpdf = ["/usr/bin/qpdf", "/usr/local/bin/qpdf"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw ChildProcessError("qpdf not found: scripts/setup.sh --test installs it")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: qpdf)
        process.arguments = arguments.dropLast() + ["--", input.path, output.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ChildProcessError("qpdf exited \(process.terminationStatus)") }
        return Array(try Data(contentsOf: output))
    }

    /// A valid PDF of `pages` A4 pages, each one 32×32 grey image scaled to the page and no text,
    /// as a scanned report without OCR would be.
    static func imageOnlyPDF(pages: Int) -> [UInt8] {
        var out: [UInt8] = Array("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        func object(_ body: [UInt8]) {
            offsets.append(out.count)
            out += Array("\(offsets.count) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        // 1: catalog, 2: pages, then per page: page, contents, image.
        let kids = (0..<pages).map { "\(3 + $0 * 3) 0 R" }.joined(separator: " ")
        object(Array("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        object(Array("<< /Type /Pages /Kids [\(kids)] /Count \(pages) >>".utf8))
        for page in 0..<pages {
            let first = 3 + page * 3
            object(Array("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents \(first + 1) 0 R /Resources << /XObject << /Im0 \(first + 2) 0 R >> >> >>".utf8))
            let content = "q 495 0 0 742 50 50 cm /Im0 Do Q"
            object(Array("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream".utf8))
            let pixels = (0..<1024).map { UInt8(truncatingIfNeeded: ($0 * 7 + page * 13) % 256) }
            object(Array("<< /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1024 >>\nstream\n".utf8)
                   + pixels + Array("\nendstream".utf8))
        }
        let xref = out.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { table += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n" }
        table += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return out + Array(table.utf8)
    }
}
