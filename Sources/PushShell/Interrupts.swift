import PushScript
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Ctrl-C, noticed without dying: a SIGINT handler that only sets a flag.
///
/// The shell tells Ctrl-C from Ctrl-D by this flag rather than by a stale `errno`.
///
/// The signal goes to whichever thread the kernel picks, so nothing relies on
/// it interrupting a particular read: the line editor's key reader and the
/// shell's command watcher both poll this flag.
///
/// SIGHUP (the terminal or the ssh connection went away) and SIGTERM end the
/// shell instead, after the cleanup a script does (`Shell.stop(by:)`): their
/// handler only records which came, and the key reader and the command
/// watcher poll that too.
public enum Interrupts {
    static let flag = Atomic<Bool>(false)
    static let stopNumber = Atomic<Int32>(0)

    /// Installs the handlers. Safe to call more than once.
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupts.flag.store(true, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        var stop = sigaction()
        stop.__sigaction_handler.sa_handler = { number in
            // A second one while the cleanup runs ends the shell at once, as in a script.
            if Interrupts.stopNumber.exchange(number, ordering: .relaxed) != 0 { _exit(128 + number) }
        }
        sigemptyset(&stop.sa_mask)
        stop.sa_flags = 0
        sigaction(SIGHUP, &stop, nil)
        sigaction(SIGTERM, &stop, nil)
    }

    /// SIGHUP or SIGTERM, once either came: the shell ends.
    public static var stop: StopSignal? { StopSignal(rawValue: stopNumber.load(ordering: .relaxed)) }

    /// Whether Ctrl-C came since the last `clear()`.
    public static var pending: Bool { flag.load(ordering: .relaxed) }

    /// Forgets any Ctrl-C so far.
    public static func clear() { flag.store(false, ordering: .relaxed) }
}
