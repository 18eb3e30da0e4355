import Foundation
import Testing

@testable import PushSyntax

@Suite struct CheckerTests {
    struct NotFound: Error {}

    /// Parses and checks `text` as `scripts/main.push`; `files` are the files `include` may read.
    func check(_ text: String, predefined: Set<String> = [], files: [String: String] = [:]) -> [Diagnostic] {
        let source = SourceFile(name: "scripts/main.push", text: text)
        let parsed = Parser.parse(source)
        #expect(parsed.diagnostics == [], "parse errors: \(parsed.diagnostics)")
        return Checker.check(parsed.program, source: source, predefined: predefined) { path in
            guard let text = files[path] else { throw NotFound() }
            return SourceFile(name: path, text: text)
        }
    }

    func problems(_ text: String, predefined: Set<String> = [], files: [String: String] = [:]) -> [String] {
        check(text, predefined: predefined, files: files).map {
            "\($0.range.file == "scripts/main.push" ? "" : $0.range.file + ":")\($0.range.line):\($0.range.column): \($0.severity.rawValue): \($0.message)"
        }
    }

    @Test func theIssueExampleIsClean() {
        #expect(check(ParserTests.example) == [])
    }

    @Test func undefinedVariables() {
        let marked = MarkedText("let s = start\nprint 1️⃣t.state\nstatus s\nprint 2️⃣x\nlet x = 1")
        #expect(
            problems(marked.text) == [
                "\(marked[1]): error: undefined variable 't'",
                "\(marked[2]): error: undefined variable 'x'",
            ])
        #expect(check(marked.text).first?.hint == "did you mean 's'?")
    }

    @Test func predefinedLoopAndBranchNamesAreDefined() {
        #expect(
            problems(
                """
                for e in errors
                  if e.field == "workEmail"
                    let bad = e
                  end
                end
                print bad, e, errors
                """, predefined: ["errors"]) == [])
    }

    @Test func hintsForNamesThatAreSomethingElse() {
        let diagnostics = check("print processed\nprint today\nprint status")
        #expect(
            diagnostics.map(\.hint) == [
                "to compare with a state, write it as a string: \"processed\"",
                "'today' is a function; call it: today()",
                "'status' is a command: it must start the statement, or give its result a name with 'let r = status ...'",
            ])
    }

    @Test func aLoneMisspeltCommandSuggestsTheCommand() {
        #expect(check("statu").first?.hint == "did you mean the command 'status'?")
    }

    @Test func commandWordsCannotBeVariables() {
        #expect(
            problems("let status = 1\nfor wait in [1]\nend\nlet end = 2\nlet count = 3") == [
                "1:5: error: 'status' is a command word and cannot be a variable name",
                "2:5: error: 'wait' is a command word and cannot be a variable name",
                "4:5: error: 'end' is a block word and cannot be a variable name",
            ])
    }

    @Test func functions() {
        #expect(
            problems(
                "print lenn(x)\nprint len()\nprint env(\"A\", \"b\")\nprint env(\"A\", \"b\", \"c\")\nprint now(1)",
                predefined: ["x"]) == [
                    "1:7: error: unknown function 'lenn'",
                    "2:7: error: 'len' takes 1 argument, not 0",
                    "4:7: error: 'env' takes 1 or 2 arguments, not 3",
                    "5:7: error: 'now' takes 0 arguments, not 1",
                ])
        #expect(check("print lenn(x)", predefined: ["x"]).first?.hint == "did you mean 'len'?")
    }

    @Test func impossibleWaits() {
        #expect(
            problems(
                """
                let s = start
                wait s until active
                wait s until processed or processed
                close s discard
                wait s until processed or failed
                wait s until cancelled
                """) == [
                    "2:14: warning: a session never becomes active again, so waiting for 'active' only succeeds at once or never",
                    "3:27: warning: 'processed' is listed twice",
                    "3:14: warning: no 'close s' comes before this wait, so 's' stays active and the wait only times out",
                    "5:14: warning: 's' was closed with discard on line 4, so it ends cancelled; this wait cannot succeed",
                ])
        #expect(
            problems("let s = start\nclose s apply\nwait s until cancelled or expired") == [
                "3:14: warning: 's' was closed with apply on line 2, so it ends processed or failed; this wait cannot succeed"
            ])
        // A new session under the same name starts afresh.
        #expect(problems("let s = start\nclose s discard\nlet s = start\nclose s apply\nwait s until processed") == [])
        // A close inside a branch may not happen, so it says nothing about later statements.
        #expect(
            problems("let s = start\nif x\n  close s discard\nend\nwait s until processed", predefined: ["x"]) == [])
    }

    @Test func usingAClosedSession() {
        #expect(
            problems("let s = start\nclose s apply\npush s User [{}]\nclose s discard") == [
                "3:6: warning: 's' was closed on line 2; only an active session accepts records (409)",
                "4:1: warning: 's' was already closed on line 2; closing it again is refused with 409",
            ])
    }

    @Test func literalValuesInTypedPositions() {
        let marked = MarkedText(
            """
            sleep 1️⃣5
            wait s until processed timeout 2️⃣"soon"
            set page_size 3️⃣500
            set retries 4️⃣1.5
            set retry_for 5️⃣10
            exit 6️⃣256
            activity since 7️⃣3 size 8️⃣0
            sandbox advance 9️⃣true
            """)
        #expect(
            problems(marked.text, predefined: ["s"]) == [
                "\(marked[1]): error: 'sleep' needs a duration, and 5 has no unit",
                "\(marked[2]): error: 'timeout' needs a duration such as 30s, not \"soon\"",
                "\(marked[3]): error: page_size must be from 1 to 200, not 500",
                "\(marked[4]): error: retries must be a whole number, not the number 1.5",
                "\(marked[5]): error: retry_for needs a duration, and 10 has no unit",
                "\(marked[6]): error: the exit code must be from 0 to 255, not 256",
                "\(marked[7]): error: 'since' needs a duration, and 3 has no unit",
                "\(marked[8]): error: the page size must be from 1 to 200, not 0",
                "\(marked[9]): error: 'sandbox advance' needs a duration such as 30s, not true",
            ])
        #expect(check("sleep 5").first?.hint == "write 5s (or 5ms, 5m, 5h, 5d)")
        // A string in a duration's form is one, at check as at run time.
        #expect(problems("wait s until processed timeout \"5m\"", predefined: ["s"]) == [])
        #expect(
            problems("activity since \"2025-01-01T00:00:00Z\"\nsleep d\nset page_size n", predefined: ["d", "n"]) == [])
        #expect(
            problems("push s User \"E1\"\nfor x in 3\nend", predefined: ["s"]) == [
                "1:13: error: records must be a JSON array or object, not the string \"E1\"",
                "2:10: error: 'for' loops over an array, not the number 3",
            ])
    }

    @Test func unknownHelpTopic() {
        #expect(problems("help pushh\nhelp push\nhelp exit-codes") == ["1:6: warning: there is no help on 'pushh'"])
    }

    @Test func includesAreResolvedFromTheIncludingFile() {
        let files = [
            "scripts/lib/connect.push": "let s = start\ninclude \"more.push\"",
            "scripts/lib/more.push": "let t = 1",
        ]
        #expect(problems("include \"lib/connect.push\"\nstatus s\nprint t", files: files) == [])
        #expect(problems("include \"/abs/x.push\"", files: ["/abs/x.push": "print 1"]) == [])
    }

    @Test func missingIncludeIsAnError() {
        let diagnostics = check("include \"nope.push\"")
        #expect(
            diagnostics.map(\.message) == ["cannot include \"nope.push\": the file does not exist or cannot be read"])
        #expect(
            diagnostics.first?.hint
                == "looked for scripts/nope.push; a path is relative to the folder of the file that includes it")
        #expect(problems("include 5") == ["1:9: error: 'include' takes a file path, not the number 5"])
    }

    @Test func diagnosticsOfIncludedFilesCarryTheirNameAndANote() {
        let files = ["scripts/lib.push": "close s finish\nprint zz"]
        #expect(
            problems("let s = start\ninclude \"lib.push\"", files: files) == [
                "scripts/lib.push:1:9: error: expected 'apply' or 'discard' after the session",
                "scripts/lib.push:2:7: error: undefined variable 'zz'",
                "2:9: note: in the file included here",
            ])
    }

    @Test func includeCycles() {
        let files = ["scripts/a.push": "include \"b.push\"", "scripts/b.push": "include \"a.push\""]
        #expect(
            problems("include \"a.push\"", files: files) == [
                "scripts/b.push:1:9: error: include cycle: scripts/a.push → scripts/b.push → scripts/a.push",
                "scripts/a.push:1:9: note: in the file included here",
                "1:9: note: in the file included here",
            ])
        #expect(
            problems("include \"main.push\"").first
                == "1:9: error: include cycle: scripts/main.push → scripts/main.push")
    }

    @Test func letCommandsAreCheckedToo() {
        #expect(
            problems("let r = push q User [x]") == [
                "1:14: error: undefined variable 'q'",
                "1:22: error: undefined variable 'x'",
            ])
    }
}

/// Found by fuzzing: a file that includes another several times, which does
/// the same, made the checker's work grow exponentially with the depth.
@Suite struct CheckerIncludeFanTests {
    @Test func aFanOfIncludesIsCheckedOnceAFile() {
        let library = SourceFile(
            name: "dir/lib/b.push", text: "include \"lib/b.push\"\ninclude \"lib/b.push\"\ninclude \"lib/b.push\"\nlet b = 1\n")
        let main = SourceFile(name: "dir/main.push", text: "include \"lib/b.push\"\ninclude \"lib/b.push\"\nprint b\n")
        let parsed = Parser.parse(main)
        let started = ContinuousClock.now
        let diagnostics = Checker.check(parsed.program, source: main, predefined: []) { path in
            guard path.hasSuffix("b.push") else { throw CocoaError(.fileNoSuchFile) }
            return library
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(
            diagnostics.contains { $0.message.contains("include cycle") || $0.message.contains("nested too deeply") },
            "\(diagnostics.map(\.message))")
        #expect(diagnostics.count < 50)
        #expect(!diagnostics.contains { $0.message.contains("'b'") })  // b is defined by the include
    }
}

extension CheckerIncludeFanTests {
    /// The fuzzer's input itself, run as the fuzz target runs it (fuzz/parser/FuzzParser.swift).
    @Test func theFuzzersTimeoutInputChecksQuickly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let crashes = root.appendingPathComponent("fuzz/crashes")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: crashes.path)) ?? []
        for name in names where name.hasPrefix("parser-") {
            let bytes = [UInt8](try Data(contentsOf: crashes.appendingPathComponent(name)))
            let marker = Array("\n#---\n".utf8)
            var mainBytes = bytes
            var libraryBytes = Array("print \"b\"\n".utf8)
            if let at = (0...(max(0, bytes.count - marker.count))).first(where: {
                bytes.count >= marker.count && Array(bytes[$0..<$0 + marker.count]) == marker
            }) {
                mainBytes = Array(bytes[..<at])
                libraryBytes = Array(bytes[(at + marker.count)...])
            }
            let main = SourceFile(name: "dir/main.push", bytes: mainBytes)
            let library = SourceFile(name: "dir/lib/b.push", bytes: libraryBytes)
            let started = ContinuousClock.now
            let parsed = Parser.parse(main)
            _ = Checker.check(parsed.program, source: main, predefined: ["batch", "limit"]) { path in
                if path.hasSuffix("b.push") { return library }
                if path.hasSuffix("main.push") { return main }
                throw CocoaError(.fileNoSuchFile)
            }
            #expect(ContinuousClock.now - started < .seconds(5), "\(name)")
        }
    }
}
