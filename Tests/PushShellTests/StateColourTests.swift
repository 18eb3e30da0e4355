import Foundation
import Testing

@testable import PushSyntax

/// Every place that colours a session state gives it the same colour: script
/// output (`status`, `start`, `close`, `wait`) and the shell's prompt both
/// ask `TerminalStyle.state`, the prompt with its escapes bracketed.
@Suite struct StateColourTests {
    static let states = SessionStateName.allCases.map(\.rawValue) + ["archived"]  // and one the service may add

    @Test(arguments: states) func oneColourPerState(_ state: String) {
        let expected = "\u{1B}[\(TerminalStyle.stateCode(state))m\(state)\u{1B}[0m"
        #expect(TerminalStyle(enabled: true).state(state) == expected)
        // The prompt brackets its escapes for libedit; without the brackets it is the same text.
        let prompt = TerminalStyle(enabled: true, inPrompt: true).state(state)
        #expect(prompt.replacingOccurrences(of: "\u{1}", with: "") == expected)
        #expect(prompt.hasPrefix("\u{1}\u{1B}[") && prompt.hasSuffix("\u{1}\u{1B}[0m\u{1}"))
    }

    @Test func theColoursSayWhatTheStateMeans() {
        #expect(TerminalStyle.stateCode("cancelled") == "33")
        #expect(TerminalStyle.stateCode("processed") == "32")
        #expect(TerminalStyle.stateCode("failed") == "31")
        #expect(TerminalStyle.stateCode("expired") == "31")
        #expect(TerminalStyle.stateCode("processing") == "36")
        #expect(TerminalStyle.stateCode("active") == "1")
        #expect(TerminalStyle.stateCode("archived") == "1")
    }

    @Test func plainWhenColourIsOff() {
        for state in Self.states {
            #expect(TerminalStyle(enabled: false).state(state) == state)
            #expect(TerminalStyle(enabled: false, inPrompt: true).state(state) == state)
        }
        #expect(TerminalStyle(enabled: true, inPrompt: true).bold("x") == "\u{1}\u{1B}[1m\u{1}x\u{1}\u{1B}[0m\u{1}")
    }
}
