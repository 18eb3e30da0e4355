import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `pushsh` on a real pseudo-terminal, for what only a terminal shows:
/// libedit's keys, Tab, Ctrl-C, Ctrl-D.
final class PseudoTerminal {
    let master: Int32
    let process: Process
    private(set) var transcript = ""

    init(arguments: [String] = [], environment: [String: String], directory: URL = Binary.root, columns: UInt16 = 100) throws {
        var master: Int32 = 0
        var slave: Int32 = 0
        var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw POSIXError(.EIO) }
        self.master = master
        process = Process()
        // setsid --ctty makes the pty the controlling terminal, so Ctrl-C
        // becomes SIGINT for pushsh alone and never reaches the test runner.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["--ctty", Binary.path] + arguments
        var env = environment
        env["TERM"] = "xterm"
        env["LANG"] = "C.UTF-8"
        process.environment = env
        process.currentDirectoryURL = directory
        let handle = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        process.standardInput = handle
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        close(master)
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
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 100) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let n = read(master, &buffer, buffer.count)
                if n > 0 { transcript += String(decoding: buffer[0..<n], as: UTF8.self) } else if n < 0 { break }
            }
        }
        return screen.contains(expected)
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
        return process.isRunning ? nil : process.terminationStatus
    }
}
