import BuiltInSandbox
import Foundation
import PushShell
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushScript

/// `error:` and `hint:` look the same wherever a person reads them: in a
/// diagnostic from `pushsh check`, in a runtime error and in a lesson (they
/// did not: `hint:` was bold cyan, cyan and yellow in those three).
@Suite struct LabelColourTests {
    static let error = "\u{1B}[1;31merror:\u{1B}[0m"
    static let hint = "\u{1B}[1;36mhint:\u{1B}[0m"

    /// Every `label` in `text` is written in `styled`: none plain, none in another colour.
    static func everyLabel(_ label: String, in text: String, is styled: String) -> Bool {
        text.components(separatedBy: label).count == text.components(separatedBy: styled).count
    }

    @Test func theRolesAreTheLooksPinnedHere() {
        let style = TerminalStyle(enabled: true)
        #expect(style.error("error:") == Self.error)
        #expect(style.hint("hint:") == Self.hint)
        #expect(TerminalStyle(enabled: false).error("error:") == "error:")
    }

    @Test func aDiagnosticFromCheck() throws {
        let source = SourceFile(name: "t.push", text: "close s x")
        let diagnostic = try #require(Parser.parse(source).diagnostics.first)
        let text = diagnostic.render(source: source, color: true)
        #expect(text.contains(Self.error) && text.contains(Self.hint), "\(text.debugDescription)")
        #expect(Self.everyLabel("error:", in: text, is: Self.error) && Self.everyLabel("hint:", in: text, is: Self.hint))
    }

    @Test func aRuntimeErrorWithAndWithoutItsLine() {
        let source = SourceFile(name: "run.push", text: "status t")
        let range = SourceRange(
            file: "run.push", start: SourceLocation(line: 1, column: 8, offset: 7),
            end: SourceLocation(line: 1, column: 9, offset: 8))
        for error in [
            ScriptError(.runtime, "undefined variable 't'", hint: "let t = start"),
            ScriptError(.runtime, "undefined variable 't'", at: range, hint: "let t = start"),
        ] {
            let text = ErrorReport(error).text(sources: ["run.push": source], color: true)
            #expect(text.contains(Self.error) && text.contains(Self.hint), "\(text.debugDescription)")
            #expect(Self.everyLabel("error:", in: text, is: Self.error) && Self.everyLabel("hint:", in: text, is: Self.hint))
        }
    }

    @Test func aLesson() async throws {
        let output = CapturedOutput(color: true)
        let lines = ScriptedLines(["learn lifecycle", "hint", "status t", "quit"])
        let learner = Interpreter(connection: frozenSandbox(), output: output, environment: [:], sandboxes: .builtIn)
        let shell = Shell(interpreter: learner, lines: lines, output: output, history: nil)
        shell.learnSettings = learnSettings(progress: nil, work: try temporaryFolder("learn-colour"))
        _ = await shell.run(showBanner: false)
        // The lesson's own hint on stdout, the failed command's error on stderr.
        #expect(output.standard.contains(Self.hint + " type it as shown"), "\(output.standard.debugDescription)")
        #expect(output.errors.contains(Self.error), "\(output.errors.debugDescription)")
        #expect(Self.everyLabel("hint:", in: output.combined, is: Self.hint), "\(output.combined.debugDescription)")
        #expect(Self.everyLabel("error:", in: output.combined, is: Self.error), "\(output.combined.debugDescription)")
    }
}
