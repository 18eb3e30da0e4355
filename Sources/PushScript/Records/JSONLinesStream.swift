/// JSON Lines: one object a line. Blank lines are skipped; CRLF and a BOM are fine.
struct JSONLinesStream: RecordStream {
    let chunks: ByteChunks
    let renames: FieldRenames
    /// Whether to parse each line (the check pass) or trust it (the send pass).
    var verify = true
    private var buffer: [UInt8] = []
    private var position = 0
    private var line = 0
    private var finished = false

    init(chunks: ByteChunks, renames: FieldRenames) {
        self.chunks = chunks
        self.renames = renames
    }

    mutating func next() throws(RecordProblem) -> StreamItem? {
        while true {
            guard let (start, end) = try nextLine() else { return nil }
            line += 1
            var lineStart = start
            var lineEnd = end
            if line == 1, lineEnd - lineStart >= 3, buffer[lineStart] == 0xEF, buffer[lineStart + 1] == 0xBB, buffer[lineStart + 2] == 0xBF {
                lineStart += 3
            }
            while lineEnd > lineStart, buffer[lineEnd - 1] == 0x0D || buffer[lineEnd - 1] == 0x20 || buffer[lineEnd - 1] == 0x09 { lineEnd -= 1 }
            while lineStart < lineEnd, buffer[lineStart] == 0x20 || buffer[lineStart] == 0x09 { lineStart += 1 }
            if lineStart == lineEnd { continue }
            let currentLine = line
            let verify = self.verify
            let renames = self.renames
            let column = lineStart - start + 1
            return buffer.withUnsafeBufferPointer { all in
                RecordSource.record(UnsafeBufferPointer(rebasing: all[lineStart..<lineEnd]), line: currentLine, column: column, renames: renames, verify: verify)
            }
        }
    }

    /// The bounds of the next line in `buffer`, reading more when needed.
    private mutating func nextLine() throws(RecordProblem) -> (Int, Int)? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                let bounds = (position, newline)
                position = newline + 1
                return bounds
            }
            if finished {
                guard position < buffer.count else { return nil }
                let bounds = (position, buffer.count)
                position = buffer.count
                return bounds
            }
            // Keep the unfinished line, drop what was consumed, read more.
            buffer.removeSubrange(0..<position)
            position = 0
            if let chunk = try chunks.next() { buffer.append(contentsOf: chunk) } else { finished = true }
        }
    }
}
