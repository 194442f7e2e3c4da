import Foundation
import Logging
import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch
import ReportWatchStore

/// `kind: ofsted-search`: an Ofsted search results URL (for every council's children's
/// services: `https://reports.ofsted.gov.uk/search?q=&level_1_types=3&level_2_types[]=12&rows=100`).
/// Items are providers (`li.search-result`), keyed by URN, with `title` (the name), `link` (the
/// provider page) and `latest_report` (`yyyy-mm-dd`). The next pages (`rel="next"` or a "Next"
/// link) are read in the same pass, through the source's politeness.
///
/// A provider's latest report date changing is a `changed` alert that names the provider and
/// both dates: the cue to look at (or add) its `ofsted-provider` source.
struct OfstedSearchKind: SourceKind {
    /// The most result pages read in one pass: Ofsted shows at most 100 rows a page and there
    /// are about 150 councils, so this is ample and stops a link loop.
    let maxPages: Int

    static let defaultMaxPages = 10

    func read(_ page: Page, context: SourceContext) async -> SourceRead {
        var providers: [OfstedSearchPage.Provider] = []
        var seen = Set<String>()
        var visited: Set<String> = [page.url]
        var current = page
        for number in 1...maxPages {
            let results: OfstedSearchPage.Results
            do {
                results = try OfstedSearchPage.results(from: current)
            } catch {
                return .failure(SourceFailure(.structure, "results page \(number): \(error.description)"))
            }
            // A page without results is a changed page, never "no providers".
            guard !results.providers.isEmpty else {
                let detail = results.resultCount > 0
                    ? "\(results.resultCount) li.search-result, none with a /provider/ link" : "no li.search-result"
                return .failure(SourceFailure(.structure, "results page \(number) (\(current.url)): \(detail)"))
            }
            for provider in results.providers where seen.insert(provider.urn).inserted {
                providers.append(provider)
            }
            guard let next = results.nextPage, Self.sameHost(next, page.url), visited.insert(next).inserted else { break }
            if number == maxPages {
                context.logger.warning("more result pages than max_pages; the rest are not read", metadata: [
                    "source.id": "\(context.source.id)", "max_pages": "\(maxPages)",
                ])
                // Providers on unread pages would read as removed: better no pass than a wrong one.
                return .failure(SourceFailure(.structure, "more than \(maxPages) result pages"))
            }
            // A later page that fails leaves the pass incomplete: providers on it would read as
            // removed, so the whole pass fails instead.
            do {
                let response = try await context.fetch(next)
                guard response.isSuccess else {
                    return .failure(SourceFailure(.httpStatus, "results page \(number + 1): HTTP \(response.status)"))
                }
                current = Page(url: response.url, status: response.status, contentType: response.header("Content-Type"),
                               body: response.body)
            } catch let error as FetchError {
                return .failure(SourceFailure(.fetch, "results page \(number + 1): \(error.kind.rawValue): \(error.message)"))
            } catch {
                return .failure(SourceFailure(.fetch, "results page \(number + 1): \(error)"))
            }
        }
        return .items(providers.map(Self.item))
    }

    static func item(_ provider: OfstedSearchPage.Provider) -> Item {
        var fields = ["title": provider.name, "link": provider.link]
        if let latest = provider.latestReport { fields["latest_report"] = OfstedProviderPage.isoText(latest) }
        return Item(key: provider.urn, fields: fields)
    }

    static func sameHost(_ a: String, _ b: String) -> Bool {
        guard let first = URLComponents(string: a)?.host?.lowercased(), let second = URLComponents(string: b)?.host?.lowercased()
        else { return false }
        return first == second
    }

    func alert(for change: Change, source: SourceConfiguration, date: Date, stored: StoredSource) throws -> Alert? {
        guard case .changed(_, let new, let fields) = change,
              let latest = fields.first(where: { $0.name == "latest_report" }), let newDate = latest.new
        else {
            return SourceChecker.genericAlert(for: change, source: source, date: date)
        }
        if !source.keywords.isEmpty, !Keywords.matches(source.keywords, in: new) { return nil }
        let name = new.title ?? new.key
        let shown = OfstedProviderPage.isoDay(newDate).map(CalendarDay.longText) ?? newDate
        var summary = "Ofsted has a new report for \(name) (URN \(new.key)): latest report \(shown)"
        if let old = latest.old {
            summary += ", was \(OfstedProviderPage.isoDay(old).map(CalendarDay.longText) ?? old)"
        }
        summary += ". Provider page: \(new.link ?? source.url)"
        return Alert(
            source: source.id, event: .changed, title: "Ofsted: new report for \(name) (\(shown))",
            url: new.link ?? source.url, detectedAt: date, key: new.key, fields: fields, item: new.fields, summary: summary)
    }

    /// Keys: `max_pages` (most result pages read a pass; default 10).
    static let registration = SourceKindRegistration(name: "ofsted-search", keys: ["max_pages"]) { reader, map, path in
        OfstedSearchKind(maxPages: reader.integer(map, "max_pages", at: path, range: 1...100) ?? defaultMaxPages)
    }
}
