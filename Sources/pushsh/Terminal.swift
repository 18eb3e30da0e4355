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
    /// the screen shown through the pager (see `Pager`: `PUSHSH_PAGER`, `PAGER`, else `less`).
    static func preparePager(for interpreter: Interpreter, environment: [String: String]) {
        guard let size = size(), environment["TERM"] != "dumb" else { return }
        interpreter.terminalWidth = size.columns
        guard let pager = Pager(environment: environment) else { return }
        interpreter.pager = { text in
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
            guard lines >= size.rows - 1 else { return false }
            return pager.show(text)
        }
    }
}
