import Testing
@testable import ReportWatchDaemon

/// Inputs the fuzz targets in Fuzz/ found, each kept as a test of the fix (the input itself is
/// also in Fuzz/corpus/<target>/ so the fuzzer starts from it).
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// FuzzConfig: `contact:` followed by a comment is YAML null, which the loader took as an
    /// empty contact: the User-Agent named no one. Blank contacts are now config errors.
    @Test(arguments: ["contact: # reportwatch's default conalertfig: ist w", "contact:", "contact: ''", "contact: '  '", "contact: ~", "contact: null"])
    func blankContactIsAnError(_ yaml: String) {
        #expect(throws: ConfigErrors.self) { try Configuration.parse(yaml: yaml, file: "fuzz.yaml") }
        do {
            _ = try Configuration.parse(yaml: yaml, file: "fuzz.yaml")
        } catch {
            #expect(error.errors.contains { $0.key == "contact" }, "\(error.errors)")
        }
    }
}
