import Foundation
import Testing

/// Bytes a pipe's reader appends to while the test reads them.
final class LockedBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var ended = false
    /// Appends what a pipe gave; an empty read is its end of file.
    func append(_ more: Data) {
        lock.withLock {
            if more.isEmpty { ended = true } else { data.append(more) }
        }
    }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    /// Whether the writer has closed the pipe: all it wrote is here.
    var isComplete: Bool { lock.withLock { ended } }
}

/// A script stopped by SIGTERM or SIGINT in the middle of a slow push, run by
/// the real binary against a real `pushsh serve`: it must say what landed,
/// give the `skip N` that resumes, exit 128 + the signal, and leave the
/// integration unblocked (the session it started cancelled), unless told to keep it.
@Suite(.serialized) struct StopSignalTests {
    /// A child process whose output is collected as it comes.
    final class Child: @unchecked Sendable {
        let process = Process()
        private let collected = LockedBuffer()
        private let collectedErrors = LockedBuffer()

        init(_ arguments: [String], environment: [String: String], directory: URL) throws {
            process.executableURL = URL(fileURLWithPath: Binary.path)
            process.arguments = arguments
            process.environment = environment
            process.currentDirectoryURL = directory
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            out.fileHandleForReading.readabilityHandler = { [collected] handle in collected.append(handle.availableData) }
            err.fileHandleForReading.readabilityHandler = { [collectedErrors] handle in collectedErrors.append(handle.availableData) }
            try process.run()
        }

        var output: String { collected.text }
        var errors: String { collectedErrors.text }

        /// Waits until `text` shows in stdout or stderr, or the time runs out.
        func waitFor(_ text: String, seconds: Double = 30) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if output.contains(text) || errors.contains(text) { return true }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return false
        }

        func stop(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Waits for the exit (at most `seconds`) and gives the status; -1 if it did not end.
        func waitForExit(seconds: Double = 30) -> Int32 {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning {
                process.terminate()
                return -1
            }
            // The last output: read until both pipes have reached their end.
            while !(collected.isComplete && collectedErrors.isComplete) && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            return process.terminationStatus
        }
    }

    /// `pushsh serve` answering every request late, and a folder with a script pushing 1,000 records.
    func slowServiceAndScript() throws -> (server: Child, base: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-signal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var lines: [String] = []
        for i in 0..<1000 {
            lines.append(
                #"{"employeeId": "E\#(i)", "firstName": "A", "lastName": "B", "workEmail": "e\#(i)@example.com", "employmentType": "EMPLOYEE", "employmentStartDate": "2022-01-15T09:00:00Z"}"#
            )
        }
        try lines.joined(separator: "\n").write(to: folder.appendingPathComponent("big.jsonl"), atomically: true, encoding: .utf8)
        try "let s = start ref \"nightly\"\npush s User from \"big.jsonl\"\nclose s apply\n".write(
            to: folder.appendingPathComponent("nightly.push"), atomically: true, encoding: .utf8)
        let server = try Child(
            ["serve", "--port", "0", "--api-key", "signal-test-key", "--faults", "slow=1:300ms", "--seed", "3"],
            environment: Binary.environment(), directory: folder)
        #expect(server.waitFor("Press Ctrl-C to stop."), "serve did not start: \(server.output) \(server.errors)")
        let base =
            server.output.split(separator: "\n").first { $0.contains("listening on ") }
            .map { String($0.split(separator: " ").last ?? "") } ?? ""
        return (server, base, folder)
    }

    func environment(_ base: String) -> [String: String] {
        Binary.environment(["SPRINTO_BASE_URL": base, "SPRINTO_INTEGRATION_ID": "demo", "SPRINTO_API_KEY": "signal-test-key"])
    }

    /// Runs the script, waits until its second page is on its way, sends `signal`.
    func interruptedRun(_ signal: Int32, extra: [String] = []) throws -> (
        code: Int32, out: String, err: String, state: String, active: String
    ) {
        let (server, base, folder) = try slowServiceAndScript()
        defer {
            server.stop(SIGTERM)
            _ = server.waitForExit(seconds: 10)
            try? FileManager.default.removeItem(at: folder)
        }
        let env = environment(base)
        let script = try Child(extra + ["nightly.push"], environment: env, directory: folder)
        // The service logs each request: wait for the second page to be sent.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, server.output.components(separatedBy: "/entities").count < 3 { Thread.sleep(forTimeInterval: 0.02) }
        script.stop(signal)
        let code = script.waitForExit()
        let id = script.output.split(separator: " ").first { $0.hasPrefix("ses_") }.map(String.init) ?? "?"
        let status = try Binary.run(["-c", "status \"\(id)\""], environment: env, directory: folder)
        let integration = try Binary.run(["-c", "integration"], environment: env, directory: folder)
        let active = integration.output.split(separator: "\n").first { $0.contains("active ") }.map(String.init) ?? ""
        return (code, script.output, script.errors, status.output, active)
    }

    @Test func sigtermStopsTheRunReportsWhatLandedAndDiscardsTheSession() throws {
        let run = try interruptedRun(SIGTERM)
        #expect(run.code == 143, "\(run.err)")
        #expect(run.out.contains("started session ses_"))
        #expect(run.err.contains("push interrupted by SIGTERM: "), "\(run.err)")
        #expect(run.err.contains(" were accepted; the rest was not sent"), "\(run.err)")
        // The session is discarded, so a skip would lose records: the hint says to start over.
        #expect(
            run.err.contains("this run's session is discarded below and its records with it, so push the file again from the start"),
            "\(run.err)")
        #expect(!run.err.contains("skip "), "a skip after a discard would lose records: \(run.err)")
        #expect(run.err.contains("note: stopped by SIGTERM; discarded session ses_"), "\(run.err)")
        #expect(run.state.contains("state       cancelled"), "\(run.state)")
        #expect(run.active.hasSuffix(" 0"), "the integration still has an active session: \(run.active)")
        #expect(!run.out.contains("closed session"), "the close after the push must not run")
    }

    @Test func sigintExits130AndSaysTheSameThings() throws {
        let run = try interruptedRun(SIGINT)
        #expect(run.code == 130, "\(run.err)")
        #expect(run.err.contains("push interrupted by SIGINT (Ctrl-C)"), "\(run.err)")
        #expect(run.err.contains("note: stopped by SIGINT (Ctrl-C); discarded session ses_"), "\(run.err)")
        #expect(run.state.contains("state       cancelled"), "\(run.state)")
    }

    @Test func keepSessionsLeavesItActiveForAResume() throws {
        let run = try interruptedRun(SIGTERM, extra: ["--keep-sessions"])
        #expect(run.code == 143, "\(run.err)")
        #expect(run.err.contains("is left active"), "\(run.err)")
        #expect(run.err.contains("hint: to go on from there: push ... from \"big.jsonl\" skip "), "\(run.err)")
        #expect(run.state.contains("state       active"), "\(run.state)")
        // The skip N given is exact: the staged records are what the hint says to skip.
        let skip = run.err.components(separatedBy: "from \"big.jsonl\" skip ").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        let staged = run.state.split(separator: "\n").first { $0.contains("accepted ") }
            .flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
        #expect(skip != nil && skip == staged, "skip \(skip ?? -1) but \(staged ?? -1) records staged\n\(run.err)\n\(run.state)")
    }
}
