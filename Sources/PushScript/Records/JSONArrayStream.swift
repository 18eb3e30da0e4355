import PushAPI

/// The records of a `.json` file, one element at a time: a top-level array of
/// objects, or an envelope `{"entities": {"User": [...]}}` (the request body's
/// shape). Only the record being read is held in memory.
struct JSONArrayStream: RecordStream {
    let chunks: ByteChunks
    let entityType: String
    let renames: FieldRenames
    var verify = true

    private struct Frame {
        var isObject: Bool
        var key: String?
        var expectKey: Bool
    }

    private var buffer: [UInt8] = []
    private var position = 0
    private var finished = false
    private var line = 1
    /// Index in `buffer` just after the last line break (for columns).
    private var lineStartIndex = 0
    private var elementColumn = 1
    /// After a ',' in the records' array: a record must follow, not ']'.
    private var afterComma = false
    private var stack: [Frame] = []
    private var inString = false
    private var escaped = false
    private var keyStart: Int?
    private var elementStart: Int?
    private var elementLine = 0
    private var elementDepth = 0
    private var elementIsScalar = false
    private var expectingComma = false
    private var sawTarget = false
    private var sawDocument = false
    private var envelope = false
    private var done = false

    init(chunks: ByteChunks, entityType: String, renames: FieldRenames) {
        self.chunks = chunks
        self.entityType = entityType
        self.renames = renames
    }

    /// Whether the innermost container is the array whose elements are the records.
    private var atTarget: Bool {
        if envelope {
            return stack.count == 3 && stack[0].key == "entities" && stack[1].isObject && stack[1].key == entityType && !stack[2].isObject
        }
        return stack.count == 1 && !stack[0].isObject
    }

    mutating func next() throws(RecordProblem) -> StreamItem? {
        while !done {
            if position >= buffer.count {
                guard try refill() else { return try finish() }
                continue
            }
            let i = position
            let byte = buffer[i]
            position += 1
            if byte == 0x0A {
                line += 1
                lineStartIndex = position
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if let start = keyStart {
                        let key = try? JSONValue(parsing: Array(buffer[start...i]))
                        stack[stack.count - 1].key = key?.stringValue
                        keyStart = nil
                    }
                }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                continue
            case 0xEF where !sawDocument && i + 2 < buffer.count && buffer[i + 1] == 0xBB && buffer[i + 2] == 0xBF:
                position += 2  // a UTF-8 byte order mark
            case UInt8(ascii: "\""):
                if let item = try startElementIfAtTarget(i, scalar: true) { return item }
                inString = true
                if elementStart == nil, let top = stack.last, top.isObject, top.expectKey {
                    keyStart = i
                    stack[stack.count - 1].expectKey = false
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if stack.isEmpty {
                    if sawDocument { return fail("unexpected \(Character(Unicode.Scalar(byte))) after the end of the JSON document") }
                    sawDocument = true
                    envelope = byte == UInt8(ascii: "{")
                }
                if let item = try startElementIfAtTarget(i, scalar: false) { return item }
                stack.append(Frame(isObject: byte == UInt8(ascii: "{"), key: nil, expectKey: byte == UInt8(ascii: "{")))
                if atTarget && elementStart == nil { sawTarget = true }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if elementStart == nil, atTarget, byte == UInt8(ascii: "]"), afterComma {
                    return fail("a ',' before ']' leaves an empty record (a trailing comma)")
                }
                if let item = endScalarElement(at: i) { stack.removeLast(); return item }
                guard let top = stack.last else { return fail("unexpected \(Character(Unicode.Scalar(byte))) with nothing open") }
                if top.isObject != (byte == UInt8(ascii: "}")) {
                    return fail("'\(Character(Unicode.Scalar(byte)))' closes \(top.isObject ? "an object ('{')" : "an array ('[')"): the brackets do not match")
                }
                stack.removeLast()
                if let start = elementStart, !elementIsScalar, stack.count == elementDepth {
                    elementStart = nil
                    expectingComma = true
                    return emit(start, i + 1)
                }
                if atTarget || (elementStart == nil && stack.count == (envelope ? 3 : 1) - 1) { expectingComma = false }
            case UInt8(ascii: ","):
                if let item = endScalarElement(at: i) { expectingComma = false; afterComma = true; return item }
                if stack.last?.isObject == true { stack[stack.count - 1].expectKey = true }
                if atTarget && elementStart == nil {
                    if !expectingComma { return fail(afterComma ? "two ',' in a row between records" : "a ',' before the first record") }
                    expectingComma = false
                    afterComma = true
                }
            case UInt8(ascii: ":"):
                continue
            default:
                if stack.isEmpty { return fail("expected a JSON array of records (or an {\"entities\": ...} envelope)") }
                if let item = try startElementIfAtTarget(i, scalar: true) { return item }
            }
        }
        return nil
    }

    /// A new element of the target array begins at `i`.
    private mutating func startElementIfAtTarget(_ i: Int, scalar: Bool) throws(RecordProblem) -> StreamItem? {
        guard elementStart == nil, atTarget else { return nil }
        if expectingComma { return fail("expected ',' between records") }
        elementStart = i
        elementLine = line
        elementColumn = i - lineStartIndex + 1
        afterComma = false
        elementDepth = stack.count
        elementIsScalar = scalar && buffer[i] != UInt8(ascii: "\"") ? true : scalar
        return nil
    }

    /// Ends a scalar element (a string, number, true, false or null) at a delimiter.
    private mutating func endScalarElement(at i: Int) -> StreamItem? {
        guard let start = elementStart, elementIsScalar, stack.count == elementDepth else { return nil }
        elementStart = nil
        return emit(start, i)
    }

    private mutating func emit(_ start: Int, _ end: Int) -> StreamItem {
        let recordLine = elementLine
        let elementColumn = self.elementColumn
        let (renames, verify) = (self.renames, self.verify)
        return buffer.withUnsafeBufferPointer { all in
            RecordSource.record(UnsafeBufferPointer(rebasing: all[start..<end]), line: recordLine, column: elementColumn, renames: renames, verify: verify)
        }
    }

    private mutating func fail(_ message: String) -> StreamItem {
        done = true
        return .problem(RecordProblem(line: line, message: message))
    }

    /// Reads more bytes, keeping any unfinished element or key.
    private mutating func refill() throws(RecordProblem) -> Bool {
        guard !finished, let chunk = try chunks.next() else {
            finished = true
            return false
        }
        let keep = [elementStart, keyStart].compactMap { $0 }.min() ?? position
        buffer.removeSubrange(0..<keep)
        position -= keep
        lineStartIndex -= keep
        if let start = elementStart { elementStart = start - keep }
        if let start = keyStart { keyStart = start - keep }
        buffer.append(contentsOf: chunk)
        return true
    }

    private mutating func finish() throws(RecordProblem) -> StreamItem? {
        done = true
        if !sawDocument { return .problem(RecordProblem(line: line, message: "the file is empty; expected a JSON array of records")) }
        if !stack.isEmpty || inString {
            return .problem(RecordProblem(line: line, message: inString ? "a string is not closed at the end of the file" : "the JSON document is not closed at the end of the file"))
        }
        if envelope && !sawTarget {
            return .problem(RecordProblem(line: 1, message: "the envelope has no \"\(entityType)\" array under \"entities\""))
        }
        return nil
    }
}
