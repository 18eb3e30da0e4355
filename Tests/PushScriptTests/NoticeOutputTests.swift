import BuiltInSandbox
import PushAPI
import PushSyntax
import Testing
import _PushTestSupport

@testable import PushScript

/// The error stream under `--output json`: every line an object, whatever
/// wrote it, and text mode untouched.
struct NoticeOutputTests {
    func lines(_ text: String) throws -> [JSONValue] {
        try text.split(separator: "\n").map { try JSONValue(parsing: String($0)) }
    }

    @Test func textModePassesEverythingThrough() {
        let captured = CapturedOutput()
        let notices = NoticeOutput(captured)
        notices.writeError("warning: as it was\n  a detail\n")
        #expect(captured.errors == "warning: as it was\n  a detail\n")
    }

    @Test func jsonModeTurnsEachNoticeIntoOneObject() throws {
        let captured = CapturedOutput()
        let notices = NoticeOutput(captured)
        notices.json = true
        notices.writeError(
            "\u{1B}[33mwarning:\u{1B}[0m page 2 was accepted only in part\n  record 3: email is required\n  record 4: id is required\n")
        notices.writeError("people.jsonl:4: note: read as text\n")
        // A line written in two pieces is one object.
        notices.writeError("pushsh: using ")
        notices.writeError("the profile nightly\n\n")
        notices.writeError(#"{"error":"already an object","exit_code":3}"# + "\n")
        notices.writeError("> POST /v1/sessions\n")
        let objects = try lines(captured.errors)
        #expect(objects.count == 5, "\(captured.errors)")
        #expect(objects[0]["warning"]?.stringValue == "page 2 was accepted only in part")
        #expect(objects[0]["details"] == .array([.string("record 3: email is required"), .string("record 4: id is required")]))
        #expect(objects[1]["note"]?.stringValue == "read as text" && objects[1]["location"]?.stringValue == "people.jsonl:4")
        #expect(objects[2]["note"]?.stringValue == "using the profile nightly")
        #expect(objects[3]["error"]?.stringValue == "already an object" && objects[3]["exit_code"] == .int(3))
        #expect(objects[4]["trace"]?.stringValue == "> POST /v1/sessions")
        #expect(!notices.errorColor, "no colour inside JSON strings")
    }

    /// `set output json` mid-script switches the error stream with the results.
    @Test func theSettingDecidesForTheInterpretersErrorStream() async {
        let captured = CapturedOutput()
        let interpreter = Interpreter(connection: frozenSandbox(), output: captured, sandboxes: .builtIn)
        _ = await interpreter.run(SourceFile(name: "t.push", text: "let s = start\npush s User []\nset output json\npush s User []"))
        let errors = captured.errors.split(separator: "\n").map(String.init)
        #expect(errors.first?.hasPrefix("warning: nothing to push") == true, "\(captured.errors)")
        #expect(errors.last?.hasPrefix(#"{"warning":"nothing to push"#) == true, "\(captured.errors)")
    }
}
