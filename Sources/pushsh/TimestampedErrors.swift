import Foundation
import PushScript
import Synchronization

/// The error stream with the time in front of every line (`--timestamps`),
/// for logs that outlive the run (cron, CI): when each error, warning,
/// trace and progress line was written. Results on stdout stay as they are,
/// so what a machine reads there does not change.
final class TimestampedErrors: ScriptOutput {
    private let inner: ScriptOutput
    private let now: @Sendable () -> Date
    /// Whether the next character written to the error stream starts a line.
    private let atLineStart = Mutex(true)

    init(_ inner: ScriptOutput, now: @escaping @Sendable () -> Date = { Date() }) {
        self.inner = inner
        self.now = now
    }

    var color: Bool { inner.color }
    var errorColor: Bool { inner.errorColor }
    var errorIsTerminal: Bool { inner.errorIsTerminal }

    func write(_ text: String) { inner.write(text) }

    func writeError(_ text: String) {
        guard !text.isEmpty else { return }
        let stamp = RunSummary.timestamp(now()) + " "
        let stamped = atLineStart.withLock { atStart in
            var out = ""
            for character in text {
                if atStart { out += stamp }
                out.append(character)
                atStart = character == "\n" || character == "\r\n"
            }
            return out
        }
        inner.writeError(stamped)
    }
}
