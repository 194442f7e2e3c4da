import Foundation
import ReportWatchCore

/// Reads one page of Ofsted search results (`https://reports.ofsted.gov.uk/search?...`): the
/// providers it lists and the link to the next page.
///
/// The markup, as independent scrapers of the site record it (DESIGN.md): each result is an
/// `li.search-result` whose `h3.search-result__title a[href^="/provider/"]` names the provider
/// and links to its page (`/provider/{type}/{URN}`); at most 100 rows a page. The latest
/// report's date is a `time` element in the result (the one next to "Latest report" when there
/// are several), else a "Latest report: 4 March 2025" text.
///
/// Pure parsing, no I/O.
public enum OfstedSearchPage {
    public struct Provider: Sendable, Hashable {
        /// The provider's unique reference number, from the link: the stable key.
        public var urn: String
        public var name: String
        /// The provider page, resolved against the results page.
        public var link: String
        /// The latest report's date at 00:00 UTC, when the result shows one.
        public var latestReport: Date?
    }

    public struct Results: Sendable, Hashable {
        /// Providers in page order, each URN once.
        public var providers: [Provider] = []
        /// Every `li.search-result` found, with or without a provider link.
        public var resultCount = 0
        /// The next page of results, resolved, when the page links one.
        public var nextPage: String?
    }

    public static func results(from page: Page) throws(ExtractError) -> Results {
        try results(in: HTMLDocument(bytes: page.body, url: page.url, charset: page.declaredCharset))
    }

    public static func results(in document: HTMLDocument) throws(ExtractError) -> Results {
        do {
            var results = Results()
            let titleLink = try XPathExpression(
                "(.//h3[\(OfstedProviderPage.hasClass("search-result__title"))]//a[starts-with(@href, '/provider/')"
                    + " or contains(@href, '://reports.ofsted.gov.uk/provider/')])[1]")
            let times = try XPathExpression(".//time")
            let parent = try XPathExpression("..")
            var seen = Set<String>()
            for result in try document.nodes(XPathExpression("//li[\(OfstedProviderPage.hasClass("search-result"))]")) {
                results.resultCount += 1
                guard let link = try document.nodes(titleLink, in: result).first,
                      let href = link.attribute("href"), let urn = urn(fromLink: href),
                      seen.insert(urn).inserted
                else { continue }
                let name = Text.normalise(link.text)
                results.providers.append(Provider(
                    urn: urn, name: name.isEmpty ? urn : name, link: document.resolve(href),
                    latestReport: try latestReport(in: result, times: times, parent: parent, document: document)))
            }
            results.nextPage = try nextPage(in: document)
            return results
        } catch {
            throw .xpath(error)
        }
    }

    /// `/provider/44/80499` → `80499`: the last all-digit path segment after "provider".
    public static func urn(fromLink href: String) -> String? {
        var path = href
        if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
        let parts = path.split(separator: "/")
        guard let index = parts.firstIndex(of: "provider") else { return nil }
        let digits = parts[(index + 1)...].last { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
        return digits.map(String.init)
    }

    private static func latestReport(in result: HTMLNode, times: XPathExpression, parent: XPathExpression,
                                     document: HTMLDocument) throws(XPathError) -> Date? {
        var dates: [(context: String, date: Date)] = []
        for time in try document.nodes(times, in: result) {
            let date = time.attribute("datetime").flatMap(OfstedProviderPage.isoDay)
                ?? OfstedProviderPage.day(fromText: Text.normalise(time.text))
            guard let date else { continue }
            // The words around the date ("Latest report:", "Registered:") say which date it is.
            let parent = try document.string(parent, in: time).map(Text.normalise) ?? ""
            dates.append((parent.lowercased(), date))
        }
        if let labelled = dates.first(where: { $0.context.contains("latest") || $0.context.contains("report") }) {
            return labelled.date
        }
        // An unlabelled date is taken as the report's, but never one labelled as a registration.
        if let first = dates.first(where: { !$0.context.contains("regist") }) { return first.date }
        // No time element: "Latest report: 4 March 2025" in the text.
        let text = Text.normalise(result.text)
        guard let range = text.range(of: "latest report", options: .caseInsensitive) else { return nil }
        let after = text[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: " :-–"))
        return OfstedProviderPage.day(fromText: String(after.prefix(40)))
    }

    /// `rel="next"` on a link or anchor, else a pagination "next" anchor, else an anchor whose
    /// text starts with "Next".
    private static func nextPage(in document: HTMLDocument) throws(XPathError) -> String? {
        let expressions = [
            "(//a[@href][contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href)[1]",
            "(//link[@href][contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href)[1]",
            "(//a[@href][\(OfstedProviderPage.hasClass("pagination__next"))]/@href)[1]",
            "(//li[\(OfstedProviderPage.hasClass("pagination__next"))]//a[@href]/@href)[1]",
            "(//a[@href][starts-with(translate(normalize-space(.), 'NEXT', 'next'), 'next')]/@href)[1]",
        ]
        for expression in expressions {
            if let href = try document.string(XPathExpression(expression)), !href.trimmingCharacters(in: .whitespaces).isEmpty {
                return document.resolve(href)
            }
        }
        return nil
    }
}
