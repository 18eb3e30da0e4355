import Foundation
import PushAPI
import PushScript

/// What a shell that SIGHUP or SIGTERM ended did with its sessions, for the
/// next shell to say: the terminal was gone, so nobody saw its notes.
///
/// The only state kept across processes: one small file beside the history
/// (`~/.pushsh_history.stopped`), written at such an end when a session was
/// discarded or left active, read and removed by the next shell.
struct ShellStopNote {
    let path: String

    init(historyPath: String) { path = historyPath + ".stopped" }

    /// Notes what became of the sessions the shell started; nothing when none was left active.
    func record(_ signal: StopSignal, sessions: [SessionHandle]) {
        let lines = sessions.compactMap { handle -> String? in
            let staged = handle.snapshot.acceptedRecordsTotal
            let records = "\(staged) record\(staged == 1 ? "" : "s") staged"
            switch handle.state {
            case .cancelled: return "  discarded session \(handle.id) (\(records)), which it had left active"
            case .active:
                return "  session \(handle.id) is left active (\(records)); end it with: close \"\(handle.id)\" discard"
            default: return nil
            }
        }
        guard !lines.isEmpty else { return }
        let text =
            "the last shell (pid \(getpid())) was stopped by \(signal.name) at \(Timestamp.now.iso8601):\n"
            + lines.joined(separator: "\n") + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// What the last such shell noted, once: the file is removed.
    func take() -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        unlink(path)
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
