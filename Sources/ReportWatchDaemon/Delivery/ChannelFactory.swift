import ReportWatchAlerts

extension ChannelConfiguration {
    /// The channel this configuration describes.
    func makeChannel() -> any AlertChannel {
        switch kind {
        case .jsonl(let path):
            JSONLinesChannel(id: id, path: path)
        }
    }
}
