import Testing
@testable import ReportWatchExtract

@Suite("Whitespace and UTF-8 handling")
struct TextTests {
    @Test(arguments: [
        ("  a  b ", "a b"),
        ("\n\tChildren’s\u{00A0}services\u{2003}–\u{200B}report\r\n", "Children’s services – report"),
        ("🎉  café", "🎉 café"),
        ("", ""),
        (" \u{3000} ", ""),
    ])
    func normalise(_ input: String, _ expected: String) {
        #expect(Text.normalise(input) == expected)
    }

    /// NUL ends a journald record and a following `<0>` reads as a new, emergency one; ESC starts
    /// a terminal escape; C1 has 8-bit CSI; bidi overrides and isolates reorder what a reader
    /// sees. None of them survives reading a page, wherever the text goes afterwards.
    @Test(arguments: [
        ("Ofsted\u{0}<0>forged", "Ofsted<0>forged"),
        ("\u{1B}[2J\u{1B}]0;owned\u{7}Cabinet", "[2J]0;ownedCabinet"),
        ("a\u{9B}31mb\u{85}c\u{7F}d", "a31mb cd"),
        ("\u{202E}fdp.exe\u{202C} \u{2066}x\u{2069}\u{202A}\u{202B}\u{202D}\u{2067}\u{2068}", "fdp.exe x"),
        ("\u{1}\u{8}\u{E}\u{1F} ", ""),
        ("\u{200F}שלום\u{200E} ok", "\u{200F}שלום\u{200E} ok"),
    ])
    func controlCharactersAndBidiOverridesAreStripped(_ input: String, _ expected: String) {
        let cleaned = Text.normalise(input)
        #expect(cleaned == expected)
        #expect(!cleaned.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }
}
