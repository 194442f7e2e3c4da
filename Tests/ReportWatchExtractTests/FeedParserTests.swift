import Foundation
import Testing
@testable import ReportWatchExtract
import ReportWatchCore

// No real RSS or Atom feed was saved (see ../shared/fixtures/README.md). These feeds are built
// for the tests in the shapes the specifications give: an Atom feed like GOV.UK's organisation
// feeds (entries with id, updated, alternate link, HTML summary) and an RSS 2.0 channel like
// ModernGov's (items with guid, pubDate, description holding escaped HTML).

private let atomFeed = """
    <?xml version="1.0" encoding="UTF-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
      <title>Department for Education - Activity on GOV.UK</title>
      <id>https://www.gov.uk/government/organisations/department-for-education</id>
      <updated>2026-11-20T09:30:00+00:00</updated>
      <entry>
        <id>https://www.gov.uk/government/publications/improvement-notice-issued-to-harrow-november-2026#2026-11-20T09:30:00Z</id>
        <updated>2026-11-20T09:30:00+00:00</updated>
        <link rel="alternate" type="text/html" href="/government/publications/improvement-notice-issued-to-harrow-november-2026"/>
        <link rel="enclosure" href="https://assets.publishing.service.gov.uk/notice.pdf"/>
        <title>Improvement notice issued to Harrow: November 2026</title>
        <summary type="html">&lt;p&gt;The Department for Education has issued an improvement notice to Harrow&lt;/p&gt;&lt;p&gt;Children&amp;#39;s social care &amp;amp; SEND&lt;/p&gt;</summary>
      </entry>
      <entry>
        <id>tag:gov.uk,2026:camden</id>
        <published>2026-10-02T10:00:00+01:00</published>
        <updated>2026-10-02T10:00:00+01:00</updated>
        <link href="https://www.gov.uk/government/publications/improvement-notice-issued-to-camden-october-2026"/>
        <title type="text">Improvement notice issued to Camden: October 2026</title>
        <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Notice to <b>Camden</b>.</p></div></content>
      </entry>
    </feed>
    """

private let rssFeed = """
    <?xml version="1.0" encoding="utf-8"?>
    <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
      <channel>
        <title>Cabinet - Harrow Council</title>
        <link>https://moderngov.harrow.gov.uk/ieListMeetings.aspx?CommitteeId=249</link>
        <description>Meetings of Cabinet</description>
        <atom:link href="https://moderngov.harrow.gov.uk/mgRss.aspx?CID=249" rel="self"/>
        <item>
          <title>Cabinet - Thursday, 10 December 2026 6.30 pm</title>
          <link>https://moderngov.harrow.gov.uk/ieListDocuments.aspx?CId=249&amp;MId=7001</link>
          <guid isPermaLink="false">meeting-7001-v3</guid>
          <pubDate>Thu, 26 Nov 2026 17:05:00 GMT</pubDate>
          <description><![CDATA[<p>Agenda published</p><ul><li>Children's services improvement plan</li><li>Budget</li></ul><script>track()</script>]]></description>
        </item>
        <item>
          <title>Cabinet - Thursday, 12 November 2026 6.30 pm</title>
          <guid>https://moderngov.harrow.gov.uk/ieListDocuments.aspx?CId=249&amp;MId=7000</guid>
          <pubDate>Tue, 3 Nov 2026 09:00:00 +0000</pubDate>
          <description>Agenda and minutes</description>
        </item>
        <item>
          <title>Relative link</title>
          <link>/mgIssueHistoryHome.aspx?IId=5</link>
        </item>
      </channel>
    </rss>
    """

private func parse(_ text: String, url: String = "https://www.gov.uk/government/organisations/department-for-education.atom") throws -> FeedParser.Feed {
    try FeedParser.parse(Page(url: url, contentType: "application/atom+xml", body: Array(text.utf8)))
}

@Suite("RSS and Atom feeds")
struct FeedParserTests {
    @Test func atomEntriesAreKeyedByTheirAlternateLink() throws {
        let feed = try parse(atomFeed)
        #expect(feed.format == .atom)
        #expect(feed.title == "Department for Education - Activity on GOV.UK")
        #expect(feed.items.count == 2)
        let harrow = try #require(feed.items.first)
        #expect(harrow.key == "https://www.gov.uk/government/publications/improvement-notice-issued-to-harrow-november-2026")
        #expect(harrow.link == harrow.key)
        #expect(harrow.title == "Improvement notice issued to Harrow: November 2026")
        #expect(harrow.fields["updated"] == "2026-11-20T09:30:00Z")
        #expect(harrow.fields["published"] == nil)
        // Escaped HTML: entities decoded, tags gone, paragraphs apart.
        #expect(harrow.fields["summary"] == "The Department for Education has issued an improvement notice to Harrow Children's social care & SEND")
        let camden = try #require(feed.items.last)
        #expect(camden.fields["published"] == "2026-10-02T09:00:00Z")
        #expect(camden.fields["summary"] == "Notice to Camden.")
    }

    @Test func anEntryWhoseIdChangesKeepsItsKey() throws {
        let updated = atomFeed.replacingOccurrences(of: "#2026-11-20T09:30:00Z", with: "#2026-11-27T14:00:00Z")
        #expect(try parse(updated).items.map(\.key) == parse(atomFeed).items.map(\.key))
        #expect(try parse(updated).items == parse(atomFeed).items)
    }

    @Test func rssItemsAreKeyedByLinkThenPermalinkGuid() throws {
        let feed = try parse(rssFeed, url: "https://moderngov.harrow.gov.uk/mgRss.aspx?CID=249")
        #expect(feed.format == .rss)
        #expect(feed.title == "Cabinet - Harrow Council")
        #expect(feed.items.map(\.key) == [
            "https://moderngov.harrow.gov.uk/ieListDocuments.aspx?CId=249&MId=7001",
            "https://moderngov.harrow.gov.uk/ieListDocuments.aspx?CId=249&MId=7000",
            "https://moderngov.harrow.gov.uk/mgIssueHistoryHome.aspx?IId=5",
        ])
        let first = try #require(feed.items.first)
        #expect(first.fields["published"] == "2026-11-26T17:05:00Z")
        #expect(first.fields["summary"] == "Agenda published Children's services improvement plan Budget")
        #expect(feed.items[1].fields["published"] == "2026-11-03T09:00:00Z")
        #expect(feed.items[2].fields["published"] == nil)
    }

    @Test func rssDatesInTheirUsualSpellingsAgree() throws {
        let dates = ["Thu, 26 Nov 2026 17:05:00 GMT", "Thu, 26 Nov 2026 17:05:00 +0000", "26 Nov 2026 17:05:00 UT",
                     "Thu, 26 Nov 2026 12:05:00 -0500", "2026-11-26T17:05:00Z"]
        for date in dates {
            #expect(FeedParser.date(date) == "2026-11-26T17:05:00Z", "\(date)")
        }
        #expect(FeedParser.date("sometime last week") == "sometime last week")
    }

    @Test(arguments: [
        "<!DOCTYPE html><html><head><title>503</title></head><body><p>Service unavailable<br></p></body></html>",
        "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>Maintenance</p></body></html>",
        "<rss version=\"2.0\"><channel><title>Cut off</title><item><title>Half",
        "",
        "{\"error\": \"not found\"}",
    ])
    func aBodyThatIsNotAFeedIsAnError(_ body: String) {
        #expect(throws: ExtractError.self) { try parse(body) }
    }

    @Test func externalEntitiesAreNeverResolved() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("feed-xxe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = directory.appendingPathComponent("secret.txt")
        try "TOP-SECRET-CONTENT".write(to: secret, atomically: true, encoding: .utf8)
        let hostile = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY leak SYSTEM "file://\(secret.path)">]>
            <rss version="2.0"><channel><title>t</title>
            <item><title>Entry &leak;</title><link>https://example.org/a</link><description>&leak;</description></item>
            </channel></rss>
            """
        // libxml2 may refuse the document or keep the reference unexpanded; either way the file's
        // contents must not appear.
        if let feed = try? parse(hostile) {
            for item in feed.items {
                #expect(!item.fields.values.contains { $0.contains("TOP-SECRET") })
            }
        }
    }

    @Test func rss1ItemsAreRead() throws {
        let rdf = """
            <?xml version="1.0"?>
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
              <channel rdf:about="https://example.org/"><title>Example</title></channel>
              <item rdf:about="https://example.org/a"><title>A</title><link>https://example.org/a</link><dc:date>2026-11-01T10:00:00Z</dc:date></item>
            </rdf:RDF>
            """
        let feed = try parse(rdf)
        #expect(feed.items.map(\.key) == ["https://example.org/a"])
        #expect(feed.items.first?.fields["published"] == "2026-11-01T10:00:00Z")
    }
}
