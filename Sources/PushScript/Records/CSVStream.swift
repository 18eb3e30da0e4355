import PushAPI

/// CSV with a header row, read as RFC 4180 says: each row becomes an object
/// keyed by the header's names (renamed by `map`); an empty cell becomes null.
///
/// Strict by default: a quote inside an unquoted field, text after a closing
/// quote, or a quoted field left open is an error at its line, never data that
/// runs into the next row. After such an error the reader starts again at the
/// next line, so every bad row is listed. `CSVOptions.lenientQuotes` reads a
/// stray quote as data and drops spaces after a closing quote, with a warning
/// per row, but never lets a field run past its line (see `CSVOptions`).
/// Fields may hold commas, quotes (doubled) and line breaks when quoted;
/// blank lines are skipped. Rows end as the file's first line does: in LF or
/// CRLF, or in a CR alone (classic Mac files); the other kind of line end is
/// an error in either mode, since a CR in an LF file (or an LF in a CR file)
/// could be a row end or data and guessing either may merge or split rows.
/// An empty file (or one of blank lines only) has no header and no records.
///
/// A hand-written state machine over the file's bytes: one pass, each byte
/// looked at once, only the current row in memory (a row over the record
/// limit is refused as soon as it is, and read past without keeping it).
struct CSVStream: RecordStream {
    let chunks: ByteChunks
    let limits: RecordLimits
    let options: CSVOptions
    /// Each column's name, encoded once as a JSON key followed by ':'.
    private var keys: [[UInt8]] = []
    private var columns = 0

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, spacesAfterQuote, carriageReturn, skipLine }
    /// How the file's rows end, decided by its first line end (outside quotes).
    private enum LineEnd { case undecided, lineFeed, carriageReturn }
    private var lineEnd = LineEnd.undecided
    /// CRs and LFs read inside quotes before the file's line end is known.
    /// Until then `line` counts LFs; a file whose rows turn out to end in CR
    /// counts its CRs instead, so these correct `line` at the decision.
    private var quotedCRsUndecided = 0
    private var quotedLFsUndecided = 0
    /// Spaces and tabs read after a closing quote (lenient): dropped before a comma or a line end, data before text.
    private var afterQuote: [UInt8] = []

    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    private var ended = false
    private var sawBytes = false
    /// The physical line of the byte at `position` (1-based).
    private var line = 1
    private var state = State.fieldStart
    /// The current row: its fields' bytes, one after another, and where each ends.
    private var cells: [UInt8] = []
    private var ends: [Int] = []
    /// Fields in the current row (counted on past `ends` when a row has too many).
    private var fieldCount = 0
    private var rowLine = 1
    private var quoteLine = 1
    private var rowQuoted = false
    /// The row is over the size limit (already said): read to its end, keep nothing.
    private var discarding = false
    /// What the lenient reading of the current row let through, said once per row.
    private var leniency: String?
    private var pending: StreamItem?
    /// The row in `cells` was handed out: clear it before reading on.
    private var rowDone = false
    /// The most fields a row's `ends` keeps: the header's count and one more.
    private var fieldCap = Int.max

    init(chunks: ByteChunks, renames: FieldRenames, limits: RecordLimits = RecordLimits(), options: CSVOptions = CSVOptions())
        throws(RecordProblem)
    {
        self.chunks = chunks
        self.limits = limits
        self.options = options
        fieldCap = limits.columns + 1
        let names: [String]
        switch try readRow() {
        case nil:
            // Nothing but blank lines (or nothing at all): no columns and no records,
            // which a push reports as an empty file (a warning, nothing sent).
            return
        case .problem(let problem)?, .warning(let problem)?:
            throw problem
        case .record?:
            names = try headerNames()
        }
        // The header is read as leniently as any row, and said so: its names are what every record gets.
        let headerLeniency = leniency.map {
            RecordProblem(line: rowLine, message: "the header row: \($0) (csv_quotes lenient); check the column names")
        }
        var seen: [String: Int] = [:]
        for (index, written) in names.enumerated() {
            var name = renames.name(written)
            if let earlier = seen[name] {
                guard options.renameDuplicates else {
                    throw RecordProblem(
                        line: rowLine,
                        message:
                            "the header names the column \"\(name.prefix(80))\" twice (columns \(earlier + 1) and \(index + 1)); rename one, or set csv_duplicates rename"
                    )
                }
                var n = 2
                while seen["\(name)_\(n)"] != nil { n += 1 }
                name = "\(name)_\(n)"
            }
            seen[name] = index
            keys.append(JSONValue.string(name).jsonBytes + [UInt8(ascii: ":")])
        }
        columns = keys.count
        fieldCap = columns + 1
        pending = headerLeniency.map(StreamItem.warning)
    }

    /// The header's names, as written (trimmed only if the options say so).
    private mutating func headerNames() throws(RecordProblem) -> [String] {
        if fieldCount > limits.columns {
            throw RecordProblem(line: rowLine, message: "the header has more than \(limits.columns) columns")
        }
        var names: [String] = []
        var start = 0
        for (index, end) in ends.enumerated() {
            var bytes = cells[start..<end]
            start = end
            if options.trimHeader {
                while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
                while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
            }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw RecordProblem(
                    line: rowLine, message: "the header's column \(index + 1) holds bytes that are not UTF-8 text (save the file as UTF-8)")
            }
            guard !name.isEmpty else {
                throw RecordProblem(line: rowLine, message: "the header's column \(index + 1) has no name; every column needs one")
            }
            names.append(name)
        }
        return names
    }

    mutating func next() throws(RecordProblem) -> StreamItem? {
        if let item = pending {
            pending = nil
            return item
        }
        guard let row = try readRow() else { return nil }
        guard case .record = row else { return row }
        let record = makeRecord()
        if let leniency {
            self.leniency = nil
            pending = record
            return .warning(RecordProblem(line: rowLine, message: "\(leniency) (csv_quotes lenient)"))
        }
        return record
    }

    /// The current row as a record, or its problem.
    private func makeRecord() -> StreamItem {
        if cells.count > limits.recordBytes { return .problem(RecordProblem(line: rowLine, message: limits.tooLarge("the row"))) }
        guard fieldCount == columns else {
            return .problem(
                RecordProblem(line: rowLine, message: "has \(fieldCount) field\(fieldCount == 1 ? "" : "s") but the header has \(columns)"))
        }
        var json: [UInt8] = [UInt8(ascii: "{")]
        json.reserveCapacity(cells.count + keys.count * 16 + 2)
        var start = 0
        for (index, end) in ends.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json += keys[index]
            if start == end {
                json += [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")]
            } else if !CSVText.appendJSONString(cells, start..<end, to: &json) {
                return .problem(
                    RecordProblem(line: rowLine, message: "field \(index + 1) holds bytes that are not UTF-8 text (save the file as UTF-8)")
                )
            }
            start = end
        }
        json.append(UInt8(ascii: "}"))
        return .record(FileRecord(json: json, line: rowLine))
    }

    // MARK: The state machine

    /// Reads the next row: `.record` when one is complete in `cells`/`ends`
    /// (the caller turns it into JSON), a problem, or nil at the end.
    private mutating func readRow() throws(RecordProblem) -> StreamItem? {
        if ended { return nil }
        if rowDone {
            rowDone = false
            startRow()
        }
        while true {
            while position >= buffer.count {  // (a chunk may be used up at once: a file of only a byte order mark)
                if !discarding, cells.count > limits.recordBytes {
                    // Checked once a chunk, so a row is refused within a chunk of the limit
                    // and the rest of it is read without being kept.
                    discarding = true
                    cells = []
                    let hint = state == .quoted ? " (or a quoted field opened on line \(quoteLine) is never closed)" : ""
                    return .problem(RecordProblem(line: rowLine, message: limits.tooLarge("the row") + hint))
                }
                guard try refill() else { return endOfFile() }
            }
            let byte = buffer[position]
            position += 1
            switch state {
            case .skipLine:
                if byte == lineBreak {
                    line += 1
                    startRow()
                }
            case .fieldStart:
                switch byte {
                case UInt8(ascii: "\""):
                    state = .quoted
                    rowQuoted = true
                    quoteLine = line
                case UInt8(ascii: ","):
                    endField()
                case 0x0A:
                    if let row = lineFeed() { return row }
                case 0x0D:
                    if let row = carriageReturn() { return row }
                default:
                    append(byte)
                    state = .unquoted
                }
            case .unquoted:
                switch byte {
                case UInt8(ascii: ","):
                    endField()
                    state = .fieldStart
                case 0x0A:
                    if let row = lineFeed() { return row }
                case 0x0D:
                    if let row = carriageReturn() { return row }
                case UInt8(ascii: "\""):
                    if options.lenientQuotes {
                        note("a quote (\") inside an unquoted field, read as data")
                        append(byte)
                    } else if let problem = malformed(
                        "a quote (\") inside an unquoted field; quote the whole field and double the quote (\"a \"\"b\"\" c\") (or set csv_quotes lenient)"
                    ) {
                        return problem
                    }
                default:
                    append(byte)
                }
            case .quoted:
                if byte == UInt8(ascii: "\"") {
                    state = .quoteInQuoted
                } else {
                    if byte == lineBreak { line += 1 }
                    if lineEnd == .undecided {
                        if byte == 0x0D { quotedCRsUndecided += 1 } else if byte == 0x0A { quotedLFsUndecided += 1 }
                    }
                    append(byte)
                }
            case .quoteInQuoted:
                switch byte {
                case UInt8(ascii: "\""):
                    append(byte)
                    state = .quoted
                case UInt8(ascii: ","):
                    endField()
                    state = .fieldStart
                case 0x0A:
                    if let row = lineFeed() { return row }
                case 0x0D:
                    if let row = carriageReturn() { return row }
                case 0x20 where options.lenientQuotes, 0x09 where options.lenientQuotes:
                    append(toSpaces: byte)
                    state = .spacesAfterQuote
                default:
                    if let problem = textAfterQuote(byte) { return problem }
                }
            case .spacesAfterQuote:
                switch byte {
                case 0x20, 0x09:
                    append(toSpaces: byte)
                case UInt8(ascii: ","), 0x0A, 0x0D:
                    // Padding after a closing quote: the field is what the quotes hold.
                    note("spaces after the closing quote of a field, dropped")
                    afterQuote.removeAll(keepingCapacity: true)
                    state = .quoteInQuoted
                    position -= 1  // the comma or line end, read again right after the closing quote
                default:
                    if let problem = textAfterQuote(byte) { return problem }
                }
            case .carriageReturn:
                if byte == 0x0A {
                    if let row = lineFeed() { return row }
                } else if lineEnd == .undecided {
                    // The file's first line end is a CR alone: its rows end in CR (old Mac files).
                    lineEnd = .carriageReturn
                    line += 1 + quotedCRsUndecided - quotedLFsUndecided
                    position -= 1  // this byte starts the next row
                    if let row = endRow() { return row }
                } else if let problem = malformed(
                    "a carriage return (CR) not followed by a line feed (LF), in a file whose rows end in LF or CRLF (as its first line does); save the file with one kind of line end, or quote the field if the CR is data"
                ) {
                    return problem
                }
            }
        }
    }

    /// The byte that ends a physical line in this file (LF until its first line end says CR).
    private var lineBreak: UInt8 { lineEnd == .carriageReturn ? 0x0D : 0x0A }

    /// An LF outside quotes: the end of the row, unless the file's rows end in CR.
    private mutating func lineFeed() -> StreamItem? {
        if lineEnd == .carriageReturn {
            return malformed(
                "a line feed (LF) in a file whose rows end in a carriage return (CR) alone (as its first line does); save the file with one kind of line end, or quote the field if the LF is data"
            )
        }
        lineEnd = .lineFeed
        line += 1
        return endRow()
    }

    /// A CR outside quotes: the end of the row in a CR file; else what follows it says.
    private mutating func carriageReturn() -> StreamItem? {
        guard lineEnd == .carriageReturn else {
            state = .carriageReturn
            return nil
        }
        line += 1
        return endRow()
    }

    /// Text after a closing quote (`"abc"def`, `"B" x`): lenient reads the quote (and any
    /// spaces) as data and the field goes on unquoted to its comma. Only when the quoted
    /// part lies on one line: if it ran over a line end, one of its quotes is stray and
    /// where the row ends cannot be told, so no mode guesses (that is how rows merge).
    private mutating func textAfterQuote(_ byte: UInt8) -> StreamItem? {
        if quoteLine != line {
            return malformed(
                "text after the closing quote of a field that opened on line \(quoteLine), so a quote is stray and where the row ends cannot be told; quote the field whole, doubling each quote inside it"
            )
        }
        guard options.lenientQuotes else {
            return malformed(
                "text after the closing quote of a field; a field is either quoted whole or not at all (or set csv_quotes lenient)")
        }
        note("text after the closing quote of a field, read as data")
        append(UInt8(ascii: "\""))
        for space in afterQuote { append(space) }
        afterQuote.removeAll(keepingCapacity: true)
        position -= 1  // read this byte again, as part of an unquoted field
        state = .unquoted
        return nil
    }

    private mutating func append(toSpaces byte: UInt8) {
        // Kept only to put back if text follows; a row's size limit still bounds them.
        if afterQuote.count <= limits.recordBytes { afterQuote.append(byte) }
    }

    private mutating func startRow() {
        cells.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        fieldCount = 0
        rowLine = line
        rowQuoted = false
        discarding = false
        leniency = nil
        afterQuote.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        guard !discarding else { return }
        cells.append(byte)
    }

    private mutating func endField() {
        fieldCount += 1
        if ends.count < fieldCap { ends.append(cells.count) }
    }

    /// The row ends at a line break; nil for a blank line (nothing to return yet).
    private mutating func endRow() -> StreamItem? {
        if ends.isEmpty && cells.isEmpty && !rowQuoted && state != .unquoted {
            startRow()  // a blank line
            return nil
        }
        endField()
        state = .fieldStart
        if discarding {
            startRow()
            return nil
        }
        rowDone = true
        return .record(FileRecord(json: [], line: rowLine))
    }

    /// What the lenient reading let through in this row, for its warning (the first is said).
    private mutating func note(_ reading: String) {
        leniency = leniency ?? reading
    }

    /// A row the reader cannot read: an error at this line; reading starts again at the next.
    private mutating func malformed(_ message: String) -> StreamItem? {
        let at = line
        state = .skipLine
        if discarding { return nil }
        return .problem(RecordProblem(line: at, message: message))
    }

    private mutating func endOfFile() -> StreamItem? {
        ended = true
        switch state {
        case .quoted:
            return .problem(RecordProblem(line: quoteLine, message: "a quoted field is not closed (a \" is missing)"))
        case .skipLine:
            return nil
        case .fieldStart where ends.isEmpty && cells.isEmpty && !rowQuoted,
            .carriageReturn where ends.isEmpty && cells.isEmpty && !rowQuoted:
            return nil
        case .spacesAfterQuote:
            note("spaces after the closing quote of a field, dropped")
            fallthrough
        default:
            endField()
            rowDone = true
            return discarding ? nil : .record(FileRecord(json: [], line: rowLine))
        }
    }

    /// Reads the next chunk; the row being read is already in `cells`, so nothing needs keeping.
    private mutating func refill() throws(RecordProblem) -> Bool {
        guard !finished, let chunk = try chunks.next() else {
            finished = true
            return false
        }
        buffer = chunk
        position = 0
        if !sawBytes {
            sawBytes = true
            // A UTF-8 byte order mark is allowed at the start of the file only.
            if chunk.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }
        return true
    }
}

/// Turning a CSV cell into JSON text.
enum CSVText {
    /// Appends `bytes[range]` as a JSON string; false if they are not UTF-8.
    static func appendJSONString(_ bytes: [UInt8], _ range: Range<Int>, to out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "\""))
        var i = range.lowerBound
        while i < range.upperBound {
            let byte = bytes[i]
            if byte < 0x80 {
                switch byte {
                case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    out += [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
                        hex[Int(byte & 0xF)],
                    ]
                default: out.append(byte)
                }
                i += 1
                continue
            }
            let length = sequenceLength(bytes, i, range.upperBound)
            guard length > 0 else { return false }
            out += bytes[i..<(i + length)]
            i += length
        }
        out.append(UInt8(ascii: "\""))
        return true
    }

    /// The length of the well-formed UTF-8 sequence at `i` (RFC 3629), or 0.
    static func sequenceLength(_ b: [UInt8], _ i: Int, _ end: Int) -> Int {
        func continuation(_ j: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool { j < end && b[j] >= low && b[j] <= high }
        switch b[i] {
        case 0xC2...0xDF: return continuation(i + 1) ? 2 : 0
        case 0xE0: return continuation(i + 1, 0xA0) && continuation(i + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(i + 1) && continuation(i + 2) ? 3 : 0
        case 0xED: return continuation(i + 1, 0x80, 0x9F) && continuation(i + 2) ? 3 : 0
        case 0xF0: return continuation(i + 1, 0x90) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
        case 0xF1...0xF3: return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
        case 0xF4: return continuation(i + 1, 0x80, 0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
        default: return 0
        }
    }
}
