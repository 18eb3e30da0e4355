import Foundation
import Testing

/// `help` through a pager in a real 80x24 terminal, with the system's `less`:
/// the pager must get the terminal (it used to run in a process group of its
/// own, be stopped by SIGTTOU and hang the shell for good), `q` must give the
/// prompt back with line editing working, and no choice of pager may lose the text.
///
/// Every wait has a timeout: a hang fails the test instead of holding up the suite.
@Suite(.serialized) struct PagerTerminalTests {
    static let overviewFirstLine = "pushsh: drive the Sprinto push API"
    static let overviewLastLine = "Type 'help WORD'"

    /// A shell's environment with the pager settings given (nil: unset).
    func environment(pager: String?, pushshPager: String? = nil, path: String? = nil) -> [String: String] {
        var env = Binary.environment([
            "PUSHSH_HISTORY": FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-history-\(UUID().uuidString)").path,
            "HOME": NSTemporaryDirectory(),
        ])
        env["PAGER"] = pager
        env["PUSHSH_PAGER"] = pushshPager
        env["LESS"] = nil
        env["LV"] = nil
        if let path { env["PATH"] = path }
        return env
    }

    @Test func helpPagesThroughLessAndQGivesBackAWorkingPrompt() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/less") else { return }
        let pty = try PseudoTerminal(environment: environment(pager: nil), columns: 80)
        try pty.waitForPrompt("sandbox> ")
        pty.type("help\r")
        // less has the terminal once it shows the first screen and reads keys one by one.
        try pty.waitForPrompt(Self.overviewFirstLine, timeout: 10)
        #expect(!pty.screen.contains(Self.overviewLastLine), "the overview is paged, not printed in full: \(pty.state)")
        pty.type("q")
        try pty.waitForPrompt("sandbox> ")
        // Line editing works after the pager: Ctrl-U clears a typed line, then a command runs.
        pty.type("garbage that would not parse\u{15}print \"after the pager\"\r")
        try pty.waitFor("\nafter the pager\n")
        try pty.waitForPrompt("sandbox> ")

        pty.type("help push\r")
        try pty.waitForPrompt("push: ", timeout: 10)
        // Ctrl-C is the pager's while it runs: it neither ends less nor interrupts the entry.
        pty.type("\u{03}")
        // less beeps and draws the page again; a key typed before that may be flushed with the ^C.
        try pty.waitFor("push: ")
        pty.type("q")
        try pty.waitForPrompt("sandbox> ")
        #expect(!pty.screen.contains("interrupted"), "\(pty.state)")
        pty.type("let s = start\r")
        try pty.waitForPrompt("sandbox s:active> ")
        pty.type("close s discard\r")
        try pty.waitForPrompt("sandbox s:cancelled> ")
        pty.type("\u{04}")
        #expect(pty.waitForExit() == 0, "\(pty.state)")
    }

    /// No pager wanted (empty, `cat`), or none that can start: the help is printed in full.
    @Test(
        arguments: [
            ("PAGER empty", "", nil, nil),
            ("PAGER=cat", "cat", nil, nil),
            ("PAGER unset, no less on the PATH", nil, nil, "/nonexistent/pushsh-no-pager"),
            ("PAGER a missing program", "no-such-pager-for-pushsh", nil, nil),
            ("PAGER a missing program with arguments", "no-such-pager-for-pushsh -R", nil, nil),
            ("PUSHSH_PAGER=cat over PAGER=less", "less", "cat", nil),
            ("PUSHSH_PAGER empty over PAGER=less", "less", "", nil),
        ] as [(String, String?, String?, String?)])
    func helpIsPrintedInFullWithoutAPager(_ name: String, pager: String?, pushshPager: String?, path: String?) throws {
        let pty = try PseudoTerminal(environment: environment(pager: pager, pushshPager: pushshPager, path: path), columns: 80)
        try pty.waitForPrompt("sandbox> ")
        pty.type("help\r")
        try pty.waitFor(Self.overviewLastLine)
        try pty.waitForPrompt("sandbox> ")
        #expect(pty.screen.contains(Self.overviewFirstLine), "\(name): \(pty.state)")
        pty.type("print \"still here\"\r")
        try pty.waitFor("\nstill here\n")
        try pty.waitForPrompt("sandbox> ")
        pty.type("\u{04}")
        #expect(pty.waitForExit() == 0, "\(name): \(pty.state)")
    }

    /// `PUSHSH_PAGER` wins over `PAGER`, and `LESS`/`LV` get git's defaults only when unset.
    @Test func pushshPagerWinsAndLessGetsGitsDefaults() throws {
        let env = environment(pager: "sed s/^/GENERAL:/", pushshPager: "sed s/^/OWN:/")
        let pty = try PseudoTerminal(arguments: ["-c", "help"], environment: env, columns: 80)
        #expect(pty.waitForExit() == 0, "\(pty.state)")
        #expect(pty.screen.contains("OWN:" + Self.overviewFirstLine) && !pty.screen.contains("GENERAL:"), "\(pty.state)")

        let shown = environment(pager: "echo LESS=$LESS LV=$LV; cat >/dev/null")
        let defaults = try PseudoTerminal(arguments: ["-c", "help"], environment: shown, columns: 80)
        #expect(defaults.waitForExit() == 0, "\(defaults.state)")
        #expect(defaults.screen.contains("LESS=FRX LV=-c"), "\(defaults.state)")
        var own = shown
        own["LESS"] = "-S"
        let kept = try PseudoTerminal(arguments: ["-c", "help"], environment: own, columns: 80)
        #expect(kept.waitForExit() == 0, "\(kept.state)")
        #expect(kept.screen.contains("LESS=-S LV=-c"), "\(kept.state)")
    }
}
