import Foundation
import PushSyntax
import Synchronization

/// Where a script's output goes: results to `standard`, errors and traces to `errors`.
///
/// The interactive shell, the script runner and the tests each give the
/// interpreter their own; nothing in the interpreter writes to a file
/// descriptor directly.
public protocol ScriptOutput: Sendable {
    /// Results and `print` output, one piece of text (no trailing newline added).
    func write(_ text: String)
    /// Errors, warnings, notices and `-v` traces.
    func writeError(_ text: String)
    /// Whether colour may be used in results (stdout a terminal, and `NO_COLOR` unset).
    var color: Bool { get }
    /// Whether colour may be used in errors, warnings and traces: decided for
    /// the error stream on its own (`2>err.log` gets none; `| cat` keeps it on stderr).
    var errorColor: Bool { get }
    /// Whether the error stream is a terminal (progress is redrawn in place there).
    var errorIsTerminal: Bool { get }
}

extension ScriptOutput {
    public var errorIsTerminal: Bool { false }
    public var errorColor: Bool { color }

    public func line(_ text: String) { write(text + "\n") }
    public func errorLine(_ text: String) { writeError(text + "\n") }
}

/// Standard output and standard error, unbuffered; a write that fails never
/// crashes (see `StandardStreams`).
public struct StandardOutput: ScriptOutput {
    public let color: Bool
    public let errorColor: Bool

    public init(color: Bool, errorColor: Bool? = nil) {
        self.color = color
        self.errorColor = errorColor ?? color
    }

    /// Colour on each stream that is a terminal, unless `NO_COLOR` or `TERM=dumb` says none.
    public init(environment: [String: String]) {
        self.init(
            color: Self.detectColor(environment: environment),
            errorColor: Self.detectColor(environment: environment, descriptor: STDERR_FILENO))
    }

    /// Colour when the stream (stdout by default) is a terminal, `NO_COLOR` is
    /// unset or empty, and `TERM` is not `dumb`.
    public static func detectColor(environment: [String: String] = ProcessInfo.processInfo.environment, descriptor: Int32 = STDOUT_FILENO)
        -> Bool
    {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return isatty(descriptor) == 1
    }

    public var errorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    public func write(_ text: String) { StandardStreams.write(text, to: .output) }
    public func writeError(_ text: String) { StandardStreams.write(text, to: .error) }
}

/// Collects output in memory: for tests, and for the shell's `save`.
public final class CapturedOutput: ScriptOutput {
    private let buffers = Mutex<(out: String, err: String, both: String)>(("", "", ""))
    public let color: Bool

    public init(color: Bool = false) { self.color = color }

    public func write(_ text: String) {
        buffers.withLock {
            $0.out += text
            $0.both += text
        }
    }
    public func writeError(_ text: String) {
        buffers.withLock {
            $0.err += text
            $0.both += text
        }
    }

    /// What went to standard output.
    public var standard: String { buffers.withLock { $0.out } }
    /// What went to standard error.
    public var errors: String { buffers.withLock { $0.err } }
    /// Both, interleaved as written.
    public var combined: String { buffers.withLock { $0.both } }
}
