import Foundation
import Testing

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

    /// The output of the very last statement fails: the run has nothing left
    /// to stop, but its caller must not take the lost output for a success.
    @Test func outputLostAtTheEndIsStillAFailure() throws {
        let full = try run("> /dev/full", script: "print \"done\"\n")
        #expect(full.code == 8, "\(full.err)")
        #expect(full.err.contains("standard output cannot be written (No space left on device)"), "\(full.err)")
    }
}
