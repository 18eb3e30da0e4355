import Foundation
import HTTPTypes
import PushAPI
import PushSyntax
import Synchronization

/// Runs pushsh statements: the one engine behind scripts, `-c` and the shell.
///
/// Variables, settings and the connection live as long as the interpreter, so
/// the shell keeps everything between lines and after an error.
public final class Interpreter: @unchecked Sendable {
    // @unchecked: an interpreter runs one entry at a time; the shell hands it
    // to a task only to be able to cancel that entry on Ctrl-C.
    /// Variables in scope (one scope: blocks and includes share it).
    public internal(set) var variables: [String: Value] = [:]
    public internal(set) var settings = ScriptSettings() {
        // The error stream follows the output setting, whoever changes it (`--output json`, `set output`).
        didSet { notices.json = settings.output == .json }
    }
    public internal(set) var connection: Connection
    /// The one built-in sandbox of this shell or run, once there is one:
    /// `connect sandbox` comes back to it, so its sessions outlive a
    /// `connect` elsewhere (`sandbox reset` is the way to start afresh).
    public internal(set) var builtInSandbox: Connection?
    /// Trace every HTTP exchange to the error stream (`-v`).
    public var verbose = false
    /// Counts requests retried (429, 5xx, lost connections), for results and traces.
    let retries = RetryCounter()
    /// Also told of every HTTP exchange, traced or not (the shell's `learn` shows what happened).
    public var exchangeObserver: (@Sendable (Exchange) -> Void)? {
        didSet { applyClientSettings() }
    }
    let output: ScriptOutput
    /// The error stream's lines as JSON objects under `--output json` (``NoticeOutput``).
    private let notices: NoticeOutput
    let environment: [String: String]
    /// Sessions this interpreter has seen, by id, so a session id string finds its handle.
    var knownSessions: [String: SessionHandle] = [:]
    /// Every session this interpreter has seen (the shell's `save` writes their ids as names).
    public var knownSessionHandles: [SessionHandle] { Array(knownSessions.values) }
    /// Every source read so far, by name, to show lines of included files in errors.
    var sources: [String: SourceFile] = [:]
    /// Data files the check before the run read and found clean: a push that
    /// reads one the same way, unchanged, is not read a second time.
    var checkedFiles: [CheckedFile: PushPlan.Totals] = [:]
    /// Inline records whose warnings the check before the run already gave (by where they are written).
    var warnedInline: Set<SourceRange> = []
    /// Finds and reads included files, refusing cycles and endless trees of includes.
    var includes = IncludeLoader()
    /// The session the last session command touched, for the shell's prompt;
    /// scripts and the prompt read it as `last_session` (a bare `start` leaves
    /// a session no name holds).
    public internal(set) var lastSession: SessionHandle? {
        didSet { variables[Self.lastSessionName] = lastSession.map(Value.session) }
    }
    /// The most recent failure, for the shell; scripts and the prompt read it as
    /// `last_error` (`last_error.active_session_id` after a start met 409).
    public internal(set) var lastError: ScriptError? {
        didSet { variables[Self.lastErrorName] = lastError?.value ?? .null }
    }
    /// The variable the command running now gives its value to (`let r = ...`), for a shorter display.
    var bindingName: String?
    /// The names the interpreter keeps up to date itself.
    public static let lastSessionName = "last_session"
    public static let lastErrorName = "last_error"
    /// Records sent in pages so far (accepted or rejected), for a run's summary.
    public internal(set) var recordsSent = RecordCounts()
    /// Sessions started by this interpreter, in order: what a stopped run cleans up and the shell warns about.
    public internal(set) var startedSessions: [SessionHandle] = []
    /// The number of the signal that stopped the run (0: none); set from a signal watcher's thread.
    let stopSignalNumber = Atomic<Int32>(0)
    /// The signal that stopped the run, once `interrupt(_:)` was called.
    public var interruption: StopSignal? { StopSignal(rawValue: stopSignalNumber.load(ordering: .relaxed)) }
    /// Whether a run checks the whole script first; only tests turn it off,
    /// to see that the interpreter alone reaches the checker's verdicts.
    var checksBeforeRunning = true
    /// The flag that allows the built-in sandbox only (`pushsh test
    /// --sandbox-only`), when given: a `connect` elsewhere fails naming it.
    public var sandboxOnly: String?
    /// Keep the sessions a stopped run leaves active (`--keep-sessions`), as `set on_error keep` does.
    public var keepSessionsOnStop = false
    /// The HTTP exchange that failed in the statement of `lastError`, for `why`.
    public internal(set) var lastErrorExchange: Exchange?
    /// The latest failed exchange (4xx, 5xx, no answer) of the statement running now.
    let failedExchange = ExchangeBox()
    /// Asks for a secret without echo (`key prompt`); the shell sets it.
    public var keyPrompt: (@Sendable (String) -> String?)?
    /// Shows long help through a pager (the CLI sets it on a terminal only);
    /// returns false when the text was not paged and must be printed.
    public var pager: ((String) -> Bool)?
    /// The terminal's width, when results go to one: help prose is re-flowed to it.
    public var terminalWidth: Int?
    /// Runs `save` and `learn`, which only the shell can do.
    public var shellCommand: ((Statement) async throws -> Void)?
    var paint: TerminalStyle { TerminalStyle(enabled: output.color) }
    /// Colour for what goes to the error stream, decided for that stream.
    var errorPaint: TerminalStyle { TerminalStyle(enabled: output.errorColor) }
    /// Every value used as an API key so far (the built-in sandbox's public one
    /// aside): redacted in all output, kept out of history and saved scripts.
    public internal(set) var keysUsed: [String] = []
    /// Variables a key was computed from (`key k`, `key prefix + rest`): the
    /// shell keeps their definitions out of history and saved scripts.
    public internal(set) var keyVariables: Set<String> = []
    /// Warn when a key is written as a literal string; the shell says it itself, once.
    public var warnsAboutTypedKeys = true
    /// The variables this interpreter reads `env(...)` and profiles from.
    public var environmentVariables: [String: String] { environment }
    /// Builds the sandbox `connect sandbox` connects to; `nil` where no
    /// built-in sandbox is linked in (then `connect sandbox` says so).
    public let sandboxes: SandboxFactory?
    /// Builds the transport `connect url/region/profile` sends through; `nil`
    /// where no network transport is linked in (then those `connect`s say so).
    public let transports: TransportFactory?

    public init(
        connection: Connection, output: ScriptOutput, environment: [String: String] = ProcessInfo.processInfo.environment,
        sandboxes: SandboxFactory? = nil, transports: TransportFactory? = nil
    ) {
        self.connection = connection
        if connection.sandbox != nil { builtInSandbox = connection }
        variables[Self.lastErrorName] = .null
        self.sandboxes = sandboxes
        self.transports = transports
        // Redacted first, then made JSON: the key is hidden in the text before it is escaped.
        let notices = NoticeOutput(output)
        self.notices = notices
        self.output = RedactingOutput(notices)
        self.environment = environment
        // --timeout (as PUSHSH_TIMEOUT) wins over the profile's timeout.
        if let text = environment["PUSHSH_TIMEOUT"], let timeout = DurationText.parse(text), timeout > .zero {
            settings.requestTimeout = timeout
        } else if let timeout = connection.profile?.timeout {
            settings.requestTimeout = timeout
        }
        // The conventional key variable is a secret whether or not it is used
        // (a script may print it before it connects).
        if let key = environment["SPRINTO_API_KEY"], !key.isEmpty { keysUsed.append(key) }
        if connection.sandbox == nil { keySourced(connection.client.configuration.apiKey.revealed, variables: []) }
        applyClientSettings()
    }

    /// Closes the connection's network resources; call once done.
    public func shutdown() async {
        await connection.client.transport.shutdown()
        if connection.sandbox == nil { await builtInSandbox?.client.transport.shutdown() }
    }

    /// Defines a variable from outside (`--var NAME=VALUE`).
    public func define(_ name: String, _ value: Value) { variables[name] = value }

    /// Computes an expression against the variables in scope, `extra` names
    /// shadowing them for this evaluation only (the shell's `learn` checks).
    public func evaluate(_ expression: Expr, with extra: [String: Value]) throws(ScriptError) -> Value {
        let saved = variables
        defer { variables = saved }
        for (name, value) in extra { variables[name] = value }
        return try evaluate(expression)
    }

    // MARK: Running

    /// Parses, checks and runs a whole script; prints diagnostics and errors; returns the exit code.
    ///
    /// The whole script (and every file it includes) is checked first, as
    /// `pushsh check` checks it: an error there stops the run before the
    /// first request, with the same message and exit code 2.
    ///
    /// After `set on_error continue`, failures are reported and the script goes
    /// on; the exit code is then that of the first failure. When the script
    /// stops on a failure, or is interrupted (`interrupt(_:)`), it reports
    /// what landed and discards the sessions it started and left active
    /// (unless `set on_error keep`), so the integration is not left blocked.
    public func run(_ source: SourceFile) async -> Int32 {
        sources[source.name] = source
        // The script itself counts as included: a file that includes itself is a cycle at once.
        if !source.name.hasPrefix("<") && source.name != "-c" { includes.start(script: source.name) }
        guard let program = checkBeforeRunning(source) else {
            guard let signal = interruption else { return ExitCode.parse.rawValue }
            reportOutside(
                ScriptError(signal.exitCode, "stopped by \(signal.name) during the check before the run; nothing was sent"),
                label: "interrupted")
            return signal.exitCode.rawValue
        }
        var firstFailure: ScriptError?
        let code: Int32
        do {
            try await executeBlock(program.statements, firstFailure: &firstFailure)
            code = firstFailure?.exitCode.rawValue ?? ExitCode.ok.rawValue
        } catch let exit as ExitRequest {
            // `exit N` with N > 0 says the run failed: it leaves nothing behind either.
            if exit.code != ExitCode.ok.rawValue { await cleanUpAfterStopping(because: "ended with exit \(exit.code)") }
            return exit.code
        } catch var error as ScriptError {
            error.sessionsDiscarded = await willDiscardSessions()
            if let signal = interruption {
                report(error, asInterruption: true)
                await cleanUpAfterStopping(because: "stopped by \(signal.name)")
                return signal.exitCode.rawValue
            }
            report(error)
            await cleanUpAfterStopping(because: "stopped on an error")
            return error.exitCode.rawValue
        } catch {
            if let signal = interruption {
                reportOutside(ErrorReport.interruption(by: signal), label: "interrupted")
                await cleanUpAfterStopping(because: "stopped by \(signal.name)")
                return signal.exitCode.rawValue
            }
            reportOutside(ErrorReport.unexpected(error))
            await cleanUpAfterStopping(because: "stopped on an error")
            return ExitCode.runtime.rawValue
        }
        if let signal = interruption {
            await cleanUpAfterStopping(because: "stopped by \(signal.name)")
            return signal.exitCode.rawValue
        }
        // A run that went on past failures (on_error continue) still failed.
        if code != ExitCode.ok.rawValue { await cleanUpAfterStopping(because: "ended after a failure it went on past") }
        return code
    }

    /// The check every run makes before its first request: the parser's and
    /// the checker's diagnostics, printed as `pushsh check` prints them; nil
    /// when there is an error (the run must not start).
    ///
    /// `readingRecords`: data files' records are read too (a script's run);
    /// at the prompt the push's own check pass reads them a moment later,
    /// with the same words, and keeps `last_push`.
    func checkBeforeRunning(_ source: SourceFile, readingRecords: Bool = true) -> Program? {
        if !checksBeforeRunning {
            // Tests hold the interpreter's own rules to the checker's: parse only.
            let parsed = Parser.parse(source)
            if parsed.hasErrors { report(parsed.diagnostics, sources: [source]) }
            return parsed.hasErrors ? nil : parsed.program
        }
        var files = ScriptFiles.checkFiles { [weak self] included in self?.sources[included.name] = included }
        if readingRecords {
            files.records = { [weak self] request in
                let result = ScriptFiles.read(request)
                if let (file, totals) = result.clean { self?.checkedFiles[file] = totals }
                // Inline records' sandbox-only values, warned of here, are not warned of again by the push.
                if request.inlineJSON != nil, !result.diagnostics.isEmpty { self?.warnedInline.insert(request.range) }
                return result.diagnostics
            }
        } else {
            files.records = nil
        }
        let (program, diagnostics) = Checker.parseAndCheck(source, predefined: Set(variables.keys), files: files)
        // Stopped by a signal: what the check found is incomplete; the caller says why it stopped.
        if Task.isCancelled { return nil }
        if !diagnostics.isEmpty {
            report(diagnostics, sources: Array(sources.values))
        }
        return diagnostics.hasErrors ? nil : program
    }

    /// The outcome of one entry at the prompt.
    public enum EntryOutcome: Equatable, Sendable {
        case done
        case failed(ExitCode)
        case exit(Int32)
    }

    /// Runs one entry typed at the prompt: an error is reported and the shell goes on.
    public func runEntry(_ source: SourceFile) async -> EntryOutcome {
        sources[source.name] = source
        // The same check as a script's, with the names the shell already holds.
        guard let program = checkBeforeRunning(source, readingRecords: false) else { return .failed(.parse) }
        var firstFailure: ScriptError?
        do {
            try await executeBlock(program.statements, firstFailure: &firstFailure)
        } catch let exit as ExitRequest {
            return .exit(exit.code)
        } catch let error as ScriptError {
            report(error)
            return .failed(error.exitCode)
        } catch is CancellationError {
            let stop = ErrorReport.interruption(by: nil)
            reportOutside(stop, label: "interrupted")
            return .failed(stop.exitCode)
        } catch {
            let error = ErrorReport.unexpected(error)
            reportOutside(error)
            return .failed(error.exitCode)
        }
        return firstFailure.map { .failed($0.exitCode) } ?? .done
    }

    /// Runs statements in order, honouring `on_error`.
    func executeBlock(_ statements: [Statement], firstFailure: inout ScriptError?) async throws {
        for statement in statements {
            // Nothing new is started once a signal (or a lost output) asked the run
            // to stop. A lost output is looked at here too, not only by the runner's
            // watcher: the next statement (a `close ... apply`) may come sooner.
            if interruption == nil, let failure = StandardStreams.failure { interrupt(failure.stop) }
            if interruption != nil || Task.isCancelled { throw CancellationError() }
            do {
                failedExchange.clear()
                _ = try await execute(statement, firstFailure: &firstFailure)
            } catch let error as ScriptError {
                lastError = error
                lastErrorExchange = failedExchange.value
                // An interrupted run stops, whatever on_error says.
                guard settings.onError == .continue, interruption == nil else { throw error }
                report(error)
                if firstFailure == nil { firstFailure = error }
            }
        }
    }

    /// Prints an error that may have come from a signal stopping the run: the signal is named in front.
    func report(_ error: ScriptError, asInterruption: Bool) {
        report(asInterruption ? ErrorReport.stopped(error, by: interruption) : error)
    }

    /// Prints an error with its place, source line, caret, details and hint.
    public func report(_ error: ScriptError) {
        lastError = error
        write(ErrorReport(error))
    }

    /// Prints a failure that no statement reported (an interruption, an
    /// error that is not a `ScriptError`) in the same layout, without making
    /// it the error `why` explains.
    func reportOutside(_ error: ScriptError, label: String = "error") {
        write(ErrorReport(error, label: label))
    }

    /// A failure on the error stream: text for people, or with `--output json`
    /// (`set output json`) one JSON object per line, so that a machine reading
    /// the run never has to parse prose.
    private func write(_ report: ErrorReport) {
        switch settings.output {
        case .text: output.errorLine(report.text(sources: sources, color: output.errorColor))
        case .json: output.errorLine(report.json)
        }
    }

    /// The check's problems on the error stream, as text or one JSON object each.
    func report(_ diagnostics: [Diagnostic], sources: [SourceFile]) {
        switch settings.output {
        case .text: output.writeError(Diagnostic.render(diagnostics, sources: sources, color: output.errorColor))
        case .json: for diagnostic in diagnostics { output.errorLine(ErrorReport.json(diagnostic)) }
        }
    }

    // MARK: Statements

    /// Runs one statement; returns the value a command produces (for `let`).
    func execute(_ statement: Statement, firstFailure: inout ScriptError?) async throws -> Value? {
        let range = statement.range
        switch statement.kind {
        case .connect(let target):
            try refuseUnlessSandbox(target, at: range)
            try await connect(target, at: range)
            return nil
        case .start(let reference): return try await start(reference: reference, at: range)
        case .status(let session): return try await status(session, at: range)
        case .push(let command): return try await push(command, at: range)
        case .close(let session, let mode, let anyway): return try await close(session, mode: mode, anyway: anyway, at: range)
        case .wait(let command): return try await wait(command, at: range)
        case .integration: return try await integration(at: range)
        case .activity(let query): return try await activity(query, at: range)
        case .sandbox(let command): return try await sandbox(command, at: range)
        case .let(let name, let value):
            let result: Value
            switch value {
            case .expression(let expr): result = try evaluate(expr)
            case .command(let inner):
                bindingName = name.value
                defer { bindingName = nil }
                guard let produced = try await execute(inner, firstFailure: &firstFailure) else {
                    throw ScriptError.runtime("'\(inner.commandWord)' gives no value to keep", at: inner.range)
                }
                result = produced
            }
            if let problem = NameRules.problem(defining: name.value) {
                throw ScriptError(.parse, problem.message, at: name.range, hint: problem.hint)
            }
            variables[name.value] = result
            return nil
        case .print(let exprs):
            var parts: [String] = []
            for expr in exprs { parts.append(Rendering.plain(try evaluate(expr))) }
            show(.printed(parts.joined(separator: " ")))
            return nil
        case .expect(let condition, let message):
            let value = try evaluate(condition)
            guard value.isTruthy else {
                let text = try message.map { expr throws(ScriptError) in Rendering.plain(try evaluate(expr)) }
                throw ScriptError(
                    .expectFailed, text ?? "expectation failed", at: condition.range,
                    details: expectationDetails(condition))
            }
            return nil
        case .sleep(let expr):
            let d = try duration(expr, .sleep)
            try await pause(d)
            return nil
        case .if(let ifStatement):
            for branch in ifStatement.branches where try evaluate(branch.condition).isTruthy {
                try await executeBlock(branch.body, firstFailure: &firstFailure)
                return nil
            }
            if let elseBody = ifStatement.elseBody { try await executeBlock(elseBody, firstFailure: &firstFailure) }
            return nil
        case .for(let loop):
            let sequence = try evaluate(loop.sequence)
            let items: [Value]
            switch sequence {
            case .array(let a): items = a
            case .object(let o): items = o.map { .string($0.key) }
            default:
                throw ScriptError.runtime(
                    "for needs an array (or an object, for its keys), got \(sequence.typeName)", at: loop.sequence.range)
            }
            if let problem = NameRules.problem(defining: loop.variable.value) {
                throw ScriptError(.parse, problem.message, at: loop.variable.range, hint: problem.hint)
            }
            for item in items {
                try Task.checkCancellation()
                variables[loop.variable.value] = item
                try await executeBlock(loop.body, firstFailure: &firstFailure)
            }
            return nil
        case .include(let pathExpr):
            try await include(pathExpr, at: range, firstFailure: &firstFailure)
            return nil
        case .set(let setting):
            try apply(setting)
            return nil
        case .help(let topic):
            showHelp(topic)
            return nil
        case .exit(let codeExpr):
            let code = try codeExpr.map { expr throws(ScriptError) in try integer(expr, .exitCode) } ?? Int(ExitCode.ok.rawValue)
            throw ExitRequest(code: Int32(code))
        case .why:
            explainLastError()
            return nil
        case .save, .learn:
            guard let shellCommand else {
                throw ScriptError.runtime(
                    "\(statement.commandWord) works only in the interactive shell", at: range, hint: "open the shell with: pushsh")
            }
            try await shellCommand(statement)
            return nil
        case .expression(let expr):
            show(.value(try evaluate(expr)))
            return nil
        }
    }

    /// For a failed `a == b`, both sides' values.
    func expectationDetails(_ condition: Expr) -> [String] {
        guard case .binary(let op, let lhs, let rhs, _) = condition, op.isComparison,
            let left = try? evaluate(lhs), let right = try? evaluate(rhs)
        else { return [] }
        return ["left:  \(Rendering.inline(left))", "right: \(Rendering.inline(right))"]
    }

    func pause(_ d: Duration) async throws {
        do { try await connection.pause(d) } catch { throw CancellationError() }
    }

    func include(_ pathExpr: Expr, at range: SourceRange, firstFailure: inout ScriptError?) async throws {
        let written = try string(pathExpr, "the include path")
        let current = sources[range.file] ?? SourceFile(name: range.file, text: "")
        let included: IncludeLoader.Include
        do {
            included = try includes.load(written, from: current, at: pathExpr.range)
        } catch {
            if let (source, diagnostics) = error.unparsed {
                sources[source.name] = source
                report(diagnostics, sources: [source])
            }
            throw error.error
        }
        sources[included.source.name] = included.source
        includes.enter(included)
        defer { includes.leave() }
        try await executeBlock(included.statements, firstFailure: &firstFailure)
    }

    func apply(_ setting: Setting) throws(ScriptError) {
        switch setting {
        case .onError(let mode): settings.onError = mode.value
        case .output(let mode): settings.output = mode.value
        case .pageSize(let expr): settings.pageSize = try integer(expr, .pageSize)
        case .pageBytes(let expr): settings.pageBytes = try integer(expr, .pageBytes)
        case .progress(let on): settings.progress = on.value
        case .csvQuotes(let mode): settings.csv.lenientQuotes = mode.value == .lenient
        case .csvTrim(let on): settings.csv.trimHeader = on.value
        case .csvDuplicates(let mode): settings.csv.renameDuplicates = mode.value == .rename
        case .pushConcurrency(let expr): settings.pushConcurrency = try integer(expr, .pushConcurrency)
        case .retries(let expr):
            settings.retries = try integer(expr, .retries)
            applyClientSettings()
        case .retryFor(let expr):
            settings.retryFor = try duration(expr, .retryFor)
            applyClientSettings()
        case .settle(let expr): settings.settle = try duration(expr, .settle)
        case .validation(let on): settings.validation = on.value
        case .timeout(let expr):
            let timeout = try duration(expr, .requestTimeout)
            guard timeout >= .milliseconds(100) else {
                throw .runtime("a request timeout under 100ms cannot work", at: expr.range, hint: "set timeout 60s")
            }
            settings.requestTimeout = timeout
            applyClientSettings()
        case .partialPages(let mode): settings.partialPages = mode.value
        }
    }

    /// Gives the client the current retry policy and trace.
    func applyClientSettings() {
        connection.client.retryPolicy = settings.retryPolicy
        connection.client.configuration.requestTimeout = settings.requestTimeout
        // The built-in sandbox's key is public; any other is a secret, and
        // stays one after the next connect; so is a proxy's password.
        let key = connection.client.configuration.apiKey.revealed
        (output as? RedactingOutput)?.hide(keysUsed + (connection.sandbox == nil ? [key] : []) + connection.client.transport.secrets)
        let output = self.output
        let extra = exchangeObserver
        let retries = self.retries
        let verbose = self.verbose
        let showWaits = output.errorIsTerminal && !verbose
        let failed = failedExchange
        connection.client.observer = { exchange in
            if exchange.retryingAfter != nil { retries.add() }
            if exchange.failure != nil || (exchange.response?.status.code ?? 0) >= 400 { failed.set(exchange) }
            if verbose { output.writeError(Trace.render(exchange)) }
            // A wait of a second or more is said on a terminal, so a pause is never a mystery.
            if showWaits, let wait = exchange.retryingAfter, wait >= .seconds(1) { output.errorLine(Trace.waitLine(exchange, wait)) }
            extra?(exchange)
        }
    }

    /// Turns `-v` tracing on or off.
    public func setVerbose(_ on: Bool) {
        verbose = on
        applyClientSettings()
    }

    func showHelp(_ topic: Word?) {
        guard let topic else {
            showLong(CommandCatalog.overview)
            return
        }
        guard let text = CommandCatalog.helpAnswer(for: topic.value) else {
            output.line("no help on '\(topic.value)', and no help text mentions it; try: help")
            return
        }
        showLong(text)
    }

    /// Help text fitted to the terminal, through the pager when there is one.
    func showLong(_ text: String) {
        let fitted = terminalWidth.map { TextFlow.reflow(text, width: TextFlow.lineWidth(forTerminalColumns: $0)) } ?? text
        // Help is text in either mode, and paged only in text: in JSON a pager would hold up the machine reading.
        if settings.output == .text, let pager, pager(fitted) { return }
        output.line(fitted)
    }

    /// Remembers a session this interpreter started: a run that stops discards it if it is still active.
    func trackStarted(_ handle: SessionHandle) {
        if !startedSessions.contains(where: { $0.id == handle.id }) { startedSessions.append(handle) }
    }

    /// Says which fields of an answer could not be read (they are shown as sent).
    func warn(about warnings: [String], in what: String) {
        guard !warnings.isEmpty else { return }
        let list = warnings.prefix(5).joined(separator: "; ") + (warnings.count > 5 ? "; … and \(warnings.count - 5) more" : "")
        output.errorLine(errorPaint.warning("warning:") + " the \(what) answer has fields pushsh cannot read (\(list))")
    }

    /// Remembers a session touched by a command.
    func track(_ handle: SessionHandle) {
        knownSessions[handle.id] = handle
        lastSession = handle
    }
}

extension Interpreter {
    /// `--quiet` from the command line: no progress display.
    public func setProgress(_ on: Bool) { settings.progress = on }

    /// Whether pushes check records against the documented rules first (`set validation`).
    public func setValidation(_ on: Bool) { settings.validation = on }

    /// `--output json` from the command line.
    public func setOutput(_ mode: OutputMode) { settings.output = mode }
}

/// A count shared with the client's observer, which runs on any thread.
final class RetryCounter: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
