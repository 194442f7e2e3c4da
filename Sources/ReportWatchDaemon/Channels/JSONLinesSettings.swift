import ReportWatchAlerts

/// `kind: jsonl`: `path`, the file alerts are appended to.
struct JSONLinesSettings: ChannelSettings {
    let path: String

    func makeChannel(id: String, context: ChannelContext) throws -> any AlertChannel {
        JSONLinesChannel(id: id, path: path)
    }

    static let registration = ChannelKindRegistration(name: "jsonl", keys: ["path"]) { reader, map, path in
        guard let file = reader.required(reader.string(map, "path", at: path), map, "path", at: path) else { return nil }
        return JSONLinesSettings(path: file)
    }
}
