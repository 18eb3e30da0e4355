import Foundation

/// Records converted during the check pass, kept on disk for the send pass.
///
/// Converting a CSV row is the slow part of pushing a CSV export; spooling the
/// converted records to a temporary file (`LINE JSON` a line) means each row is
/// parsed once, while memory still holds only one record at a time.
///
/// The spool is an optimisation, never a reason to fail: when the temporary
/// folder cannot be written (full, read-only), the spool gives up, says why
/// in `failure` (naming the folder, not the data file), and the push reads
/// the file a second time instead.
final class RecordSpool {
    let path: String
    /// The temporary folder (`TMPDIR`), as the user would look for it.
    let folder: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    /// Why the spool cannot be used, once it cannot: `the temporary folder
    /// /tmp/ cannot be written (No space left on device)`.
    private(set) var failure: String?

    init() {
        folder = NSTemporaryDirectory()
        path = folder + (folder.hasSuffix("/") ? "" : "/") + "pushsh-spool-\(UUID().uuidString).jsonl"
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor < 0 { fail(errno) }
        buffer.reserveCapacity(1 << 20)
    }

    /// Whether the records are all on disk, for the send to read back.
    var isUsable: Bool { failure == nil }

    func append(_ record: FileRecord) {
        guard failure == nil else { return }
        buffer += Array(String(record.line).utf8)
        buffer.append(UInt8(ascii: " "))
        buffer += record.json
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    func finish() {
        flush()
        guard descriptor >= 0 else { return }
        if close(descriptor) != 0 && failure == nil { fail(errno) }
        descriptor = -1
    }

    private func flush() {
        guard failure == nil, descriptor >= 0 else { return }
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                fail(written < 0 ? errno : EIO)
                return
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Gives up: the reason kept, the memory and the half-written file let go.
    private func fail(_ code: Int32) {
        failure = "the temporary folder \(folder) cannot be written (\(String(cString: strerror(code))))"
        buffer = []
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
    }

    func remove() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
    }
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
