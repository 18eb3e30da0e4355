import PushScript
import PushSyntax
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGINT, SIGTERM and SIGHUP during a non-interactive run: noticed, not
/// fatal, so the run can stop between pages, say what landed and discard
/// the sessions it left active. A second signal while that cleanup runs
/// ends the process at once.
enum StopSignals {
    static let received = Atomic<Int32>(0)

    /// Installs the handlers (the shell has its own for Ctrl-C).
    static func install() {
        for signal in StopSignal.caught {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                // Only async-signal-safe work here: an atomic exchange, a switch, and _exit.
                let earlier = StopSignals.received.exchange(number, ordering: .relaxed)
                guard earlier != 0 else { return }
                // Only StopSignal's signals are handled here, so the fallback is never taken.
                _exit(StopSignal(rawValue: number)?.exitCode.rawValue ?? ScriptExit.terminated.rawValue)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal.rawValue, &action, nil)
        }
    }

    /// The signal received so far, if any.
    static var pending: StopSignal? { StopSignal(rawValue: received.load(ordering: .relaxed)) }
}
