import ReportWatchCore

extension ConfigReader {
    /// The common channel keys about when alerts go out: `digest` and `urgent_events`.
    mutating func readDeliveryKeys(_ map: YAMLNode.Mapping, at path: String, into channel: inout ChannelConfiguration) {
        if let text = string(map, "digest", at: path), let node = map.value(for: "digest") {
            if let schedule = DigestSchedule(parsing: text) {
                channel.digest = schedule
            } else {
                report(node, Self.join(path, "digest"), "invalid digest '\(text)'", suggestion: "use daily@08:00 or weekly@mon 08:00")
            }
        }
        if let events = strings(map, "urgent_events", at: path) {
            for (index, event) in events.enumerated() {
                if let value = AlertEvent(rawValue: event) {
                    channel.urgentEvents.insert(value)
                } else if let node = map.value(for: "urgent_events")?.sequence?[index] ?? map.value(for: "urgent_events") {
                    report(node, Self.join(path, "urgent_events"), "unknown event '\(event)'",
                           suggestion: Self.suggest(event, among: AlertEvent.allCases.map(\.rawValue)))
                }
            }
        }
    }
}
