import PushAPI
import PushSyntax

/// What a command found or did, before anyone decides how it looks.
///
/// A command calls the service, builds one of these and hands it to
/// ``Interpreter/show(_:)``, which gives it to ``TextRenderer`` or
/// ``JSONRenderer`` by `set output`. So the words and the JSON fields of a
/// result live in one place each, and a command never asks which mode is on.
///
/// Not results: `help` and `why` (prose, the same text in either mode),
/// and what goes to the error stream (warnings, errors, traces, progress),
/// which machines reading JSON never have to skip.
enum CommandResult {
    /// `start`: the new session, and the service's clock when it was read (for its expiry).
    case started(Session, now: Timestamp)
    /// `status`: the session as just read.
    case status(Session, now: Timestamp)
    /// `close`: the session as the close's answer (or the check after an unclear one) left it.
    case closed(Session, CloseAction)
    /// One change of state a `wait` saw, shown as it happens (text only:
    /// JSON gives the whole history once, in ``waited(_:_:)``).
    case waitChanged(sessionID: String, WaitStep)
    /// The end of a `wait`: the session and every state seen (JSON only:
    /// the text has shown each as it came).
    case waited(Session, [WaitStep])
    /// `push`: what landed.
    case pushed(PushSummary)
    /// `integration`: the session counts.
    case integration(IntegrationStatusCounts)
    /// `activity`: one page of the log, newest first, with what was asked.
    case activity(ActivityLogPage, since: Timestamp?, pageSize: Int?)
    /// `connect`: where the script is connected now.
    case connected(ConnectionSummary)
    /// A `sandbox` control that changed the built-in sandbox.
    case sandbox(SandboxChange)
    /// `sandbox records TYPE`: the records the sandbox holds; `keptIn` is the
    /// variable a `let` keeps them in (then the count is enough to show).
    case sandboxRecords(entityType: String, records: [JSONValue], keptIn: String? = nil)
    /// `print`: its arguments as text, joined by spaces.
    case printed(String)
    /// A bare expression at the prompt or in a script: its value.
    case value(Value)

    /// Which case, without its values: tests hold every case to both renderers.
    enum Kind: CaseIterable {
        case started, status, closed, waitChanged, waited, pushed, integration, activity, connected, sandbox, sandboxRecords
        case printed, value
    }

    var kind: Kind {
        switch self {
        case .started: return .started
        case .status: return .status
        case .closed: return .closed
        case .waitChanged: return .waitChanged
        case .waited: return .waited
        case .pushed: return .pushed
        case .integration: return .integration
        case .activity: return .activity
        case .connected: return .connected
        case .sandbox: return .sandbox
        case .sandboxRecords: return .sandboxRecords
        case .printed: return .printed
        case .value: return .value
        }
    }
}

/// A state a `wait` saw: what it changed from, and how long into the wait.
struct WaitStep {
    /// The state shown before (nil for the first one seen).
    let from: SessionState?
    let state: SessionState
    let after: Duration
}

/// What a push did: its counts, how long it took, and where its records came from.
struct PushSummary {
    let tally: PushTally
    let elapsed: Duration
    /// The data file as the script wrote it; nil for records written inline.
    let origin: String?
    /// For a push of no records, why there were none (`users.jsonl holds none`).
    var emptyBecause: String? = nil

    /// `last_push`, the push's value and its JSON form.
    var value: Value { tally.value(elapsed: elapsed) }
}

/// Where `connect` connected.
struct ConnectionSummary {
    /// The connection's label: `sandbox`, a region, a host.
    let target: String
    /// Where it is, in words: `the built-in sandbox` or the service's base URL.
    let place: String
    let integrationID: String
    /// The profile it was read from, if any.
    let profile: String?
}

/// What a `sandbox` control changed.
enum SandboxChange {
    case advanced(by: Duration, now: Timestamp)
    case failNext(Int)
    case processingTime(Duration)
    case rateLimit(Int?)
    case reset
    /// The fault plan now in force (nil: none).
    case faults(String?)
}
