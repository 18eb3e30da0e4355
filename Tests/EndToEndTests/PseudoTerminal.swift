import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `pushsh` on a real pseudo-terminal, for what only a terminal shows:
/// libedit's keys, Tab, Ctrl-C, Ctrl-D.
final class PseudoTerminal {
    /// The master side; -1 once `hangUp()` closed it.
    private(set) var master: Int32
    let process: Process
    /// The terminal's slave side, opened again to read its mode (see `isReadingKeys`).
    private let slavePath: String
    private(set) var transcript = ""

    /// - Parameters:
    ///   - standardOutput, standardError: a file to send that stream to instead
    ///     of the terminal (`2>err.log` on a terminal); the terminal stays the
    ///     controlling one and stdin either way.
    init(
        arguments: [String] = [], environment: [String: String], directory: URL = Binary.root, columns: UInt16 = 100,
        standardOutput: FileHandle? = nil, standardError: FileHandle? = nil
    ) throws {
        var master: Int32 = 0
        var slave: Int32 = 0
        var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw POSIXError(.EIO) }
        self.master = master
        slavePath = ttyname(slave).map { String(cString: $0) } ?? ""
        process = Process()
        // setsid --ctty makes the pty the controlling terminal, so Ctrl-C
        // becomes SIGINT for pushsh alone and never reaches the test runner.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        // --wait: the child of Process leads a process group, so setsid forks
        // to start the session; without --wait it would exit 0 at once and
        // every exit status read here would be setsid's, not pushsh's.
        process.arguments = ["--ctty", "--wait", Binary.path] + arguments
        var env = environment
        env["TERM"] = "xterm"
        env["LANG"] = "C.UTF-8"
        process.environment = env
        process.currentDirectoryURL = directory
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = handle
        process.standardOutput = standardOutput ?? handle
        process.standardError = standardError ?? handle
        defer { close(slave) }
        // The child has its own copy of the slave; with ours closed, the
        // master reads EIO once the child is gone and all it wrote was read,
        // so the end of the output is known instead of guessed with a sleep.
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        if master >= 0 { close(master) }
    }

    /// Closes the master side, as a closed terminal window or a dropped ssh
    /// connection does: the kernel sends SIGHUP to the program on it.
    func hangUp() {
        close(master)
        master = -1
    }

    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads until the screen text (escapes stripped) contains `expected`; returns it.
    @discardableResult
    func expect(_ expected: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen.contains(expected) { return true }
            if !readAvailable(waitingAtMost: 100) { break }
        }
        return screen.contains(expected)
    }

    /// How much of `screen` earlier `waitFor` calls have matched, in characters.
    private var consumed = 0

    /// Reads until `text` shows after what the previous `waitFor` matched, and
    /// moves past it. So `waitFor("sandbox> ")` waits for the *next* prompt,
    /// not one already on the screen: after a prompt libedit has the terminal
    /// in raw mode, and keys such as Ctrl-C, Ctrl-U and Ctrl-D typed before
    /// it would reach the kernel's line discipline instead of the shell.
    /// Throws, with the screen, when `timeout` seconds pass first; the caller
    /// is named in the message so that a failure points at the step.
    func waitFor(_ text: String, timeout: Double = 10, file: StaticString = #fileID, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let shown = screen
            if let found = shown.dropFirst(consumed).range(of: text) {
                consumed = shown.distance(from: shown.startIndex, to: found.upperBound)
                return
            }
            guard Date() < deadline, readAvailable(waitingAtMost: 100) else {
                throw TerminalTimeout(awaited: text, seconds: timeout, caller: "\(file):\(line)", state: state)
            }
        }
    }

    /// Waits for `prompt` (as `waitFor` does), then until libedit reads keys.
    /// libedit draws the prompt before it puts the terminal in raw mode, and a
    /// key typed in between goes to the kernel's line editing instead: Ctrl-D
    /// becomes a NUL byte the shell ignores, Ctrl-U kills the kernel's line.
    func waitForPrompt(_ prompt: String, timeout: Double = 10, file: StaticString = #fileID, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(timeout)
        try waitFor(prompt, timeout: timeout, file: file, line: line)
        while !isReadingKeys {
            guard Date() < deadline, readAvailable(waitingAtMost: 5) else {
                throw TerminalTimeout(
                    awaited: prompt + " (then raw mode)", seconds: timeout, caller: "\(file):\(line)", state: state)
            }
        }
    }

    /// Whether the terminal is out of canonical mode: libedit is reading keys
    /// one by one. Read on the slave side, whose mode the shell sets.
    var isReadingKeys: Bool {
        let slave = open(slavePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { return false }
        defer { close(slave) }
        var mode = termios()
        guard tcgetattr(slave, &mode) == 0 else { return false }
        return mode.c_lflag & tcflag_t(ICANON) == 0
    }

    /// Reads what the terminal has, waiting up to `milliseconds` for it; false once the terminal is closed.
    private func readAvailable(waitingAtMost milliseconds: Int32) -> Bool {
        guard master >= 0 else {
            // Hung up: nothing more to read; only the time passes.
            usleep(UInt32(milliseconds) * 1000)
            return false
        }
        var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, milliseconds) > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(master, &buffer, buffer.count)
        if n > 0 { transcript += String(decoding: buffer[0..<n], as: UTF8.self) }
        return n >= 0
    }

    /// How many times `text` is on the screen so far.
    func count(of text: String) -> Int { screen.components(separatedBy: text).count - 1 }

    /// Reads until `text` has been shown at least `times` times.
    @discardableResult
    func expect(_ text: String, times: Int, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while count(of: text) < times && Date() < deadline { _ = expect("\u{0}", timeout: 0.05) }
        return count(of: text) >= times
    }

    /// Types `keys`, then waits for the next prompt: the shell is ready for more.
    func typeAndWaitForPrompt(_ keys: String, prompt: String = "> ") {
        let before = count(of: prompt)
        type(keys)
        expect(prompt, times: before + 1)
    }

    /// For failure messages: the screen and whether the process still runs.
    var state: String {
        "running: \(process.isRunning)\(process.isRunning ? "" : " status \(process.terminationStatus)")\nscreen:\n\(screen)"
    }

    /// The output so far, with line ends normalised and terminal escapes removed.
    var screen: String {
        transcript.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r", with: "")
            .replacingOccurrences(of: "\u{07}", with: "")
    }

    /// Waits for the process to end; its exit status, or nil on timeout.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            _ = expect("\u{0}", timeout: 0.1)
        }
        if process.isRunning { return nil }
        // What is still in the pty after the exit, up to the end (EIO).
        while Date() < deadline, readAvailable(waitingAtMost: 100) {}
        return process.terminationStatus
    }
}

/// A `waitFor` that ran out of time: what it waited for, where, and what the terminal showed.
struct TerminalTimeout: Error, CustomStringConvertible {
    let awaited: String
    let seconds: Double
    let caller: String
    let state: String

    var description: String {
        "\(caller): waited \(seconds)s for \(awaited.debugDescription) after the output already matched, and it did not come; \(state)"
    }
}
