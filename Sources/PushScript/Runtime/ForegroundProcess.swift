import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A child that uses the terminal as pushsh does: a pager, or a profile's
/// `key_command` asking for a passphrase (`op`, `pass`, gpg's pinentry).
///
/// Foundation's `Process` puts its child in a process group of its own; a
/// child there that touches the terminal is stopped by SIGTTOU/SIGTTIN and
/// pushsh waits on it for good. So these children are spawned here with
/// `posix_spawn`, which keeps pushsh's process group (the terminal's
/// foreground one), and pushsh waits the way `system()` and git do: with
/// Ctrl-C and Ctrl-\ left to the child.
public struct ForegroundProcess {
    /// The program and its arguments; the program is looked up on the PATH.
    public let arguments: [String]
    public let environment: [String: String]

    public init(arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.arguments = arguments
        self.environment = environment
    }

    /// A command as a user writes it: a single word is run directly (a
    /// missing program is then known at once); anything longer through
    /// `/bin/sh -c`, as git and `system()` do.
    public init(command: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" })
        self.init(arguments: words.count == 1 ? [command] : ["/bin/sh", "-c", command], environment: environment)
    }

    /// Runs the child to its end with `input` and `output` (descriptors) as
    /// its stdin and stdout, or pushsh's own where nil; stderr is always
    /// pushsh's. `whileRunning` is called once the child has started (to feed
    /// or drain a pipe) and must close the caller's ends of those pipes.
    /// Returns the exit status (128 + N when signal N ended it), or nil when
    /// the child could not start.
    public func run(input: Int32? = nil, output: Int32? = nil, whileRunning: () -> Void = {}) -> Int32? {
        // While the child has the terminal, Ctrl-C and Ctrl-\ are its keys (it
        // gets them too, being in the same process group, and ends or not as
        // it likes); pushsh must not take them for an interrupt of its own.
        // A child that quits before reading all its input closes the pipe:
        // that is no error either.
        let saved = SignalDispositions.ignoring([SIGINT, SIGQUIT, SIGPIPE])
        defer { saved.restore() }
        guard let pid = spawn(input: input, output: output) else { return nil }
        whileRunning()
        return Self.wait(for: pid)
    }

    private func spawn(input: Int32?, output: Int32?) -> pid_t? {
        guard !arguments.isEmpty else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input { posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO) }
        if let output { posix_spawn_file_actions_adddup2(&actions, output, STDOUT_FILENO) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child gets its keys and a broken pipe with their usual meaning,
        // whatever pushsh ignores or blocks; no SETPGROUP flag: same process group.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGPIPE, SIGTSTP] { sigaddset(&defaults, signal) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let started = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        return started == 0 ? pid : nil
    }

    /// A pipe whose both ends are closed on exec, so a child holds only the
    /// end it was given as stdin or stdout (else a reader never sees the end).
    public static func pipe() -> (read: Int32, write: Int32)? {
        var ends: [Int32] = [0, 0]
        // (pipe2 is not visible to Swift: glibc declares it for _GNU_SOURCE only.)
        guard Glibc.pipe(&ends) == 0 else { return nil }
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        return (ends[0], ends[1])
    }

    /// Writes all of `bytes`, unless the reader closes the pipe first.
    public static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// Everything read from `descriptor` until its end.
    public static func readAll(from descriptor: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return data }
            data.append(contentsOf: buffer[..<count])
        }
    }

    /// The child's exit status once it has ended (128 + N when a signal N ended it).
    private static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return 0 }
        }
        // WIFEXITED and WEXITSTATUS are C macros Swift does not import.
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

/// Signal dispositions set aside for a while and put back as they were.
public struct SignalDispositions {
    private var saved: [(Int32, sigaction)] = []

    /// Ignores `signals` until `restore()`.
    public static func ignoring(_ signals: [Int32]) -> SignalDispositions {
        var dispositions = SignalDispositions()
        for number in signals {
            var ignore = sigaction()
            ignore.__sigaction_handler.sa_handler = SIG_IGN
            sigemptyset(&ignore.sa_mask)
            var previous = sigaction()
            if sigaction(number, &ignore, &previous) == 0 { dispositions.saved.append((number, previous)) }
        }
        return dispositions
    }

    public func restore() {
        for (number, var previous) in saved { sigaction(number, &previous, nil) }
    }
}
