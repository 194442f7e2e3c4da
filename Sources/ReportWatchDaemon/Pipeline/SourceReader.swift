import ReportWatchCore
import ReportWatchExtract
import ReportWatchFetch

/// What reading a source's page yielded.
public enum SourceRead: Sendable {
    case items([Item])
    case failure(SourceFailure)
}

extension SourceConfiguration {
    /// Reads items from a fetched 2xx page, according to the source's kind.
    func read(_ page: Page) -> SourceRead {
        switch kind {
        case .html(let extractor):
            do {
                let extracted = try extractor.extract(from: page)
                return .items(extracted.items)
            } catch {
                return .failure(SourceFailure(.structure, error.description))
            }
        }
    }
}
