import Foundation
import ReportWatchAlerts
import Testing

@Suite("Mail headers and bodies")
struct MIMEMessageTests {
    @Test func encodedWordsStayWithinTheLimitAndNeverSplitACharacter() throws {
        let subject = String(repeating: "Ofsted — Harrow ✓ 😀👩‍👩‍👧‍👦 é ", count: 12)
        let value = RFC2047.unstructured(subject, headerName: "Subject")
        let words = value.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75, "\(word)")
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let base64 = String(word.dropFirst(10).dropLast(2))
            let bytes = try #require(Data(base64Encoded: base64))
            #expect(String(data: bytes, encoding: .utf8) != nil, "each word is whole UTF-8")
            decoded.append(bytes)
        }
        #expect(String(decoding: decoded, as: UTF8.self) == TextEscaping.oneLine(subject))
    }

    @Test func plainASCIIIsFoldedNotEncoded() {
        let subject = String(repeating: "Cabinet papers published ", count: 8)
        let value = RFC2047.unstructured(subject, headerName: "Subject")
        #expect(!value.contains("=?"))
        for line in value.components(separatedBy: "\r\n") { #expect(line.count <= 78) }
        #expect(value.replacingOccurrences(of: "\r\n ", with: " ") == TextEscaping.oneLine(subject))
    }

    @Test func textThatLooksLikeAnEncodedWordIsEncoded() {
        #expect(RFC2047.unstructured("=?UTF-8?B?SGk=?=", headerName: "Subject").hasPrefix("=?UTF-8?B?"))
    }

    @Test func quotedPrintableLinesAreShortAndEscaped() {
        let text = String(repeating: "Judgement — Inadequate = bad. ", count: 10) + "\n.leading dot\ntrailing space \n"
        let encoded = MIMEMessage.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.count <= 76, "\(line)")
            #expect(!line.hasSuffix(" "))
            #expect(!line.hasPrefix("."))
        }
        #expect(!encoded.contains("=_"), "the boundary can never occur in a part")
    }

    @Test func addressesWithLineBreaksOrSpacesAreRefused() {
        #expect(EmailChannel.Mailbox("a@example.org\r\nBcc: b@example.org") == nil)
        #expect(EmailChannel.Mailbox("a b@example.org") == nil)
        #expect(EmailChannel.Mailbox("Name <a@example.org>")?.address == "a@example.org")
        #expect(EmailChannel.Mailbox("Name <a@example.org>")?.name == "Name")
    }
}
