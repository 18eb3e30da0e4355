import Foundation

/// Reads a file in large chunks, so memory stays bounded whatever its size.
final class ByteChunks {
    private let handle: FileHandle
    static let chunkSize = 1 << 20

    init(path: String) throws(RecordProblem) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RecordProblem(line: 0, message: "does not exist")
        }
        guard !isDirectory.boolValue else { throw RecordProblem(line: 0, message: "is a folder, not a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RecordProblem(line: 0, message: "cannot be read (permissions?)")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next chunk, or nil at the end.
    func next() throws(RecordProblem) -> [UInt8]? {
        do {
            guard let data = try handle.read(upToCount: Self.chunkSize), !data.isEmpty else { return nil }
            return [UInt8](data)
        } catch {
            throw RecordProblem(line: 0, message: "cannot be read: \(error.localizedDescription)")
        }
    }
}

/// A problem at a line of a data file (line 0: the file as a whole).
struct RecordProblem: Error, Sendable {
    var line: Int
    var column: Int? = nil
    var message: String
}
