import PushSyntax

/// Why a non-interactive run stops from outside: a signal the runner
/// catches, or an output that cannot be written. The interpreter stops at
/// the next safe point and cleans up.
public enum StopSignal: Int32, Sendable, CaseIterable {
    case hangup = 1
    case interrupt = 2
    /// Standard output or error was closed by its reader (`| head -1`): the
    /// write failed with EPIPE (SIGPIPE itself is ignored, so the run can clean up).
    case brokenPipe = 13
    case terminate = 15
    /// Standard output or error failed otherwise (a full disk, an I/O error).
    /// Not a signal: numbered past them, so no signal number can mean it.
    case outputFailed = 1000

    /// The signals the runner installs handlers for.
    public static let caught: [StopSignal] = [.hangup, .interrupt, .terminate]

    /// As people know it: `SIGINT (Ctrl-C)`.
    public var name: String {
        switch self {
        case .hangup: "SIGHUP"
        case .interrupt: "SIGINT (Ctrl-C)"
        case .brokenPipe: "a broken pipe (its output was closed)"
        case .terminate: "SIGTERM"
        case .outputFailed: "an output that cannot be written"
        }
    }

    /// What the run exits with: 128 + the signal's number (a broken pipe as
    /// shells report SIGPIPE); a failed output has a code of its own.
    public var exitCode: ExitCode {
        switch self {
        case .hangup: .hangup
        case .interrupt: .interrupted
        case .brokenPipe: .brokenPipe
        case .terminate: .terminated
        case .outputFailed: .outputFailed
        }
    }
}
