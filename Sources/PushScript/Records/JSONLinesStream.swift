/// JSON Lines: one object a line, each parsed whole by the core parser.
/// Blank lines are skipped; a line may end in CRLF. A UTF-8 byte order mark is
/// allowed only as the file's first bytes: anywhere else the service would
/// refuse the page that holds it, so the check pass refuses it at its line.
/// A line longer than the record limit is refused as soon as it is, and read
/// past without keeping it, so no line costs more than the limit in memory.
struct JSONLinesStream: RecordStream {
    let chunks: ByteChunks
    let renames: FieldRenames
    let limits: RecordLimits
    /// Whether to parse each line (the check pass) or trust it (the send pass).
    var verify = true
    private var buffer: [UInt8] = []
    private var position = 0
    /// Where the search for the next line break goes on (bytes before it hold none).
    private var searched = 0
    private var line = 0
    private var finished = false
    private var atFileStart = true

    init(chunks: ByteChunks, renames: FieldRenames, limits: RecordLimits = RecordLimits()) {
        self.chunks = chunks
        self.renames = renames
        self.limits = limits
    }

    mutating func next() throws(RecordProblem) -> StreamItem? {
        while true {
            guard let found = try nextLine() else { return nil }
            line += 1
            guard case .line(let start, let end) = found else {
                return .problem(RecordProblem(line: line, message: limits.tooLarge("the record")))
            }
            var lineStart = start
            var lineEnd = end
            if atFileStart {
                atFileStart = false
                if lineEnd - lineStart >= 3, buffer[lineStart] == 0xEF, buffer[lineStart + 1] == 0xBB, buffer[lineStart + 2] == 0xBF {
                    lineStart += 3
                }
            }
            while lineEnd > lineStart, buffer[lineEnd - 1] == 0x0D || buffer[lineEnd - 1] == 0x20 || buffer[lineEnd - 1] == 0x09 {
                lineEnd -= 1
            }
            while lineStart < lineEnd, buffer[lineStart] == 0x20 || buffer[lineStart] == 0x09 || buffer[lineStart] == 0x0D {
                lineStart += 1
            }
            if lineStart == lineEnd { continue }
            if lineEnd - lineStart > limits.recordBytes {
                return .problem(RecordProblem(line: line, message: limits.tooLarge("the record")))
            }
            let currentLine = line
            let verify = self.verify
            let renames = self.renames
            let column = lineStart - start + 1
            return buffer.withUnsafeBufferPointer { all in
                RecordSource.record(
                    UnsafeBufferPointer(rebasing: all[lineStart..<lineEnd]), line: currentLine, column: column, renames: renames,
                    verify: verify)
            }
        }
    }

    private enum Found {
        case line(Int, Int)
        /// A line over the limit, read to its end and dropped.
        case tooLong
    }

    /// The bounds of the next line in `buffer`, reading more when needed. Each
    /// byte is searched once, so a line of any length costs time linear in it.
    private mutating func nextLine() throws(RecordProblem) -> Found? {
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                let bounds = (position, newline)
                position = newline + 1
                searched = position
                return .line(bounds.0, bounds.1)
            }
            searched = buffer.count
            if finished {
                guard position < buffer.count else { return nil }
                let bounds = (position, buffer.count)
                position = buffer.count
                return .line(bounds.0, bounds.1)
            }
            if buffer.count - position > limits.recordBytes {
                try dropRestOfLine()
                return .tooLong
            }
            // Keep the unfinished line, drop what was consumed, read more.
            buffer.removeSubrange(0..<position)
            searched -= position
            position = 0
            if let chunk = try chunks.next() { buffer.append(contentsOf: chunk) } else { finished = true }
        }
    }

    /// Reads past the rest of an overlong line, keeping none of it.
    private mutating func dropRestOfLine() throws(RecordProblem) {
        buffer.removeAll(keepingCapacity: true)
        position = 0
        searched = 0
        atFileStart = false
        while let chunk = try chunks.next() {
            if let newline = chunk.firstIndex(of: 0x0A) {
                buffer.append(contentsOf: chunk[(newline + 1)...])
                return
            }
        }
        finished = true
    }
}
