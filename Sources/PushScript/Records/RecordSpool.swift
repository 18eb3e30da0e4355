import Foundation

/// Records converted during the check pass, kept on disk for the send pass.
///
/// Converting a CSV row is the slow part of pushing a CSV export; spooling the
/// converted records to a temporary file (`LINE JSON` a line) means each row is
/// parsed once, while memory still holds only one record at a time.
final class RecordSpool {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []

    init() throws {
        path = NSTemporaryDirectory() + "pushsh-spool-\(UUID().uuidString).jsonl"
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw CocoaError(.fileWriteUnknown) }
        self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func append(_ record: FileRecord) throws {
        buffer += Array(String(record.line).utf8)
        buffer.append(UInt8(ascii: " "))
        buffer += record.json
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func finish() throws {
        try flush()
        try handle.close()
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Reads a spool back: records with the lines of the file they came from.
struct SpoolStream: RecordStream {
    var lines: JSONLinesStream

    init(path: String) throws(RecordProblem) {
        // The check pass has sized every record; a spool line is one of them and its line number.
        var stream = JSONLinesStream(
            chunks: try ByteChunks(path: path), renames: FieldRenames(renames: [:]), limits: RecordLimits(recordBytes: 60_000_000))
        stream.verify = false
        lines = stream
    }

    mutating func next() throws(RecordProblem) -> StreamItem? {
        guard let item = try lines.next() else { return nil }
        guard case .record(let raw) = item, let space = raw.json.firstIndex(of: UInt8(ascii: " ")),
            let line = Int(String(decoding: raw.json[..<space], as: UTF8.self))
        else { throw RecordProblem(line: 0, message: "could not be read back from the spool") }
        return .record(FileRecord(json: Array(raw.json[(space + 1)...]), line: line))
    }
}
