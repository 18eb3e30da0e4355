import PushSyntax

/// A signal that stops a non-interactive run: the runner catches it, the
/// interpreter stops at the next safe point and cleans up.
public enum StopSignal: Int32, Sendable, CaseIterable {
    case hangup = 1
    case interrupt = 2
    case terminate = 15

    /// As people know it: `SIGINT (Ctrl-C)`.
    public var name: String {
        switch self {
        case .hangup: "SIGHUP"
        case .interrupt: "SIGINT (Ctrl-C)"
        case .terminate: "SIGTERM"
        }
    }

    /// What the run exits with: 128 + the signal's number.
    public var exitCode: ExitCode {
        switch self {
        case .hangup: .hangup
        case .interrupt: .interrupted
        case .terminate: .terminated
        }
    }
}
