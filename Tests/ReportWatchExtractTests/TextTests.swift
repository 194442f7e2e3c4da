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

    @Test func utf8Validation() {
        #expect(HTMLDocument.isValidUTF8(Array("plain ascii text, longer than eight bytes".utf8)))
        #expect(HTMLDocument.isValidUTF8(Array("Café ✓ 🎉 and more ascii after it".utf8)))
        #expect(!HTMLDocument.isValidUTF8([0x41, 0xC3, 0x28]))
        #expect(!HTMLDocument.isValidUTF8([0xC0, 0xAF]))                 // overlong "/"
        #expect(!HTMLDocument.isValidUTF8([0xED, 0xA0, 0x80]))           // a surrogate
        #expect(!HTMLDocument.isValidUTF8([0xF4, 0x90, 0x80, 0x80]))     // past U+10FFFF
        #expect(!HTMLDocument.isValidUTF8(Array("abcdefgh".utf8) + [0xE2, 0x82]))  // truncated at the end
    }

    /// One bad or multi-byte sequence at every offset of a long ASCII run: whichever stride
    /// (32 bytes, 8 or 1) reaches it, the answer is the standard library's.
    @Test func utf8ValidationAtEveryOffset() {
        let run = Array(repeating: UInt8(ascii: "a"), count: 100)
        for insert in [[0xC3, 0xA9], [0xE2, 0x9C, 0x93], [0xF0, 0x9F, 0x8E, 0x89], [0xC3], [0xFF], [0xED, 0xA0, 0x80]] as [[UInt8]] {
            for offset in 0...run.count {
                let bytes = Array(run[..<offset]) + insert + Array(run[offset...])
                let expected = String(validating: bytes, as: UTF8.self) != nil
                #expect(HTMLDocument.isValidUTF8(bytes) == expected, "\(insert) at \(offset)")
            }
        }
    }
}
