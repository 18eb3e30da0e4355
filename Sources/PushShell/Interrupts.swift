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
public enum Interrupts {
    static let flag = Atomic<Bool>(false)

    /// Installs the handler. Safe to call more than once.
    public static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in Interrupts.flag.store(true, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Whether Ctrl-C came since the last `clear()`.
    public static var pending: Bool { flag.load(ordering: .relaxed) }

    /// Forgets any Ctrl-C so far.
    public static func clear() { flag.store(false, ordering: .relaxed) }
}
