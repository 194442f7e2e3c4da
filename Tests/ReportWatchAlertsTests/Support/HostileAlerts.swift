import Foundation
import ReportWatchCore

/// Alerts whose page text tries everything: markup, attribute breaking, chat mentions, header
/// injection, non-ASCII.
enum HostileAlerts {
    static let detected = Date(timeIntervalSince1970: 1_795_000_000)

    /// An Ofsted report alert with findings, some of whose text is hostile.
    static func ofsted(id: String = Alert.newID()) -> Alert {
        let findings = ReportFindings(
            framework: .ilacs2023, localAuthority: "Harrow",
            title: "Inspection of Harrow local authority children's services",
            inspectionDatesText: "20–24 January 2025",
            overall: Judgement(label: "Overall effectiveness", grade: .inadequate),
            judgements: [
                Judgement(label: "The impact of leaders on social work practice with children and families", grade: .requiresImprovement),
                Judgement(label: "The experiences and progress of care leavers", grade: .inadequate),
            ],
            whatNeedsToImprove: ["Oversight of <b>care leavers</b> & their \"pathway plans\"", "Supervision <!channel> @everyone"],
            summary: "Children in Harrow <script>alert('x')</script> do not get the help they need.")
        return Alert(
            id: id, source: "harrow-ofsted", event: .added, title: "Children's services inspection",
            url: "https://files.ofsted.gov.uk/v1/file/50270419?a=1&b=\"2\"", detectedAt: detected, key: "50270419",
            fields: [FieldChange(name: "Overall effectiveness", old: "Good", new: "Inadequate")],
            item: ["type": "Children's services inspection"],
            summary: "New Ofsted report for Harrow: \"><img src=x onerror=alert(1)> <!channel> <@U123> Overall effectiveness: Inadequate (was Good in March 2020).",
            findings: findings)
    }

    /// An item alert whose title is aimed at the mail headers.
    static func headerInjection(id: String = Alert.newID()) -> Alert {
        Alert(
            id: id, source: "harrow-cabinet", event: .added,
            title: "Scrutiny papers\r\nBcc: victim@example.org\r\nX-Injected: yes\n\nbody",
            url: "javascript:alert(1)", detectedAt: detected, key: "/r/9",
            summary: "Line one\r\nLine two <i>é</i>")
    }

    static let sourceNames = ["harrow-ofsted": "Harrow Ofsted", "harrow-cabinet": "Harrow Cabinet"]
}
