import ArgumentParser
import BuiltInSandbox
import Foundation
import HTTPConnections
import PushAPI
import PushScript
import PushShell
import PushSyntax
import Synchronization

/// `pushsh [run] FILE.push`, `pushsh -c`, a script on stdin.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a .push script (the default command).",
        discussion: "A script stops at its first error unless it says `set on_error continue`.")

    @Argument(help: "The script to run. Without one: statements from -c, or a script on stdin.")
    var file: String?

    @Option(name: .customShort("c"), help: "Run these statements instead of a file.")
    var command: String?

    @Option(
        name: .customLong("var"),
        help:
            "Define a variable: NAME=VALUE (repeatable). VALUE is read as JSON when it is a number, true, false, null or quoted; otherwise as text."
    )
    var variables: [String] = []

    @Option(help: "text (for people) or json (one object per result, for machines).")
    var output: String = "text"

    @Flag(name: .customShort("v"), help: "Trace every HTTP exchange (> sent, < received), the API key redacted.")
    var verbose = false

    @Flag(
        name: [.customShort("q"), .long],
        help: "No progress display while pushing files, and no notice of where requests go (the summary line stays).")
    var quiet = false

    @Flag(
        help:
            "End with a one-line summary on stderr: the time (UTC), the script, the exit code and its meaning, sessions started, records sent, accepted and rejected. For cron logs."
    )
    var summary = false

    @Flag(help: "Put the time (UTC) in front of every line on stderr: errors, warnings, -v traces, progress lines.")
    var timestamps = false

    @Flag(
        name: .customLong("keep-sessions"),
        help:
            "When the script fails or is interrupted, leave the sessions it started active (for a resume with skip N) instead of discarding them; as 'set on_error keep'."
    )
    var keepSessions = false
    @Option(
        name: .customLong("cacert"),
        help: ArgumentHelp(
            "Trust the CAs in this PEM file too, besides the system's (a TLS-inspecting proxy's CA). Same as PUSHSH_CACERT. SSL_CERT_FILE and SSL_CERT_DIR replace the system's CAs. In the shell: help network.",
            valueName: "FILE"))
    var cacert: String?

    @Option(
        name: .customLong("timeout"),
        help: ArgumentHelp(
            "How long one request may take (30s by default), e.g. 60s or 2m. Same as PUSHSH_TIMEOUT and 'set timeout'.",
            valueName: "DURATION"))
    var timeout: String?

    @Option(
        help: ArgumentHelp("Start connected to this profile of the config file (also PUSHSH_PROFILE).", valueName: "name"),
        completion: .custom { _, _, _ in
            (try? ProfileBook.load(environment: ProcessInfo.processInfo.environment).profiles.map(\.name)) ?? []
        })
    var profile: String?

    func validate() throws {
        guard output == "text" || output == "json" else { throw ValidationError("--output must be text or json") }
        if file != nil && command != nil { throw ValidationError("give a script file or -c, not both") }
        for definition in variables where ScriptVariables.parse(definition) == nil {
            throw ValidationError("--var takes NAME=VALUE with NAME a word (got \"\(definition)\")")
        }
        if let timeout, (DurationText.parse(timeout) ?? .zero) < .milliseconds(100) {
            throw ValidationError("--timeout takes a duration of at least 100ms, such as 30s or 2m (got \"\(timeout)\")")
        }
        // The variable follows the flag's rule: a bare number (5 what?) is refused, not ignored.
        if timeout == nil, let text = ProcessInfo.processInfo.environment["PUSHSH_TIMEOUT"], !text.isEmpty,
            (DurationText.parse(text) ?? .zero) < .milliseconds(100)
        {
            throw ValidationError("PUSHSH_TIMEOUT takes a duration of at least 100ms, such as 30s or 2m (got \"\(text)\")")
        }
    }

    /// The process environment, with the network flags folded in: they and
    /// their variables are one setting, read in one place.
    static func environment(cacert: String?, timeout: String?) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        if let cacert {
            // The flag wins over PUSHSH_CACERT, and -v and errors call it by the flag's name.
            environment["PUSHSH_CACERT"] = cacert
            environment[TrustSettings.sourceEnvironmentKey] = "--cacert"
        }
        if let timeout { environment["PUSHSH_TIMEOUT"] = timeout }
        return environment
    }

    func run() async throws {
        let environment = Self.environment(cacert: cacert, timeout: timeout)
        let started = ContinuousClock.now
        if file == nil && command == nil && isatty(STDIN_FILENO) == 1 {
            throw ExitCode(await Interactive.run(environment: environment, verbose: verbose, variables: variables, profile: profile))
        }
        let source: SourceFile
        if let command {
            source = SourceFile(name: "-c", text: command)
        } else if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                let reason = FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist"
                Terminal.warn("pushsh: \(file) \(reason)")
                if let line = summaryLine(ScriptExit.usage.rawValue, script: file, since: started) { Terminal.warn(line) }
                throw ExitCode(.usage)
            }
            source = SourceFile(name: file, bytes: [UInt8](data))
        } else {
            // A closed stdin (`<&-`) reads as an empty script: StandardStreams.prepare gave it /dev/null.
            do {
                source = SourceFile(name: "<stdin>", bytes: [UInt8]((try FileHandle.standardInput.readToEnd()) ?? Data()))
            } catch {
                Terminal.warn("pushsh: the script on standard input cannot be read: \(error.localizedDescription)")
                throw ExitCode(.usage)
            }
        }

        // A script that connects by itself starts on the built-in sandbox:
        // nothing before its `connect` goes to a real service because of the environment.
        let connects = Self.connects(Parser.parse(source).program.statements)
        let connection: Connection
        do {
            connection = try Connection.starting(
                explicitProfile: profile, scriptConnects: connects, environment: environment, sandboxes: .builtIn,
                transports: .http)
        } catch {
            Terminal.warn("pushsh: \(error.message)")
            if let line = summaryLine(ScriptExit.usage.rawValue, script: source.name, since: started) { Terminal.warn(line) }
            throw ExitCode(.usage)
        }
        let out: ScriptOutput =
            timestamps ? TimestampedErrors(StandardOutput(environment: environment)) : StandardOutput(environment: environment)
        if connection.sandbox != nil && output == "text" && !connects {
            out.writeError("pushsh: using the built-in sandbox (set SPRINTO_API_KEY and SPRINTO_INTEGRATION_ID to use the real service)\n")
        } else if let notice = connection.notice, !quiet {
            out.writeError("pushsh: \(notice)\n")
        }
        let interpreter = Interpreter(
            connection: connection, output: out, environment: environment, sandboxes: .builtIn, transports: .http)
        // `key prompt` asks on the terminal (/dev/tty) even when the script comes on stdin.
        interpreter.keyPrompt = { prompt in SecretPrompt.read(prompt) }
        Terminal.preparePager(for: interpreter, environment: environment)
        interpreter.setVerbose(verbose)
        if quiet { interpreter.setProgress(false) }
        if output == "json" { interpreter.setOutput(.json) }
        for definition in variables {
            if let (name, value) = ScriptVariables.parse(definition) { interpreter.define(name, value) }
        }
        interpreter.keepSessionsOnStop = keepSessions
        let code = await Self.runStoppably(interpreter, source)
        await connection.client.transport.shutdown()
        if let line = summaryLine(code, script: source.name, since: started, interpreter: interpreter) { out.writeError(line + "\n") }
        if code != ScriptExit.ok.rawValue { throw ExitCode(code) }
    }

    /// The `--summary` line, when asked for; without an interpreter the run
    /// ended before its script began (a missing file, a bad profile), and
    /// the log still gets its clear end.
    func summaryLine(_ code: Int32, script: String, since started: ContinuousClock.Instant, interpreter: Interpreter? = nil) -> String? {
        guard summary else { return nil }
        let line = RunSummary(
            ended: Date(), script: script, exitCode: code, elapsed: ContinuousClock.now - started,
            sessionsStarted: interpreter?.startedSessions.count ?? 0, records: interpreter?.recordsSent ?? RecordCounts())
        return output == "json" ? line.json : line.text
    }
}

extension Run {
    /// Runs the script in a task that SIGINT, SIGTERM or SIGHUP stops, or an
    /// output that can no longer be written (`| head -1`, `> /dev/full`): the
    /// interpreter is told why, stops at the next safe point, reports what
    /// landed and cleans up; the exit code is then 128 + the signal (141 for
    /// a broken pipe), or 8 for an output that failed otherwise.
    static func runStoppably(_ interpreter: Interpreter, _ source: SourceFile) async -> Int32 {
        StopSignals.install()
        let code = await StoppableWork.run {
            await interpreter.run(source)
        } stoppingWhen: {
            guard let stop = StopSignals.pending ?? StandardStreams.failure?.stop else { return false }
            if StopSignals.pending == nil { tellOutputFailure("stopping the run") }
            interpreter.interrupt(stop)
            return true
        }
        // The last lines may fail after the last statement: the output is
        // incomplete all the same, and a caller must not read it as a success.
        if code == ScriptExit.ok.rawValue, let failure = StandardStreams.failure {
            tellOutputFailure("the output is incomplete")
            return failure.stop.exitCode.rawValue
        }
        return code
    }

    private static let toldOutputFailure = Atomic<Bool>(false)

    /// Says once, on the other stream if it still works, which output failed and what follows.
    private static func tellOutputFailure(_ consequence: String) {
        guard let failure = StandardStreams.failure, !toldOutputFailure.exchange(true, ordering: .relaxed) else { return }
        Terminal.warn("pushsh: \(failure.description); \(consequence)")
    }

    /// Whether the script has a `connect` of its own (in a block too; not in an included file).
    static func connects(_ statements: [Statement]) -> Bool {
        statements.contains { statement in
            switch statement.kind {
            case .connect: return true
            case .if(let block): return block.branches.contains { connects($0.body) } || connects(block.elseBody ?? [])
            case .for(let loop): return connects(loop.body)
            default: return false
            }
        }
    }
}

/// `--var NAME=VALUE`.
enum ScriptVariables {
    static func parse(_ definition: String) -> (String, Value)? {
        guard let equals = definition.firstIndex(of: "=") else { return nil }
        let name = String(definition[..<equals])
        let text = String(definition[definition.index(after: equals)...])
        guard let first = name.first, first.isLetter || first == "_", name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            return nil
        }
        if let json = try? JSONValue(parsing: text) {
            switch json {
            case .int, .double, .bool, .null, .string: return (name, Value(json))
            default: break
            }
        }
        return (name, .string(text))
    }
}
