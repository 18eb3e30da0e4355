import Foundation
import PushScript

/// Writes lines to stdout and stderr, unbuffered, so a log line is on screen
/// (or in a pipe) the moment it is made; a closed pipe or a full disk is
/// noted in `StandardStreams.failure`, never a crash.
enum Terminal {
    static func line(_ text: String) {
        StandardStreams.write(text + "\n", to: .output)
    }

    static func warn(_ text: String) {
        StandardStreams.write(text + "\n", to: .error)
    }

    /// `HH:MM:SS` of this machine's time, for request logs.
    static func clock() -> String {
        let t = Int(Date().timeIntervalSince1970) % 86_400
        return String(format: "%02d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
    }

    /// Columns and rows of the terminal on stdout; nil when stdout is not one.
    static func size() -> (columns: Int, rows: Int)? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return (80, 24) }
        return (Int(size.ws_col), Int(size.ws_row))
    }

    /// On a terminal only: help re-flowed to its width, and help longer than
    /// the screen shown through `$PAGER` (default `less -R`, when installed).
    static func preparePager(for interpreter: Interpreter, environment: [String: String]) {
        guard let size = size(), environment["TERM"] != "dumb" else { return }
        interpreter.terminalWidth = size.columns
        guard let command = pagerCommand(environment: environment) else { return }
        interpreter.pager = { text in
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            guard lines >= size.rows - 1 else { return false }
            return page(text, through: command, environment: environment)
        }
    }

    /// `$PAGER` when set (an empty one means no pager), else `less -R` when it is on the PATH.
    static func pagerCommand(environment: [String: String]) -> String? {
        if let pager = environment["PAGER"] {
            return pager.trimmingCharacters(in: .whitespaces).isEmpty ? nil : pager
        }
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        let found = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/less") }
        return found ? "less -R" : nil
    }

    /// Runs the pager with the text on its stdin; false when it cannot start.
    static func page(_ text: String, through command: String, environment: [String: String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let input = Pipe()
        process.standardInput = input
        do { try process.run() } catch { return false }
        // A pager quit early closes its end; the rest of the text is not wanted.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data((text + "\n").utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return true
    }
}
