import Foundation
import ReportWatchCore

// What the commands print comes in part from pages and from servers' error messages: control
// characters and bidi overrides are spelled out (`\u{1B}`), never sent to the terminal as they are.

/// A line on standard output for a person.
func output(_ text: String) {
    print(ControlCharacters.escapedForTerminal(text))
}

/// A JSON document on standard output: still the same JSON, with no raw C1 or bidi control in it.
func output(json: String) {
    print(ControlCharacters.escapedJSONForTerminal(json))
}
