import Foundation
import PushAPI
import PushSyntax

extension Interpreter {
    /// Asks a running script to stop at the next safe point (between pages, in
    /// a pause): the runner calls it from its signal watcher, then cancels the run.
    public func interrupt(_ signal: StopSignal) {
        stopSignalNumber.store(signal.rawValue, ordering: .relaxed)
    }

    /// Whether a stopped run leaves its sessions as they are.
    var keepsSessionsOnStop: Bool { keepSessionsOnStop || settings.onError == .keep }

    /// After a run stopped (an error it did not continue past, or a signal):
    /// says how each session it started stands and, unless told to keep them,
    /// discards those still active, so the integration is not blocked for an
    /// hour (one active session per integration; a second start gets 409).
    ///
    /// Runs in a task of its own: the run's task may be cancelled, and these
    /// last requests must still go out.
    func cleanUpAfterStopping(because reason: String) async {
        let sessions = startedSessions
        guard !sessions.isEmpty else { return }
        await Task { [self] in await cleanUp(sessions, reason: reason) }.value
    }

    private func cleanUp(_ sessions: [SessionHandle], reason: String) async {
        let client = connection.client
        let keep = keepsSessionsOnStop
        for handle in sessions {
            if let now = try? await client.session(handle.id) { handle.refresh(now) }
            guard handle.state == .active else { continue }
            let snapshot = handle.snapshot
            let pages = snapshot.acceptedBatches.map { " in \($0) page\($0 == 1 ? "" : "s")" } ?? ""
            let landed = "\(snapshot.acceptedRecordsTotal) record\(snapshot.acceptedRecordsTotal == 1 ? "" : "s")\(pages) staged"
            if keep {
                output.errorLine(
                    errorPaint.yellow("note:") + " \(reason); session \(handle.id) is left active (\(landed)) as asked; "
                        + "resume with the 'skip N' above, or end it with: close \"\(handle.id)\" discard")
                continue
            }
            do {
                handle.refresh(try await client.close(handle.id, action: .discard))
                track(handle)
                output.errorLine(
                    errorPaint.yellow("note:") + " \(reason); discarded session \(handle.id), which it had left active (\(landed)), "
                        + "so the integration is not blocked; to keep such a session for a resume: set on_error keep (or --keep-sessions)")
            } catch {
                output.errorLine(
                    errorPaint.yellow("warning:")
                        + " \(reason); session \(handle.id) is still active (\(landed)) and could not be discarded: "
                        + "\(error.message); it expires after an hour without requests")
            }
        }
    }
}

/// What the checker may look at on disk before a script runs.
public enum ScriptFiles {
    /// The checker's view of the disk; `collect` is given each included file
    /// read, so its lines can be shown in messages.
    public static func checkFiles(collect: @escaping (SourceFile) -> Void) -> CheckFiles {
        var files = CheckFiles(
            loadInclude: { path in
                guard let bytes = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileNoSuchFile) }
                let included = SourceFile(name: path, bytes: [UInt8](bytes))
                collect(included)
                return included
            },
            dataFile: dataFile)
        // Data files' records too: a bad record is known before the run.
        files.records = records
        return files
    }

    /// Whether a data file is there and readable; for CSV, its header's
    /// column names (only the first line is read).
    public static func dataFile(_ path: String) -> CheckFiles.DataFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .missing }
        if isFolder.boolValue { return .folder }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .unreadable }
        defer { try? handle.close() }
        // Read for every file: the checker uses it only where the format is CSV.
        let head = (try? handle.read(upToCount: 65_536)) ?? Data()
        return .readable(csvHeader: CSVHeader.names(in: [UInt8](head)))
    }
}

/// The column names of a CSV's first line, as `CSVStream` reads them
/// (trimmed, without a BOM); nil when the first line does not end within the bytes given.
enum CSVHeader {
    static func names(in bytes: [UInt8]) -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var ended = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inQuotes = true
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field = []
            case UInt8(ascii: "\n"):
                ended = true
            case UInt8(ascii: "\r"): break
            default: field.append(byte)
            }
            if ended { break }
        }
        guard ended || index >= bytes.count, bytes.count < 65_536 || ended else { return nil }
        fields.append(String(decoding: field, as: UTF8.self))
        return fields.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
