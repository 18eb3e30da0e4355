import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Long help through a pager, run the way git and psql run one: in the
/// terminal's foreground process group, reading the text from a pipe, while
/// pushsh waits with Ctrl-C and Ctrl-\ left to the pager.
///
/// Foundation's `Process` puts its child in a process group of its own; a
/// pager there is stopped by SIGTTOU/SIGTTIN as soon as it touches the
/// terminal, and the shell waits on it for good. So the pager is spawned
/// here with `posix_spawn`, which keeps pushsh's process group.
struct Pager {
    /// The command as the user gave it (`less`, `less -S`, `most`).
    let command: String
    /// pushsh's environment, with git's defaults for `less` and `lv` added.
    let environment: [String: String]

    /// `PUSHSH_PAGER` over `PAGER`, else `less`; nil when the choice is no
    /// pager at all (empty, or `cat`): the text is then printed as it is.
    init?(environment: [String: String]) {
        let chosen = (environment["PUSHSH_PAGER"] ?? environment["PAGER"] ?? "less").trimmingCharacters(in: .whitespaces)
        guard !chosen.isEmpty, chosen != "cat" else { return nil }
        command = chosen
        var environment = environment
        // git's defaults: quit when the text fits one screen, keep colour, leave the text on the screen after `q`.
        if environment["LESS"] == nil { environment["LESS"] = "FRX" }
        if environment["LV"] == nil { environment["LV"] = "-c" }
        self.environment = environment
    }

    /// Shows `text` through the pager and waits for it to end; false when the
    /// pager could not start, and the caller prints the text instead.
    func show(_ text: String) -> Bool {
        var ends: [Int32] = [0, 0]
        // Close-on-exec: the pager must not hold the write end, or it would never see the end of the text.
        // (pipe2 is not visible to Swift: glibc declares it for _GNU_SOURCE only.)
        guard pipe(&ends) == 0 else { return false }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        // While the pager has the terminal, Ctrl-C and Ctrl-\ are its keys (less
        // stops a search on them); pushsh, in the same process group, must not
        // take them for an interrupt of the entry. A pager quit early closes the
        // pipe: the rest of the text is not wanted, and that is no error.
        let saved = SignalDispositions.ignoring([SIGINT, SIGQUIT, SIGPIPE])
        defer { saved.restore() }
        guard let pid = spawn(input: readEnd) else {
            close(readEnd)
            close(writeEnd)
            return false
        }
        close(readEnd)
        Self.writeAll(text + "\n", to: writeEnd)
        close(writeEnd)
        let status = Self.wait(for: pid)
        // `sh -c` that cannot find or run the pager exits 127 or 126 having shown nothing.
        return status != 127 && status != 126
    }

    /// Starts the pager with `input` as its stdin, in pushsh's process group;
    /// nil when it cannot start. A one-word command is run directly (a missing
    /// program is then known at once); anything longer through `/bin/sh -c`, as git does.
    private func spawn(input: Int32) -> pid_t? {
        let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let arguments = words.count == 1 ? [command] : ["/bin/sh", "-c", command]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, STDIN_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The pager gets its keys and a broken pipe with their usual meaning,
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

    /// Writes the whole text, unless the pager closes the pipe first.
    private static func writeAll(_ text: String, to descriptor: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }

    /// The pager's exit status once it has ended (128 + N when a signal N ended it).
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
struct SignalDispositions {
    private var saved: [(Int32, sigaction)] = []

    /// Ignores `signals` until `restore()`.
    static func ignoring(_ signals: [Int32]) -> SignalDispositions {
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

    func restore() {
        for (number, var previous) in saved { sigaction(number, &previous, nil) }
    }
}
