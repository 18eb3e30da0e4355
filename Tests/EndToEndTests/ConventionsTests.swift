import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Command-line conventions: colour per stream, help, versions, typos, busy ports, the pager.
@Suite struct ConventionsTests {
    /// Runs pushsh with stdout and stderr each either a terminal (a pty) or a pipe.
    func run(_ arguments: [String], stdoutTerminal: Bool, stderrTerminal: Bool, environment: [String: String]) throws -> (
        out: String, err: String
    ) {
        var master: Int32 = 0
        var slave: Int32 = 0
        guard openpty(&master, &slave, nil, nil, nil) == 0 else { throw POSIXError(.EIO) }
        defer { close(master) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = arguments
        process.environment = environment
        let tty = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = stdoutTerminal ? tty : out
        process.standardError = stderrTerminal ? tty : err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try tty.close()
        var screen: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(master, &buffer, buffer.count)
            if n <= 0 { break }
            screen += buffer[0..<n]
        }
        process.waitUntilExit()
        let piped = stdoutTerminal ? err : out
        try piped.fileHandleForWriting.close()
        let pipedText = String(decoding: piped.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let screenText = String(decoding: screen, as: UTF8.self)
        return stdoutTerminal ? (screenText, pipedText) : (pipedText, screenText)
    }

    @Test func colourIsDecidedForEachStream() throws {
        // A result (bold id) on stdout, an error (coloured) on stderr.
        let arguments = ["-c", "let s = start\nexpect 1 == 2"]
        var env = Binary.environment()
        env["NO_COLOR"] = nil
        env["TERM"] = "xterm"
        let escape = "\u{1B}["
        let errToFile = try run(arguments, stdoutTerminal: true, stderrTerminal: false, environment: env)
        #expect(errToFile.out.contains(escape), "\(errToFile)")
        #expect(!errToFile.err.contains(escape) && errToFile.err.contains("expectation failed"), "\(errToFile)")
        let outToPipe = try run(arguments, stdoutTerminal: false, stderrTerminal: true, environment: env)
        #expect(!outToPipe.out.contains(escape) && outToPipe.out.contains("started session"), "\(outToPipe)")
        #expect(outToPipe.err.contains(escape), "\(outToPipe)")
        for (name, value) in [("NO_COLOR", "1"), ("TERM", "dumb")] {
            var plain = env
            plain[name] = value
            let both = try run(arguments, stdoutTerminal: true, stderrTerminal: true, environment: plain)
            #expect(!both.out.contains(escape), "\(name): \(both.out)")
        }
    }

    /// The issue's case: `pushsh -c 'print x' 2>err.log` on a terminal. The
    /// check before the run reports `x`; its diagnostic goes to stderr and must
    /// be coloured for stderr (a file: none), not for stdout (the terminal).
    @Test func checkDiagnosticsAreColouredForTheErrorStreamAlone() throws {
        var env = Binary.environment()
        env["NO_COLOR"] = nil
        let escape = "\u{1B}["
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-err-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }

        // stdout on the terminal, stderr to a file: the file gets no escapes.
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let errLog = try FileHandle(forWritingTo: log)
        let errToFile = try PseudoTerminal(arguments: ["-c", "print x"], environment: env, standardError: errLog)
        try errLog.close()
        #expect(errToFile.waitForExit() == 2, "\(errToFile.state)")
        let errText = try String(contentsOf: log, encoding: .utf8)
        #expect(errText.contains("error:") && errText.contains("'x'"), "\(errText)")
        #expect(!errText.contains(escape), "escape codes in the error log: \(errText.debugDescription)")

        // The converse: stdout to a file, stderr on the terminal: the diagnostic
        // is coloured; stdout's file gets no escapes.
        let discarded = FileHandle(forWritingAtPath: "/dev/null")
        let errOnTerminal = try PseudoTerminal(arguments: ["-c", "print x"], environment: env, standardOutput: discarded)
        #expect(errOnTerminal.waitForExit() == 2, "\(errOnTerminal.state)")
        #expect(errOnTerminal.transcript.contains("\u{1B}[1;31merror:"), "\(errOnTerminal.transcript.debugDescription)")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let outLog = try FileHandle(forWritingTo: log)
        let outToFile = try PseudoTerminal(arguments: ["-c", "let s = start\nstatus s"], environment: env, standardOutput: outLog)
        try outLog.close()
        #expect(outToFile.waitForExit() == 0, "\(outToFile.state)")
        let outText = try String(contentsOf: log, encoding: .utf8)
        #expect(outText.contains("started session") && !outText.contains(escape), "\(outText.debugDescription)")
    }

    @Test func helpListsTheRunOptionsWithinEightyColumns() throws {
        var env = Binary.environment()
        env["COLUMNS"] = "80"
        let help = try Binary.run(["--help"], environment: env)
        #expect(help.code == 0)
        for option in [
            "-c STATEMENTS", "--var NAME=VALUE", "--output text|json", "-v, --verbose", "-q, --quiet", "--profile NAME", "pushsh profiles",
        ] {
            #expect(help.output.contains(option), "\(option) missing:\n\(help.output)")
        }
        let long = help.output.split(separator: "\n").filter { $0.count > 80 }
        #expect(long.isEmpty, "lines past 80 columns: \(long)")
        // An installed pushsh has a man page, not the source tree's docs/.
        #expect(help.output.contains("man pushsh") && !help.output.contains("docs/"), "\(help.output)")
        for flag in ["--summary", "--timestamps", "PUSHSH_PAGER"] {
            #expect(help.output.contains(flag), "\(flag) missing:\n\(help.output)")
        }
    }

    @Test func versionAndDidYouMean() throws {
        let version = try Binary.run(["--version"])
        #expect(version.output.hasPrefix("pushsh 0.1.0"), "\(version.output)")
        let typo = try Binary.run(["chek", "f.push"])
        #expect(typo.code == 1)
        #expect(typo.output.contains("did you mean 'pushsh check'?"), "\(typo.output)")
        let profiles = try Binary.run(["profile"])
        #expect(profiles.output.contains("did you mean 'pushsh profiles'?"), "\(profiles.output)")
        // A script's name is never taken for a typo.
        let missing = try Binary.run(["chek.push"])
        #expect(missing.output.contains("chek.push does not exist"), "\(missing.output)")
    }

    @Test func serveOnABusyPortNamesItAndSuggestsPortZero() throws {
        let first = try SecretsTests.Server()
        defer { _ = first.stop() }
        let port = try #require(first.base.split(separator: ":").last?.split(separator: "/").first.map(String.init))
        let second = try Binary.run(["serve", "--port", port])
        #expect(second.code == 3, "\(second.output)")
        #expect(second.output.contains("port \(port) on 127.0.0.1 is in use") && second.output.contains("--port 0"), "\(second.output)")
        #expect(!second.output.contains("bind(descriptor"))
    }

    @Test func longHelpGoesThroughThePagerOnATerminalOnly() throws {
        var env = Binary.environment()
        env["PAGER"] = "sed s/^/PAGED:/"
        let pty = try PseudoTerminal(arguments: ["-c", "help push\nhelp exit"], environment: env)
        #expect(pty.waitForExit() == 0, "\(pty.state)")
        #expect(pty.screen.contains("PAGED:push:"), "\(pty.state)")
        #expect(!pty.screen.contains("PAGED:exit"), "short help is printed as is: \(pty.screen)")
        let piped = try Binary.run(["-c", "help push"], environment: env)
        #expect(!piped.output.contains("PAGED:") && piped.output.contains("push:"))

        // With PAGER unset, `less` from the PATH, with git's LESS=FRX (colour kept, no screen switch, quit on one screen).
        let bin = FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-pager-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let less = bin.appendingPathComponent("less")
        try "#!/bin/sh\necho \"less called with: [$*] LESS=$LESS\"\nsed s/^/LESS:/\n".write(to: less, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: less.path)
        var byDefault = Binary.environment()
        byDefault["PAGER"] = nil
        byDefault["LESS"] = nil
        byDefault["PATH"] = bin.path + ":" + (byDefault["PATH"] ?? "/usr/bin:/bin")
        let defaulted = try PseudoTerminal(arguments: ["-c", "help push"], environment: byDefault)
        #expect(defaulted.waitForExit() == 0, "\(defaulted.state)")
        #expect(defaulted.screen.contains("less called with: [] LESS=FRX") && defaulted.screen.contains("LESS:push:"), "\(defaulted.state)")
    }

    /// Foundation's legacy FileHandle calls (`write(_:)`, `readDataToEndOfFile()`...)
    /// trap on any I/O error on Linux: a closed pipe or a full disk would crash
    /// a run and leave its session active. Sources write through
    /// StandardStreams (standard output and error) or the throwing
    /// `write(contentsOf:)`, and read with `readToEnd()`.
    @Test func noTrappingFileHandleCallsInSources() throws {
        let sources = Binary.root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        // Writers that are no FileHandle: our own, the C call, Foundation's throwing String/Data writers.
        let notFileHandles: Set<String> = ["StandardStreams", "Glibc", "Foundation", "JSONWriter", "inner", "text"]
        let legacy = try NSRegularExpression(
            pattern:
                #"(\w+)(?:\(\))?\.write\((?!contentsOf:|toFile:|to:)|readDataToEndOfFile\(|readData\(ofLength|\.seekToEndOfFile\(|\.synchronizeFile\(|\.closeFile\("#
        )
        var found: [String] = []
        for case let url as URL in files where url.pathExtension == "swift" {
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                let text = String(line)
                for match in legacy.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    if let receiver = Range(match.range(at: 1), in: text), notFileHandles.contains(String(text[receiver])) { continue }
                    found.append("\(url.path.replacingOccurrences(of: Binary.root.path + "/", with: "")):\(number + 1): \(text)")
                }
            }
        }
        #expect(
            found.isEmpty,
            "trapping FileHandle calls (use StandardStreams.write, write(contentsOf:) or readToEnd()):\n\(found.joined(separator: "\n"))")
    }

    @Test func theLessonListFitsTheTerminal() throws {
        let env = Binary.environment([
            "PUSHSH_LEARN_PROGRESS": FileManager.default.temporaryDirectory.appendingPathComponent("pushsh-progress-\(UUID().uuidString)")
                .path
        ])
        let pty = try PseudoTerminal(arguments: ["learn", "--list"], environment: env)
        #expect(pty.waitForExit() == 0, "\(pty.state)")
        let lines = pty.screen.split(separator: "\n")
        #expect(lines.count >= 9)
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(pty.screen)")
        // Some lines are longer than 100 columns unwrapped: their rest hangs under the title.
        #expect(lines.contains { $0.hasPrefix(String(repeating: " ", count: 22)) }, "\(pty.screen)")
    }
}
