import Foundation
import Testing

/// `pushsh learn` on a real pseudo-terminal: the first lesson, as a newcomer types it.
@Suite(.serialized) struct LearnTerminalTests {
    func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-learn-pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    @Test func theLifecycleLessonOnATerminal() throws {
        let dir = try folder()
        var env = Binary.environment(["PUSHSH_HISTORY": dir + "/history", "HOME": dir])
        // The sandbox's clock follows real time here, as for a person.
        env["PUSHSH_SANDBOX_EPOCH"] = nil
        let pty = try PseudoTerminal(arguments: ["learn"], environment: env)
        #expect(pty.expect("── Lesson: The session lifecycle (5 steps) ──"), "\(pty.state)")
        #expect(pty.expect("[lifecycle 1/5] sandbox> "), "\(pty.state)")
        pty.type("let s = start\r")
        #expect(pty.expect("✓ step 1 done: Start a session"), "\(pty.state)")
        #expect(pty.expect("[lifecycle 2/5] sandbox s:active> "), "\(pty.state)")
        // A wrong command gets a hint, and the step waits.
        pty.type("status\r")
        #expect(pty.expect("hint: status takes the session: status s"), "\(pty.state)")
        pty.type("status s\r")
        #expect(pty.expect("✓ step 2 done: Read the session back"), "\(pty.state)")
        #expect(pty.expect("[lifecycle 3/5] sandbox s:active> "), "\(pty.state)")
        // Tab completes the lesson's data file, from the lesson's own folder.
        pty.type("push s User from \"new-h\t")
        #expect(pty.expect("from \"new-hires.json\""), "\(pty.state)")
        pty.type("\r")
        #expect(pty.expect("✓ step 3 done: Push a page of records"), "\(pty.state)")
        pty.type("close s apply\r")
        #expect(pty.expect("state active → processing"), "\(pty.state)")
        #expect(pty.expect("[lifecycle 5/5] sandbox s:processing> "), "\(pty.state)")
        pty.type("wait s until processed\r")
        #expect(pty.expect("── Lesson complete: The session lifecycle ──"), "\(pty.state)")
        #expect(pty.expect("Next: learn discard"), "\(pty.state)")
        #expect(pty.expect("back in your own shell"), "\(pty.state)")
        // Back in the learner's shell: its own prompt, and the list shows the lesson done.
        pty.type("learn\r")
        try pty.waitFor(" 1. lifecycle   done")
        try pty.waitForPrompt("> ")  // the prompt after the list: Ctrl-D now reaches the shell
        pty.type("\u{04}")
        #expect(pty.waitForExit() == 0, "\(pty.state)")
        // Progress sits next to the history, readable by its owner only.
        let progress = dir + "/history.learn"
        #expect(try String(contentsOfFile: progress, encoding: .utf8).contains("\nlifecycle\n"))
        let mode = try FileManager.default.attributesOfItem(atPath: progress)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func listingAndMistakesOnTheCommandLine() throws {
        let dir = try folder()
        try "# lessons finished\nlifecycle\n".write(toFile: dir + "/progress", atomically: true, encoding: .utf8)
        let env = Binary.environment(["PUSHSH_LEARN_PROGRESS": dir + "/progress", "HOME": dir])
        let list = try Binary.run(["learn", "--list"], environment: env)
        #expect(list.code == 0)
        #expect(list.output.contains("1. lifecycle    done  The session lifecycle:"))
        #expect(list.output.contains("\n9. scripts "))
        #expect(list.output.contains("Writing the flow as a script: "))
        let unknown = try Binary.run(["learn", "nosuch"], environment: env)
        #expect(unknown.code == 1)
        #expect(unknown.output.contains("there is no lesson 'nosuch'"))
        let noTerminal = try Binary.run(["learn", "discard"], environment: env)
        #expect(noTerminal.code == 1)
        #expect(noTerminal.output.contains("needs a terminal"))
    }

    /// On a narrow terminal `learn --list` keeps its columns: only the
    /// description wraps, hang-indented under its own start.
    @Test func theListKeepsItsColumnsOnANarrowTerminal() throws {
        let dir = try folder()
        try "# lessons finished\nlifecycle\n".write(toFile: dir + "/progress", atomically: true, encoding: .utf8)
        let env = Binary.environment(["PUSHSH_LEARN_PROGRESS": dir + "/progress", "HOME": dir])
        let pty = try PseudoTerminal(arguments: ["learn", "--list"], environment: env, columns: 60)
        #expect(pty.waitForExit() == 0, "\(pty.state)")  // read to the end of the output
        let lines = pty.screen.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("1. lifecycle    done  The session lifecycle") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("2. discard           ") }, "\(lines)")
        // The last column stays free (TextFlow.lineWidth).
        for line in lines { #expect(line.count < 60, "\(line.count) columns: \(line)") }
        // Every line is a lesson's (a number, a name in 12 columns) or a continuation under the description.
        let lead = /^\d+\. \S+ +(done|    )  \S/
        for line in lines where !line.isEmpty {
            #expect(
                line.firstMatch(of: lead) != nil || (line.hasPrefix(String(repeating: " ", count: 22)) && line.dropFirst(22).first != " "),
                "misaligned: '\(line)'")
        }
        #expect(lines.contains { $0.hasPrefix(String(repeating: " ", count: 22)) }, "nothing wrapped at 60 columns: \(lines)")
    }
}
