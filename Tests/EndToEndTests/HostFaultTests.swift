import Foundation
import Testing
import _PushTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Faults of the host rather than the service, made for real: a reader that
/// goes away (`| head -1`), a full disk on stdout (`/dev/full`), standard
/// descriptors closed by whoever started pushsh. The run goes against a real
/// `pushsh serve` answering late, so the session it started can be looked at
/// afterwards: a crash would leave it active and block the integration.
@Suite(.serialized) struct HostFaultTests {
    /// Runs `pushsh nightly.push` in bash with `redirection` after it (e.g.
    /// `| head -1 >out.txt`; stderr goes to err.txt), against a slow served
    /// sandbox; then looks at the session.
    func run(_ redirection: String, script: String? = nil) throws -> (
        code: Int32, out: String, err: String, state: String, active: String
    ) {
        let signals = StopSignalTests()
        let (server, base, folder) = try signals.slowServiceAndScript()
        defer {
            server.stop(SIGTERM)
            _ = server.waitForExit(seconds: 10)
            try? FileManager.default.removeItem(at: folder)
        }
        if let script { try script.write(to: folder.appendingPathComponent("nightly.push"), atomically: true, encoding: .utf8) }
        let env = signals.environment(base)
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        // PIPESTATUS: pushsh's own status, not head's.
        shell.arguments = ["-c", "\"$0\" nightly.push 2>err.txt \(redirection); echo ${PIPESTATUS[0]} >code.txt", Binary.path]
        shell.environment = env
        shell.currentDirectoryURL = folder
        try shell.run()
        shell.waitUntilExit()
        func read(_ name: String) -> String {
            (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
        }
        let err = read("err.txt")
        let code = Int32(read("code.txt").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        let id =
            (read("out.txt") + err).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," })
            .first { $0.hasPrefix("ses_") }.map(String.init) ?? "?"
        let status = try Binary.run(["-c", "status \"\(id)\""], environment: env, directory: folder)
        let integration = try Binary.run(["-c", "integration"], environment: env, directory: folder)
        let active = integration.output.split(separator: "\n").first { $0.contains("active ") }.map(String.init) ?? ""
        return (code, read("out.txt"), err, status.output, active)
    }

    @Test func aReaderThatGoesAwayStopsTheRunWith141AndDiscardsTheSession() throws {
        let run = try run("| head -1 >out.txt")
        #expect(run.code == 141, "\(run.err)")
        #expect(run.out.hasPrefix("started session ses_"), "\(run.out)")
        #expect(!run.err.contains("Fatal error"), "\(run.err)")
        #expect(run.err.contains("standard output cannot be written (Broken pipe); stopping the run"), "\(run.err)")
        #expect(run.err.contains("discarded session ses_"), "\(run.err)")
        #expect(run.state.contains("state       cancelled"), "\(run.state)")
        #expect(run.active.hasSuffix(" 0"), "the integration still has an active session: \(run.active)")
    }

    @Test func aFullDiskOnStdoutStopsTheRunWith8AndDiscardsTheSession() throws {
        let run = try run("> /dev/full")
        #expect(run.code == 8, "\(run.err)")
        #expect(!run.err.contains("Fatal error"), "\(run.err)")
        #expect(run.err.contains("standard output cannot be written (No space left on device); stopping the run"), "\(run.err)")
        #expect(run.err.contains("discarded session ses_"), "\(run.err)")
        #expect(run.active.hasSuffix(" 0"), "the integration still has an active session: \(run.active)")
    }

    @Test func aClosedStdoutIsAnOutputThatCannotBeWritten() throws {
        let run = try run(">&-")
        #expect(run.code == 8, "\(run.err)")
        #expect(run.err.contains("standard output cannot be written (Bad file descriptor)"), "\(run.err)")
        #expect(run.active.hasSuffix(" 0"), "the integration still has an active session: \(run.active)")
    }

    @Test(arguments: ["<&- >out.txt", "</dev/null >out.txt"]) func noStandardInputRunsTheScriptAsUsual(redirection: String) throws {
        let run = try run(redirection)
        #expect(run.code == 0, "\(run.err)")
        #expect(run.out.contains("pushed 1000 User records"), "\(run.out)\n\(run.err)")
        #expect(run.out.contains("closed session"), "\(run.out)")
        #expect(!run.state.contains("state       active"), "\(run.state)")
    }

    /// No script file and a closed stdin (a scheduler's job with no input):
    /// an empty script, run as one, where Foundation's reader trapped on EBADF.
    @Test func aClosedStdinWithoutAScriptIsAnEmptyScript() throws {
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/bash")
        shell.arguments = ["-c", "\"$0\" <&- >/dev/null 2>&1", Binary.path]
        shell.environment = Binary.environment()
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
    }

    /// The output of the very last statement fails: the run has nothing left
    /// to stop, but its caller must not take the lost output for a success.
    @Test func outputLostAtTheEndIsStillAFailure() throws {
        let full = try run("> /dev/full", script: "print \"done\"\n")
        #expect(full.code == 8, "\(full.err)")
        #expect(full.err.contains("standard output cannot be written (No space left on device)"), "\(full.err)")
    }

    // MARK: Signals in every phase

    /// A served sandbox answering 300ms late, a script in `phase`'s shape, a
    /// signal sent once the script printed `ready` (or after `delay`).
    func signalled(_ signal: Int32, script: String, data: Int = 0, delay: Double? = nil) throws -> (
        code: Int32, out: String, err: String, seconds: Double, server: String, state: String, active: String
    ) {
        let signals = StopSignalTests()
        let (server, base, folder) = try signals.slowServiceAndScript()
        defer {
            server.stop(SIGTERM)
            _ = server.waitForExit(seconds: 10)
            try? FileManager.default.removeItem(at: folder)
        }
        if data > 0 {
            let line =
                #"{"employeeId": "E#", "firstName": "A", "lastName": "B", "workEmail": "e#@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
            let text = (0..<data).map { line.replacingOccurrences(of: "#", with: String($0)) }.joined(separator: "\n")
            try text.write(to: folder.appendingPathComponent("huge.jsonl"), atomically: true, encoding: .utf8)
        }
        try script.write(to: folder.appendingPathComponent("phase.push"), atomically: true, encoding: .utf8)
        let env = signals.environment(base)
        let child = try StopSignalTests.Child(["phase.push"], environment: env, directory: folder)
        if let delay {
            Thread.sleep(forTimeInterval: delay)
        } else {
            #expect(child.waitFor("ready"), "\(child.output) \(child.errors)")
            Thread.sleep(forTimeInterval: 0.2)
        }
        child.stop(signal)
        let sent = Date()
        let code = child.waitForExit()
        let seconds = Date().timeIntervalSince(sent)
        // The requests of the run alone, before this test's own look at the session.
        let requests = server.output
        let id = child.output.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix("ses_") }.map(String.init) ?? "?"
        let status = try Binary.run(["-c", "status \"\(id)\""], environment: env, directory: folder)
        let integration = try Binary.run(["-c", "integration"], environment: env, directory: folder)
        let active = integration.output.split(separator: "\n").first { $0.contains("active ") }.map(String.init) ?? ""
        return (code, child.output, child.errors, seconds, requests, status.output, active)
    }

    /// SIGTERM during the check before the run (a big data file): nothing is
    /// sent, not even the start, and the run ends at once.
    @Test func sigtermDuringTheCheckSendsNothing() throws {
        let run = try signalled(SIGTERM, script: "let s = start\npush s User from \"huge.jsonl\"\n", data: 100_000, delay: 0.5)
        #expect(run.code == 143, "\(run.err)")
        #expect(run.err.contains("interrupted: stopped by SIGTERM during the check before the run; nothing was sent"), "\(run.err)")
        #expect(!run.server.contains("/sessions"), "a request went out after the signal: \(run.server)")
        #expect(run.seconds < 2, "took \(run.seconds)s to stop")
    }

    /// A `sleep` and a `wait` stop at once on each signal, and the session is discarded.
    @Test(arguments: [
        (SIGTERM, "sleep 30s"), (SIGINT, "sleep 30s"), (SIGHUP, "sleep 30s"), (SIGTERM, "wait s until processed timeout 5m"),
        (SIGHUP, "wait s until processed timeout 5m"),
    ])
    func aSignalStopsASleepOrAWait(signal: Int32, command: String) throws {
        let run = try signalled(signal, script: "let s = start\nprint \"ready\"\n\(command)\nclose s apply\n")
        #expect(run.code == 128 + signal, "\(run.err)")
        #expect(run.err.contains("discarded session ses_"), "\(run.err)")
        #expect(run.state.contains("state       cancelled"), "\(run.state)")
        #expect(run.active.hasSuffix(" 0"), "\(run.active)")
        // Stopping is at once; the cleanup is two requests to a service answering 300ms late.
        #expect(run.seconds < 3, "took \(run.seconds)s to stop")
    }

    /// A signal while `start` or `close` is on the wire (the service answers
    /// 300ms late): the request finishes, nothing after it runs, and the
    /// integration is left with no active session.
    @Test(arguments: [
        "print \"ready\"\nlet s = start\nprint \"after\"\n", "let s = start\nprint \"ready\"\nclose s apply\nprint \"after\"\n",
    ])
    func aSignalDuringARequestStartsNothingAfterIt(script: String) throws {
        let run = try signalled(SIGTERM, script: script)
        #expect(run.code == 143, "\(run.err)")
        #expect(!run.out.contains("after"), "\(run.out)")
        #expect(run.active.hasSuffix(" 0"), "\(run.active)")
        #expect(run.seconds < 3, "took \(run.seconds)s to stop")
    }

    // MARK: Data files that change while they are pushed

    enum Change: String, CaseIterable, CustomStringConvertible {
        case append, truncate, rewriteInPlace
        var description: String { rawValue }
    }

    /// 20,000 records (four reading chunks) pushed to a served sandbox 20ms
    /// away; once the third page is on its way, this process changes the
    /// file. The push must stop before anything of the new version, say
    /// which file changed, and what landed must be of the checked version
    /// only: the kept session is applied and its records counted by version.
    @Test(arguments: Change.allCases) func aFileChangedMidPushIsNeverPushedAsAMix(change: Change) throws {
        let folder = try FileManager.default.url(
            for: .itemReplacementDirectory, in: .userDomainMask, appropriateFor: FileManager.default.temporaryDirectory, create: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try StopSignalTests.Child(
            ["serve", "--port", "0", "--api-key", "version-key", "--latency", "20ms", "--processing-time", "100ms"],
            environment: Binary.environment(), directory: folder)
        defer {
            server.stop(SIGTERM)
            _ = server.waitForExit(seconds: 10)
        }
        #expect(server.waitFor("Press Ctrl-C to stop."))
        let base =
            server.output.split(separator: "\n").first { $0.contains("listening on ") }.map { String($0.split(separator: " ").last ?? "") }
            ?? ""
        func records(_ range: Range<Int>, version: String) -> String {
            range.map {
                #"{"employeeId": "E\#($0)", "firstName": "\#(version)", "lastName": "B", "workEmail": "e\#($0)@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
            }.joined(separator: "\n") + "\n"
        }
        let data = folder.appendingPathComponent("export.jsonl")
        try records(0..<20_000, version: "V1").write(to: data, atomically: true, encoding: .utf8)
        try "let s = start\npush s User from \"export.jsonl\"\nclose s apply\n".write(
            to: folder.appendingPathComponent("nightly.push"), atomically: true, encoding: .utf8)
        let env = Binary.environment(["SPRINTO_BASE_URL": base, "SPRINTO_INTEGRATION_ID": "demo", "SPRINTO_API_KEY": "version-key"])
        let run = try StopSignalTests.Child(["--keep-sessions", "nightly.push"], environment: env, directory: folder)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, server.output.components(separatedBy: "/entities").count < 4 { Thread.sleep(forTimeInterval: 0.005) }
        let handle = try FileHandle(forUpdating: data)
        switch change {
        case .append:
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(records(20_000..<21_000, version: "V2").utf8))
        case .truncate:
            try handle.truncate(atOffset: 1_500_000)
        case .rewriteInPlace:
            // The same size, other bytes: only the bytes tell the versions apart.
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: Data(records(0..<20_000, version: "V2").utf8))
        }
        try handle.close()
        let code = run.waitForExit(seconds: 60)
        #expect(code == 3, "\(run.output)\n\(run.errors)")
        #expect(run.errors.contains("export.jsonl changed since it was checked ("), "\(run.errors)")
        #expect(run.errors.contains("nothing of the new version was sent"), "\(run.errors)")
        #expect(!run.output.contains("closed session"), "\(run.output)")
        // What landed, applied and read back: of one version, and as many as the run said were staged.
        let id = try #require(run.output.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix("ses_") })
        let staged = run.errors.components(separatedBy: "is left active (").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        let applied = try Binary.run(
            ["-c", "close \"\(id)\" apply\nwait \"\(id)\" until processed timeout 1m"], environment: env, directory: folder)
        #expect(applied.code == 0, "\(applied.output)")
        // The served sandbox's own route: what the service now holds.
        let origin = base.components(separatedBy: "/api/").first ?? base
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-H", "api-key: version-key", "\(origin)/_sandbox/integrations/demo/records/User"]
        let body = Pipe()
        curl.standardOutput = body
        try curl.run()
        let held = String(decoding: try body.fileHandleForReading.readToEnd() ?? Data(), as: UTF8.self)
        curl.waitUntilExit()
        let v1 = held.components(separatedBy: "V1").count - 1
        let v2 = held.components(separatedBy: "V2").count - 1
        #expect(v2 == 0, "records of the new version were pushed: \(v2)")
        #expect(v1 > 0 && v1 < 20_000 && v1 == staged, "\(v1) applied, \(staged ?? -1) said staged")
    }

    // MARK: Temporary space

    /// A CSV push with `TMPDIR` at `folder`: the spool there fails, the push does not.
    func pushCSV(tmpdir: String) throws -> Binary.Result {
        let scratch = try ScratchFolder("spool")
        defer { try? FileManager.default.removeItem(at: scratch.url) }
        let rows = (0..<200).map { "E\($0),Ada,Lovelace,e\($0)@example.com,EMPLOYEE,2022-01-15T09:00:00Z" }
        _ = try scratch.write(
            "staff.csv",
            "employeeId,firstName,lastName,workEmail,employmentType,employmentStartDate\n" + rows.joined(separator: "\n") + "\n")
        // A computed path: the check before the run does not read it, so the push spools it.
        _ = try scratch.write("spool.push", "let s = start\nlet f = \"staff.csv\"\npush s User from f\n")
        return try Binary.run(["spool.push"], environment: Binary.environment(["TMPDIR": tmpdir]), directory: scratch.url)
    }

    @Test func aTemporaryFolderThatCannotBeWrittenIsNamedAndTheFileReadTwice() throws {
        let missing = "/nonexistent/pushsh-tmp"
        let run = try pushCSV(tmpdir: missing)
        #expect(run.code == 0, "\(run.output)")
        #expect(run.output.contains("pushed 200 User records"), "\(run.output)")
        #expect(
            run.output.contains(
                "warning: the temporary folder \(missing)/ cannot be written (No such file or directory), so staff.csv is read a second time"
            ),
            "\(run.output)")
        #expect(!run.output.contains("fix the file"), "\(run.output)")
    }

    @Test func aFullTemporaryFolderIsNamedAndTheFileReadTwice() throws {
        let disk: TinyDisk
        switch TinyDisk.make(kilobytes: 16) {
        case .success(let made): disk = made
        case .failure(let reason):
            print("skipped: a full TMPDIR is needed: \(reason)")
            return
        }
        disk.fill()
        let run = try pushCSV(tmpdir: disk.path)
        #expect(run.code == 0, "\(run.output)")
        #expect(run.output.contains("pushed 200 User records"), "\(run.output)")
        #expect(run.output.contains("cannot be written (No space left on device), so staff.csv is read a second time"), "\(run.output)")
        #expect(!run.output.contains("fix the file") && !run.output.contains("could not be spooled"), "\(run.output)")
        #expect((try FileManager.default.contentsOfDirectory(atPath: disk.path)) == ["filler"], "the spool is not left behind")
        // The same folder read-only: named with its own reason.
        disk.empty()
        guard disk.makeReadOnly() else {
            print("skipped: the tmpfs could not be made read-only")
            return
        }
        let readOnly = try pushCSV(tmpdir: disk.path)
        #expect(readOnly.code == 0, "\(readOnly.output)")
        #expect(
            readOnly.output.contains("cannot be written (Read-only file system), so staff.csv is read a second time"), "\(readOnly.output)")
    }

    // MARK: The shell on a lost terminal

    /// The shell's terminal hung up (its window closed, the ssh connection
    /// dropped: the kernel sends SIGHUP):
    /// the session it started is discarded, as a script's would be, and the
    /// next shell says what happened, since nobody saw it on the lost terminal.
    /// At the prompt, or while a command runs (`sleep` on a real service sleeps
    /// for real); `set on_error keep` keeps the session instead, and the next shell says that.
    @Test(arguments: ["", "sleep 30s", "set on_error keep"])
    func aLostTerminalDiscardsTheShellsSessionAndTheNextShellSaysSo(command: String) throws {
        let keeps = command == "set on_error keep"
        let signals = StopSignalTests()
        let (server, base, folder) = try signals.slowServiceAndScript()
        defer {
            server.stop(SIGTERM)
            _ = server.waitForExit(seconds: 10)
            try? FileManager.default.removeItem(at: folder)
        }
        var env = signals.environment(base)
        env["PUSHSH_HISTORY"] = folder.appendingPathComponent("history").path
        let first = try PseudoTerminal(environment: env, directory: folder, columns: 80)
        try first.waitForPrompt("> ")
        first.type("let s = start\r")
        try first.waitFor("started session ses_")
        try first.waitForPrompt("s:active> ")
        let id = try #require(first.screen.split(whereSeparator: { $0 == " " || $0 == "\n" }).first { $0.hasPrefix("ses_") })
        if !command.isEmpty {
            first.type(command + "\r")
            try first.waitFor(command)
            Thread.sleep(forTimeInterval: 0.3)
        }
        let hungUp = Date()
        first.hangUp()
        // The status seen here is setsid's, not the shell's: what the shell did is read from the service and the next shell.
        #expect(first.waitForExit(timeout: 10) != nil, "\(first.state)")
        #expect(Date().timeIntervalSince(hungUp) < 5, "a running command must not hold the shell after a hang-up")
        let status = try Binary.run(["-c", "status \"\(id)\""], environment: signals.environment(base), directory: folder)
        #expect(status.output.contains(keeps ? "state       active" : "state       cancelled"), "\(status.output)")

        let second = try PseudoTerminal(environment: env, directory: folder, columns: 80)
        try second.waitForPrompt("> ")
        #expect(second.screen.contains("was stopped by SIGHUP at "), "\(second.state)")
        let told =
            keeps ? "session \(id) is left active (0 records staged); end it with: close \"\(id)\" discard" : "discarded session \(id)"
        #expect(second.screen.contains(told), "\(second.state)")
        second.type("exit\r")
        #expect(second.waitForExit() == 0)
        // Said once: a third shell has nothing to tell.
        let third = try PseudoTerminal(environment: env, directory: folder, columns: 80)
        try third.waitForPrompt("> ")
        #expect(!third.screen.contains("was stopped by"), "\(third.state)")
        third.type("exit\r")
        #expect(third.waitForExit() == 0)
    }
}
