import Foundation

/// Writes lines to stdout and stderr, unbuffered, so a log line is on screen
/// (or in a pipe) the moment it is made.
enum Terminal {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `HH:MM:SS` of this machine's time, for request logs.
    static func clock() -> String {
        let t = Int(Date().timeIntervalSince1970) % 86_400
        return String(format: "%02d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
    }
}
