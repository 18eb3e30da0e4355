/// Static checks of a parsed script, run by `pushsh check` and before a script runs.
///
/// It finds what the parser cannot: names used before any `let`, `for` or
/// `--var` defines them, command words used as names, unknown functions and
/// wrong argument counts, values of the wrong kind where a literal is written
/// (`sleep 5`), waits that cannot succeed, and problems in included files.
///
/// The checks are flow-insensitive where that is sensible: a name defined in
/// an `if` branch or a loop body counts as defined after it; only using a name
/// before any statement in file order defines it is an error.
public enum Checker: Sendable {
    /// How deep includes may nest before the checker stops following them.
    public static let maxIncludeDepth = 16
    /// How many different files one check follows at most.
    public static let maxIncludedFiles = 200

    /// Checks a program and returns its diagnostics (the parser's are not repeated).
    ///
    /// - Parameters:
    ///   - program: the parsed program.
    ///   - source: the file it came from; `include` paths are resolved from its folder.
    ///   - predefined: names already defined (`--var`, or earlier prompt lines).
    ///   - loadInclude: reads an included file, given its resolved path; throws when
    ///     it does not exist or cannot be read. Diagnostics in that file carry its
    ///     name, so keep the `SourceFile`s it returns to render them.
    public static func check(
        _ program: Program, source: SourceFile, predefined: Set<String>,
        loadInclude: (String) throws -> SourceFile
    ) -> [Diagnostic] {
        withoutActuallyEscaping(loadInclude) { load in
            var checker = ScriptChecker(defined: predefined, source: source, loadInclude: load)
            checker.includeStack = [source.name]
            checker.checkBlock(program.statements, in: source)
            return checker.diagnostics
        }
    }

    /// Checks a program, its includes and the files it names (data files,
    /// mapping files, CSV headers), as `pushsh check` and every run do.
    public static func check(_ program: Program, source: SourceFile, predefined: Set<String>, files: CheckFiles) -> [Diagnostic] {
        var checker = ScriptChecker(defined: predefined, source: source, loadInclude: files.loadInclude)
        checker.files = files
        checker.includeStack = [source.name]
        checker.checkBlock(program.statements, in: source)
        return checker.diagnostics
    }

    /// Parses and checks a whole source: the parser's diagnostics, then the
    /// checker's. What `pushsh check`, a run and the prompt share.
    ///
    /// The checker runs even when a line does not parse, over the statements
    /// that did, so one unfinished line does not hide every other problem.
    public static func parseAndCheck(_ source: SourceFile, predefined: Set<String>, files: CheckFiles) -> (
        program: Program, diagnostics: [Diagnostic]
    ) {
        let parsed = Parser.parse(source)
        let found = check(parsed.program, source: source, predefined: predefined.union(parsed.unfinishedNames), files: files)
        return (parsed.program, (parsed.diagnostics + found).sortedByLocation())
    }
}

/// What the checker may learn about files without running anything.
///
/// PushSyntax does no I/O itself; the caller (pushsh check, the interpreter)
/// passes these, reading the disk.
public struct CheckFiles {
    /// What a data file looks like from outside.
    public enum DataFile: Sendable, Hashable {
        case missing, folder, unreadable
        /// Readable; for a file whose first line could be read, the CSV header's names.
        case readable(csvHeader: [String]?)
    }

    /// Reads an included file by its resolved path; throws when it cannot be read.
    public var loadInclude: (String) throws -> SourceFile
    /// Looks at a data file by its resolved path (reading at most its first line).
    public var dataFile: (String) -> DataFile
    /// How a resolved path is shown in messages (relative to the current folder when under it).
    public var shown: (String) -> String
    /// Reads a data file's records as the push would and returns what would
    /// stop it (unreadable lines, broken record rules), so a run fails before
    /// its first request and `pushsh check` says so; nil: records unread.
    public var records: ((DataFileRecords) -> [Diagnostic])?
    /// The names of the files in a folder (by its resolved path, "" for the
    /// current one), for "did you mean" when a data file is missing.
    public var folderEntries: (String) -> [String] = { _ in [] }

    public init(
        loadInclude: @escaping (String) throws -> SourceFile, dataFile: @escaping (String) -> DataFile,
        shown: @escaping (String) -> String = { $0 }
    ) {
        self.loadInclude = loadInclude
        self.dataFile = dataFile
        self.shown = shown
    }
}

/// A `push ... from FILE` whose records can be read before the run: the
/// file, how the push reads it, and the settings in force at that statement
/// (the checker follows `set` statements in order, as the run does).
public struct DataFileRecords: Sendable {
    /// The resolved path, and the path as written.
    public var path: String
    public var written: String
    /// The path expression: diagnostics go under it.
    public var range: SourceRange
    public var entityType: String
    public var format: PushFormat?
    /// `map "A" to b`, in order; a mapping file's pairs come first.
    public var renames: [(from: String, to: String)]
    /// A `mapping "FILE"` (resolved): its object of renames, read with the records.
    public var mappingFile: String?
    public var skip: Int
    public var settings: RecordSettings
    /// Records written in the script instead of a file (`push s User [{...}]`),
    /// as JSON text; `path` is then empty and `written` says "the records".
    public var inlineJSON: String? = nil
}

/// The settings a data file is read under, as far as the checker can follow them.
public struct RecordSettings: Sendable, Hashable {
    /// `set validation on|off`.
    public var validation = true
    /// `set csv_quotes lenient`, `set csv_trim on`, `set csv_duplicates rename`.
    public var csvLenientQuotes = false
    public var csvTrim = false
    public var csvRenameDuplicates = false
    /// `set page_bytes N`: the largest record.
    public var pageBytes = 5_000_000
    /// False once a setting that changes reading was given a value only the run knows.
    public var known = true
    /// `set on_error continue`: a push that will fail is the script's to handle.
    public var continuesOnError = false

    public init() {}
}

/// One run of the checker: the names defined so far and the diagnostics found.
struct ScriptChecker {
    var defined: Set<String>
    let loadInclude: (String) throws -> SourceFile
    var diagnostics: [Diagnostic] = []
    /// The files being checked, outermost first, to catch include cycles.
    var includeStack: [String] = []
    /// Files already checked, with the names each defines.
    var checkedIncludes: [String: Set<String>] = [:]
    /// Sessions (by variable name) closed earlier in the current straight-line stretch, and how.
    var closed: [String: Located<CloseMode>] = [:]
    /// Sessions this script starts (`let s = start`), by variable, and those
    /// a `close` names anywhere after that, in file order (a close in a block
    /// counts: this only catches the wait nothing could ever move).
    var startedSessions: Set<String> = []
    var closedSessions: Set<String> = []
    /// The file being checked now (an included one while its statements are checked): paths resolve from it.
    var currentSource: SourceFile
    /// What may be learnt about files on disk; nil checks the script alone.
    var files: CheckFiles?
    /// The settings that change how data files are read, as `set` statements leave them.
    var recordSettings = RecordSettings()

    init(defined: Set<String>, source: SourceFile, loadInclude: @escaping (String) throws -> SourceFile) {
        // `last_error` is always there: null until something fails.
        self.defined = defined.union(["last_error"])
        self.currentSource = source
        self.loadInclude = loadInclude
    }

    // MARK: - Statements

    mutating func checkBlock(_ statements: [Statement], in source: SourceFile) {
        for statement in statements { check(statement, in: source) }
    }

    /// Checks a nested block: names it defines stay defined, but what it learns
    /// about closed sessions does not leak out (the block may not run).
    mutating func checkNestedBlock(_ statements: [Statement], in source: SourceFile) {
        let saved = closed
        checkBlock(statements, in: source)
        closed = saved
    }

    mutating func check(_ statement: Statement, in source: SourceFile) {
        switch statement.kind {
        case .connect(let target):
            switch target {
            case .sandbox, .profile: break
            case .region(_, let integration, let key, let cacert):
                check(integration)
                check(key)
                if let cacert { check(cacert) }
            case .url(let url, let integration, let key, let cacert):
                check(url)
                check(integration)
                check(key)
                if let cacert { check(cacert) }
            }
        case .start(let reference):
            reference.map { check($0) }
            // Every session command leaves its session in `last_session`; a new one is not closed yet.
            defined.insert("last_session")
            closed["last_session"] = nil
        case .status(let session):
            check(session)
            defined.insert("last_session")
        case .push(let push):
            checkPush(push)
            defined.insert("last_session")
            // Every push leaves its result in `last_push`, even a rejected one.
            defined.insert("last_push")
        case .close(let session, let mode, _):
            check(session)
            if case .variable(let name, _) = session {
                if let earlier = closed[name] {
                    warn(
                        "'\(name)' was already closed on line \(earlier.range.line); "
                            + "closing it again is refused with 409",
                        at: statement.range)
                }
                closed[name] = mode
                closedSessions.insert(name)
            }
        case .wait(let wait):
            checkWait(wait)
        case .integration:
            break
        case .activity(let query):
            if let since = query.since { checkSince(since) }
            if let page = query.page { expect(page, .activityPage) }
            if let size = query.size { expect(size, .activitySize) }
        case .let(let name, let value):
            switch value {
            case .expression(let expression): check(expression)
            case .command(let command): check(command, in: source)
            }
            define(name)
            closed[name.value] = nil
            closedSessions.remove(name.value)
            if case .command(let command) = value, case .start = command.kind {
                startedSessions.insert(name.value)
            } else {
                startedSessions.remove(name.value)
            }
        case .print(let values):
            for value in values { check(value) }
        case .expect(let condition, let message):
            check(condition)
            message.map { check($0) }
        case .sleep(let duration):
            expect(duration, .sleep)
        case .if(let conditional):
            for branch in conditional.branches {
                check(branch.condition)
                checkNestedBlock(branch.body, in: source)
            }
            if let elseBody = conditional.elseBody { checkNestedBlock(elseBody, in: source) }
        case .for(let loop):
            check(loop.sequence)
            if case .literal(let literal, let range) = loop.sequence {
                error("'for' loops over an array, not \(literal.description)", at: range, hint: "for x in [1, 2, 3]")
            }
            define(loop.variable)
            checkNestedBlock(loop.body, in: source)
        case .include(let path):
            checkInclude(path, statement: statement, in: source)
        case .set(let setting):
            checkSetting(setting)
        case .help(let topic):
            if let topic, CommandCatalog.helpAnswer(for: topic.value) == nil {
                let suggestion = Spelling.closest(to: topic.value, among: CommandCatalog.helpWords)
                warn(
                    "there is no help on '\(topic.value)'", at: topic.range,
                    hint: suggestion.map { "did you mean 'help \($0)'?" } ?? "type 'help' for the commands and topics")
            }
        case .exit(let code):
            if let code { expect(code, .exitCode) }
        case .sandbox(let command):
            checkSandbox(command)
        case .save(let path, _, let entries):
            check(path)
            if case .last(let count) = entries { expect(count, .saveLast) }
        case .learn, .why:
            break
        case .expression(let expression):
            check(expression)
        }
    }

    private mutating func check(_ key: KeySource) {
        switch key {
        case .value(let expression), .file(let expression): check(expression)
        case .prompt: break
        }
    }

    private mutating func checkPush(_ push: PushCommand) {
        check(push.session)
        checkEntityType(push.entityType)
        if case .variable(let name, _) = push.session, let earlier = closed[name] {
            warn(
                "'\(name)' was closed on line \(earlier.range.line); only an active session accepts records (409)",
                at: push.session.range)
        }
        switch push.source {
        case .records(let records):
            check(records)
            if case .literal(let literal, let range) = records {
                error(
                    "records must be a JSON array or object, not \(literal.description)", at: range,
                    hint: "push \(name(of: push.session)) \(push.entityType.value) [{\"employeeId\": \"E1\"}]")
            }
            checkInlineRecords(records, entityType: push.entityType.value)
        case .file(let path, let options):
            check(path)
            if let skip = options.skip { expect(skip, .pushSkip) }
            if let mapping = options.mapping {
                check(mapping)
                // A string names a JSON file holding the object (checked with the data files).
                if case .literal(let literal, let range) = mapping, mapping.stringLiteral == nil {
                    error(
                        "'mapping' takes an object of field names, not \(literal.description)", at: range,
                        hint: "mapping {\"Employee ID\": \"employeeId\"}")
                }
            }
            for map in options.mappings { check(map.from) }
            checkDataFile(path, options: options, entityType: push.entityType.value)
        }
    }

    private mutating func checkWait(_ wait: WaitCommand) {
        check(wait.session)
        var seen: Set<SessionStateName> = []
        for state in wait.states {
            if !seen.insert(state.value).inserted {
                warn("'\(state.value.rawValue)' is listed twice", at: state.range)
            }
        }
        if let active = wait.states.first(where: { $0.value == .active }) {
            warn(
                "a session never becomes active again, so waiting for 'active' only succeeds at once or never",
                at: active.range, hint: "wait for what closing leads to: processed, failed or cancelled")
        }
        if case .variable(let name, _) = wait.session, let close = closed[name] {
            let reachable: Set<SessionStateName> =
                close.value == .apply
                ? SessionStateName.processing.reachable : [.cancelled]
            if seen.isDisjoint(with: reachable), let first = wait.states.first, let last = wait.states.last {
                let outcome = close.value == .apply ? "processed or failed" : "cancelled"
                warn(
                    "'\(name)' was closed with \(close.value.rawValue) on line \(close.range.line), "
                        + "so it ends \(outcome); this wait cannot succeed",
                    at: first.range.through(last.range),
                    hint: "wait \(name) until \(close.value == .apply ? "processed or failed" : "cancelled")")
            }
        }
        if case .variable(let name, _) = wait.session, startedSessions.contains(name), !closedSessions.contains(name),
            let first = wait.states.first, let last = wait.states.last,
            SessionStateName.waitNeedsClose(seen)
        {
            warn(
                "no 'close \(name)' comes before this wait, so '\(name)' stays active and the wait only times out",
                at: first.range.through(last.range),
                hint: "close \(name) apply first: an active session moves only when it is closed (or expires)")
        }
        if let timeout = wait.timeout { expect(timeout, .waitTimeout) }
    }

    private mutating func checkSetting(_ setting: Setting) {
        switch setting {
        case .onError(let mode): recordSettings.continuesOnError = mode.value == .continue
        case .output, .progress, .partialPages: break
        case .validation(let on): recordSettings.validation = on.value
        case .csvQuotes(let mode): recordSettings.csvLenientQuotes = mode.value == .lenient
        case .csvTrim(let on): recordSettings.csvTrim = on.value
        case .csvDuplicates(let mode): recordSettings.csvRenameDuplicates = mode.value == .rename
        case .timeout(let value): expect(value, .requestTimeout)
        case .pageBytes(let value):
            expect(value, .pageBytes)
            if case .literal(.integer(let bytes), _) = value { recordSettings.pageBytes = Int(bytes) } else { recordSettings.known = false }
        case .pageSize(let value): expect(value, .pageSize)
        case .pushConcurrency(let value): expect(value, .pushConcurrency)
        case .retries(let value): expect(value, .retries)
        case .retryFor(let value): expect(value, .retryFor)
        case .settle(let value): expect(value, .settle)
        }
    }

    private mutating func checkSandbox(_ command: SandboxCommand) {
        switch command {
        case .advance(let duration): expect(duration, .sandboxAdvance)
        case .failNext(let count): if let count { expect(count, .sandboxFailNext) }
        case .processing(let duration): expect(duration, .sandboxProcessing)
        case .rateLimit(let limit): if let limit { expect(limit, .sandboxRateLimit) }
        case .records(let type): checkEntityType(type)
        case .reset: break
        case .faults(let plan):
            if let plan {
                check(plan)
                if case .literal(.string, _) = plan {
                } else if case .literal(let literal, let range) = plan {
                    error(
                        "'sandbox faults' takes a plan such as \"reset=0.05,error=0.05\" (or an object, or 'off'), not \(literal.description)",
                        at: range)
                }
            }
        }
    }

    // MARK: - Names

    /// Defines a name, refusing the words that start statements.
    private mutating func define(_ name: Word) {
        if let problem = NameRules.problem(defining: name.value) {
            error(problem.message, at: name.range, hint: problem.hint)
        }
        defined.insert(name.value)
    }

    func name(of expression: Expr) -> String {
        if case .variable(let name, _) = expression { return name }
        return "SESSION"
    }

    mutating func error(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(.error(message, at: range, hint: hint))
    }

    mutating func warn(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostics.append(.warning(message, at: range, hint: hint))
    }
}
