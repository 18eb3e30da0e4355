import PushAPI

/// The records of a `.json` file, one element at a time: a top-level array of
/// objects, or an envelope `{"entities": {"User": [...]}}` (the request body's
/// shape). Only the record being read is held in memory. An empty or
/// whitespace-only file is read as no records (as `[]` is), not as an error.
///
/// Every byte is checked by the core parser's rules, not only the records:
/// the containers around them follow JSON's grammar here, each key, string,
/// number and literal outside a record is read by `JSONValue(parsing:)`
/// itself, keys are unique in every object, nesting is limited across the
/// whole document, and nothing but whitespace may follow it. A record is cut
/// out by its brackets and parsed whole by the core parser. So the file is
/// accepted exactly when the core parser accepts it as one document (and it
/// has the shape of records), or holds no document at all (no records),
/// which `JSONReaderAgreementTests` checks.
struct JSONArrayStream: RecordStream {
    let chunks: ByteChunks
    let entityType: String
    let renames: FieldRenames
    let limits: RecordLimits
    /// Whether to parse each record (the check pass) or trust it (the send pass).
    var verify = true

    /// What a container holds, which says where the records are.
    private enum Role { case envelope, entities, records, other }

    /// Where the grammar is inside a container.
    private enum Expect { case first, key, colon, value, commaOrClose }

    private struct Frame {
        var isObject: Bool
        var role: Role
        var expect: Expect = .first
        /// The key whose value comes next, and every key so far (unique, as the core parser requires).
        var key: String? = nil
        var keys: Set<String> = []
    }

    /// A record being cut out of the file by its brackets.
    private struct RecordScan {
        var line: Int
        var column: Int
        var depth = 0
        var inString = false
        var escaped = false
        /// Over the size limit: read to its end without keeping it.
        var discarding = false
    }

    private var buffer: [UInt8] = []
    private var position = 0
    /// Bytes dropped from the front of `buffer` so far (`position + dropped` is the file offset).
    private var dropped = 0
    /// Where the bytes that must stay in `buffer` begin (a token or record being read).
    private var keep: Int?
    private var finished = false
    private var line = 1
    /// Index in `buffer` of the current line's first byte (for columns; may be negative).
    private var lineStart = 0
    private var stack: [Frame] = []
    private var scan: RecordScan?
    private var sawDocument = false
    private var sawTarget = false
    private var done = false

    init(chunks: ByteChunks, entityType: String, renames: FieldRenames, limits: RecordLimits = RecordLimits()) {
        self.chunks = chunks
        self.entityType = entityType
        self.renames = renames
        self.limits = limits
    }

    mutating func next() throws(RecordProblem) -> StreamItem? {
        while !done {
            if scan != nil {
                if let item = try continueRecord() { return item }
                continue
            }
            guard let byte = try skipWhitespace() else { return finish() }
            if let item = try step(byte) { return item }
        }
        return nil
    }

    // MARK: The grammar around the records

    /// One step of the grammar at `byte` (not yet consumed).
    private mutating func step(_ byte: UInt8) throws(RecordProblem) -> StreamItem? {
        guard let top = stack.last else {
            if sawDocument { return fail("unexpected \(describe(byte)) after the end of the JSON document (a file holds one document)") }
            sawDocument = true
            switch byte {
            case UInt8(ascii: "["):
                sawTarget = true
                return open(isObject: false, role: .records)
            case UInt8(ascii: "{"):
                return open(isObject: true, role: .envelope)
            default:
                let (startLine, startColumn) = (line, column)
                let (value, item) = try readScalar()
                if let item { return item }
                return fail(
                    "expected a JSON array of records (or an {\"entities\": ...} envelope), found \(value?.typeName ?? "a value")",
                    line: startLine, column: startColumn)
            }
        }
        let last = stack.count - 1
        if top.isObject {
            switch top.expect {
            case .first where byte == UInt8(ascii: "}"):
                return close()
            case .first, .key:
                guard byte == UInt8(ascii: "\"") else {
                    return fail(
                        top.expect == .first
                            ? "expected a quoted key or '}', found \(describe(byte))" : "expected a quoted key, found \(describe(byte))")
                }
                let (keyLine, keyColumn) = (line, column)
                let (value, item) = try readScalar()
                if let item { return item }
                let key = value?.stringValue ?? ""
                guard stack[last].keys.insert(key).inserted else {
                    return fail("duplicate key \"\(key.prefix(80))\"", line: keyLine, column: keyColumn)
                }
                stack[last].key = key
                stack[last].expect = .colon
            case .colon:
                guard byte == UInt8(ascii: ":") else { return fail("expected ':' after the key \"\((top.key ?? "").prefix(80))\"") }
                position += 1
                stack[last].expect = .value
            case .value:
                stack[last].expect = .commaOrClose
                return try value(byte, in: top)
            case .commaOrClose:
                return commaOrClose(byte, closer: "}", then: .key) { "expected ',' or '}' in an object, found \($0)" }
            }
        } else {
            let records = top.role == .records
            switch top.expect {
            case .first where byte == UInt8(ascii: "]"):
                return close()
            case .value where byte == UInt8(ascii: "]"):
                return fail(
                    records
                        ? "a ',' before ']' leaves an empty record (a trailing comma)"
                        : "a ',' before ']' leaves an empty value (a trailing comma)")
            case .first, .value:
                if byte == UInt8(ascii: ",") {
                    return fail(
                        records
                            ? (top.expect == .first ? "a ',' before the first record" : "two ',' in a row between records")
                            : "unexpected ','; expected a value")
                }
                stack[last].expect = .commaOrClose
                return try value(byte, in: top)
            case .commaOrClose:
                return commaOrClose(byte, closer: "]", then: .value) {
                    records ? "expected ',' between records, found \($0)" : "expected ',' or ']' in an array, found \($0)"
                }
            case .key, .colon:
                return fail("unexpected \(describe(byte))")
            }
        }
        return nil
    }

    /// A value inside `parent` starts at `byte`: a record, a container to walk, or a scalar to check.
    private mutating func value(_ byte: UInt8, in parent: Frame) throws(RecordProblem) -> StreamItem? {
        if parent.role == .records { return try startRecord(byte) }
        var role = Role.other
        if parent.role == .envelope, parent.key == "entities" {
            guard byte == UInt8(ascii: "{") else {
                return fail("\"entities\" must be an object of record arrays by type, such as {\"\(entityType)\": [...]}")
            }
            role = .entities
        } else if parent.role == .entities, parent.key == entityType {
            guard byte == UInt8(ascii: "[") else { return fail("\"\(entityType)\" under \"entities\" must be an array of records") }
            role = .records
            sawTarget = true
        }
        switch byte {
        case UInt8(ascii: "{"): return open(isObject: true, role: role)
        case UInt8(ascii: "["): return open(isObject: false, role: role)
        default:
            let (_, item) = try readScalar()
            return item
        }
    }

    private mutating func open(isObject: Bool, role: Role) -> StreamItem? {
        guard stack.count < limits.depth else { return fail("nesting deeper than \(limits.depth) levels") }
        position += 1
        stack.append(Frame(isObject: isObject, role: role))
        return nil
    }

    private mutating func close() -> StreamItem? {
        position += 1
        stack.removeLast()
        return nil
    }

    /// After a value in an object or array: a `,` (then `next` is expected) or
    /// the `closer`; anything else is refused in the words `message` makes of it.
    private mutating func commaOrClose(
        _ byte: UInt8, closer: Unicode.Scalar, then next: Expect, message: (String) -> String
    ) -> StreamItem? {
        switch byte {
        case UInt8(ascii: ","):
            position += 1
            stack[stack.count - 1].expect = next
            return nil
        case UInt8(ascii: closer):
            return close()
        default:
            return fail(message(describe(byte)))
        }
    }

    /// Reads a string, number, literal (or a stray byte) and checks it with the
    /// core parser: its value, or the parser's own complaint as a problem.
    private mutating func readScalar() throws(RecordProblem) -> (JSONValue?, StreamItem?) {
        let (startLine, startColumn) = (line, column)
        guard let (start, end) = try cutScalar() else {
            return (
                nil,
                fail(
                    buffer[keepOrPosition] == UInt8(ascii: "\"")
                        ? "a string is not closed at the end of the file" : "unexpected end of the file")
            )
        }
        defer { keep = nil }
        if end - start > limits.recordBytes {
            return (nil, fail(limits.tooLarge("a value outside the records"), line: startLine, column: startColumn))
        }
        do {
            let value = try buffer.withUnsafeBufferPointer { all throws(JSONSyntaxError) in
                try JSONValue(parsing: UnsafeBufferPointer(rebasing: all[start..<end]), maxDepth: 1, byteOrderMark: false)
            }
            return (value, nil)
        } catch {
            return (nil, fail(error.message, line: startLine, column: startColumn + error.column - 1))
        }
    }

    private var keepOrPosition: Int { min(keep ?? position, buffer.count - 1) }

    /// The bounds of the scalar token at `position`, consumed; nil if the file ends inside it.
    /// A string ends at its closing quote or at a control character (which the
    /// parser then refuses), so a token never spans lines.
    private mutating func cutScalar() throws(RecordProblem) -> (Int, Int)? {
        keep = position
        let first = buffer[position]
        position += 1
        switch first {
        case UInt8(ascii: "\""):
            var escaped = false
            while true {
                guard try more() else { return nil }
                let byte = buffer[position]
                position += 1
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") || byte < 0x20 {
                    break
                }
                if position - keep! > limits.recordBytes { break }
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            while try more() {
                switch buffer[position] {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"):
                    position += 1
                default:
                    return (keep!, position)
                }
                if position - keep! > limits.recordBytes { break }
            }
        case 0xEF:
            // Take a whole byte order mark, so the parser names it.
            _ = try ensure(2)
            if position + 1 < buffer.count, buffer[position] == 0xBB, buffer[position + 1] == 0xBF { position += 2 }
        default:
            break
        }
        return (keep!, position)
    }

    // MARK: Records

    private mutating func startRecord(_ byte: UInt8) throws(RecordProblem) -> StreamItem? {
        let (recordLine, recordColumn) = (line, column)
        guard byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") else {
            // A scalar where a record belongs: the parser names what it is (or what is wrong with it).
            guard let (start, end) = try cutScalar() else {
                keep = nil
                return fail(byte == UInt8(ascii: "\"") ? "a string is not closed at the end of the file" : "unexpected end of the file")
            }
            defer { keep = nil }
            if end - start > limits.recordBytes { return fail(limits.tooLarge("the record"), line: recordLine, column: recordColumn) }
            return emit(start, end, line: recordLine, column: recordColumn, verify: true)
        }
        keep = position
        scan = RecordScan(line: recordLine, column: recordColumn)
        return try continueRecord()
    }

    /// Reads on through the record being cut; the record (or its problem) once it ends.
    private mutating func continueRecord() throws(RecordProblem) -> StreamItem? {
        guard var state = scan else { return nil }
        while true {
            if position >= buffer.count {
                guard try refill() else {
                    scan = nil
                    keep = nil
                    return fail(
                        state.inString
                            ? "a string is not closed at the end of the file" : "the JSON document is not closed at the end of the file")
                }
                continue
            }
            let byte = buffer[position]
            position += 1
            if byte == 0x0A {
                line += 1
                lineStart = position
            }
            if state.inString {
                if state.escaped {
                    state.escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    state.escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    state.inString = false
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): state.inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): state.depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): state.depth -= 1
                default: break
                }
            }
            if !state.inString && state.depth == 0 {
                scan = nil
                if state.discarding { return nil }
                let start = keep!
                keep = nil
                return emit(start, position, line: state.line, column: state.column, verify: verify)
            }
            if !state.discarding, position - keep! > limits.recordBytes {
                // Too large to send: say so now, and read past it without keeping it.
                state.discarding = true
                keep = nil
                scan = state
                return .problem(RecordProblem(line: state.line, column: state.column, message: limits.tooLarge("the record")))
            }
        }
    }

    private func emit(_ start: Int, _ end: Int, line: Int, column: Int, verify: Bool) -> StreamItem {
        let (renames, depth, around) = (self.renames, limits.depth, stack.count)
        return buffer.withUnsafeBufferPointer { all in
            RecordSource.record(
                UnsafeBufferPointer(rebasing: all[start..<end]), line: line, column: column, renames: renames, verify: verify, depth: depth,
                around: around)
        }
    }

    // MARK: Bytes

    private var column: Int { position - lineStart + 1 }

    /// The next byte that is not whitespace (not consumed), or nil at the end of the file.
    /// A byte order mark is skipped at the very start of the file only.
    private mutating func skipWhitespace() throws(RecordProblem) -> UInt8? {
        while true {
            guard try more() else { return nil }
            let byte = buffer[position]
            switch byte {
            case 0x20, 0x09, 0x0D:
                position += 1
            case 0x0A:
                position += 1
                line += 1
                lineStart = position
            case 0xEF where dropped + position == 0:
                _ = try ensure(3)
                guard buffer.count >= 3, buffer[1] == 0xBB, buffer[2] == 0xBF else { return byte }
                position = 3
                lineStart = 3
            default:
                return byte
            }
        }
    }

    /// Whether a byte is left at `position` (reading more if needed).
    private mutating func more() throws(RecordProblem) -> Bool {
        if position < buffer.count { return true }
        return try refill()
    }

    /// Whether `count` bytes from `position` are in `buffer` (reading more if needed).
    private mutating func ensure(_ count: Int) throws(RecordProblem) -> Bool {
        while buffer.count - position < count {
            guard try refill() else { return false }
        }
        return true
    }

    /// Reads more bytes, dropping what is consumed but keeping the token or record being read.
    private mutating func refill() throws(RecordProblem) -> Bool {
        guard !finished, let chunk = try chunks.next() else {
            finished = true
            return false
        }
        let cut = keep ?? position
        if cut > 0 {
            buffer.removeSubrange(0..<cut)
            position -= cut
            lineStart -= cut
            dropped += cut
            if keep != nil { keep = 0 }
        }
        buffer.append(contentsOf: chunk)
        return true
    }

    private mutating func fail(_ message: String, line: Int? = nil, column: Int? = nil) -> StreamItem {
        done = true
        return .problem(RecordProblem(line: line ?? self.line, column: column ?? self.column, message: message))
    }

    private mutating func finish() -> StreamItem? {
        done = true
        // An empty file, or one of whitespace only (and perhaps a byte order mark), holds
        // no records: like `[]`, a push reports it as empty (a warning, nothing sent).
        if !sawDocument { return nil }
        if !stack.isEmpty { return .problem(RecordProblem(line: line, message: "the JSON document is not closed at the end of the file")) }
        if !sawTarget {
            return .problem(RecordProblem(line: 1, message: "the envelope has no \"\(entityType)\" array under \"entities\""))
        }
        return nil
    }

    private func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x00: return "a NUL byte"
        case 0x0A: return "a line break"
        case 0x20...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "byte 0x\(String(byte, radix: 16, uppercase: true))"
        }
    }
}
