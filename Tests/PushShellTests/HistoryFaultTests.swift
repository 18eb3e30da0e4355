import BuiltInSandbox
import Foundation
import HTTPConnections
import PushScript
import Testing
import _PushTestSupport

@testable import PushShell

/// The history's key scrub on a disk that fails: the history is never lost,
/// no temporary file is left, and the shell never says "removed" unless it was.
@Suite(.serialized) struct HistoryFaultTests {
    static let key = "sk_live_HISTORY_FAULT_1"

    /// 40 entries, the 20th holding the key.
    static let entries = (1...40).map { $0 == 20 ? "let k = \"\(key)\"" : "print \($0)" }

    func write(_ entries: [String], to path: String) throws {
        try (entries.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
    }

    func leftovers(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".tmp") }
    }

    @Test func aFullDiskKeepsTheWholeHistoryAndSaysWhy() throws {
        let disk: TinyDisk
        switch TinyDisk.make(kilobytes: 16) {
        case .success(let made): disk = made
        case .failure(let reason):
            print("skipped: a full disk is needed: \(reason)")
            return
        }
        let path = disk.path + "/history"
        try write(Self.entries, to: path)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        disk.fill()
        let history = HistoryFile(path: path)
        history.load()
        let removal = history.remove { $0.contains(Self.key) }
        guard case .failed(1, let reason) = removal else {
            Issue.record("expected a failed removal, got \(removal)")
            return
        }
        #expect(reason.contains("No space left on device"), "\(reason)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before, "the history must stay whole")
        #expect(leftovers(in: disk.path).isEmpty)
        // With room again, the same scrub works.
        disk.empty()
        #expect(history.remove { $0.contains(Self.key) } == .removed(1))
        let after = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!after.contains(Self.key) && after.split(separator: "\n").count == 39, "\(after)")
    }

    @Test func aFileThatCannotBeReplacedIsKeptAndTheTemporaryFileRemoved() throws {
        let folder = try ScratchFolder("history-pinned")
        defer { try? FileManager.default.removeItem(at: folder.url) }
        let path = folder.path + "/history"
        try write(Self.entries, to: path)
        // A file mounted onto itself cannot be renamed over (EBUSY): root only.
        guard TinyDisk.pin(path) else {
            print("skipped: a file that cannot be replaced needs root (mount --bind)")
            return
        }
        defer { TinyDisk.unpin(path) }
        let history = HistoryFile(path: path)
        history.load()
        let removal = history.remove { $0.contains(Self.key) }
        guard case .failed(1, let reason) = removal else {
            Issue.record("expected a failed removal, got \(removal)")
            return
        }
        #expect(reason.contains("\(path) cannot be replaced: Device or resource busy"), "\(reason)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(Self.key))
        #expect(leftovers(in: folder.path).isEmpty)
    }

    /// The shell's words when the scrub fails: a warning naming the file, never "removed".
    @Test func theShellWarnsThatTheKeyIsStillInTheFile() async throws {
        let folder = try ScratchFolder("history-warning")
        defer { try? FileManager.default.removeItem(at: folder.url) }
        let path = folder.path + "/history"
        let history = HistoryFile(path: path)
        history.load()
        history.replaceFile = { _, _ in
            errno = EBUSY
            return -1
        }
        let output = CapturedOutput()
        let interpreter = Interpreter(connection: frozenSandbox(), output: output, sandboxes: .builtIn, transports: .http)
        let lines = ScriptedLines([
            "let k = \"\(Self.key)\"", "connect url \"http://127.0.0.1:1/api/external/push\" integration \"acme\" key k",
        ])
        let shell = Shell(interpreter: interpreter, lines: lines, output: output, history: history)
        _ = await shell.run(showBanner: false)
        #expect(!output.errors.contains("holding the key removed"), "\(output.errors)")
        #expect(
            output.errors.contains(
                "warning: 1 earlier history entry holding the key could not be removed from \(path) (\(path) cannot be replaced: Device or resource busy); the key is still in that file"
            ), "\(output.errors)")
        #expect(leftovers(in: folder.path).isEmpty)
    }
}
