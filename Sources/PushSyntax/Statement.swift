/// A whole script or prompt entry: its statements in order.
public struct Program: Sendable, Hashable {
    /// The top-level statements.
    public var statements: [Statement]
    /// The whole file.
    public var range: SourceRange

    public init(statements: [Statement], range: SourceRange) {
        self.statements = statements
        self.range = range
    }
}

/// One statement: a command, a `let`, a block, or an expression to show.
public struct Statement: Sendable, Hashable {
    /// Which statement it is, with its parts.
    public var kind: Kind
    /// From its first word to its last token (not including the line break).
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The statement forms. Case names are the command words.
    public enum Kind: Sendable, Hashable {
        /// `connect sandbox`, `connect region WORD ...`, `connect url EXPR ...`.
        case connect(ConnectTarget)
        /// `start [ref EXPR]`: opens a session; `reference` is the client reference id.
        case start(reference: Expr?)
        /// `status EXPR`: reads a session again.
        case status(session: Expr)
        /// `push EXPR TYPE EXPR` or `push EXPR TYPE from EXPR [options]`.
        case push(PushCommand)
        /// `close EXPR apply [anyway]|discard`. `anyway` skips the check before
        /// apply (the session holding what this run pushed to it).
        case close(session: Expr, mode: Located<CloseMode>, anyway: Bool)
        /// `wait EXPR until STATE [or STATE]... [timeout EXPR]`.
        case wait(WaitCommand)
        /// `integration`: the integration's session counts.
        case integration
        /// `activity [since EXPR] [page EXPR] [size EXPR]`.
        case activity(ActivityQuery)
        /// `let NAME = EXPR` or `let NAME = COMMAND`.
        case `let`(name: Word, value: LetValue)
        /// `print EXPR ...` (zero or more).
        case print([Expr])
        /// `expect EXPR [else EXPR]`.
        case expect(condition: Expr, message: Expr?)
        /// `sleep EXPR`.
        case sleep(Expr)
        /// `if EXPR ... [else if EXPR ...]... [else ...] end`.
        case `if`(IfStatement)
        /// `for NAME in EXPR ... end`.
        case `for`(ForLoop)
        /// `include EXPR`: runs another file here; `path` is relative to this file.
        case include(path: Expr)
        /// `set NAME VALUE`.
        case set(Setting)
        /// `help [WORD]`.
        case help(topic: Word?)
        /// `exit [EXPR]`.
        case exit(code: Expr?)
        /// `sandbox ...`: controls the built-in sandbox.
        case sandbox(SandboxCommand)
        /// `save EXPR [last N | since last save] [replace]`: writes what was
        /// typed at the prompt to a file; an existing file is kept unless
        /// `replace` is said.
        case save(path: Expr, replace: Bool = false, entries: SaveEntries = .all)
        /// `learn [WORD]`: the guided tour.
        case learn(topic: Word?)
        /// `why`: the last error in full (request, response, hint), like psql's `\errverbose`.
        case why
        /// A bare expression, whose value the shell shows: `s.state`.
        case expression(Expr)
    }

    /// The command word this statement starts with (`expression` for a bare expression).
    public var commandWord: String {
        switch kind {
        case .connect: "connect"
        case .start: "start"
        case .status: "status"
        case .push: "push"
        case .close: "close"
        case .wait: "wait"
        case .integration: "integration"
        case .activity: "activity"
        case .let: "let"
        case .print: "print"
        case .expect: "expect"
        case .sleep: "sleep"
        case .if: "if"
        case .for: "for"
        case .include: "include"
        case .set: "set"
        case .help: "help"
        case .exit: "exit"
        case .sandbox: "sandbox"
        case .save: "save"
        case .learn: "learn"
        case .why: "why"
        case .expression: "expression"
        }
    }
}

/// Where `connect` connects to.
public enum ConnectTarget: Sendable, Hashable {
    /// `connect sandbox`: the built-in, in-process sandbox.
    case sandbox
    /// `connect region us|in|eu integration EXPR key KEYSRC [cacert EXPR]`.
    case region(Located<RegionName>, integration: Expr, key: KeySource, cacert: Expr?)
    /// `connect url EXPR integration EXPR key KEYSRC [cacert EXPR]`: any base URL (a sandbox server, a proxy).
    /// `cacert` names a PEM file of CAs to trust besides the system's (a TLS-inspecting proxy's).
    case url(Expr, integration: Expr, key: KeySource, cacert: Expr?)
    /// `connect profile NAME`: a named profile of the config file (URL, integration, key source).
    case profile(Word)
}

/// Where `connect` gets the API key from.
public enum KeySource: Sendable, Hashable {
    /// `key EXPR`: the key itself (typically `env("SPRINTO_API_KEY")`).
    case value(Expr)
    /// `key file EXPR`: the first line of a file.
    case file(Expr)
    /// `key prompt`: asked for at the terminal without echo.
    case prompt(range: SourceRange)
}

/// `push SESSION TYPE ...`.
public struct PushCommand: Sendable, Hashable {
    /// The session to push to.
    public var session: Expr
    /// The entity type (`User`), written as a word or a string.
    public var entityType: Word
    /// The records themselves, or a file to read them from.
    public var source: PushSource

    public init(session: Expr, entityType: Word, source: PushSource) {
        self.session = session
        self.entityType = entityType
        self.source = source
    }
}

/// What `push` sends.
public enum PushSource: Sendable, Hashable {
    /// `push s User EXPR`: an array of records or one record.
    case records(Expr)
    /// `push s User from PATH [options]`: a JSON array, JSON Lines or CSV file.
    case file(path: Expr, options: PushFileOptions)
}

/// The options after `push ... from PATH`, each optional.
public struct PushFileOptions: Sendable, Hashable {
    /// `format jsonl|json|csv`; nil means guess from the file name.
    public var format: Located<PushFormat>?
    /// `skip EXPR`: records to skip at the start of the file.
    public var skip: Expr?
    /// `map EXPR to NAME`, in order: rename a field of the file to a field of the record.
    public var mappings: [FieldMapping]
    /// `mapping EXPR`: an object of file field → record field.
    public var mapping: Expr?

    public init(
        format: Located<PushFormat>? = nil, skip: Expr? = nil, mappings: [FieldMapping] = [], mapping: Expr? = nil
    ) {
        self.format = format
        self.skip = skip
        self.mappings = mappings
        self.mapping = mapping
    }
}

/// `map FROM to NAME` in a `push ... from` command.
public struct FieldMapping: Sendable, Hashable {
    /// The field in the file (or column in a CSV).
    public var from: Expr
    /// The field of the record it becomes.
    public var to: Word
    public var range: SourceRange

    public init(from: Expr, to: Word, range: SourceRange) {
        self.from = from
        self.to = to
        self.range = range
    }
}

/// `wait SESSION until STATE [or STATE]... [timeout EXPR]`.
public struct WaitCommand: Sendable, Hashable {
    public var session: Expr
    /// The states that end the wait, in written order.
    public var states: [Located<SessionStateName>]
    /// How long to wait at most; nil means the interpreter's default.
    public var timeout: Expr?

    public init(session: Expr, states: [Located<SessionStateName>], timeout: Expr?) {
        self.session = session
        self.states = states
        self.timeout = timeout
    }
}

/// `activity [since EXPR] [page EXPR] [size EXPR]`.
public struct ActivityQuery: Sendable, Hashable {
    /// A duration (that long ago) or a timestamp string.
    public var since: Expr?
    /// The page number, from 1.
    public var page: Expr?
    /// Events per page, 1 to 200.
    public var size: Expr?

    public init(since: Expr? = nil, page: Expr? = nil, size: Expr? = nil) {
        self.since = since
        self.page = page
        self.size = size
    }
}

/// The right-hand side of `let NAME = ...`.
public indirect enum LetValue: Sendable, Hashable {
    /// `let x = EXPR`.
    case expression(Expr)
    /// `let s = start ...`: the result of a command.
    case command(Statement)
}

/// `if` with its `else if` branches and an optional `else`.
public struct IfStatement: Sendable, Hashable {
    /// The `if` branch followed by each `else if`, in order.
    public var branches: [ConditionalBlock]
    /// The `else` block, if any.
    public var elseBody: [Statement]?

    public init(branches: [ConditionalBlock], elseBody: [Statement]?) {
        self.branches = branches
        self.elseBody = elseBody
    }
}

/// A condition and the statements it guards.
public struct ConditionalBlock: Sendable, Hashable {
    public var condition: Expr
    public var body: [Statement]

    public init(condition: Expr, body: [Statement]) {
        self.condition = condition
        self.body = body
    }
}

/// `for NAME in EXPR ... end`.
public struct ForLoop: Sendable, Hashable {
    /// The loop variable.
    public var variable: Word
    /// What to loop over (an array).
    public var sequence: Expr
    public var body: [Statement]

    public init(variable: Word, sequence: Expr, body: [Statement]) {
        self.variable = variable
        self.sequence = sequence
        self.body = body
    }
}

/// `set NAME VALUE`, one case per known setting.
public enum Setting: Sendable, Hashable {
    case onError(Located<OnErrorMode>)
    case output(Located<OutputMode>)
    case pageSize(Expr)
    case pageBytes(Expr)
    case progress(Located<Bool>)
    case pushConcurrency(Expr)
    case retries(Expr)
    case retryFor(Expr)
    /// `set settle DURATION`: how long an unclear page's session counts must stay still.
    case settle(Expr)
    /// `set validation on|off`: the check pass applies the documented record rules.
    case validation(Located<Bool>)
    /// `set timeout DURATION`: how long one request may take.
    case timeout(Expr)
    /// `set partial_pages stop|accept`: what a page answered 2xx with rejected records does.
    case partialPages(Located<PartialPagesMode>)
    case csvQuotes(Located<CSVQuotes>)
    case csvTrim(Located<Bool>)
    case csvDuplicates(Located<CSVDuplicates>)

    /// The setting's name.
    public var name: SettingName {
        switch self {
        case .onError: .onError
        case .output: .output
        case .pageSize: .pageSize
        case .pageBytes: .pageBytes
        case .progress: .progress
        case .pushConcurrency: .pushConcurrency
        case .retries: .retries
        case .retryFor: .retryFor
        case .settle: .settle
        case .validation: .validation
        case .timeout: .timeout
        case .partialPages: .partialPages
        case .csvQuotes: .csvQuotes
        case .csvTrim: .csvTrim
        case .csvDuplicates: .csvDuplicates
        }
    }
}

/// `sandbox ...`: the built-in sandbox's controls.
public enum SandboxCommand: Sendable, Hashable {
    /// The word after `sandbox`, as `SandboxSubcommand` lists it.
    public var word: String {
        switch self {
        case .advance: "advance"
        case .failNext: "fail"
        case .processing: "processing"
        case .rateLimit: "rate-limit"
        case .records: "records"
        case .reset: "reset"
        case .faults: "faults"
        }
    }

    /// `sandbox advance EXPR`: moves the sandbox clock forward by a duration.
    case advance(Expr)
    /// `sandbox fail next [EXPR]`: the next N processing runs fail (default 1).
    case failNext(count: Expr?)
    /// `sandbox processing EXPR`: how long processing takes.
    case processing(Expr)
    /// `sandbox rate-limit EXPR|off`: requests per second before 429; nil for `off`.
    case rateLimit(Expr?)
    /// `sandbox records TYPE`: the records the service now holds.
    case records(entityType: Word)
    /// `sandbox reset`: back to a fresh sandbox.
    case reset
    /// `sandbox faults EXPR|off`: a fault plan (an object); nil for `off`.
    case faults(Expr?)
}

/// Which entries typed at the prompt `save` writes.
public enum SaveEntries: Sendable, Hashable {
    /// Every entry since the shell opened (in a lesson: since it started).
    case all
    /// `last N`: the last N entries that ran without error.
    case last(Expr)
    /// `since last save`: the entries after the last `save` (all, before the first).
    case sinceLastSave
}
