import Foundation
import Testing
import ReportWatchTestSupport

/// The regression corpus: every real report and letter in ../shared/fixtures/ofsted has its
/// findings written out in ExpectedFindings/ (each checked against the PDF by eye; the file's
/// `notes` say what is odd about it), and `inspect-report --json` must agree with them field by
/// field. Only the fields a file holds are compared.
@Suite struct ExpectedFindingsTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("ExpectedFindings", isDirectory: true)

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
    }

    static let comparedKeys = [
        "framework", "letterType", "localAuthority", "inspectionStart", "inspectionEnd", "focus",
        "overall", "judgements", "whatNeedsToImprove", "areasForPriorityAction", "mainConclusions",
    ]

    @Test func everyFixtureReportHasExpectedFindings() throws {
        let reports = try FileManager.default.subpathsOfDirectory(atPath: Fixtures.url("ofsted").path)
            .filter { $0.hasSuffix(".pdf") }
        let expected = Set(Self.files.map { String($0.dropLast(".json".count)) })
        for report in reports {
            let name = String((report as NSString).lastPathComponent.dropLast(".pdf".count))
            #expect(expected.contains(name), "no expected findings for \(name)")
        }
    }

    @Test(arguments: files)
    func inspectReportAgreesWithTheExpectedFindings(file: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(file))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let pdf = Fixtures.url(try #require(expected["file"] as? String)).path
        let run = try ReportWatchBinary.run(["inspect-report", pdf, "--json"])

        if expected["notAPDF"] as? Bool == true {
            #expect(run.status == 1)
            #expect(run.stderr.contains("not a PDF: it is an HTML page"))
            #expect(run.stderr.split(separator: "\n").count == 1, "one line, not poppler's errors")
            return
        }
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [String: Any])
        for key in Self.comparedKeys where expected.keys.contains(key) {
            let want = Self.plain(expected[key]!)
            let got = Self.plain(findings[key] ?? NSNull())
            if let wantList = want as? [String], let gotList = got as? [String] {
                #expect(gotList.count == wantList.count, "\(file): \(key) count")
                for (index, (w, g)) in zip(wantList, gotList).enumerated() {
                    #expect(g == w, "\(file): \(key)[\(index)]")
                }
            } else {
                #expect(String(describing: got) == String(describing: want), "\(file): \(key)")
            }
        }
    }

    /// Values with typographic quotes and runs of spaces made plain, judgements without empty
    /// sub-judgement lists, dictionaries in key order: what a reader of the PDF would compare.
    static func plain(_ value: Any) -> Any {
        switch value {
        case let text as String:
            return text.replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "'")
                .replacingOccurrences(of: "\u{201C}", with: "\"").replacingOccurrences(of: "\u{201D}", with: "\"")
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        case let list as [Any]:
            if list.allSatisfy({ $0 is String }) { return list.map { plain($0) as! String } }
            return list.map(plain)
        case let object as [String: Any]:
            var pairs: [String] = []
            for key in object.keys.sorted() {
                if key == "subJudgements", let subs = object[key] as? [Any], subs.isEmpty { continue }
                pairs.append("\(key)=\(plain(object[key]!))")
            }
            return "{" + pairs.joined(separator: ", ") + "}"
        case is NSNull:
            return "null"
        default:
            return "\(value)"
        }
    }
}
