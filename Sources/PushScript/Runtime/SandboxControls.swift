import PushAPI

/// What the language asks of the built-in sandbox: the `sandbox ...` commands,
/// and `wait`/`sleep`, which move its clock instead of sleeping.
/// (`sandbox records` is not here: it reads the sandbox's own HTTP route
/// through the client, which is what a trace and the discard lesson show.)
///
/// The language owns this protocol so that it does not link the simulator
/// (and the server beside it): the composition root (pushsh, the shell,
/// tests) fills it with the real sandbox, through the `BuiltInSandbox` target.
public protocol SandboxControls: Sendable {
    /// The sandbox's time.
    func now() -> Timestamp
    /// Moves the sandbox's time forward.
    func advanceClock(by duration: Duration)
    /// Makes the next `count` processing attempts fail (0: none).
    func failNextProcessing(_ count: Int)
    /// How long each processing attempt takes, for sessions closed from now on.
    func setProcessingTime(_ duration: Duration)
    /// Requests per second, or `nil` for no limit.
    func setRateLimit(_ perSecond: Int?)
    /// Forgets every session, event and record.
    func reset()
    /// Makes requests misbehave by `plan` (`"reset=0.05,error=0.05"`; empty: no faults),
    /// from `seed` when given (the same seed, the same faults).
    ///
    /// - Returns: the plan in force, as the sandbox writes it, or `nil` for no faults.
    /// - Throws: when the plan cannot be read; the message says why.
    func setFaults(_ plan: String, seed: UInt64?) throws(SandboxControlError) -> String?
    /// What the sandbox holds, read without touching it: no session's
    /// inactivity clock is reset (`GET /sessions/{id}` would reset it).
    func inspect() throws(SandboxControlError) -> SandboxInspection
}

/// What the sandbox holds at one instant, as ``SandboxControls/inspect()`` reads it.
public struct SandboxInspection: Sendable {
    /// The sandbox's time when it was read.
    public var now: Timestamp
    /// Every session, in the order started, as `GET /sessions/{id}` would show it.
    public var sessions: [Session]
    /// The activity log, oldest first.
    public var events: [ActivityEvent]
    /// Applied records, by entity type.
    public var records: [String: [JSONValue]]
    /// Processing attempts still planned to fail (`sandbox fail next N`).
    public var failuresPlanned: Int

    public init(
        now: Timestamp, sessions: [Session], events: [ActivityEvent], records: [String: [JSONValue]], failuresPlanned: Int
    ) {
        self.now = now
        self.sessions = sessions
        self.events = events
        self.records = records
        self.failuresPlanned = failuresPlanned
    }
}

/// A sandbox control that could not be done, in words for the user.
public struct SandboxControlError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Builds a fresh built-in sandbox for `connect sandbox` and for where a run
/// starts without a service, so the language need not know how one is made.
public struct SandboxFactory: Sendable {
    /// The built-in sandbox's API key: public, so never treated as a secret.
    public var publicAPIKey: String
    private let make: @Sendable (_ environment: [String: String], _ options: SandboxOptions) -> Connection

    public init(
        publicAPIKey: String, make: @escaping @Sendable (_ environment: [String: String], _ options: SandboxOptions) -> Connection
    ) {
        self.publicAPIKey = publicAPIKey
        self.make = make
    }

    /// A new sandbox, its seed and clock read from `environment`
    /// (`PUSHSH_SANDBOX_SEED`, `PUSHSH_SANDBOX_EPOCH`).
    public func connection(environment: [String: String], options: SandboxOptions = SandboxOptions()) -> Connection {
        make(environment, options)
    }
}

/// What a caller may choose about a new built-in sandbox (the shell's lessons
/// want processing slow enough to watch); the rest is the sandbox's defaults.
public struct SandboxOptions: Sendable {
    /// How long each processing attempt takes; `nil`: the sandbox's default.
    public var processingTime: Duration?

    public init(processingTime: Duration? = nil) { self.processingTime = processingTime }
}
