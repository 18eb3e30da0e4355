import Foundation
import PushSyntax

/// Reads a file in large chunks, so memory stays bounded whatever its size.
final class ByteChunks {
    private let handle: FileHandle
    static let chunkSize = 1 << 20
    /// Bytes a read asks for (tests use tiny chunks to cut tokens and records at every place).
    let chunkSize: Int

    /// For a file that is not there (a path computed at run time, which the
    /// check could not look at): the name in its folder it most likely meant.
    static func likelyMeant(_ path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        guard let meant = Spelling.closest(to: (path as NSString).lastPathComponent, among: entries) else { return "" }
        return " (did you mean \(meant)? looked in \(folder.isEmpty ? "the current folder" : folder + "/"))"
    }

    /// What this reading does with the file's version: notes it (a check
    /// pass), or holds the file to one noted before (a send pass).
    enum Version {
        case ignored
        case recorded(FileVersion)
        case verified(FileVersion)
    }

    private var recording: FileVersion?
    private var verifier: FileVersion.Verifier?

    init(path: String, chunkSize: Int = ByteChunks.chunkSize, version: Version = .ignored) throws(RecordProblem) {
        self.chunkSize = chunkSize
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RecordProblem(line: 0, message: "does not exist" + Self.likelyMeant(path))
        }
        guard !isDirectory.boolValue else { throw RecordProblem(line: 0, message: "is a folder, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RecordProblem(line: 0, message: "cannot be read (permissions?)")
        }
        self.handle = handle
        switch version {
        case .ignored: break
        case .recorded(let version):
            version.opened(handle.fileDescriptor)
            recording = version
        case .verified(let version): verifier = FileVersion.Verifier(version: version)
        }
    }

    deinit { try? handle.close() }

    private var atStart = true

    /// The next chunk, or nil at the end. A file that its byte order mark says
    /// is UTF-16 or UTF-32 is refused by name: every reader wants UTF-8.
    func next() throws(RecordProblem) -> [UInt8]? {
        do {
            guard let data = try handle.read(upToCount: atStart ? max(4, chunkSize) : chunkSize), !data.isEmpty else {
                try verifier?.checkEnd()
                return nil
            }
            let bytes = [UInt8](data)
            if let recording {
                bytes.withUnsafeBytes { recording.record($0) }
            } else if var verifying = verifier {
                // No throwing closure here: the compiler cannot yet lower a typed throw through withUnsafeBytes.
                let problem = bytes.withUnsafeBytes { chunk -> RecordProblem? in
                    do { try verifying.check(chunk) } catch let problem as RecordProblem { return problem } catch { return nil }
                    return nil
                }
                verifier = verifying
                if let problem { throw problem }
            }
            if atStart {
                atStart = false
                if let encoding = Self.foreignEncoding(bytes) {
                    throw RecordProblem(
                        line: 0, message: "is \(encoding) text (its byte order mark says so); save it as UTF-8 and push again")
                }
            }
            return bytes
        } catch let problem as RecordProblem {
            throw problem
        } catch {
            throw RecordProblem(line: 0, message: "cannot be read: \(error.localizedDescription)")
        }
    }
}

extension ByteChunks {
    /// The encoding a byte order mark names, if it is not UTF-8.
    static func foreignEncoding(_ start: [UInt8]) -> String? {
        if start.starts(with: [0xFF, 0xFE, 0x00, 0x00]) { return "UTF-32 (little-endian)" }
        if start.starts(with: [0x00, 0x00, 0xFE, 0xFF]) { return "UTF-32 (big-endian)" }
        if start.starts(with: [0xFF, 0xFE]) { return "UTF-16 (little-endian)" }
        if start.starts(with: [0xFE, 0xFF]) { return "UTF-16 (big-endian)" }
        return nil
    }
}

/// A problem at a line of a data file (line 0: the file as a whole).
struct RecordProblem: Error, Sendable {
    var line: Int
    var column: Int? = nil
    var message: String
    /// The file is not the version its check pass read (``FileVersion``).
    var fileChanged = false
}
